"""Analysis jobs: the ordering system's demand for next month, on the 25th (SPEC "Analysis",
step 1: online-ordering clients enter it by the 25th of the previous month)."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.jobs import RowErrors, job
from visits.rules import month_start, next_month

from .demand import import_ordering_demand
from .demand_sources import demand_source


@job("analysis.import_demand")
def import_demand(now):
    """Each batch (a dropped file) is stored whole or not at all, then acknowledged (moved
    to done/ or failed/), so running the job twice imports a file once."""
    default_month = next_month(month_start(timezone.localdate(now)))
    counts, errors = {"files": 0, "imported": 0, "changed": 0, "refused": 0}, RowErrors()
    for batch in demand_source().batches(default_month):
        problems = list(batch.errors)
        if not problems:
            try:
                result = import_ordering_demand(batch.rows)
            except ValidationError as error:
                problems = error.messages
            else:
                batch.done()
                counts["files"] += 1
                counts["imported"] += result["imported"]
                counts["changed"] += result["changed"]
                continue
        batch.failed()
        counts["refused"] += 1
        for problem in problems[:50]:
            errors.messages.append(f"{batch.name}: {problem}")
    return {**counts, "errors": errors.messages}

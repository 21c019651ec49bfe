"""The client file shows every logged visit and the temporary tasks done for the client,
both read in one ``UNION ALL`` query, newest first."""

from datetime import datetime

from django.db.models import BooleanField, CharField, F, OuterRef, Subquery, TextField, Value
from django.utils.translation import gettext as _

from clients.models import Client
from clients.timeline import TimelineEntry, earlier, register
from crm.queries import GroupConcat, person, person_columns, typed_null

from .models import TemporaryTask, VisitLog, VisitMethod

UNIT = "\x1f"  # separates the strategies' texts (no one types it)
COLUMNS = ("source", "when", "user_pk", "user_username", "user_first", "user_last", "text", "kind", "unplanned",
           "completed")  # fmt: skip


@register
def visits_and_tasks(client: Client, limit: int, before: datetime | None) -> list[TimelineEntry]:
    # The strategies each visit completed, as one text per log.
    completed = (
        VisitLog.completed_strategies.through.objects.filter(visitlog_id=OuterRef("pk"))
        .order_by()
        .values("visitlog_id")
        .annotate(texts=GroupConcat("servicestrategy__text", separator=UNIT))
        .values("texts")
    )
    logs = (
        VisitLog.objects.filter(earlier("created_at", before), client=client)
        .order_by()
        .annotate(
            source=Value("visit", output_field=CharField()),
            when=F("created_at"),
            **person_columns("user", "owner"),
            text=F("work_done"),
            kind=F("method"),
            unplanned=F("is_temporary"),
            completed=Subquery(completed, output_field=TextField()),
        )
        .values_list(*COLUMNS)
    )
    tasks = (
        TemporaryTask.objects.filter(earlier("created_at", before), client=client)
        .order_by()
        .annotate(
            source=Value("task", output_field=CharField()),
            when=F("created_at"),
            **person_columns("user", "owner"),
            text=F("description"),
            kind=typed_null(CharField()),
            unplanned=typed_null(BooleanField()),
            completed=typed_null(TextField()),
        )
        .values_list(*COLUMNS)
    )
    methods = dict(VisitMethod.choices)
    entries = []
    for values in logs.union(tasks, all=True).order_by("-when")[:limit]:
        row = dict(zip(COLUMNS, values, strict=True))
        if row["source"] == "task":
            title, detail = _("Temporary task (●)"), row["text"]
        else:
            method = methods.get(row["kind"], row["kind"])
            title = (_("Unplanned visit (%(method)s)") if row["unplanned"] else _("Visit (%(method)s)")) % {
                "method": method
            }
            detail = row["text"]
            if row["completed"]:  # in a fixed order: the aggregate has none
                items = "; ".join(sorted(row["completed"].split(UNIT)))
                detail += " · " + _("Completed: %(items)s") % {"items": items}
        entries.append(
            TimelineEntry(when=row["when"], kind="visit", title=title, user=person(row, "user"), detail=detail)
        )
    return entries

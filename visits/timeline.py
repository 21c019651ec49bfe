"""The client file shows every logged visit and the temporary tasks done for the client."""

from django.utils.translation import gettext as _

from clients.models import Client
from clients.timeline import TimelineEntry, register

from .models import TemporaryTask, VisitLog


@register
def visit_logs(client: Client, limit: int) -> list[TimelineEntry]:
    logs = (
        VisitLog.objects.filter(client=client)
        .select_related("owner")
        .prefetch_related("completed_strategies")
        .order_by("-date", "-created_at")[:limit]
    )
    entries = []
    for log in logs:
        title = (_("Unplanned visit (%(method)s)") if log.is_temporary else _("Visit (%(method)s)")) % {
            "method": log.get_method_display()
        }
        detail = log.work_done
        done = [s.text for s in log.completed_strategies.all()]
        if done:
            detail += " · " + _("Completed: %(items)s") % {"items": "; ".join(done)}
        entries.append(TimelineEntry(when=log.created_at, kind="visit", title=title, user=log.owner, detail=detail))
    return entries


@register
def temporary_tasks(client: Client, limit: int) -> list[TimelineEntry]:
    tasks = TemporaryTask.objects.filter(client=client).select_related("owner").order_by("-date", "-pk")[:limit]
    return [
        TimelineEntry(
            when=task.created_at, kind="visit", title=_("Temporary task (●)"), user=task.owner, detail=task.description
        )
        for task in tasks
    ]

"""Survey answers on the client file."""

from django.urls import reverse
from django.utils.translation import gettext as _

from clients.models import Client
from clients.timeline import TimelineEntry, register

from .selectors import recent_responses


@register
def survey_responses(client: Client, limit: int) -> list[TimelineEntry]:
    entries = []
    for response in recent_responses(client, limit):
        csat = "—" if response.csat is None else f"{response.csat:g}%"
        nps = "—" if response.nps_score is None else response.nps_score
        entries.append(
            TimelineEntry(
                when=response.submitted_at,
                kind="survey",
                title=_("Survey answered (%(via)s): CSAT %(csat)s, would recommend %(nps)s")
                % {"via": response.get_via_display(), "csat": csat, "nps": nps},
                user=response.entered_by,
                detail=_("Low score: a follow-up was created.") if response.is_low else "",
                url=reverse("surveys:invitation", args=[response.invitation_id]),
            )
        )
    return entries

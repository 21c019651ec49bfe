"""Survey answers on the client file."""

from datetime import datetime
from functools import partial

from django.utils.translation import gettext as _

from clients.models import Client
from clients.timeline import DeferredEntry, TimelineEntry, register, url_maker

from .models import Response
from .selectors import recent_responses


@register
def survey_responses(client: Client, limit: int, before: datetime | None) -> list[DeferredEntry]:
    vias = dict(Response._meta.get_field("via").flatchoices)
    invitation_url = url_maker("surveys:invitation")
    return [
        DeferredEntry(response.submitted_at, "survey", partial(_response, response, vias, invitation_url))
        for response in recent_responses(client, limit, before=before)
    ]


def _response(response: Response, vias: dict, invitation_url) -> TimelineEntry:
    csat = "—" if response.csat is None else f"{response.csat:g}%"
    nps = "—" if response.nps_score is None else response.nps_score
    return TimelineEntry(
        when=response.submitted_at,
        kind="survey",
        title=_("Survey answered (%(via)s): CSAT %(csat)s, would recommend %(nps)s")
        % {"via": vias.get(response.via, response.via), "csat": csat, "nps": nps},
        user=response.entered_by,
        detail=_("Low score: a follow-up was created.") if response.is_low else "",
        url=invitation_url(response.invitation_id),
    )

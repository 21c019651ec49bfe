"""What surveys tell the monthly plan: a client with a low score in the last three months
or an open follow-up is a problem (key) client. (The low score's own service strategy is
created when it is answered.)"""

from datetime import timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from visits.proposals import problem_finder

from .models import Response


@problem_finder
def clients_with_low_scores(clients, month):
    since = month - timedelta(days=92)
    low = (
        Response.objects.filter(client_id__in=[c.pk for c in clients], is_low=True)
        .filter(Q(submitted_at__date__gte=since) | Q(follow_up__done_at__isnull=True, follow_up__isnull=False))
        .values_list("client_id", flat=True)
        .distinct()
    )
    return {client_id: [_("Low satisfaction score")] for client_id in low}

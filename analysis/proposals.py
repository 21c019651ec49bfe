"""What the analysis tells the monthly plan: the problem clients that steps 5 and 6 named
for the month (a target client behind an abnormal rate, a client behind an abnormal market
indicator) join the proposed key clients, each with its reason."""

from visits.proposals import problem_finder

from .models import ProblemClient


@problem_finder
def clients_behind_abnormal_indicators(clients, month):
    reasons: dict[int, list[str]] = {}
    rows = (
        ProblemClient.objects.filter(client_id__in=[c.pk for c in clients], month=month)
        .order_by("client_id", "source")
        .values_list("client_id", "reason")
    )
    for client_id, reason in rows:
        reasons.setdefault(client_id, []).append(reason)
    return reasons

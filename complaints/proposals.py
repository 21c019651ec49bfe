"""What complaints tell the monthly plan: open complaints make problem (key) clients and
a service strategy each; the daily sheet lists them."""

from django.utils.translation import gettext as _

from visits.proposals import Proposal, problem_finder, strategy_proposer

from .selectors import open_complaints_by_client


@strategy_proposer
def follow_up_open_complaints(clients, month):
    by_client = open_complaints_by_client([c.pk for c in clients])
    return [
        Proposal(
            client_id, f"complaint-{complaint.pk}", _("Follow up complaint %(number)s") % {"number": complaint.number}
        )
        for client_id, complaints in by_client.items()
        for complaint in complaints
    ]


@problem_finder
def clients_with_open_complaints(clients, month):
    return {
        client_id: [_("%(count)s open complaint(s)") % {"count": len(complaints)}]
        for client_id, complaints in open_complaints_by_client([c.pk for c in clients]).items()
    }

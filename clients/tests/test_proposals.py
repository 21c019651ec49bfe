"""Grade change proposals: propose, approve or reject, one open proposal per client."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from clients import services
from clients.models import Client, GradeProposal
from clients.tests.factories import ClientFactory, default_tier
from clients.timeline import client_timeline
from notifications.models import Notification


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def acme(manager):
    return ClientFactory(owner=manager, name="Acme Tea", size="small", tier=default_tier("standard"))


@pytest.fixture
def proposal(acme, manager):
    return services.propose_grade(
        client=acme,
        by=manager,
        reason="Volume doubled",
        proposed_tier=default_tier("vip-silver"),
        proposed_size="medium",
    )


def test_manager_proposes_from_the_client_page(client, manager, supervisor, acme):
    url = reverse("clients:propose_grade", args=[acme.pk])
    login(client, manager)
    assert client.get(url).status_code == 200
    response = client.post(url, {"proposed_tier": default_tier("vip-gold").pk, "reason": "Big new contract"})
    proposal = GradeProposal.objects.get()
    assert response.status_code == 302 and response.url == proposal.get_absolute_url()
    assert (proposal.status, proposal.proposed_by, proposal.team, proposal.current_tier.code) == (
        "pending",
        manager,
        manager.team,
        "standard",
    )
    assert Notification.objects.filter(recipient=supervisor, kind="clients.grade_proposal").exists()
    acme.refresh_from_db()
    assert acme.tier.code == "standard"  # nothing changes before approval


def test_a_proposal_must_change_something_and_give_a_reason(client, manager, acme):
    login(client, manager)
    response = client.post(reverse("clients:propose_grade", args=[acme.pk]), {"reason": "x"})
    assert response.status_code == 200
    assert "Propose at least one change" in response.content.decode()
    response = client.post(reverse("clients:propose_grade", args=[acme.pk]), {"proposed_size": "large"})
    assert "reason" in response.context["form"].errors
    assert not GradeProposal.objects.exists()


def test_one_open_proposal_per_client(client, manager, acme, proposal):
    response = login(client, manager).post(
        reverse("clients:propose_grade", args=[acme.pk]), {"proposed_size": "large", "reason": "Again"}
    )
    assert response.status_code == 200
    assert "This client already has an open grade change proposal." in response.content.decode()
    assert GradeProposal.objects.count() == 1


def test_the_database_refuses_a_second_pending_proposal(acme, manager, proposal):
    with pytest.raises(IntegrityError), transaction.atomic():
        GradeProposal.objects.create(
            client=acme, proposed_by=manager, current_tier=acme.tier, current_client_type="enterprise",
            current_size="small", proposed_size="large", reason="dup",
        )  # fmt: skip


def test_supervisor_approves_and_the_client_changes_with_history(client, manager, supervisor, acme, proposal):
    response = login(client, supervisor).post(
        reverse("clients:proposal_decide", args=[proposal.pk]), {"decision": "approve", "comment": "Agreed"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    acme.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.decision_comment) == ("approved", supervisor, "Agreed")
    assert (acme.tier.code, acme.size) == ("vip-silver", "medium")
    assert acme.history.first().history_change_reason == "Grade change approved: Volume doubled"
    assert Notification.objects.filter(recipient=manager, kind="clients.grade_proposal_decided").exists()
    titles = [entry.title for entry in client_timeline(acme)]
    assert "Grade change approved" in titles and "Grade change proposed" in titles
    # a new proposal may follow once the first is decided
    services.propose_grade(client=acme, by=manager, reason="Next", proposed_size="large")


def test_reject_needs_a_comment(client, supervisor, acme, proposal):
    login(client, supervisor)
    url = reverse("clients:proposal_decide", args=[proposal.pk])
    client.post(url, {"decision": "reject", "comment": " "})
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    client.post(url, {"decision": "reject", "comment": "Volume is seasonal"})
    proposal.refresh_from_db()
    acme.refresh_from_db()
    assert (proposal.status, proposal.decision_comment) == ("rejected", "Volume is seasonal")
    assert acme.tier.code == "standard" and acme.size == "small"
    assert "Grade change rejected" in [entry.title for entry in client_timeline(acme)]


def test_proposer_cannot_approve(client, supervisor, manager, acme):
    # a supervisor proposing for their own team: only an admin may decide
    own = services.propose_grade(client=acme, by=supervisor, reason="Mine", proposed_size="large")
    login(client, supervisor)
    assert client.get(reverse("clients:proposal", args=[own.pk])).context["can_decide"] is False
    refused = client.post(reverse("clients:proposal_decide", args=[own.pk]), {"decision": "approve", "comment": ""})
    assert refused.status_code == 403
    own.refresh_from_db()
    assert own.status == "pending"


def test_manager_cannot_decide_own_proposal(client, manager, proposal):
    login(client, manager)
    assert (
        client.post(reverse("clients:proposal_decide", args=[proposal.pk]), {"decision": "approve"}).status_code == 403
    )
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_admin_decides(client, admin_user, proposal):
    login(client, admin_user).post(reverse("clients:proposal_decide", args=[proposal.pk]), {"decision": "approve"})
    proposal.refresh_from_db()
    assert proposal.status == "approved"


def test_other_team_cannot_see_or_act(client, other_supervisor, other_manager, teammate, proposal):
    for user in (other_supervisor, other_manager, teammate):
        login(client, user)
        assert client.get(reverse("clients:proposal", args=[proposal.pk])).status_code == 404
        url = reverse("clients:proposal_decide", args=[proposal.pk])
        assert client.post(url, {"decision": "approve"}).status_code == 404
        assert client.get(reverse("clients:propose_grade", args=[proposal.client_id])).status_code == 404
        assert list(client.get(reverse("clients:proposals")).context["page"].object_list) == []
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_list_shows_pending_in_scope(client, manager, supervisor, teammate, proposal):
    theirs = ClientFactory(owner=teammate)
    other = services.propose_grade(client=theirs, by=teammate, reason="t", proposed_size="large")
    decided = services.propose_grade(client=ClientFactory(owner=manager), by=manager, reason="d", proposed_size="large")
    services.decide_proposal(decided, by=supervisor, approve=True)
    assert list(login(client, manager).get(reverse("clients:proposals")).context["page"].object_list) == [proposal]
    page = login(client, supervisor).get(reverse("clients:proposals")).context["page"]
    assert set(page.object_list) == {proposal, other}


@pytest.mark.parametrize("rows", [2, 30])
def test_list_queries_do_not_grow(client, supervisor, manager, rows, django_assert_max_num_queries):
    for _ in range(rows):
        services.propose_grade(
            client=ClientFactory(owner=manager), by=manager, reason="r", proposed_tier=default_tier("vip-gold")
        )
    login(client, supervisor)
    # session, user, count, rows, team ids of the scope, unread notifications
    with django_assert_max_num_queries(7):
        response = client.get(reverse("clients:proposals"))
    assert response.status_code == 200


def test_detail_and_client_page_show_the_pending_proposal(client, manager, acme, proposal):
    login(client, manager)
    html = client.get(reverse("clients:detail", args=[acme.pk])).content.decode()
    assert reverse("clients:proposal", args=[proposal.pk]) in html
    response = client.get(reverse("clients:proposal", args=[proposal.pk]))
    assert "Volume doubled" in response.content.decode()
    assert Client.objects.get(pk=acme.pk).proposals.count() == 1

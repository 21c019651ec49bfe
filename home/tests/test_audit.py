"""The audit trail of a client: who changed what and when (supervisors of the team and
admins), a fixed number of queries, and records that are never deleted."""

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.test import RequestFactory
from django.urls import reverse
from simple_history.utils import update_change_reason

from clients.tests.factories import ClientFactory, ContactFactory
from complaints import services as complaint_services
from complaints.models import Category, Complaint
from visits.models import VisitLog
from visits.tests.factories import VisitLogFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(manager):
    return ClientFactory(owner=manager, name="Acme Tea")


def test_supervisor_sees_who_changed_what(client, acme, manager, supervisor):
    acme.phone = "0571-12345678"
    acme._history_user = manager
    acme.save()
    update_change_reason(acme, "New switchboard")
    contact = ContactFactory(client=acme, name="Li Lei")
    contact.title = "Director"
    contact.save()
    client.force_login(supervisor)
    page = client.get(reverse("home:client_history", args=[acme.pk]))
    assert page.status_code == 200
    entries = page.context["entries"]
    phone = next(e for e in entries if any(c.new == "0571-12345678" for c in e.changes))
    assert phone.who == str(manager) and phone.reason == "New switchboard" and phone.action == "changed"
    title = next(e for e in entries if e.label == "Li Lei" and e.changes)
    assert [(c.old, c.new) for c in title.changes] == [("Manager", "Director")]
    assert [e.action for e in entries].count("created") == 2  # the client and the contact


def test_history_is_for_supervisors_and_admins_in_scope(client, acme, manager, other_supervisor, admin_user):
    client.force_login(manager)
    assert client.get(reverse("home:client_history", args=[acme.pk])).status_code == 403
    client.force_login(other_supervisor)
    assert client.get(reverse("home:client_history", args=[acme.pk])).status_code == 404
    client.force_login(admin_user)
    assert client.get(reverse("home:client_history", args=[acme.pk])).status_code == 200


@pytest.mark.parametrize("changes", [1, 15])
def test_history_page_queries_do_not_grow(client, acme, manager, supervisor, changes, django_assert_max_num_queries):
    category = Category.objects.filter(parent__isnull=False).first()
    for number in range(changes):
        acme.name = f"Acme Tea {number}"
        acme.save()
        ContactFactory(client=acme)
        complaint_services.register(by=manager, client=acme, category=category, channel="phone", description="x")
    client.force_login(supervisor)
    # session, user, client, 2 per audited model (10), the inbox count, teams
    with django_assert_max_num_queries(28):
        page = client.get(reverse("home:client_history", args=[acme.pk]))
    assert len(page.context["entries"]) >= 3 * changes


def test_complaints_and_visit_logs_are_never_deleted(manager, acme, admin_user):
    category = Category.objects.filter(parent__isnull=False).first()
    complaint = complaint_services.register(
        by=manager, client=acme, category=category, channel="phone", description="x"
    )
    log = VisitLogFactory(owner=manager, client=acme, date=acme.created_at.date(), method="phone",
                                  work_done="Called", submission="audit-1")  # fmt: skip
    for record in (complaint, log):
        with pytest.raises(PermissionDenied):
            record.delete()
        with pytest.raises(PermissionDenied), transaction.atomic():
            type(record).objects.filter(pk=record.pk).delete()  # in bulk too
    with pytest.raises(ProtectedError):
        acme.delete()  # a client with complaints and visit logs is archived, not deleted
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    assert not site._registry[Complaint].has_delete_permission(request, complaint)
    assert not site._registry[VisitLog].has_delete_permission(request, log)
    assert Complaint.objects.filter(pk=complaint.pk).exists() and VisitLog.objects.filter(pk=log.pk).exists()


def test_a_complaint_of_another_team_stays_out_of_the_history(client, acme, manager, other_supervisor, other_manager):
    """The client moves to another team; its complaint stays with the old team: the new
    team's supervisor sees the client's history, but not that complaint's."""
    category = Category.objects.filter(parent__isnull=False).first()
    complaint = complaint_services.register(
        by=manager, client=acme, category=category, channel="phone", description="Secret compensation"
    )
    acme.owner, acme.team = other_manager, other_manager.team
    acme.save()
    client.force_login(other_supervisor)
    assert client.get(complaint.get_absolute_url()).status_code == 404
    entries = client.get(reverse("home:client_history", args=[acme.pk])).context["entries"]
    assert entries and not any(e.label == complaint.number for e in entries)
    owner_change = next(e for e in entries if any(c.field == "account manager" for c in e.changes))
    change = next(c for c in owner_change.changes if c.field == "account manager")
    assert (change.old, change.new) == (str(manager), str(other_manager))  # names, not ids

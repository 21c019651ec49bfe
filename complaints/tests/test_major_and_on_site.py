"""Major complaints go up at once, and product-quality problems that need someone on site
get a third deadline (issue #28, item 12; seed 001)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory, default_tier
from complaints import selectors, services
from complaints.defaults import ensure_complaint_defaults
from complaints.models import Category, Complaint, ComplaintEvent, SlaPolicy
from dashboards.figures import complaint_dashboard
from notifications.models import Notification
from visits import checkins, rules
from visits import services as visit_services
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(manager):
    return ClientFactory(owner=manager, name="Acme Tea", tier=default_tier("standard"))


@pytest.fixture
def defect():
    """ "质量缺陷 Defect", under the seeded "Product quality" category (0010 flags the parent)."""
    ensure_complaint_defaults()
    return Category.objects.get(name_en="Defect")


@pytest.fixture
def billing():
    return Category.objects.get(name_en="Billing")


def register(by, client, category, **fields):
    fields.setdefault("severity", "critical")  # clock hours (0002_defaults)
    return services.register(by=by, client=client, category=category, channel="phone",
                             description="Mould in the tea", **fields)  # fmt: skip


def test_a_major_complaint_reaches_the_supervisor_and_management_at_registration(
    manager, supervisor, admin_user, acme, billing
):
    complaint = register(manager, acme, billing)
    told = set(Notification.objects.filter(kind="complaint.major").values_list("recipient__username", flat=True))
    assert told == {supervisor.username, admin_user.username}
    assert complaint.level == 0  # reported, not escalated: the manager still handles it
    register(manager, acme, billing, severity="high")
    assert Notification.objects.filter(kind="complaint.major").count() == 2


def test_the_product_quality_category_is_flagged_and_its_children_follow(defect, billing):
    assert defect.parent.quality and defect.is_quality
    assert not billing.is_quality


def test_a_quality_complaint_needing_someone_on_site_gets_the_policys_on_site_deadline(manager, acme, defect):
    complaint = register(manager, acme, defect, needs_on_site=True)
    assert complaint.on_site_due == complaint.received_at + timedelta(hours=8)
    SlaPolicy.objects.filter(severity="critical").update(on_site_hours=4)
    sooner = register(manager, acme, defect, needs_on_site=True)
    assert sooner.on_site_due == sooner.received_at + timedelta(hours=4)
    assert register(manager, acme, defect).on_site_due is None


def test_only_a_quality_complaint_asks_for_someone_on_site(manager, acme, billing):
    with pytest.raises(ValidationError) as error:
        register(manager, acme, billing, needs_on_site=True)
    assert "needs_on_site" in error.value.message_dict
    assert not Complaint.objects.exists()


def test_the_web_form_refuses_it_next_to_the_field(client, manager, acme, billing):
    client.force_login(manager)
    page = client.post(
        f"{reverse('complaints:create')}?client={acme.pk}",
        {"channel": "phone", "category": billing.pk, "severity": "normal", "needs_on_site": "on",
         "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "description": "Mould"},
    )  # fmt: skip
    assert page.status_code == 200 and page.context["form"].errors["needs_on_site"]
    assert not Complaint.objects.exists()


@pytest.fixture
def todays_visit(manager, supervisor, acme):
    today = timezone.localdate()
    plan = visit_services.start_plan(owner=manager, month=rules.month_start(today), by=manager)
    visit_services.submit_plan(plan, by=manager)
    visit_services.approve_plan(plan, by=supervisor)
    return PlannedVisitFactory(owner=manager, client=acme, date=today, method="on_site")


def test_a_check_in_at_the_client_meets_the_on_site_deadline(manager, acme, defect, todays_visit):
    SlaPolicy.objects.filter(severity="critical").update(on_site_hours=1)  # before the 2-hour first response
    complaint = register(manager, acme, defect, needs_on_site=True)
    other = register(manager, ClientFactory(owner=manager), defect, needs_on_site=True)
    arrived = timezone.now() + timedelta(minutes=20)
    with time_machine.travel(arrived, tick=False):  # a check-in is not taken in the future
        checkins.check_in(todays_visit, by=manager, at=arrived)
    complaint.refresh_from_db()
    other.refresh_from_db()
    assert complaint.on_site_at == arrived and other.on_site_at is None
    assert complaint.events.filter(kind=ComplaintEvent.Kind.ON_SITE).exists()
    assert services.escalate_breached(complaint.on_site_due + timedelta(minutes=30)) == 1  # only the other one
    other.refresh_from_db()
    assert other.level == Complaint.Level.SUPERVISOR


def test_a_visit_log_on_site_meets_it_too(manager, acme, defect, todays_visit):
    complaint = register(manager, acme, defect, needs_on_site=True)
    visit_services.log_visit(
        owner=manager, client=acme, submission="s-1", day=timezone.localdate(), method="on_site",
        work_done="Took the mouldy batch back", planned_visit=todays_visit,
    )  # fmt: skip
    complaint.refresh_from_db()
    assert complaint.on_site_at is not None


def test_nobody_on_site_in_time_escalates_like_the_other_deadlines(manager, supervisor, acme, defect):
    SlaPolicy.objects.filter(severity="critical").update(on_site_hours=1)
    complaint = register(manager, acme, defect, needs_on_site=True)
    assert complaint.on_site_due < complaint.first_response_due
    late = complaint.on_site_due + timedelta(minutes=1)
    assert Complaint.objects.filter(selectors.breached_q(late)).get() == complaint
    assert services.escalate_breached(late) == 1
    complaint.refresh_from_db()
    assert complaint.level == Complaint.Level.SUPERVISOR
    assert Notification.objects.filter(recipient=supervisor, kind="complaint.escalated").exists()


def test_the_page_the_list_and_the_dashboard_show_them(client, supervisor, manager, acme, defect):
    complaint = register(manager, acme, defect, needs_on_site=True)
    client.force_login(supervisor)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert 'data-testid="on-site-due"' in page and 'data-testid="major"' in page
    listed = client.get(reverse("complaints:list")).content.decode()
    assert 'data-testid="on-site"' in listed and 'data-testid="major"' in listed
    late = client.get(reverse("complaints:list"), {"late": "on_site"})
    assert list(late.context["page"].object_list) == []
    now = complaint.on_site_due + timedelta(hours=1)
    board = complaint_dashboard(Complaint.objects.all(), now - timedelta(days=1), now, now=now)
    assert (board.major_open, board.on_site_breached, board.on_site_total) == (1, 1, 1)
    assert 'data-testid="major-open"' in client.get(reverse("dashboards:complaints")).content.decode()

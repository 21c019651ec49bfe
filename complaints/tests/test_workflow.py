from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory, default_tier
from complaints import services
from complaints.models import Category, Complaint, ComplaintEvent, ReturnVisit
from notifications.models import Notification
from visits import selectors as visit_selectors
from visits import services as visit_services
from visits.tests.factories import PlannedVisitFactory

State = Complaint.State


@pytest.fixture
def category(db):
    return Category.objects.filter(parent__isnull=False).first()


@pytest.fixture
def acme(manager):
    return ClientFactory(owner=manager, name="Acme Tea", tier=default_tier("standard"))


def register(by, client, category, **fields):
    fields.setdefault("severity", "normal")
    fields.setdefault("channel", "phone")
    return services.register(by=by, client=client, category=category, description="Late delivery twice", **fields)


def resolve(complaint, by):
    services.move(complaint, "acknowledge", by=by, note="Told: Wang Fang handles it, answer by Friday")
    services.move(complaint, "start", by=by)
    return services.move(
        complaint, "resolve", by=by, root_cause="Courier missed", action_taken="Changed courier",
        compensation="Apology and voucher", compensation_amount=200,
    )  # fmt: skip


def test_register_numbers_assigns_owner_and_deadlines(supervisor, manager, acme, category):
    first = register(supervisor, acme, category)
    second = register(manager, acme, category)
    year = timezone.localtime(first.received_at).year
    assert (first.number, second.number) == (f"TS-{year}-000001", f"TS-{year}-000002")
    assert first.owner == manager and first.team == manager.team and first.state == State.NEW
    assert first.first_response_due < first.resolution_due
    assert Notification.objects.filter(recipient=manager, message__contains=first.number).exists()
    assert first.events.get().kind == "registered"


def test_out_of_scope_client_cannot_get_a_complaint(other_manager, acme, category):
    with pytest.raises(PermissionDenied):
        register(other_manager, acme, category)


def test_full_legal_path_with_events(manager, acme, category):
    complaint = register(manager, acme, category)
    resolve(complaint, manager)
    assert complaint.state == State.RESOLVED and complaint.compensation_amount == 200
    services.move(complaint, "close", by=manager, note="Client confirmed by phone")
    services.move(complaint, "reopen", by=manager, note="Happened again")
    assert complaint.state == State.IN_PROGRESS and complaint.resolved_at is None
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == ["registered", "acknowledged", "started", "resolved", "closed", "reopened"]
    assert all(e.by == manager for e in complaint.events.exclude(kind="registered"))
    assert complaint.history.count() >= 6


ILLEGAL = [
    (State.NEW, ["start", "resolve", "close", "reopen"]),
    (State.ACKNOWLEDGED, ["acknowledge", "resolve", "close", "reopen"]),
    (State.IN_PROGRESS, ["acknowledge", "start", "close", "reopen"]),
    (State.RESOLVED, ["acknowledge", "start", "resolve"]),
    (State.CLOSED, ["acknowledge", "start", "resolve", "close"]),
]


@pytest.mark.parametrize(("state", "steps"), ILLEGAL)
def test_illegal_moves_are_refused_with_a_message(manager, acme, category, state, steps):
    complaint = register(manager, acme, category)
    complaint.state = state
    complaint.save()
    for step in steps:
        with pytest.raises(ValidationError) as error:
            services.move(complaint, step, by=manager, note="x", root_cause="x", action_taken="x")
        assert "cannot be" in " ".join(error.value.messages)
        complaint.refresh_from_db()
        assert complaint.state == state


def test_required_notes_and_resolution_fields(manager, acme, category):
    complaint = register(manager, acme, category)
    with pytest.raises(ValidationError):
        services.move(complaint, "acknowledge", by=manager, note="  ")
    services.move(complaint, "acknowledge", by=manager, note="Told the client")
    services.move(complaint, "start", by=manager)
    with pytest.raises(ValidationError):
        services.move(complaint, "resolve", by=manager, root_cause="", action_taken="x")


def test_only_the_handler_moves_it(manager, teammate, supervisor, acme, category):
    complaint = register(manager, acme, category)
    with pytest.raises(PermissionDenied):
        services.move(complaint, "acknowledge", by=teammate, note="x")
    with pytest.raises(PermissionDenied):
        services.move(complaint, "acknowledge", by=supervisor, note="x")  # not escalated to them yet
    services.escalate(complaint, by=manager, reason="Needs a credit note")
    services.move(complaint, "acknowledge", by=supervisor, note="Supervisor called the client")


def test_escalation_levels_and_who_is_notified(manager, supervisor, admin_user, acme, category):
    complaint = register(manager, acme, category)
    services.escalate(complaint, by=manager, reason="Needs approval")
    assert complaint.level == 1
    assert Notification.objects.filter(recipient=supervisor, message__contains="Needs approval").exists()
    services.escalate(complaint, by=supervisor, reason="Legal risk")
    assert complaint.level == 2
    assert Notification.objects.filter(recipient=admin_user, message__contains="Legal risk").exists()
    with pytest.raises(ValidationError):
        services.escalate(complaint, by=admin_user, reason="again")
    assert complaint.events.filter(kind="escalated").count() == 2


def test_breached_deadlines_escalate_one_level_per_cooldown(settings, manager, supervisor, admin_user, acme, category):
    settings.CRM_ESCALATION_COOLDOWN_HOURS = 4
    late_answer = register(manager, acme, category)
    late_fix = register(manager, acme, category)
    on_time = register(manager, acme, category)
    services.move(late_fix, "acknowledge", by=manager, note="Told")
    now = timezone.now()
    Complaint.objects.filter(pk=late_answer.pk).update(first_response_due=now - timedelta(hours=1))
    Complaint.objects.filter(pk=late_fix.pk).update(resolution_due=now - timedelta(hours=1))
    # Business-hour deadlines registered late at night fall within the next ten hours: keep this one clear of them.
    Complaint.objects.filter(pk=on_time.pk).update(
        first_response_due=now + timedelta(days=3), resolution_due=now + timedelta(days=7)
    )
    assert services.escalate_breached(now) == 2
    assert services.escalate_breached(now) == 0  # cooling down: the supervisor gets time to act
    assert Notification.objects.filter(recipient=supervisor).count() == 2
    assert services.escalate_breached(now + timedelta(hours=5)) == 2
    for complaint, level in ((late_answer, 2), (late_fix, 2), (on_time, 0)):
        complaint.refresh_from_db()
        assert complaint.level == level
    assert Notification.objects.filter(recipient=admin_user).count() == 2
    assert services.escalate_breached(now + timedelta(hours=10)) == 0  # management is the top


def test_reopening_gives_a_fresh_resolution_deadline(manager, acme, category):
    complaint = resolve(register(manager, acme, category), manager)
    Complaint.objects.filter(pk=complaint.pk).update(resolution_due=timezone.now() - timedelta(days=3))
    complaint.refresh_from_db()
    services.move(complaint, "reopen", by=manager, note="Again")
    assert complaint.resolution_due > timezone.now()


def test_client_hand_over_moves_open_complaints_and_return_visits(manager, teammate, supervisor, acme, category):
    from clients.services import reassign_owner

    open_one = register(manager, acme, category)
    resolved = resolve(register(manager, acme, category), manager)
    reassign_owner(client=acme, new_owner=teammate, by=supervisor, reason="Area change")
    open_one.refresh_from_db()
    assert open_one.owner == teammate
    assert ReturnVisit.objects.get(complaint=resolved).owner == teammate
    services.move(open_one, "acknowledge", by=teammate, note="New manager called")


def test_management_includes_superusers(manager, acme, category):
    from accounts.tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    complaint = register(manager, acme, category)
    assert root in services.escalation_recipients(complaint, 2)


def test_not_satisfied_after_an_automatic_close_reopens(settings, manager, acme, category):
    complaint = resolve(register(manager, acme, category), manager)
    services.close_unanswered(timezone.now() + timedelta(days=settings.CRM_COMPLAINT_AUTO_CLOSE_DAYS + 1))
    visit = ReturnVisit.objects.get(complaint=complaint)
    services.record_return_visit(visit, by=manager, satisfied=False, note="Not fixed")
    complaint.refresh_from_db()
    assert complaint.state == State.IN_PROGRESS and complaint.level == 1


def test_holidays_are_not_business_days(manager, category):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from workdays.tests.factories import CalendarDayFactory

    CalendarDayFactory(date=date(2026, 11, 30), name="Company holiday")
    client = ClientFactory(owner=manager, tier=default_tier("standard"))
    received = datetime(2026, 11, 27, 16, tzinfo=ZoneInfo("Asia/Shanghai"))
    first_due, _ = services.compute_deadlines(client, "normal", received)
    assert first_due == datetime(2026, 12, 1, 15, tzinfo=ZoneInfo("Asia/Shanghai"))  # Monday skipped


def test_resolution_schedules_a_return_visit_and_satisfied_closes(settings, manager, acme, category):
    settings.CRM_RETURN_VISIT_DAYS = 3
    complaint = resolve(register(manager, acme, category), manager)
    visit = ReturnVisit.objects.get(complaint=complaint)
    assert visit.owner == manager and visit.due_date == timezone.localdate() + timedelta(days=3)
    services.record_return_visit(visit, by=manager, satisfied=True, note="Happy")
    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED and complaint.closed_at


def test_unsatisfied_return_visit_reopens_and_escalates(manager, supervisor, acme, category):
    complaint = resolve(register(manager, acme, category), manager)
    visit = ReturnVisit.objects.get(complaint=complaint)
    services.record_return_visit(visit, by=manager, satisfied=False, note="Still late")
    complaint.refresh_from_db()
    assert complaint.state == State.IN_PROGRESS and complaint.level == 1
    assert Notification.objects.filter(recipient=supervisor).exists()
    with pytest.raises(ValidationError):
        services.record_return_visit(visit, by=manager, satisfied=True)


def test_unanswered_resolutions_close_after_the_configured_days(settings, manager, acme, category):
    settings.CRM_COMPLAINT_AUTO_CLOSE_DAYS = 7
    complaint = resolve(register(manager, acme, category), manager)
    assert services.close_unanswered(timezone.now() + timedelta(days=6)) == 0
    assert services.close_unanswered(timezone.now() + timedelta(days=8)) == 1
    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED


def test_open_complaint_feeds_the_plan_and_the_sheet(manager, supervisor, acme, category):
    complaint = register(manager, acme, category)
    month = timezone.localdate().replace(day=1)
    plan = visit_services.start_plan(owner=manager, month=month, by=manager)
    line = plan.lines.get(client=acme)
    assert line.is_key and "open complaint" in line.key_reasons
    assert acme.service_strategies.filter(source=f"complaint-{complaint.pk}").exists()
    visit_services.submit_plan(plan, by=manager)
    visit_services.approve_plan(plan, by=supervisor)

    PlannedVisitFactory(owner=manager, client=acme, date=timezone.localdate(), method="on_site")
    stop = visit_selectors.day_sheet(manager, timezone.localdate())[0]
    assert stop.open_complaints == [complaint]
    resolve(complaint, manager)
    assert visit_selectors.month_progress(manager, month).complaints_handled == 1


def test_complaint_events_on_the_client_timeline(client, manager, acme, category):
    complaint = register(manager, acme, category)
    client.force_login(manager)
    timeline = client.get(reverse("clients:detail", args=[acme.pk])).context["timeline"]
    assert any(e.kind == "complaint" and complaint.number in e.title for e in timeline)


def test_complaints_are_never_deleted_in_admin(client, admin_user, manager, acme, category):
    complaint = register(manager, acme, category)
    client.force_login(admin_user)
    client.post(reverse("admin:complaints_complaint_delete", args=[complaint.pk]), {"post": "yes"})
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert ComplaintEvent.objects.filter(complaint=complaint).exists()

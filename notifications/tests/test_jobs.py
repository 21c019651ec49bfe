"""Each job's selection logic at a frozen time, delivery once, e-mail preferences and the
job runner (recorded runs, the run-once command, failing rows)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import EmailPreference
from clients.tests.factories import ClientFactory, ContactFactory
from complaints import services as complaint_services
from complaints.models import Category, Complaint, ReturnVisit
from notifications import services
from notifications.jobs import run_job
from notifications.models import JobRun, Notification
from surveys import services as survey_services
from surveys.defaults import ensure_default_survey
from surveys.models import Invitation
from visits.tests.factories import MonthlyPlanFactory, PlannedVisitFactory, ServiceStrategyFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Friday; the 27th is not the last working day of November 2026 (the 30th, a Monday, is).
FRIDAY = datetime(2026, 11, 27, 8, 0, tzinfo=SHANGHAI)


def at(moment):
    return time_machine.travel(moment, tick=False)


def inbox(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


@pytest.fixture
def category(db):
    return Category.objects.filter(parent__isnull=False).first()


# --- visits -----------------------------------------------------------------------------


def test_morning_digest_lists_today_and_runs_once(manager, teammate):
    acme = ClientFactory(owner=manager)
    with at(FRIDAY):
        today = timezone.localdate()
        PlannedVisitFactory(owner=manager, client=acme, date=today, method="on_site")
        PlannedVisitFactory(owner=manager, client=ClientFactory(owner=manager), date=today, method="phone")
        ServiceStrategyFactory(client=acme, month=today.replace(day=1), text="Bring the new price list")
        first = run_job("visits.morning_digest")
        second = run_job("visits.morning_digest")
    assert first.ok and first.counts == {"notified": 1}
    assert second.counts == {"notified": 0}  # a second run (a duplicate beat) delivers nothing
    [digest] = inbox(manager, "digest.morning")
    assert "计划拜访 2 次（待办服务策略 1 项）" in digest.message  # in the manager's language
    assert inbox(teammate, "digest.morning") == []  # nothing to do, no message


def test_plan_not_submitted_from_the_configured_day(settings, manager, teammate):
    settings.CRM_PLAN_SUBMIT_BY_DAY = 3
    with at(datetime(2026, 12, 2, 9, tzinfo=SHANGHAI)):
        assert run_job("visits.plan_reminders").counts["not_submitted"] == 0
    MonthlyPlanFactory(owner=teammate, team=teammate.team, month=date(2026, 12, 1), status="submitted")
    with at(datetime(2026, 12, 3, 9, tzinfo=SHANGHAI)):
        run = run_job("visits.plan_reminders")
    assert len(inbox(manager, "plan.not_submitted")) == 1
    assert inbox(teammate, "plan.not_submitted") == []
    assert run.counts["waiting"] == 1  # the teammate's submitted plan waits for the supervisor
    assert len(inbox(teammate.team.supervisor, "plan.waiting")) == 1


def test_weekly_summary_due_on_friday_only(manager):
    with at(FRIDAY - timedelta(days=1)):
        assert run_job("visits.summaries_due").counts == {"weekly": 0, "monthly": 0}
    with at(FRIDAY):
        assert run_job("visits.summaries_due").counts == {"weekly": 1, "monthly": 0}
    with at(datetime(2026, 11, 30, 14, tzinfo=SHANGHAI)):  # the last working day of November
        assert run_job("visits.summaries_due").counts == {"weekly": 0, "monthly": 1}


# --- clients ----------------------------------------------------------------------------


def test_overdue_clients_and_twice_overdue_to_the_supervisor(manager, supervisor):
    with at(FRIDAY):
        today = timezone.localdate()
        once = ClientFactory(owner=manager, name="Once Late", visit_frequency="monthly")
        twice = ClientFactory(owner=manager, name="Twice Late", visit_frequency="monthly")
        ClientFactory(owner=manager, name="On Time", visit_frequency="monthly", last_visited_on=today)
        # next_visit_due is computed on save; set the overdue ones directly.
        type(once).objects.filter(pk=once.pk).update(
            last_visited_on=today - timedelta(days=40), next_visit_due=today - timedelta(days=10)
        )
        type(twice).objects.filter(pk=twice.pk).update(
            last_visited_on=today - timedelta(days=70), next_visit_due=today - timedelta(days=40)
        )
        run_job("clients.overdue")
        run_job("clients.overdue")
    [mine] = inbox(manager, "clients.overdue")
    assert mine.message.startswith("2 个客户") and "On Time" not in mine.message
    [theirs] = inbox(supervisor, "clients.twice_overdue")
    assert "Twice Late" in theirs.message and "Once Late" not in theirs.message


def test_birthdays_days_ahead_once_a_year(settings, manager):
    settings.CRM_BIRTHDAY_DAYS_AHEAD = 3
    acme = ClientFactory(owner=manager)
    ContactFactory(client=acme, name="Li Lei", is_key_person=True, birthday=date(1980, 11, 30))
    ContactFactory(client=acme, name="Not Key", is_key_person=False, birthday=date(1980, 11, 30))
    ContactFactory(client=acme, name="Other Day", is_key_person=True, birthday=date(1980, 12, 1))
    with at(FRIDAY):
        assert run_job("clients.birthdays").counts == {"notified": 1}
        assert run_job("clients.birthdays").counts == {"notified": 0}
    [note] = inbox(manager, "clients.birthday")
    assert "Li Lei" in note.message and "11-30" in note.message


# --- complaints -------------------------------------------------------------------------


def test_deadline_soon_warns_once_and_breach_escalates(settings, manager, supervisor, category):
    settings.CRM_DEADLINE_SOON_HOURS = 4
    acme = ClientFactory(owner=manager)
    complaint = complaint_services.register(
        by=manager, client=acme, category=category, severity="normal", channel="phone", description="Late"
    )
    due = complaint.first_response_due
    with at(due - timedelta(hours=6)):
        assert run_job("complaints.deadlines_soon").counts == {"notified": 0}
    with at(due - timedelta(hours=2)):
        assert run_job("complaints.deadlines_soon").counts == {"notified": 1}
        assert run_job("complaints.deadlines_soon").counts == {"notified": 0}
    with at(due + timedelta(minutes=1)):
        assert run_job("complaints.escalate_breached").counts == {"escalated": 1}
        assert run_job("complaints.escalate_breached").counts == {"escalated": 0}  # cool-down
    complaint.refresh_from_db()
    assert complaint.level == 1
    assert complaint.history.first().history_change_reason == "Deadline missed"
    assert complaint.events.filter(kind="escalated").count() == 1
    assert len(inbox(supervisor, "complaint.escalated")) == 1


def test_return_visits_due(manager, category):
    acme = ClientFactory(owner=manager)
    complaint = complaint_services.register(
        by=manager, client=acme, category=category, severity="normal", channel="phone", description="Late"
    )
    visit = ReturnVisit.objects.create(complaint=complaint, owner=manager, due_date=date(2026, 11, 28))
    with at(FRIDAY):
        assert run_job("complaints.return_visits_due").counts == {"notified": 0}
    with at(FRIDAY + timedelta(days=1)):
        assert run_job("complaints.return_visits_due").counts == {"notified": 1}
    visit.done_at = timezone.now()
    visit.save()
    with at(FRIDAY + timedelta(days=2)):
        assert run_job("complaints.return_visits_due").counts == {"notified": 0}


# --- surveys ----------------------------------------------------------------------------


def test_survey_after_closed_complaint_waits_then_once(settings, manager, category):
    ensure_default_survey()
    settings.CRM_SURVEY_AFTER_COMPLAINT_HOURS = 2
    acme = ClientFactory(owner=manager)
    ContactFactory(client=acme, is_key_person=True, email="boss@example.com")
    complaint = complaint_services.register(
        by=manager, client=acme, category=category, severity="normal", channel="phone", description="Late"
    )
    closed_at = timezone.now()
    Complaint.objects.filter(pk=complaint.pk).update(state="closed", closed_at=closed_at)
    with at(closed_at + timedelta(hours=1)):
        assert run_job("surveys.invite").counts["after_complaints"] == 0  # not in the same hour
    with at(closed_at + timedelta(hours=3)):
        assert run_job("surveys.invite").counts["after_complaints"] == 1
        assert run_job("surveys.invite").counts["after_complaints"] == 0
    invitation = Invitation.objects.get(complaint=complaint)
    assert invitation.contact.email == "boss@example.com" and invitation.reason == "complaint"


def test_survey_cadence_per_tier(manager):
    ensure_default_survey()
    acme = ClientFactory(owner=manager)  # standard tier: every 12 months
    with at(FRIDAY):
        assert run_job("surveys.invite").counts["by_cadence"] == 1
        assert run_job("surveys.invite").counts["by_cadence"] == 0
    with at(FRIDAY + timedelta(days=200)):
        assert run_job("surveys.invite").counts["by_cadence"] == 0
    with at(FRIDAY + timedelta(days=400)):
        assert run_job("surveys.invite").counts["by_cadence"] == 1
    assert Invitation.objects.filter(client=acme, reason="cadence").count() == 2


def test_send_due_emails_or_asks_for_the_link_and_a_failing_row_does_not_stop(monkeypatch, manager):
    from surveys import tasks

    ensure_default_survey()
    acme, other, by_hand = (ClientFactory(owner=manager) for _ in range(3))
    broken = survey_services.build_invitation(acme, contact=ContactFactory(client=acme, email="a@example.com"))
    broken.save()
    fine = survey_services.build_invitation(other, contact=ContactFactory(client=other, email="b@example.com"))
    fine.save()
    survey_services.build_invitation(by_hand, contact=ContactFactory(client=by_hand)).save()
    queued = []

    def delay(invitation_id):
        if invitation_id == broken.pk:
            raise OperationalError("broker unreachable")
        queued.append(invitation_id)
        survey_services.send(invitation_id)

    monkeypatch.setattr(tasks.send_invitation, "delay", delay)
    run = run_job("surveys.send_due")
    assert run.counts == {"queued": 1, "asked_by_hand": 1}
    assert not run.ok and f"invitation {broken.pk}" in run.errors
    assert queued == [fine.pk] and len(mail.outbox) == 1
    assert Invitation.objects.get(pk=broken.pk).state == "pending"  # picked up by the next run
    assert len(inbox(manager, "survey.send_link")) == 1


def test_reminder_after_n_days_then_expiry(settings, manager, monkeypatch):
    from surveys import tasks

    ensure_default_survey()
    settings.CRM_SURVEY_REMINDER_DAYS = 3
    monkeypatch.setattr(tasks.send_reminder, "delay", survey_services.remind)
    acme = ClientFactory(owner=manager)
    invitation = survey_services.build_invitation(acme, contact=ContactFactory(client=acme, email="a@example.com"))
    invitation.save()
    assert survey_services.send(invitation.pk)
    with at(timezone.now() + timedelta(days=2)):
        assert run_job("surveys.remind").counts == {"queued": 0}
    with at(timezone.now() + timedelta(days=4)):
        assert run_job("surveys.remind").counts == {"queued": 1}
        assert run_job("surveys.remind").counts == {"queued": 0}
    assert len(mail.outbox) == 2 and "Reminder" in mail.outbox[1].subject
    with at(timezone.now() + timedelta(days=31)):
        assert run_job("surveys.expire").counts == {"expired": 1}
    assert Invitation.objects.get().state == "expired"


def test_web_request_survives_a_broker_outage(client, manager, monkeypatch, django_capture_on_commit_callbacks):
    from surveys import tasks

    ensure_default_survey()

    def down(*args, **kwargs):
        raise OperationalError("broker unreachable")

    monkeypatch.setattr(tasks.send_invitation, "delay", down)
    acme = ClientFactory(owner=manager)
    contact = ContactFactory(client=acme, email="a@example.com")
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/surveys/clients/{acme.pk}/invite/", {"contact": contact.pk, "language": "en"})
    assert response.status_code == 302
    assert Invitation.objects.get().state == "pending"  # surveys.send_due sends it later


# --- e-mail -----------------------------------------------------------------------------


def test_email_each_is_sent_once_after_commit(manager, monkeypatch, django_capture_on_commit_callbacks):
    from notifications import tasks

    manager.email, manager.email_notifications = "m@example.com", EmailPreference.EACH
    manager.save()
    monkeypatch.setattr(tasks.send_notification_email, "delay", services.send_email)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([manager], kind="test.kind", key="1", message="Complaint TS-1 escalated", url="/complaints/")
        services.notify([manager], kind="test.kind", key="1", message="Complaint TS-1 escalated")
    assert len(mail.outbox) == 1
    assert "Complaint TS-1 escalated" in mail.outbox[0].body and "/complaints/" in mail.outbox[0].body
    note = Notification.objects.get()
    assert note.emailed_at is not None
    assert services.send_email(note.pk) is False  # a retried task sends nothing more


def test_email_failure_is_logged_and_retried(manager, settings):
    settings.EMAIL_BACKEND = "notifications.tests.flaky_email.FlakyBackend"
    from notifications.tests import flaky_email

    flaky_email.reset(failures=1)
    manager.email = "m@example.com"
    manager.save()
    services.notify([manager], kind="test.kind", key="1", message="Hello")
    note = Notification.objects.get()
    with pytest.raises(OSError):
        services.send_email(note.pk)
    note.refresh_from_db()
    assert note.emailed_at is None and "refused" in note.email_error
    assert services.send_email(note.pk) is True
    assert len(flaky_email.SENT) == 1


def test_daily_digest_groups_and_respects_preferences(manager, teammate, supervisor):
    manager.email, manager.email_notifications, manager.language = "m@example.com", EmailPreference.DIGEST, "zh-hans"
    manager.save()
    teammate.email, teammate.email_notifications = "t@example.com", EmailPreference.NONE
    teammate.save()
    for key in ("1", "2"):
        services.notify([manager, teammate], kind="test.kind", key=key, message=f"Reminder {key}")
    run = run_job("notifications.email_digest")
    assert run.counts == {"emails": 1, "notifications": 2, "failed": 0}
    assert run_job("notifications.email_digest").counts["emails"] == 0
    [digest] = mail.outbox
    assert digest.to == ["m@example.com"] and "Reminder 1" in digest.body and "Reminder 2" in digest.body
    assert "提醒" in digest.subject  # in the recipient's language


# --- runner and command -------------------------------------------------------------------


def test_runs_are_recorded_and_the_command_runs_one_job(manager, capsys):
    call_command("run_job", "--list")
    assert "clients.overdue" in capsys.readouterr().out
    call_command("run_job", "clients.overdue", "--at", "2026-11-27T08:00+08:00")
    run = JobRun.objects.get()
    assert (run.name, run.trigger, run.ok) == ("clients.overdue", "command", True)
    assert run.finished_at >= run.started_at
    with pytest.raises(CommandError, match="unknown job"):
        call_command("run_job", "no.such_job")


def test_a_crashing_job_is_recorded(monkeypatch, db):
    from notifications import jobs

    def boom(now):
        raise RuntimeError("database on fire")

    monkeypatch.setitem(jobs.JOBS, "test.boom", boom)
    with pytest.raises(RuntimeError):
        run_job("test.boom")
    run = JobRun.objects.get(name="test.boom")
    assert not run.ok and "database on fire" in run.errors


def test_a_supervisors_own_plan_waits_for_the_admins(supervisor, admin_user):
    MonthlyPlanFactory(owner=supervisor, team=supervisor.team, month=date(2026, 11, 1), status="submitted")
    with at(FRIDAY):
        run_job("visits.plan_reminders")
    assert inbox(supervisor, "plan.waiting") == []  # nobody approves their own plan
    assert len(inbox(admin_user, "plan.waiting")) == 1


def test_link_only_invitations_never_crowd_out_emails(settings, manager, monkeypatch):
    from surveys import tasks

    ensure_default_survey()
    settings.CRM_JOB_BATCH_SIZE = 2
    for _ in range(3):  # more link-only invitations than a batch
        survey_services.build_invitation(ClientFactory(owner=manager)).save()
    emailed = ClientFactory(owner=manager)
    survey_services.build_invitation(emailed, contact=ContactFactory(client=emailed, email="e@example.com")).save()
    queued = []
    monkeypatch.setattr(tasks.send_invitation, "delay", queued.append)
    assert run_job("surveys.send_due").counts == {"queued": 1, "asked_by_hand": 2}
    assert queued == [Invitation.objects.get(client=emailed).pk]


def test_a_refused_address_is_logged_and_not_retried(manager, settings):
    from notifications.tasks import send_notification_email

    settings.EMAIL_BACKEND = "notifications.tests.flaky_email.RefusingBackend"
    manager.email = "m@example.com"
    manager.save()
    services.notify([manager], kind="test.kind", key="1", message="Hello")
    note = Notification.objects.get()
    assert send_notification_email.apply(args=[note.pk]).get() is False  # no Retry raised
    note.refresh_from_db()
    assert note.emailed_at is None and "no such user" in note.email_error

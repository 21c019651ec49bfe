"""A line break in a user's name (or anything quoted in a subject) never stops an e-mail,
and an e-mail that failed for good is marked so and shown in the delivery log."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import EmailPreference
from clients import services as client_services
from clients.tests.factories import ClientFactory, default_tier
from notifications import services
from notifications.models import Notification

EVIL = "Evil\r\nBcc: x@y"


@pytest.fixture
def each(monkeypatch):
    """E-mail tasks run at once, as a worker would run them."""
    from notifications import tasks

    task = tasks.send_notification_email
    monkeypatch.setattr(task, "delay", lambda pk: task.apply(args=[pk]))


def test_single_line_turns_every_line_break_and_control_character_into_one_space():
    from notifications.mail import single_line

    assert single_line(EVIL) == "Evil Bcc: x@y"
    assert single_line("a\u2028b\x85c\x00d\te  f\x0bg") == "a b c d e f g"
    assert single_line("  ok  ") == "ok"


def test_a_name_with_a_line_break_is_e_mailed_on_one_line(
    manager, supervisor, each, django_capture_on_commit_callbacks
):
    manager.first_name = EVIL
    manager.save()
    supervisor.email, supervisor.email_notifications = "sup@example.com", EmailPreference.EACH
    supervisor.save()
    acme = ClientFactory(owner=manager, tier=default_tier("standard"))
    with django_capture_on_commit_callbacks(execute=True):
        client_services.propose_grade(
            client=acme, by=manager, reason="Volume doubled", proposed_tier=default_tier("vip-gold")
        )
    [sent] = mail.outbox
    assert sent.to == ["sup@example.com"] and sent.bcc == [] and sent.recipients() == ["sup@example.com"]
    assert "\n" not in sent.subject and "\r" not in sent.subject
    assert "Evil Bcc: x@y" in sent.subject
    message = sent.message()
    assert message["Bcc"] is None
    note = Notification.objects.get(recipient=supervisor)
    assert note.emailed_at is not None and note.email_error == "" and note.email_failed_at is None


def test_every_mail_the_app_sends_has_a_one_line_subject(db):
    from notifications.mail import send

    send(subject=EVIL, body="Body\r\nBcc: still body", to="a@example.com")
    [sent] = mail.outbox
    assert sent.subject == "Evil Bcc: x@y" and sent.bcc == [] and sent.recipients() == ["a@example.com"]


def test_a_refused_address_is_marked_as_failed_for_good(manager, settings):
    from notifications.tasks import send_notification_email

    settings.EMAIL_BACKEND = "notifications.tests.flaky_email.RefusingBackend"
    manager.email = "m@example.com"
    manager.save()
    services.notify([manager], kind="test.kind", key="1", message="Hello")
    note = Notification.objects.get()
    assert send_notification_email.apply(args=[note.pk]).get() is False
    note.refresh_from_db()
    assert note.emailed_at is None and "no such user" in note.email_error
    assert note.email_failed_at is not None
    assert note.pk not in services.pending_immediate_emails()


def test_a_mail_that_cannot_be_built_is_marked_as_failed_for_good(manager, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("header values can't contain newlines")

    monkeypatch.setattr("notifications.mail.send_mail", broken)
    manager.email = "m@example.com"
    manager.save()
    services.notify([manager], kind="test.kind", key="1", message="Hello")
    note = Notification.objects.get()
    with pytest.raises(ValueError):
        services.send_email(note.pk)
    note.refresh_from_db()
    assert note.email_failed_at is not None and "newlines" in note.email_error


def test_a_transient_failure_is_not_marked_as_failed_for_good(manager, settings):
    from notifications.tests import flaky_email

    settings.EMAIL_BACKEND = "notifications.tests.flaky_email.FlakyBackend"
    flaky_email.reset(failures=1)
    manager.email = "m@example.com"
    manager.save()
    services.notify([manager], kind="test.kind", key="1", message="Hello")
    note = Notification.objects.get()
    with pytest.raises(OSError):
        services.send_email(note.pk)
    note.refresh_from_db()
    assert note.email_error and note.email_failed_at is None


def test_a_task_out_of_retries_marks_its_notification_as_failed_for_good(manager, settings):
    from notifications.tasks import send_notification_email
    from notifications.tests import flaky_email

    settings.EMAIL_BACKEND = "notifications.tests.flaky_email.FlakyBackend"
    flaky_email.reset(failures=100)
    manager.email = "m@example.com"
    manager.save()
    services.notify([manager], kind="test.kind", key="1", message="Hello")
    note = Notification.objects.get()
    result = send_notification_email.apply(args=[note.pk], retries=send_notification_email.max_retries)
    assert isinstance(result.result, OSError)
    note.refresh_from_db()
    assert note.emailed_at is None and note.email_failed_at is not None


def test_the_delivery_log_lists_failures_that_will_not_be_retried(client, admin_user, manager, teammate):
    services.notify([manager, teammate], kind="test.kind", key="1", message="Hello")
    given_up = Notification.objects.get(recipient=manager)
    services.record_email_failure([given_up.pk], ValueError("broken header"), permanent=True)
    retrying = Notification.objects.get(recipient=teammate)
    services.record_email_failure([retrying.pk], ConnectionRefusedError("try later"), permanent=False)
    client.force_login(admin_user)
    url = reverse("admin:notifications_notification_changelist")
    page = client.get(url, {"delivery": "failed"})
    assert page.status_code == 200
    assert [n.pk for n in page.context["cl"].result_list] == [given_up.pk]
    assert "broken header" in page.content.decode()
    retried = client.get(url, {"delivery": "retrying"})
    assert [n.pk for n in retried.context["cl"].result_list] == [retrying.pk]

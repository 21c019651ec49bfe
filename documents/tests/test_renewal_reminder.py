"""The renewal reminder: the client's manager is told CRM_DOCUMENT_RENEWAL_DAYS before a
document's date, exactly once; a new date re-arms it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clients.tests.factories import ClientFactory
from documents import services
from documents.tests.factories import ClientDocumentFactory
from notifications.jobs import run_job
from notifications.models import Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 7, 12, tzinfo=SHANGHAI)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CRM_DOCUMENT_RENEWAL_DAYS = 30
    with time_machine.travel(NOW, tick=False):
        yield


def reminders():
    return list(Notification.objects.filter(kind=services.RENEWAL_KIND).order_by("pk"))


def test_the_job_run_twice_sends_one_reminder(manager):
    document = ClientDocumentFactory(client=ClientFactory(owner=manager, name="Acme Tea"),
                                     expires_on=TODAY + timedelta(days=30), title="Supply contract")  # fmt: skip
    assert run_job("documents.renewals_due", now=NOW).counts == {"notified": 1}
    assert run_job("documents.renewals_due", now=NOW).counts == {"notified": 0}
    assert services.send_renewal_reminders(TODAY + timedelta(days=1)) == 0  # the next days too
    (sent,) = reminders()
    assert sent.recipient == manager
    assert "Supply contract" in sent.message and "Acme Tea" in sent.message and "2026-12-18" in sent.message
    document.refresh_from_db()
    assert document.reminded_for == document.expires_on


def test_a_new_date_re_arms_the_reminder(manager):
    document = ClientDocumentFactory(client=ClientFactory(owner=manager), expires_on=TODAY + timedelta(days=10))
    assert services.send_renewal_reminders(TODAY) == 1
    services.change_expiry(document, by=manager, expires_on=TODAY + timedelta(days=20))
    assert services.send_renewal_reminders(TODAY) == 1
    assert services.send_renewal_reminders(TODAY) == 0
    assert len(reminders()) == 2
    # Renewed for a year: nothing until 30 days before that date.
    services.change_expiry(document, by=manager, expires_on=TODAY + timedelta(days=365))
    assert services.send_renewal_reminders(TODAY) == 0
    assert services.send_renewal_reminders(TODAY + timedelta(days=335)) == 1
    assert document.history.filter(history_user=manager).count() == 3  # the upload and two new dates


def test_only_current_documents_within_the_window_are_reminded(manager, settings):
    acme = ClientFactory(owner=manager)
    ClientDocumentFactory(client=acme, expires_on=TODAY + timedelta(days=31))  # not yet
    ClientDocumentFactory(client=acme, expires_on=TODAY - timedelta(days=1))  # past
    ClientDocumentFactory(client=acme, expires_on=None)  # no date
    removed = ClientDocumentFactory(client=acme, expires_on=TODAY + timedelta(days=5))
    services.remove_document(removed, by=manager)
    old = ClientDocumentFactory(client=acme, expires_on=TODAY + timedelta(days=5))
    new = ClientDocumentFactory(client=acme, expires_on=TODAY + timedelta(days=6), replaces=old)
    assert services.send_renewal_reminders(TODAY) == 1
    assert reminders()[0].key == f"{new.pk}:{new.expires_on:%Y-%m-%d}"
    settings.CRM_DOCUMENT_RENEWAL_DAYS = 60
    assert services.send_renewal_reminders(TODAY) == 1  # the one 31 days ahead, now within 60


def test_the_reminder_goes_to_the_clients_manager_of_today(manager, teammate):
    acme = ClientFactory(owner=manager)
    ClientDocumentFactory(client=acme, by=teammate, expires_on=TODAY + timedelta(days=3))
    services.send_renewal_reminders(TODAY)
    assert [n.recipient for n in reminders()] == [manager]


def test_the_job_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["documents-renewals-due"]
    assert entry["args"] == ["documents.renewals_due"]

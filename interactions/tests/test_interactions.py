from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.tests.factories import ClientFactory, ContactFactory, default_tier
from interactions import jobs, selectors, services
from interactions.models import BulkMessage, BulkRecipient, Channel, FollowUpTask, Interaction
from notifications.models import Notification
from visits import rules
from visits import services as visit_services
from visits.models import PlannedVisit

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A fixed Monday morning, so the deadlines below are checked on known times.
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)


def log(client_obj, by, **kwargs):
    kwargs.setdefault("channel", Channel.PHONE)
    kwargs.setdefault("summary", "Asked about the new rates")
    interaction, _created = services.log_interaction(client=client_obj, by=by, **kwargs)
    return interaction


# --- interactions on the timeline ------------------------------------------------------------


@pytest.mark.django_db
def test_each_kind_of_interaction_is_saved_and_shown_newest_first_on_the_timeline(client, manager):
    acme = ClientFactory(owner=manager, name="Acme Tea")
    contact = ContactFactory(client=acme, name="Ms Wang")
    now = timezone.now()
    kinds = [Channel.PHONE, Channel.SMS, Channel.WECHAT, Channel.LETTER, Channel.EMAIL, Channel.OFFICE]
    for minutes, channel in enumerate(kinds):
        log(acme, manager, channel=channel, summary=f"note {channel}", contact=contact,
            occurred_at=now - timedelta(hours=6) + timedelta(minutes=minutes))  # fmt: skip
    client.force_login(manager)
    response = client.get(reverse("clients:detail", args=[acme.pk]))
    body = response.content.decode()
    positions = [body.index(f"note {channel}") for channel in kinds]
    assert positions == sorted(positions, reverse=True)  # the last one logged comes first
    for label in ["Phone call", "SMS", "WeChat", "Letter", "Email", "Visit to our office"]:
        assert label in body
    assert "Ms Wang" in body
    assert Interaction.objects.filter(client=acme).count() == 6


@pytest.mark.django_db
def test_the_form_logs_a_call_once_even_when_submitted_twice(client, manager):
    acme = ClientFactory(owner=manager)
    contact = ContactFactory(client=acme)
    client.force_login(manager)
    url = reverse("interactions:log", args=[acme.pk])
    page = client.get(url + f"?contact={contact.pk}")
    assert page.status_code == 200
    assert page.context["form"].initial["contact"] == contact.pk
    data = {
        "submission": "abc123",
        "channel": "phone",
        "direction": "in",
        "contact": contact.pk,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "summary": "Wants a visit about the contract",
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert Interaction.objects.filter(client=acme).count() == 1
    assert Interaction.objects.get().contact == contact


@pytest.mark.django_db
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(client, manager):
    acme = ClientFactory(owner=manager)
    client.force_login(manager)
    response = client.post(
        reverse("interactions:log", args=[acme.pk]),
        {
            "submission": "x1",
            "channel": "pigeon",
            "direction": "in",
            "occurred_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "summary": "",
            "follow_up_on": "2026-12-30",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"channel", "occurred_at", "summary", "promise"}
    assert not Interaction.objects.exists()


@pytest.mark.django_db
def test_a_contact_of_another_client_is_refused(manager):
    acme, other = ClientFactory(owner=manager), ClientFactory(owner=manager)
    with pytest.raises(ValidationError):
        log(acme, manager, contact=ContactFactory(client=other))


# --- promises become follow-up tasks and reminders ---------------------------------------------


@pytest.mark.django_db
def test_a_promise_with_a_date_becomes_a_task_on_the_home_page_and_one_reminder(client, manager, supervisor):
    acme = ClientFactory(owner=manager, name="Acme Tea")
    today = timezone.localdate()
    # The supervisor took the call: the task is still the client's manager's.
    interaction = log(acme, supervisor, promise="Send the price list", follow_up_on=today + timedelta(days=2))
    task = FollowUpTask.objects.get()
    assert (task.owner, task.client, task.interaction) == (manager, acme, interaction)
    assert task.due_on == interaction.follow_up_on

    client.force_login(manager)
    home = client.get(reverse("home:start")).content.decode()
    assert "Send the price list" in home

    assert jobs.follow_ups_due(today) == 0  # not due yet
    assert jobs.follow_ups_due(today + timedelta(days=2)) == 1
    assert jobs.follow_ups_due(today + timedelta(days=3)) == 0  # once only
    reminder = Notification.objects.get(recipient=manager, kind="interactions.follow_up")
    assert "Send the price list" in reminder.message and "Acme Tea" in reminder.message

    client.post(reverse("interactions:follow_up_done", args=[task.pk]), {"note": "Sent by e-mail"})
    task.refresh_from_db()
    assert task.done_at is not None and task.done_note == "Sent by e-mail"
    assert "Follow-up done: Send the price list" in client.get(acme.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_only_the_owner_completes_a_follow_up(client, manager, supervisor, teammate):
    acme = ClientFactory(owner=manager)
    log(acme, manager, promise="Call back", follow_up_on=timezone.localdate())
    task = FollowUpTask.objects.get()
    client.force_login(supervisor)
    assert client.post(reverse("interactions:follow_up_done", args=[task.pk])).status_code == 403
    client.force_login(teammate)
    assert client.post(reverse("interactions:follow_up_done", args=[task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


# --- request response times ------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_deadlines_are_24_and_48_hours_from_when_the_client_asked(manager):
    acme = ClientFactory(owner=manager)
    request = log(acme, manager, occurred_at=T0, is_request=True, visit_needed=True)
    assert request.reply_due == T0 + timedelta(hours=24)
    assert request.visit_due == T0 + timedelta(hours=48)
    plain = log(acme, manager, occurred_at=T0)
    assert plain.reply_due is None and not plain.reply_late(T0 + timedelta(days=9))


@pytest.mark.django_db
def test_the_deadlines_are_configurable(manager, settings):
    settings.CRM_REQUEST_REPLY_HOURS, settings.CRM_REQUEST_VISIT_HOURS = 4, 12
    request = log(ClientFactory(owner=manager), manager, occurred_at=T0, visit_needed=True)
    assert request.is_request  # a visit request is a request
    assert (request.reply_due, request.visit_due) == (T0 + timedelta(hours=4), T0 + timedelta(hours=12))


@pytest.mark.django_db
def test_lateness_on_fixed_times(manager):
    acme = ClientFactory(owner=manager)
    on_time = log(acme, manager, occurred_at=T0, is_request=True)
    services.record_reply(on_time, by=manager, at=T0 + timedelta(hours=23, minutes=59))
    late_reply = log(acme, manager, occurred_at=T0, is_request=True)
    services.record_reply(late_reply, by=manager, at=T0 + timedelta(hours=24, minutes=1))
    unanswered = log(acme, manager, occurred_at=T0, is_request=True)
    visit_waiting = log(acme, manager, occurred_at=T0, visit_needed=True)
    services.record_reply(visit_waiting, by=manager, at=T0 + timedelta(hours=1))

    at_day_two = T0 + timedelta(hours=30)
    assert not on_time.reply_late(at_day_two)
    assert late_reply.reply_late(at_day_two)
    assert unanswered.reply_late(at_day_two)
    assert not unanswered.reply_late(T0 + timedelta(hours=23))
    assert not visit_waiting.visit_late(at_day_two)  # 48 hours for the visit
    assert visit_waiting.visit_late(T0 + timedelta(hours=48, minutes=1))

    everything = Interaction.objects.all()
    assert set(services.late_requests(everything, at_day_two)) == {late_reply, unanswered}
    assert set(services.late_requests(everything, T0 + timedelta(hours=49))) == {late_reply, unanswered, visit_waiting}
    assert set(services.open_requests(everything)) == {unanswered, visit_waiting}


@pytest.mark.django_db
def test_late_requests_remind_the_manager_and_the_supervisor_once(manager, supervisor):
    acme = ClientFactory(owner=manager, name="Acme Tea")
    log(acme, manager, occurred_at=T0, is_request=True, summary="Wants a new invoice")
    assert jobs.requests_late(T0 + timedelta(hours=23)) == 0
    assert jobs.requests_late(T0 + timedelta(hours=25)) == 2
    assert jobs.requests_late(T0 + timedelta(hours=26)) == 0
    assert set(Notification.objects.filter(kind="interactions.reply_late").values_list("recipient", flat=True)) == {
        manager.pk,
        supervisor.pk,
    }


@pytest.fixture
def approved_plan(manager, supervisor):
    """A client (returned) on this month's approved plan."""
    acme = ClientFactory(owner=manager)
    today = timezone.localdate()
    plan = visit_services.start_plan(owner=manager, month=rules.month_start(today), by=manager)
    visit_services.submit_plan(plan, by=manager)
    visit_services.approve_plan(plan, by=supervisor)
    return acme


@pytest.mark.django_db
def test_planning_the_visit_answers_the_visit_request_from_the_list(client, manager, approved_plan):
    acme = approved_plan
    request = log(acme, manager, visit_needed=True)
    client.force_login(manager)
    page = client.get(reverse("interactions:requests"))
    assert request in page.context["page"].object_list
    day = timezone.localdate()
    response = client.post(reverse("interactions:plan_visit", args=[request.pk]), {"date": f"{day:%Y-%m-%d}"})
    assert response.status_code == 302
    request.refresh_from_db()
    visit = PlannedVisit.objects.get(client=acme, date=day)
    assert request.planned_visit == visit and request.visit_planned_at is not None
    assert not request.visit_late()


@pytest.mark.django_db
def test_a_visit_planned_from_the_schedule_also_answers_the_request(manager, approved_plan):
    acme = approved_plan
    request = log(acme, manager, visit_needed=True)
    visit = visit_services.add_visit(owner=manager, client=acme, day=timezone.localdate(), by=manager)
    request.refresh_from_db()
    assert request.planned_visit == visit


@pytest.mark.django_db
def test_without_an_approved_plan_the_visit_is_refused_with_a_message(client, manager):
    request = log(ClientFactory(owner=manager), manager, visit_needed=True)
    client.force_login(manager)
    response = client.post(
        reverse("interactions:plan_visit", args=[request.pk]), {"date": f"{timezone.localdate():%Y-%m-%d}"}, follow=True
    )
    assert "no approved monthly plan" in response.content.decode()
    request.refresh_from_db()
    assert request.visit_planned_at is None


@pytest.mark.django_db
def test_late_requests_show_on_the_list_home_and_supervisor_dashboard(client, manager, supervisor, other_supervisor):
    acme = ClientFactory(owner=manager, name="Acme Tea")
    long_ago = timezone.now() - timedelta(hours=30)
    late = log(acme, manager, occurred_at=long_ago, is_request=True, summary="Invoice wrong")
    log(acme, manager, is_request=True, summary="Fresh question")
    client.force_login(manager)
    late_list = client.get(reverse("interactions:requests") + "?show=late")
    assert list(late_list.context["page"].object_list) == [late]
    home = client.get(reverse("home:start"))
    assert (home.context["requests_waiting"], home.context["requests_late"]) == (2, 1)

    client.force_login(supervisor)
    home = client.get(reverse("home:start"))
    assert (home.context["requests_waiting"], home.context["requests_late"]) == (2, 1)
    # The late one's month (the fresh one may be in the next month on the 1st).
    board = client.get(reverse("dashboards:visits") + f"?month={timezone.localtime(long_ago):%Y-%m}")
    [row] = board.context["request_rows"]
    assert (row.owner, row.reply_late, row.replied_on_time) == (manager, 1, 0)
    assert "Invoice wrong" not in board.content.decode()  # figures only, no request texts
    assert "Acme Tea" in client.get(reverse("interactions:requests") + "?show=late").content.decode()

    client.force_login(other_supervisor)
    home = client.get(reverse("home:start"))
    assert (home.context["requests_waiting"], home.context["requests_late"]) == (0, 0)
    assert client.get(reverse("dashboards:visits")).context["request_rows"] == []
    assert client.post(reverse("interactions:reply", args=[late.pk])).status_code == 404


@pytest.mark.django_db
def test_open_requests_and_follow_ups_move_with_the_client(manager, teammate):
    acme = ClientFactory(owner=manager)
    request = log(acme, manager, is_request=True, promise="Call back", follow_up_on=timezone.localdate())
    acme.owner = teammate
    acme.save()
    services.hand_over_open_work(client=acme, to_owner=teammate)
    request.refresh_from_db()
    assert request.owner == teammate
    assert FollowUpTask.objects.get().owner == teammate


# --- messages to many clients ---------------------------------------------------------------------


@pytest.fixture
def vip_clients(manager):
    vip, basic = default_tier("vip-gold"), default_tier("basic")
    clients = [
        ClientFactory(owner=manager, tier=vip, name="Vip One", email="one@example.com"),
        ClientFactory(owner=manager, tier=vip, name="Vip Two", email=""),
        ClientFactory(owner=manager, tier=basic, name="Basic Three", email="three@example.com"),
    ]
    ContactFactory(client=clients[1], name="Key Two", email="two@example.com", is_key_person=True)
    return vip, clients


@pytest.mark.django_db
def test_a_message_is_not_sent_until_approved_then_recorded_once_per_client(
    client, manager, supervisor, vip_clients, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    vip, (one, _two, three) = vip_clients
    client.force_login(manager)
    data = {"channel": "email", "subject": "New rates", "body": "Dear client, ...", "tiers": [vip.pk],
            "statuses": ["active"]}  # fmt: skip
    preview = client.post(reverse("interactions:message_new"), {**data, "preview": "1"})
    assert preview.context["count"] == 2
    assert not BulkMessage.objects.exists()
    client.post(reverse("interactions:message_new"), {**data, "submit": "1"})
    message = BulkMessage.objects.get()
    assert message.status == BulkMessage.Status.PENDING
    assert dict(message.recipients.values_list("client__name", "address")) == {
        "Vip One": "one@example.com",
        "Vip Two": "two@example.com",  # the key person's address when the client has none
    }
    assert Notification.objects.filter(recipient=supervisor, kind="interactions.message_waiting").exists()

    # Nothing goes out before the approval, whatever runs.
    assert jobs.send_messages() == {"sent": 0, "failed": 0}
    assert services.send_message(message.pk) == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 0
    # The author cannot approve their own message.
    client.post(reverse("interactions:message_decide", args=[message.pk]), {"decision": "approve"})
    message.refresh_from_db()
    assert message.status == BulkMessage.Status.PENDING

    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interactions:message_decide", args=[message.pk]), {"decision": "approve"})
    message.refresh_from_db()
    assert message.status == BulkMessage.Status.SENT
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.com", "two@example.com"]
    assert jobs.send_messages() == {"sent": 0, "failed": 0}  # a second run sends nothing
    assert len(mail.outbox) == 2
    recorded = Interaction.objects.filter(bulk_message=message)
    assert sorted(recorded.values_list("client__name", flat=True)) == ["Vip One", "Vip Two"]
    assert all(r.direction == "out" and r.channel == "email" for r in recorded)
    assert not Interaction.objects.filter(client=three).exists()
    client.force_login(manager)
    assert "New rates" in client.get(one.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_rejection_needs_a_reason_and_sends_nothing(client, manager, supervisor, vip_clients):
    _vip, clients = vip_clients
    message = services.prepare_message(
        by=manager, clients=Client.objects.filter(pk__in=[c.pk for c in clients]), channel="email", subject="Hi",
        body="...", criteria={},
    )  # fmt: skip
    client.force_login(supervisor)
    client.post(reverse("interactions:message_decide", args=[message.pk]), {"decision": "reject"})
    message.refresh_from_db()
    assert message.status == BulkMessage.Status.PENDING
    decide = reverse("interactions:message_decide", args=[message.pk])
    client.post(decide, {"decision": "reject", "comment": "Too long"})
    message.refresh_from_db()
    assert message.status == BulkMessage.Status.REJECTED and message.decision_comment == "Too long"
    assert services.send_message(message.pk) == {"sent": 0, "failed": 0}
    assert not Interaction.objects.exists() and not mail.outbox


@pytest.mark.django_db
def test_sms_goes_out_from_a_copyable_list_and_is_recorded_when_marked_sent(client, manager, supervisor, vip_clients):
    _vip, clients = vip_clients
    message = services.prepare_message(
        by=manager, clients=Client.objects.filter(pk__in=[c.pk for c in clients]), channel="sms", subject="Holiday",
        body="Closed on 1 Jan", criteria={},
    )  # fmt: skip
    services.decide_message(message, by=supervisor, approve=True)
    client.force_login(manager)
    page = client.get(message.get_absolute_url())
    assert clients[0].phone in page.context["copy_list"]
    client.post(reverse("interactions:message_sent", args=[message.pk]))
    client.post(reverse("interactions:message_sent", args=[message.pk]))  # twice: recorded once
    assert Interaction.objects.filter(bulk_message=message).count() == 3
    assert BulkRecipient.objects.filter(message=message, sent_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_only_the_authors_supervisor_or_an_admin_decides(manager, other_supervisor, admin_user, vip_clients):
    _vip, clients = vip_clients
    message = services.prepare_message(
        by=manager, clients=Client.objects.filter(pk=clients[0].pk), channel="email", subject="Hi", body=".",
        criteria={},
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.decide_message(message, by=other_supervisor, approve=True)
    assert services.decide_message(message, by=admin_user, approve=False, comment="no").status == "rejected"


@pytest.mark.django_db
def test_a_manager_selects_only_their_own_clients(client, manager, teammate):
    tier = default_tier("vip-gold")
    ClientFactory(owner=teammate, tier=tier, name="Teammate Co")
    mine = ClientFactory(owner=manager, tier=tier, name="Mine Co")
    client.force_login(manager)
    client.post(
        reverse("interactions:message_new"),
        {"channel": "sms", "subject": "S", "body": "B", "tiers": [tier.pk], "statuses": ["active"], "submit": "1"},
    )
    assert list(BulkRecipient.objects.values_list("client", flat=True)) == [mine.pk]
    client.force_login(teammate)
    assert client.get(BulkMessage.objects.get().get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_an_empty_selection_is_refused_with_a_message(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("interactions:message_new"), {"channel": "sms", "subject": "S", "body": "B", "submit": "1"}
    )
    assert response.status_code == 200
    assert "No client matches this selection." in response.content.decode()
    assert not BulkMessage.objects.exists()


# --- pages: constant queries -----------------------------------------------------------------------


@pytest.mark.django_db
def test_lists_use_a_constant_number_of_queries(client, manager, supervisor, django_assert_max_num_queries):
    for n in range(30):
        acme = ClientFactory(owner=manager)
        ContactFactory(client=acme)
        log(acme, manager, is_request=True, visit_needed=n % 2 == 0, promise="p", follow_up_on=timezone.localdate())
    client.force_login(supervisor)
    pages = [
        "interactions:requests",
        "interactions:follow_ups",
        "interactions:messages",
        "home:start",
        "dashboards:visits",
    ]
    for name in pages:
        with django_assert_max_num_queries(15):  # issue #10: at most 15 per page
            assert client.get(reverse(name)).status_code == 200
    client.force_login(manager)
    # The manager's home: today's visits, plan, overdue clients, complaints, return visits,
    # follow-ups, requests, retention visits, at-risk clients and the care calendar (the
    # counters in one query, crm.queries.count_each).
    for name in ["interactions:requests", "interactions:follow_ups", "home:start"]:
        with django_assert_max_num_queries(11):
            assert client.get(reverse(name)).status_code == 200
    assert selectors.home_follow_ups(manager)[0].description == "p"


# --- edge cases found in review -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_moves_to_the_new_team_when_the_client_changes_team(
    client, manager, supervisor, other_manager, other_supervisor, admin_user
):
    from clients import services as client_services

    acme = ClientFactory(owner=manager)
    request = log(acme, manager, is_request=True)
    client_services.reassign_owner(client=acme, new_owner=other_manager, by=admin_user, reason="new area")
    request.refresh_from_db()
    assert (request.owner, request.team) == (other_manager, other_manager.team)
    client.force_login(supervisor)
    assert client.post(reverse("interactions:reply", args=[request.pk])).status_code == 404
    client.force_login(other_supervisor)
    assert request in client.get(reverse("interactions:requests")).context["page"].object_list
    assert request.history.first().history_change_reason.startswith("Client handed to")


@pytest.mark.django_db
def test_a_client_handed_over_before_sending_gets_nothing(manager, supervisor, other_manager, admin_user, vip_clients):
    from clients import services as client_services

    _vip, (one, two, _three) = vip_clients
    message = services.prepare_message(
        by=manager, clients=Client.objects.filter(pk__in=[one.pk, two.pk]), channel="email", subject="Hi", body=".",
        criteria={},
    )  # fmt: skip
    client_services.reassign_owner(client=two, new_owner=other_manager, by=admin_user, reason="moved")
    services.decide_message(message, by=supervisor, approve=True)
    assert services.send_message(message.pk) == {"sent": 1, "failed": 0}
    assert [m.to for m in mail.outbox] == [["one@example.com"]]
    assert not Interaction.objects.filter(client=two).exists()
    assert BulkMessage.objects.get().status == BulkMessage.Status.SENT


@pytest.mark.django_db
def test_a_failed_send_is_kept_and_retried_without_mailing_anyone_twice(manager, supervisor, vip_clients, monkeypatch):
    _vip, clients = vip_clients
    message = services.prepare_message(
        by=manager, clients=Client.objects.filter(pk__in=[c.pk for c in clients]), channel="email", subject="Hi",
        body=".", criteria={},
    )  # fmt: skip
    services.decide_message(message, by=supervisor, approve=True)
    from notifications import mail as outgoing

    real_send = outgoing.send_mail

    def flaky(subject, body, sender, to):
        if to == ["two@example.com"]:
            raise OSError("mail server down")
        return real_send(subject, body, sender, to)

    monkeypatch.setattr(outgoing, "send_mail", flaky)
    assert services.send_message(message.pk) == {"sent": 2, "failed": 1}
    assert BulkRecipient.objects.get(address="two@example.com").error.startswith("OSError")
    assert BulkMessage.objects.get().status == BulkMessage.Status.APPROVED  # still to finish
    monkeypatch.setattr(outgoing, "send_mail", real_send)
    assert jobs.send_messages() == {"sent": 1, "failed": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.com", "three@example.com", "two@example.com"]
    assert BulkMessage.objects.get().status == BulkMessage.Status.SENT
    assert Interaction.history.filter(bulk_message=message).count() == 3  # in the audit history too


@pytest.mark.django_db
def test_a_hand_sent_message_records_only_clients_with_an_address(manager, supervisor):
    with_phone = ClientFactory(owner=manager, phone="0571-12345678")
    without = ClientFactory(owner=manager, phone="")
    message = services.prepare_message(
        by=manager, clients=Client.objects.filter(pk__in=[with_phone.pk, without.pk]), channel="sms", subject="S",
        body=".", criteria={},
    )  # fmt: skip
    services.decide_message(message, by=supervisor, approve=True)
    assert services.copy_list(message) == "0571-12345678"
    assert services.mark_sent_by_hand(message, by=manager) == 1
    assert list(Interaction.objects.values_list("client", flat=True)) == [with_phone.pk]


@pytest.mark.django_db
def test_removing_the_planned_visit_reopens_the_visit_request(client, manager, approved_plan):
    acme = approved_plan
    request = log(acme, manager, visit_needed=True)
    visit = visit_services.add_visit(owner=manager, client=acme, day=timezone.localdate(), by=manager)
    request.refresh_from_db()
    assert request.visit_planned_at is not None
    client.force_login(manager)
    client.post(reverse("visits:visit_remove", args=[visit.pk]))
    request.refresh_from_db()
    assert (request.planned_visit, request.visit_planned_at) == (None, None)
    assert request in services.open_requests(Interaction.objects.all())


@pytest.mark.django_db
def test_hostile_values_get_messages_not_errors(client, manager):
    acme = ClientFactory(owner=manager)
    client.force_login(manager)
    url = reverse("interactions:log", args=[acme.pk])
    assert client.get(url + "?contact=" + "9" * 5000).status_code == 200
    response = client.post(
        url, {"submission": "s", "channel": "phone", "direction": "in", "occurred_at": "0001-01-01T00:00",
              "summary": "x"},
    )  # fmt: skip
    assert response.status_code == 200 and "occurred_at" in response.context["form"].errors
    response = client.post(
        reverse("interactions:message_new"),
        {"channel": "sms", "subject": "S", "body": "B", "groups": ["9" * 20], "tiers": ["9" * 20], "submit": "1"},
    )
    assert response.status_code == 200
    assert {"groups", "tiers"} <= set(response.context["form"].errors)


@pytest.mark.django_db
def test_a_request_saved_without_deadlines_gets_them(manager):
    acme = ClientFactory(owner=manager)
    request = Interaction.objects.create(
        client=acme, owner=manager, channel="phone", summary="admin", occurred_at=T0, visit_needed=True,
        created_by=manager,
    )  # fmt: skip
    assert request.is_request
    assert (request.reply_due, request.visit_due) == (T0 + timedelta(hours=24), T0 + timedelta(hours=48))
    assert jobs.requests_late(T0 + timedelta(days=3)) >= 1


@pytest.mark.django_db
def test_notifications_are_written_in_each_recipients_language(manager, supervisor, vip_clients):
    supervisor.language, manager.language = "zh-hans", "en"
    supervisor.save()
    manager.save()
    _vip, clients = vip_clients
    message = services.prepare_message(
        by=manager, clients=Client.objects.filter(pk=clients[0].pk), channel="sms", subject="Hi", body=".",
        criteria={},
    )  # fmt: skip
    services.decide_message(message, by=supervisor, approve=True)
    asked = Notification.objects.get(recipient=supervisor, kind="interactions.message_waiting").message
    told = Notification.objects.get(recipient=manager, kind="interactions.message_decided").message
    assert "申请" in asked
    assert told.startswith("Approved")


@pytest.mark.django_db
def test_the_visit_dashboard_shows_at_risk_clients_by_sign(client, manager, supervisor, other_supervisor):
    from performance.warnings import evaluate

    acme = ClientFactory(owner=manager, status=Client.Status.ACTIVE)
    acme.last_visited_on = timezone.localdate() - timedelta(days=120)
    acme.save()
    evaluate()
    client.force_login(supervisor)
    board = client.get(reverse("dashboards:visits"))
    assert [(code, count) for code, _label, count in board.context["at_risk"]] == [("overdue_visit", 1)]
    client.force_login(other_supervisor)
    assert client.get(reverse("dashboards:visits")).context["at_risk"] == []


# --- who visits, follows up ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_taken_on_a_visit_stays_with_the_visitor_until_answered(
    client, manager, supervisor, other_manager, admin_user, approved_plan
):
    from clients import services as client_services

    acme = approved_plan
    client.force_login(manager)
    client.post(
        reverse("visits:log") + f"?client={acme.pk}",
        {"submission": "v-1", "date": f"{timezone.localdate():%Y-%m-%d}", "method": "on_site",
         "work_done": "Quarterly review", "request": "Wants a second line installed"},
    )  # fmt: skip
    taken = Interaction.objects.get(channel="visit")
    assert (taken.owner, taken.is_request, taken.summary) == (manager, True, "Wants a second line installed")
    phoned = log(acme, manager, is_request=True, summary="Invoice question")
    client_services.reassign_owner(client=acme, new_owner=other_manager, by=admin_user, reason="new area")
    taken.refresh_from_db()
    phoned.refresh_from_db()
    assert taken.owner == manager  # who visits, follows up
    assert phoned.owner == other_manager

    client.force_login(supervisor)
    page = client.get(reverse("interactions:requests") + "?taken=visit")
    assert list(page.context["page"].object_list) == [taken]
    assert [(row["owner"], row["open"], row["on_visits"]) for row in page.context["by_manager"]] == [(manager, 1, 1)]
    services.record_reply(taken, by=manager, note="Line booked for Monday")
    assert list(client.get(reverse("interactions:requests") + "?taken=visit").context["page"].object_list) == []

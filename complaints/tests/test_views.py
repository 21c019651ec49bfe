from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from complaints import services
from complaints.models import Category, Complaint, ReturnVisit


@pytest.fixture
def category(db):
    return Category.objects.filter(parent__isnull=False).first()


def make(by, client, category, **fields):
    fields.setdefault("severity", "normal")
    return services.register(by=by, client=client, category=category, channel="phone", description="Broken", **fields)


def test_register_from_the_client_page_with_evidence(client, manager, category):
    acme = ClientFactory(owner=manager)
    client.force_login(manager)
    assert (
        f"/complaints/new/?client={acme.pk}" in client.get(reverse("clients:detail", args=[acme.pk])).content.decode()
    )
    url = f"{reverse('complaints:create')}?client={acme.pk}"
    data = {
        "channel": "hotline",
        "category": category.pk,
        "severity": "high",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": "Wrong invoice",
        "attachments": SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 ...", "application/pdf"),
    }
    response = client.post(url, data)
    complaint = Complaint.objects.get()
    assert response.url == complaint.get_absolute_url()
    assert complaint.attachments.count() == 1 and complaint.severity == "high"


def test_bad_input_stays_on_the_form(client, manager, category):
    acme = ClientFactory(owner=manager)
    client.force_login(manager)
    url = f"{reverse('complaints:create')}?client={acme.pk}"
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    bad_file = SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")
    response = client.post(
        url,
        {"channel": "phone", "category": category.pk, "severity": "low", "received_at": future,
         "description": "Keep this text", "attachments": bad_file},
    )  # fmt: skip
    assert response.status_code == 200 and "attachments" in response.context["form"].errors
    assert response.context["form"]["description"].value() == "Keep this text"
    response = client.post(
        url, {"channel": "phone", "category": category.pk, "severity": "low", "received_at": future, "description": "x"}
    )
    assert "received_at" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_scoping_by_url(client, manager, teammate, supervisor, other_supervisor, category):
    mine = make(manager, ClientFactory(owner=manager), category)
    client.force_login(teammate)
    assert client.get(reverse("complaints:detail", args=[mine.pk])).status_code == 404
    assert (
        client.post(reverse("complaints:step", args=[mine.pk]), {"step": "acknowledge", "note": "x"}).status_code == 404
    )
    theirs = ClientFactory(owner=manager)
    assert client.get(f"{reverse('complaints:create')}?client={theirs.pk}").status_code == 404
    client.force_login(other_supervisor)
    assert client.get(reverse("complaints:detail", args=[mine.pk])).status_code == 404
    client.force_login(supervisor)
    assert client.get(reverse("complaints:detail", args=[mine.pk])).status_code == 200


def test_lists_mine_team_all(client, manager, teammate, supervisor, other_manager, admin_user, category):
    make(manager, ClientFactory(owner=manager), category)
    make(teammate, ClientFactory(owner=teammate), category)
    make(other_manager, ClientFactory(owner=other_manager), category)

    def count(user, **params):
        client.force_login(user)
        return client.get(reverse("complaints:list"), params).context["page"].paginator.count

    assert count(manager) == 1
    assert count(supervisor) == 2
    assert count(admin_user) == 3


def test_list_filters(client, supervisor, manager, category):
    acme = ClientFactory(owner=manager)
    late = make(manager, acme, category, severity="critical")
    make(manager, acme, category, severity="low")
    done = make(manager, acme, category)
    Complaint.objects.filter(pk=late.pk).update(first_response_due=timezone.now() - timedelta(hours=1))
    services.escalate(done, by=manager, reason="x")
    client.force_login(supervisor)

    def numbers(**params):
        return {c.number for c in client.get(reverse("complaints:list"), params).context["page"].object_list}

    assert numbers(severity="critical") == {late.number}
    assert numbers(deadline="breached") == {late.number}
    assert late.number not in numbers(deadline="on_time")
    assert numbers(escalated="true") == {done.number}
    assert numbers(q=late.number) == {late.number}
    assert len(numbers(state="open")) == 3
    assert numbers(tier=acme.tier_id) == {late.number, done.number} | numbers(severity="low")


def test_steps_through_the_page_and_illegal_step_message(client, manager, category):
    complaint = make(manager, ClientFactory(owner=manager), category)
    client.force_login(manager)
    url = reverse("complaints:step", args=[complaint.pk])
    response = client.post(url, {"step": "resolve", "root_cause": "x", "action_taken": "y"}, follow=True)
    assert "cannot be" in response.content.decode()
    client.post(url, {"step": "acknowledge", "note": "Told the client: by Friday"})
    client.post(url, {"step": "start"})
    client.post(
        url, {"step": "resolve", "root_cause": "Courier", "action_taken": "New courier", "compensation_amount": "50"}
    )
    complaint.refresh_from_db()
    assert complaint.state == "resolved"
    response = client.get(reverse("complaints:return_visits"))
    visit = ReturnVisit.objects.get()
    assert list(response.context["visits"]) == [visit]
    client.post(reverse("complaints:return_visit_record", args=[visit.pk]), {"satisfied": "yes", "note": "ok"})
    complaint.refresh_from_db()
    assert complaint.state == "closed"


def test_hostile_input(client, manager, category):
    complaint = make(manager, ClientFactory(owner=manager), category)
    client.force_login(manager)
    assert client.get(reverse("complaints:create"), {"client": "abc"}).status_code == 404
    response = client.post(reverse("complaints:step", args=[complaint.pk]), {"step": "fly"}, follow=True)
    assert response.status_code == 200 and "Unknown step" in response.content.decode()
    response = client.post(
        reverse("complaints:step", args=[complaint.pk]), {"step": "resolve", "compensation_amount": "-5"}, follow=True
    )
    assert response.status_code == 200
    assert client.get(reverse("complaints:list"), {"deadline": "bogus", "page": "x"}).status_code == 200


def test_list_filters_by_month_team_owner_and_lateness(client, supervisor, manager, teammate, other_manager, category):
    mine = make(manager, ClientFactory(owner=manager), category)
    theirs = make(teammate, ClientFactory(owner=teammate), category)
    earlier = make(manager, ClientFactory(owner=manager), category)
    Complaint.objects.filter(pk=earlier.pk).update(received_at=timezone.now() - timedelta(days=70))
    Complaint.objects.filter(pk=theirs.pk).update(
        acknowledged_at=timezone.now(), first_response_due=timezone.now() - timedelta(hours=1)
    )
    make(other_manager, ClientFactory(owner=other_manager), category)
    client.force_login(supervisor)

    def numbers(**params):
        response = client.get(reverse("complaints:list"), params)
        assert response.status_code == 200
        return {c.number for c in response.context["page"].object_list}

    this_month = f"{timezone.localdate():%Y-%m}"
    assert numbers(received=this_month) == {mine.number, theirs.number}
    assert numbers(received=this_month, owner=teammate.pk) == {theirs.number}
    assert numbers(team=manager.team.pk) == {mine.number, theirs.number, earlier.number}
    assert numbers(late="first_response") == {theirs.number}  # answered after its deadline
    assert numbers(late="resolution") == set()
    # Choices come from the scope: another team or its manager is "not one of the choices".
    page = client.get(reverse("complaints:list"), {"team": other_manager.team.pk, "received": "2026-13"})
    form = page.context["filter"].form
    assert set(form.errors) == {"team", "received"}
    assert "YYYY-MM" in str(form.errors["received"])
    client.force_login(manager)
    fields = client.get(reverse("complaints:list")).context["filter"].form.fields
    assert "owner" not in fields and "team" not in fields


@pytest.mark.parametrize("rows", [2, 30])
def test_list_queries_do_not_grow(client, supervisor, manager, rows, category, django_assert_max_num_queries):
    acme = ClientFactory(owner=manager)
    for _ in range(rows):
        make(manager, acme, category)
    client.force_login(supervisor)
    with django_assert_max_num_queries(11):  # rows + filter choices (tiers, categories, people, teams)
        client.get(reverse("complaints:list"))
    complaint = Complaint.objects.first()
    with django_assert_max_num_queries(10):
        client.get(reverse("complaints:detail", args=[complaint.pk]))


def test_evidence_is_served_only_within_scope(client, manager, teammate, category, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    acme = ClientFactory(owner=manager)
    complaint = services.register(
        by=manager, client=acme, category=category, channel="email", description="x",
        attachments=[SimpleUploadedFile("proof.pdf", b"%PDF-1.4 secret", "application/pdf")],
    )  # fmt: skip
    attachment = complaint.attachments.get()
    client.force_login(teammate)
    assert client.get(reverse("complaints:attachment", args=[attachment.pk])).status_code == 404
    client.force_login(manager)
    response = client.get(reverse("complaints:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"secret" in b"".join(response.streaming_content)
    assert response["Content-Disposition"].startswith("attachment")


def test_escalate_is_offered_only_while_the_complaint_can_go_up_a_level(client, manager, category):
    complaint = make(manager, ClientFactory(owner=manager), category)
    client.force_login(manager)
    url = reverse("complaints:detail", args=[complaint.pk])
    escalate_button = 'value="escalate"'
    offered = []
    for _level in range(3):
        complaint.refresh_from_db()
        offered.append((complaint.level, complaint.can_escalate, escalate_button in client.get(url).content.decode()))
        if complaint.can_escalate:
            services.escalate(complaint, by=manager, reason="No answer")
    assert offered == [(0, True, True), (1, True, True), (2, False, False)]
    with pytest.raises(ValidationError):
        services.escalate(complaint, by=manager, reason="Again")


def test_a_resolved_complaint_cannot_be_escalated(manager, category):
    complaint = make(manager, ClientFactory(owner=manager), category)
    for step in ("acknowledge", "start"):
        services.move(complaint, step, by=manager, note="On it")
    services.move(complaint, "resolve", by=manager, root_cause="Courier", action_taken="New courier")
    complaint.refresh_from_db()
    assert not complaint.can_escalate

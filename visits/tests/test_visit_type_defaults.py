"""A planned visit gets its type from its reason (``rules.default_visit_type_code``), by hand
or generated; the manager may change it, and the change is in the visit's history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory, default_tier
from performance.models import ClientWarning
from performance.tests.factories import complaint, created_on, return_visit
from visits import rules, services
from visits.models import PlannedVisit, VisitType
from visits.rules import VisitReasons, default_visit_type_code
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("reasons", "code"),
    [
        (VisitReasons(), "routine"),
        (VisitReasons(new_client=True), "new_client"),
        (VisitReasons(key_client=True, new_client=True), "key_client"),
        (VisitReasons(return_visit_due=True, key_client=True), "complaint_follow_up"),
        (VisitReasons(tending_to_leave=True, return_visit_due=True, key_client=True), "retention"),
    ],
)
def test_the_most_pressing_reason_decides(reasons, code):
    assert default_visit_type_code(reasons) == code


def test_every_code_the_rule_answers_is_a_default_type(visit_types):
    codes = {default_visit_type_code(VisitReasons(**{name: True})) for name in VisitReasons.__dataclass_fields__}
    assert codes | {"routine", "product_promotion"} == set(visit_types)


@pytest.fixture
def month_plan(manager, supervisor):
    today = timezone.localdate()
    ClientFactory(owner=manager, visit_method="on_site")
    plan = services.start_plan(owner=manager, month=today, by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    return plan


def old_client(manager, **fields):
    client = ClientFactory(owner=manager, visit_method="on_site", **fields)
    return created_on(client, timezone.now() - timedelta(days=400))


def plan_one(manager, client):
    return services.add_visit(owner=manager, client=client, day=timezone.localdate(), by=manager)


def test_a_visit_planned_by_hand_gets_the_type_of_its_reason(manager, month_plan, visit_types):
    routine = old_client(manager)
    vip = old_client(manager, tier=default_tier("vip-gold"))
    leaving = old_client(manager)
    now = timezone.now()
    ClientWarning.objects.create(client=leaving, rule="manual", first_flagged_at=now, last_seen_at=now)
    complained = old_client(manager)
    return_visit(complaint(complained, now - timedelta(days=5)), timezone.localdate())
    done_complaint = old_client(manager)
    return_visit(complaint(done_complaint, now - timedelta(days=5)), timezone.localdate(), done_at=now)
    new = ClientFactory(owner=manager, visit_method="on_site")  # entered today
    types = {client.pk: plan_one(manager, client).visit_type.code for client in
             (routine, vip, leaving, complained, done_complaint, new)}  # fmt: skip
    assert types == {
        routine.pk: "routine",
        vip.pk: "key_client",
        leaving.pk: "retention",
        complained.pk: "complaint_follow_up",
        done_complaint.pk: "routine",  # its return visit is done
        new.pk: "new_client",
    }


def test_a_client_since_this_month_is_new_whatever_day_it_was_entered(manager, month_plan, visit_types):
    client = old_client(manager, start_date=timezone.localdate())
    assert plan_one(manager, client).visit_type.code == "new_client"


def test_a_key_client_of_the_approved_plan_gets_a_key_client_visit(manager, supervisor, visit_types):
    client = old_client(manager)
    plan = services.start_plan(owner=manager, month=timezone.localdate(), by=manager)
    services.update_plan(plan, by=manager, key_client_ids={client.pk})
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    assert plan_one(manager, client).visit_type.code == "key_client"


def test_the_manager_may_choose_the_type_when_planning(manager, month_plan, visit_types):
    client = old_client(manager)
    visit = services.add_visit(
        owner=manager, client=client, day=timezone.localdate(), by=manager, visit_type=visit_types["product_promotion"]
    )
    assert visit.visit_type.code == "product_promotion"


def test_a_type_out_of_use_falls_back_to_routine_and_none_without_types(manager, month_plan, visit_types):
    client = old_client(manager, tier=default_tier("vip-gold"))
    VisitType.objects.filter(code="key_client").update(is_active=False)
    assert plan_one(manager, client).visit_type.code == "routine"
    PlannedVisit.objects.all().delete()
    VisitType.objects.update(is_active=False)
    assert plan_one(manager, client).visit_type is None


def test_generated_visits_get_the_type_of_their_reason(manager, supervisor, visit_types):
    month = rules.next_month(timezone.localdate())
    vip = old_client(manager, tier=default_tier("vip-gold"))
    plain = old_client(manager)
    plan = services.start_plan(owner=manager, month=month, by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    services.generate_visits(owner=manager, start=month, end=rules.month_end(month), by=manager)
    codes = dict(PlannedVisit.objects.values_list("client_id", "visit_type__code").distinct())
    assert codes == {vip.pk: "key_client", plain.pk: "routine"}


def test_the_manager_changes_the_type_on_the_sheet_and_the_history_keeps_it(client, manager, visit_types):
    visit = PlannedVisitFactory(owner=manager, client=old_client(manager), visit_type=visit_types["routine"])
    client.force_login(manager)
    response = client.post(
        reverse("visits:visit_type", args=[visit.pk]), {"visit_type": visit_types["product_promotion"].pk}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.visit_type.code == "product_promotion"
    latest = visit.history.first()
    assert latest.visit_type_id == visit_types["product_promotion"].pk and latest.history_user == manager


@pytest.mark.parametrize("value", ["", "abc", "99999999999999999999999", "-1", "0"])
def test_a_bad_type_is_refused_with_a_message(client, manager, visit_types, value):
    visit = PlannedVisitFactory(owner=manager, client=old_client(manager), visit_type=visit_types["routine"])
    client.force_login(manager)
    response = client.post(reverse("visits:visit_type", args=[visit.pk]), {"visit_type": value}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    visit.refresh_from_db()
    assert visit.visit_type.code == "routine"


def test_a_type_out_of_use_or_a_done_visit_cannot_change(manager, teammate, visit_types):
    visit = PlannedVisitFactory(owner=manager, client=old_client(manager), visit_type=visit_types["routine"])
    VisitType.objects.filter(code="retention").update(is_active=False)
    with pytest.raises(ValidationError):
        services.change_visit_type(visit, by=manager, visit_type=VisitType.objects.get(code="retention"))
    with pytest.raises(PermissionDenied):
        services.change_visit_type(visit, by=teammate, visit_type=visit_types["key_client"])
    visit.status = PlannedVisit.Status.DONE
    visit.save()
    with pytest.raises(ValidationError):
        services.change_visit_type(visit, by=manager, visit_type=visit_types["key_client"])


def test_another_managers_visit_is_not_found(client, manager, teammate, visit_types):
    visit = PlannedVisitFactory(owner=manager, client=old_client(manager), visit_type=visit_types["routine"])
    client.force_login(teammate)
    response = client.post(reverse("visits:visit_type", args=[visit.pk]), {"visit_type": visit_types["key_client"].pk})
    assert response.status_code == 404


def test_the_default_types_have_names_in_both_languages_and_a_history(visit_types):
    key = visit_types["key_client"]
    assert (key.name_en, key.name_zh_hans) == ("Key client visit", "重点客户拜访")
    assert key.checklist_items.filter(required=True).count() == 3
    assert key.preparation_items.count() == 4
    item = key.checklist_items.first()
    item.text_zh_hans = "查阅客户档案"
    item.save()
    assert item.history.first().text_zh_hans == "查阅客户档案"


def test_the_schedule_form_takes_a_type_or_leaves_it_to_the_reason(client, manager, month_plan, visit_types):
    chosen, left = old_client(manager), old_client(manager, tier=default_tier("vip-gold"))
    client.force_login(manager)
    day = f"{timezone.localdate():%Y-%m-%d}"
    url = reverse("visits:schedule_add")
    client.post(url, {"client": chosen.pk, "date": day, "visit_type": visit_types["product_promotion"].pk})
    client.post(url, {"client": left.pk, "date": day, "visit_type": ""})
    codes = dict(PlannedVisit.objects.values_list("client_id", "visit_type__code"))
    assert codes == {chosen.pk: "product_promotion", left.pk: "key_client"}

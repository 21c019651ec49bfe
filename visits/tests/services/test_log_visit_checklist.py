"""``services.log_visit`` with a visit type: the checklist, the required photo and the survey
(``services.check_visit_contents``, the one rule for the web, the API and the outbox)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clients.tests.factories import ClientFactory, ContactFactory
from surveys.defaults import ensure_default_survey
from surveys.models import Invitation
from visits import services
from visits.models import ChecklistAnswer, VisitLog
from visits.tests.factories import MonthlyPlanFactory, PlannedVisitFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


@pytest.fixture
def acme(manager):
    MonthlyPlanFactory(owner=manager, status="approved")
    client = ClientFactory(owner=manager, name="Acme Tea", visit_method="on_site")
    return client


def planned(manager, client, visit_type):
    return PlannedVisitFactory(owner=manager, client=client, visit_type=visit_type)


def log(manager, client, **kwargs):
    values = {"submission": "s-1", "day": timezone.localdate(), "method": "phone", "work_done": "Visited"}
    return services.log_visit(owner=manager, client=client, **{**values, **kwargs})


def all_done(visit_type, **notes):
    return {item.pk: (True, notes.get(str(item.pk), "")) for item in visit_type.checklist_items.all()}


def test_a_required_item_not_done_refuses_the_log_and_names_the_item(manager, acme, visit_types):
    routine = visit_types["routine"]
    visit = planned(manager, acme, routine)
    required = list(routine.checklist_items.filter(required=True))
    answers = all_done(routine)
    answers[required[0].pk] = (False, "no time")
    with pytest.raises(ValidationError) as refused:
        log(manager, acme, planned_visit=visit, checklist=answers)
    assert set(refused.value.message_dict) == {f"check_{required[0].pk}"}
    assert required[0].text in refused.value.message_dict[f"check_{required[0].pk}"][0]
    assert not VisitLog.objects.exists()
    visit.refresh_from_db()
    assert visit.status == "planned"


def test_every_item_is_kept_with_its_note_and_the_log_has_the_type(manager, acme, visit_types):
    routine = visit_types["routine"]
    visit = planned(manager, acme, routine)
    optional = routine.checklist_items.get(required=False)
    answers = all_done(routine)
    answers[optional.pk] = (False, "shop closed early")
    entry, created = log(manager, acme, planned_visit=visit, checklist=answers)
    assert created and entry.visit_type == routine
    rows = {a.item_id: (a.done, a.note, a.required, a.text) for a in entry.checklist_answers.all()}
    assert rows[optional.pk] == (False, "shop closed early", False, optional.text)
    assert len(rows) == routine.checklist_items.count()
    assert sum(1 for done, *_ in rows.values() if not done) == 1


def test_an_admins_later_edit_does_not_rewrite_a_past_answer(manager, acme, visit_types):
    routine = visit_types["routine"]
    entry, _created = log(manager, acme, planned_visit=planned(manager, acme, routine), checklist=all_done(routine))
    item = routine.checklist_items.first()
    old_text = item.text
    item.text = "Something else"
    item.save()
    assert entry.checklist_answers.get(item=item).text == old_text


def test_items_of_another_type_or_unknown_ids_are_refused(manager, acme, visit_types):
    routine, retention = visit_types["routine"], visit_types["retention"]
    foreign = retention.checklist_items.first()
    answers = {**all_done(routine), foreign.pk: (True, ""), 10**15: (True, "")}
    with pytest.raises(ValidationError) as refused:
        log(manager, acme, planned_visit=planned(manager, acme, routine), checklist=answers)
    assert set(refused.value.message_dict) == {"checklist"}
    assert str(foreign.pk) in refused.value.message_dict["checklist"][0]


def test_a_required_photo_missing_refuses_the_log(manager, acme, visit_types):
    promotion = visit_types["product_promotion"]
    visit = planned(manager, acme, promotion)
    with pytest.raises(ValidationError) as refused:
        log(manager, acme, planned_visit=visit, checklist=all_done(promotion))
    assert set(refused.value.message_dict) == {"photos"}
    photo = SimpleUploadedFile("shelf.png", PNG, content_type="image/png")
    entry, created = log(manager, acme, planned_visit=visit, checklist=all_done(promotion), photos=[photo])
    assert created and entry.photos.count() == 1


def test_the_type_chosen_for_the_log_wins_over_the_planned_one(manager, acme, visit_types):
    visit = planned(manager, acme, visit_types["routine"])
    retention = visit_types["retention"]
    entry, _created = log(manager, acme, planned_visit=visit, visit_type=retention, checklist=all_done(retention))
    assert entry.visit_type == retention


def test_an_unplanned_visit_gets_the_type_of_its_reason(manager, acme, visit_types):
    # Acme was entered today: a new client.
    with pytest.raises(ValidationError) as refused:
        log(manager, acme)
    new = visit_types["new_client"]
    assert {f"check_{i.pk}" for i in new.checklist_items.filter(required=True)} <= set(refused.value.message_dict)
    photo = SimpleUploadedFile("door.png", PNG, content_type="image/png")
    entry, _created = log(manager, acme, checklist=all_done(new), photos=[photo])
    assert entry.is_temporary and entry.visit_type == new


def test_without_types_nothing_is_asked(manager, acme):
    entry, created = log(manager, acme)
    assert created and entry.visit_type is None and not ChecklistAnswer.objects.exists()


def test_a_type_with_a_survey_invites_the_client_some_hours_later_once(manager, acme, visit_types, settings):
    settings.CRM_SURVEY_AFTER_VISIT_HOURS = 3
    ensure_default_survey()
    ContactFactory(client=acme, is_key_person=True, email="buyer@acme.example")
    follow_up = visit_types["complaint_follow_up"]
    log(manager, acme, planned_visit=planned(manager, acme, follow_up), checklist=all_done(follow_up))
    [invitation] = Invitation.objects.filter(client=acme)
    assert invitation.reason == "visit" and invitation.state == "pending"
    assert invitation.send_after >= timezone.now() + timedelta(hours=3) - timedelta(minutes=1)
    # Another such visit while the survey is open: no second survey.
    yesterday_visit = PlannedVisitFactory(
        owner=manager, client=acme, visit_type=follow_up, date=timezone.localdate() - timedelta(days=1)
    )
    log(manager, acme, submission="s-2", day=yesterday_visit.date, planned_visit=yesterday_visit,
        checklist=all_done(follow_up))  # fmt: skip
    assert Invitation.objects.filter(client=acme).count() == 1


def test_a_repeated_submission_is_answered_without_checking_again(manager, acme, visit_types):
    routine = visit_types["routine"]
    visit = planned(manager, acme, routine)
    first, _ = log(manager, acme, planned_visit=visit, checklist=all_done(routine))
    again, created = log(manager, acme, planned_visit=visit, checklist={})
    assert again == first and not created

"""A client handed to another manager: ``reassign_owner`` moves, app by app, the open work
that follows the client, and leaves with whoever did it what is done."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clients import imports
from clients import services as client_services
from clients.models import VisitMethod
from clients.tests.factories import ClientFactory, ContactFactory, default_tier
from complaints import services as complaint_services
from complaints.models import Category, Complaint, ReturnVisit
from interactions import services as interaction_services
from interactions.models import Channel, FollowUpTask, Interaction
from surveys import services as survey_services
from surveys.defaults import ensure_default_survey
from surveys.models import FollowUp, Question
from visits.models import PlannedVisit
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db


def complaint(by, client, category):
    return complaint_services.register(
        by=by, client=client, category=category, description="Late delivery twice", severity="normal", channel="phone"
    )


def test_reassign_owner_moves_each_apps_open_work_and_leaves_what_is_done(manager, other_manager, admin_user):
    ensure_default_survey()
    category = Category.objects.filter(parent__isnull=False).first()
    acme = ClientFactory(owner=manager, tier=default_tier("standard"))
    contact = ContactFactory(client=acme, email="")
    today = timezone.localdate()
    upcoming = PlannedVisitFactory(
        owner=manager, client=acme, date=today + timedelta(days=3), method=VisitMethod.ON_SITE
    )
    visited = PlannedVisitFactory(
        owner=manager,
        client=acme,
        date=today - timedelta(days=3),
        method=VisitMethod.ON_SITE,
        status=PlannedVisit.Status.DONE,
    )
    open_complaint = complaint(manager, acme, category)
    resolved = complaint(manager, acme, category)
    for step in ("acknowledge", "start"):
        complaint_services.move(resolved, step, by=manager, note="On it")
    complaint_services.move(
        resolved, "resolve", by=manager, root_cause="Courier", action_taken="New courier", compensation="Apology"
    )
    invitation = survey_services.invite(acme, contact=contact, by=manager)
    scores = {Question.Kind.RATING: 1, Question.Kind.NPS: 9}  # low ratings: a follow-up for the manager
    low = {q.pk: scores[q.kind] for q in invitation.template.questions.all() if q.kind in scores}
    survey_services.submit(invitation, low)
    request, _created = interaction_services.log_interaction(
        client=acme, by=manager, channel=Channel.PHONE, summary="Wants new rates", is_request=True,
        promise="Call back", follow_up_on=today,
    )  # fmt: skip

    client_services.reassign_owner(client=acme, new_owner=other_manager, by=admin_user, reason="New area")

    new = (other_manager.pk, other_manager.team_id)
    moved = {
        "visits: upcoming": PlannedVisit.objects.get(pk=upcoming.pk).owner_id,
        "visits: done": PlannedVisit.objects.get(pk=visited.pk).owner_id,
        "complaints: open": Complaint.objects.values_list("owner", "team").get(pk=open_complaint.pk),
        "complaints: resolved": Complaint.objects.values_list("owner", "team").get(pk=resolved.pk),
        "complaints: return visit": ReturnVisit.objects.get(complaint=resolved).owner_id,
        "surveys: follow-up": FollowUp.objects.get(client=acme).owner_id,
        "interactions: request": Interaction.objects.values_list("owner", "team").get(pk=request.pk),
        "interactions: follow-up task": FollowUpTask.objects.get(client=acme).owner_id,
    }
    assert moved == {
        "visits: upcoming": other_manager.pk,
        "visits: done": manager.pk,  # a visit made stays with whoever made it
        "complaints: open": new,
        "complaints: resolved": new,
        "complaints: return visit": other_manager.pk,
        "surveys: follow-up": other_manager.pk,
        "interactions: request": new,
        "interactions: follow-up task": other_manager.pk,
    }


def test_an_import_that_gives_a_client_to_another_manager_hands_over_too(manager, teammate, supervisor):
    acme = ClientFactory(code="U-1", owner=manager)
    upcoming = PlannedVisitFactory(
        owner=manager, client=acme, date=timezone.localdate() + timedelta(days=3), method=VisitMethod.ON_SITE
    )
    text = "code,name,tier,owner,status\nU-1,Acme Tea,standard,mgr_a2,active\n"  # mgr_a2: the teammate
    checked = imports.load_upload(SimpleUploadedFile("clients.csv", text.encode(), content_type="text/csv"))
    assert imports.check_upload(checked, supervisor).ok
    imports.run_import(checked, supervisor)
    upcoming.refresh_from_db()
    assert upcoming.owner == teammate

"""A small world of two teams for the security tests: team A's manager owns one record of
every kind (so every URL with an id has something to point at), team B owns its own;
names are distinctive so a leak shows in any response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from clients.models import Client, Contact
from clients.tests.factories import ClientFactory, ContactFactory
from complaints import services as complaint_services
from complaints.models import Attachment, Category, Complaint, ReturnVisit
from interactions import services as interaction_services
from notifications.models import Notification
from surveys import services as survey_services
from surveys.defaults import ensure_default_survey
from surveys.models import FollowUp, Invitation
from visits.models import CalendarFeed, MonthlyPlan, MonthResult, PlannedVisit, ServiceStrategy
from visits.rules import month_start

TEAM_A_NAMES = ("Alpha Secret Co", "Alpha Teammate Co")
TEAM_B_NAMES = ("Bravo Hidden Co",)


@dataclass
class World:
    client: Client
    contact: Contact
    plan: MonthlyPlan
    strategy: ServiceStrategy
    planned: PlannedVisit
    result: MonthResult
    complaint: Complaint
    attachment: Attachment
    return_visit: ReturnVisit
    invitation: Invitation
    token: str
    follow_up: FollowUp
    notification: Notification
    feed: CalendarFeed
    other_client: Client
    other_complaint: Complaint
    request: object = None
    message: object = None
    gift: object = None
    event_invitation: object = None
    group: object = None
    proposal: object = None
    visit_log: object = None
    api_token: object = None
    analysis: object = None
    spot_check: object = None
    document: object = None


def build(manager: User, teammate: User, other_manager: User) -> World:
    today = timezone.localdate()
    month = month_start(today)
    ensure_default_survey()
    category = Category.objects.filter(parent__isnull=False).first()
    client = ClientFactory(owner=manager, name=TEAM_A_NAMES[0], phone="0571-88880001")
    ClientFactory(owner=teammate, name=TEAM_A_NAMES[1])
    other_client = ClientFactory(owner=other_manager, name=TEAM_B_NAMES[0], phone="0571-99990001")
    contact = ContactFactory(client=client, name="Alpha Contact", email="alpha.contact@example.com")
    ContactFactory(client=other_client, name="Bravo Contact")
    plan = MonthlyPlan.objects.create(owner=manager, team=manager.team, month=month)
    strategy = ServiceStrategy.objects.create(client=client, month=month, text="Alpha strategy")
    planned = PlannedVisit.objects.create(owner=manager, client=client, date=today, method="on_site")
    result = MonthResult.objects.create(owner=manager, team=manager.team, month=month)
    complaint = complaint_services.register(
        by=manager, client=client, category=category, channel="phone", description="Alpha complaint", severity="low"
    )
    other_complaint = complaint_services.register(
        by=other_manager, client=other_client, category=category, channel="phone", description="Bravo", severity="low"
    )
    attachment = Attachment.objects.create(
        complaint=complaint, file=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 alpha", "application/pdf")
    )
    return_visit = ReturnVisit.objects.create(complaint=complaint, owner=manager, due_date=today)
    invitation = survey_services.invite(client, by=manager, contact=contact)
    token = survey_services.token_for(invitation)
    answered = survey_services.invite(client, by=manager, contact=None)
    ratings = {
        q.pk: 1 if q.kind == "rating" else 2 for q in answered.template.questions.filter(kind__in=["rating", "nps"])
    }
    survey_services.submit(answered, ratings)  # a low score: a follow-up for the manager
    follow_up = FollowUp.objects.get(client=client)
    notification = Notification.objects.create(recipient=manager, kind="test", key="1", message="Alpha reminder")
    feed = CalendarFeed.objects.create(owner=manager)
    request, _ = interaction_services.log_interaction(
        client=client, by=manager, channel="phone", summary="Alpha request", visit_needed=True, promise="Alpha promise",
        follow_up_on=today,
    )  # fmt: skip
    message = interaction_services.prepare_message(
        by=manager, clients=Client.objects.filter(pk=client.pk), channel="sms", subject="Alpha message", body=".",
        criteria={},
    )  # fmt: skip
    gift, event_invitation = _care(client, contact, manager, today)
    from clients import services as client_services
    from clients.models import ClientGroup

    group = ClientGroup.objects.create(
        code="G-ALPHA", name="Alpha Group", tier=client.tier, lead_manager=manager, group_class="B"
    )
    Client.objects.filter(pk=client.pk).update(group=group)
    proposal = client_services.propose_grade(
        client=Client.objects.get(pk=client.pk), by=manager, reason="Alpha grows", proposed_size="large"
    )
    visit_log, api_token = _api_objects(client, manager, today)
    _demand(client, manager, month)
    analysis = _analysis(manager, month)
    spot_check = _spot_check(client, manager, today)
    document = _market_and_documents(client, other_client, manager, other_manager, visit_log, today)
    return World(
        visit_log=visit_log, api_token=api_token, analysis=analysis, spot_check=spot_check, document=document,
        group=group, proposal=proposal,
        gift=gift, event_invitation=event_invitation,
        request=request, message=message,
        client=client, contact=contact, plan=plan, strategy=strategy, planned=planned, result=result,
        complaint=complaint, attachment=attachment, return_visit=return_visit, invitation=invitation, token=token,
        follow_up=follow_up, notification=notification, feed=feed, other_client=other_client,
        other_complaint=other_complaint,
    )  # fmt: skip


def _demand(client, manager, month):
    """A product and a demand of the manager's client (issue #27, steps 1–2)."""
    from analysis.models import Demand, Product
    from visits.rules import next_month

    product = Product.objects.create(code="SEC-P1", name="Alpha Leaf", brand="Alpha")
    Demand.objects.create(client=client, product=product, month=next_month(month), quantity=5, entered_by=manager)


def _api_objects(client, manager, today):
    """A visit log and an API token of the manager (issue #16)."""
    from api.models import ApiToken
    from visits.models import VisitLog

    visit_log = VisitLog.objects.create(
        owner=manager, client=client, submission="alpha-log", date=today, method="on_site", work_done="Alpha visit"
    )
    token, _raw = ApiToken.issue(manager, "Alpha phone")
    return visit_log, token


def _market_and_documents(client, other_client, manager, other_manager, visit_log, today):
    """Competitor information on both teams' visits and a document of each team's client
    (issue #32): team B's must never show to team A."""
    from documents import services as document_services
    from market.services import record_observations
    from visits.models import VisitLog

    other_log = VisitLog.objects.create(
        owner=other_manager, client=other_client, submission="bravo-log", date=today, method="on_site",
        work_done="Bravo visit",
    )  # fmt: skip
    record_observations(client=client, by=manager, day=today, visit_log=visit_log,
                        observations=[{"brand": "Alpha Rival", "price": 12}])  # fmt: skip
    record_observations(client=other_client, by=other_manager, day=today, visit_log=other_log,
                        observations=[{"brand": "Bravo Rival", "remark": "Bravo Hidden Co shelf"}])  # fmt: skip
    document_services.upload_document(
        client=other_client, by=other_manager, kind="contract", title="Bravo contract", expires_on=today,
        file=SimpleUploadedFile("bravo.pdf", b"%PDF-1.4 bravo", "application/pdf"),
    )  # fmt: skip
    return document_services.upload_document(
        client=client, by=manager, kind="contract", title="Alpha contract", expires_on=today,
        file=SimpleUploadedFile("alpha.pdf", b"%PDF-1.4 alpha", "application/pdf"),
    )  # fmt: skip


def _analysis(manager, month):
    """A focus product of team A for the month, so that the target forms show, and the
    manager's analysis of the month (issue #27)."""
    from analysis.models import FocusProduct, MonthAnalysis, Product

    product = Product.objects.create(code="ALPHA-P", name="Alpha Product", brand="Alpha")
    FocusProduct.objects.create(team=manager.team, month=month, product=product)
    return MonthAnalysis.objects.create(owner=manager, team=manager.team, month=month)


def _spot_check(client, manager, today):
    """A spot check of the manager at their client by the team's supervisor (issue #32)."""
    from inspections.models import SpotCheck

    return SpotCheck.objects.create(
        kind="spot_check", date=today, client=client, manager=manager, team=manager.team,
        checked_by=manager.team.supervisor, score=80, remarks="Alpha inspection",
    )  # fmt: skip


def _care(client, contact, manager, today):
    """A gift waiting for approval and an invitation to a past event (issue #15)."""
    from datetime import timedelta

    from care.models import EventInvitation, Gift

    gift = Gift.objects.create(
        client=client, contact=contact, occasion="birthday", item="Alpha tea", value=500, given_on=today,
        given_by=manager,
    )  # fmt: skip
    invitation = EventInvitation.objects.create(
        event_name="Alpha forum", event_date=today - timedelta(days=1), client=client, contact=contact,
        sent_on=today - timedelta(days=10), owner=manager,
    )  # fmt: skip
    return gift, invitation


def url_arguments(world: World) -> dict[str, tuple[dict, str]]:
    """For each URL name that takes arguments (or a query), what to fill in."""
    client, pk = {"client_pk": world.client.pk}, lambda obj: {"pk": obj.pk}
    query = f"?client={world.client.pk}"
    return {
        "clients:detail": (pk(world.client), ""),
        "home:client_history": (pk(world.client), ""),
        # Every client's name ends in "Co": each role's results must hold only its own.
        "home:search": ({}, "?q=Co&go=0"),
        "home:search_suggest": ({}, "?q=Co"),
        "clients:pick": ({}, "?q=Co"),
        "clients:edit": (pk(world.client), ""),
        "clients:timeline": (pk(world.client), ""),
        "clients:contact_create": (client, ""),
        "clients:contact_edit": (pk(world.contact), ""),
        "clients:contact_delete": (pk(world.contact), ""),
        "clients:import_errors": ({"token": "not-a-report"}, ""),
        "analysis:figures_import_errors": ({"token": "not-a-report"}, ""),
        "visits:plan": (pk(world.plan), ""),
        "visits:plan_decide": (pk(world.plan), ""),
        "visits:strategies": (client, ""),
        "visits:visit_remove": (pk(world.planned), ""),
        "visits:visit_mark": (pk(world.planned), ""),
        "visits:feed": ({"token": world.feed.token}, ""),
        "visits:log": ({}, query),
        "visits:result": (pk(world.result), ""),
        "visits:result_review": (pk(world.result), ""),
        "complaints:create": ({}, query),
        "complaints:detail": (pk(world.complaint), ""),
        "complaints:step": (pk(world.complaint), ""),
        "complaints:attachment": (pk(world.attachment), ""),
        "complaints:return_visit_record": (pk(world.return_visit), ""),
        "notifications:open": (pk(world.notification), ""),
        "surveys:invite": (client, ""),
        "surveys:invitation": (pk(world.invitation), ""),
        "surveys:mark_sent": (pk(world.invitation), ""),
        "surveys:phone": (pk(world.invitation), ""),
        "surveys:follow_up_done": (pk(world.follow_up), ""),
        "survey_respond": ({"token": world.token}, ""),
        "performance:scorecard_records": ({"manager_id": world.plan.owner_id, "figure": "plan_completion"}, ""),
        "interactions:log": (client, ""),
        "performance:mark": (client, ""),
        "api:client-detail": (pk(world.client), ""),
        "api:contact-detail": (pk(world.contact), ""),
        "api:visit-detail": (pk(world.planned), ""),
        "api:visit-check-in": (pk(world.planned), ""),
        "api:visit-check-out": (pk(world.planned), ""),
        "visits:visit_check": (pk(world.planned), ""),
        "visits:visit_type": (pk(world.planned), ""),
        "api:visit-log-detail": (pk(world.visit_log), ""),
        "api:interaction-detail": (pk(world.request), ""),
        "api:complaint-detail": (pk(world.complaint), ""),
        "api:complaint-transition": (pk(world.complaint), ""),
        "api:notification-detail": (pk(world.notification), ""),
        "api:analysis-detail": (pk(world.analysis), ""),
        "api:notification-read": (pk(world.notification), ""),
        "api_tokens:revoke": (pk(world.api_token), ""),
        "interactions:reply": (pk(world.request), ""),
        "interactions:plan_visit": (pk(world.request), ""),
        "interactions:follow_up_done": (pk(world.request.follow_up_task), ""),
        "interactions:message": (pk(world.message), ""),
        "interactions:message_decide": (pk(world.message), ""),
        "interactions:message_sent": (pk(world.message), ""),
        "clients:group": (pk(world.group), ""),
        "clients:propose_grade": (pk(world.client), ""),
        "clients:proposal": (pk(world.proposal), ""),
        "clients:proposal_decide": (pk(world.proposal), ""),
        "care:gift_decide": (pk(world.gift), ""),
        "care:event_update": (pk(world.event_invitation), ""),
        "analysis:score": (client, ""),
        "documents:client": (client, ""),
        "documents:download": (pk(world.document), ""),
        "documents:replace": (pk(world.document), ""),
        "documents:remove": (pk(world.document), ""),
        "documents:expiry": (pk(world.document), ""),
        "analysis:overview": ({}, f"?owner={world.plan.owner_id}"),
        "inspections:create": ({}, query),
        "inspections:detail": (pk(world.spot_check), ""),
        "inspections:acknowledge": (pk(world.spot_check), ""),
        "inspections:review": ({"manager_id": world.plan.owner_id, "month": month_of(world.planned.date)}, ""),
    }


def month_of(day: date) -> str:
    return f"{day:%Y-%m}"

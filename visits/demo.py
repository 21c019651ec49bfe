"""Demo monthly cycle: this month's plans approved with visits generated, and next
month's plans at different stages so every screen has something to show."""

import base64

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User

from . import rules, services
from .models import MonthlyPlan, PlannedVisit, ServiceStrategy, VisitLog

NOTES = [
    ("介绍新产品套餐，客户表示有兴趣", "客户希望提前一天通知配送时间", "竞争对手本月降价约5%"),
    ("核对上月账单并解答疑问", "建议增加线上自助查询", ""),
    ("回访上次投诉处理结果，客户表示满意", "", "周边新开两家同类门店"),
]


# A 1×1 PNG: the demo's photo for visit types that ask for one.
DEMO_PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def _checklist(visit: PlannedVisit, index: int) -> tuple[dict, list]:
    """The visit type's checklist answered as a manager would: every required item, the
    optional ones on every other visit (so the dashboards count some not done); and a
    photo when the type asks for one."""
    if visit.visit_type is None:
        return {}, []
    answers = {
        item.pk: (item.required or index % 2 == 0, "")
        for item in visit.visit_type.checklist_items.filter(is_active=True)
    }
    photos = [ContentFile(DEMO_PHOTO, name="demo.png")] if visit.visit_type.requires_photo else []
    return answers, photos


def seed_plans() -> int:
    """Idempotent: plans are fetched or created, generation adds only what is missing."""
    today = timezone.localdate()
    this_month, next_month = rules.month_start(today), rules.next_month(today)
    visits = 0
    managers = User.objects.filter(role=User.Role.MANAGER, username__startswith="manager", team__isnull=False)
    for manager in managers.select_related("team__supervisor").order_by("username"):
        supervisor = manager.team.supervisor
        if supervisor is None or not services.portfolio(manager).exists():
            continue
        plan = services.start_plan(owner=manager, month=this_month, by=manager)
        if plan.status == MonthlyPlan.Status.DRAFT:
            plan.last_month_problems = "两家客户投诉配送延迟；部分休眠客户长期未走访。"
            plan.focus = "回访投诉客户，推广新产品，激活休眠客户。"
            plan.save()
            services.submit_plan(plan, by=manager)
            services.approve_plan(plan, by=supervisor, comment="同意。")
        visits += services.generate_visits(owner=manager, start=this_month, end=rules.month_end(today), by=manager)
        visits += _visits_today(manager, today)
        _log_past_visits(manager, today)
        # Next month: manager1 still drafting, the others' plans wait for approval.
        upcoming = services.start_plan(owner=manager, month=next_month, by=manager)
        if upcoming.status == MonthlyPlan.Status.DRAFT and manager.username != "manager1":
            services.submit_plan(upcoming, by=manager)
    return visits


TODAY_VISITS = 4


def _visits_today(manager: User, today) -> int:
    """A few visits on the local day the demo is loaded, whatever weekday it is: generated
    plans only use working days, and a new user opening the app on a Saturday (or a Friday
    evening in UTC) would otherwise find an empty day."""
    if PlannedVisit.objects.filter(owner=manager, date=today).exists():
        return 0
    clients = services.portfolio(manager).exclude(visit_method="").exclude(planned_visits__date=today)
    added = 0
    for client in clients.order_by("code")[:TODAY_VISITS]:
        services.add_visit(owner=manager, client=client, day=today, by=manager, purpose="客户约定当面回访")
        added += 1
    return added


def _log_past_visits(manager: User, today) -> None:
    """Most of this month's past visits logged (some with a strategy ticked), a few not done."""
    if VisitLog.objects.filter(owner=manager, submission__startswith="demo-").exists():
        return
    past = list(
        PlannedVisit.objects.filter(owner=manager, date__lt=today, status=PlannedVisit.Status.PLANNED)
        .select_related("client", "visit_type")
        .order_by("date", "pk")[:40]
    )
    first_open = {}
    for item in ServiceStrategy.objects.filter(
        client__in=[v.client_id for v in past], month=rules.month_start(today), state=ServiceStrategy.State.OPEN
    ).order_by("pk"):
        first_open.setdefault(item.client_id, item.pk)
    for index, visit in enumerate(past):
        if index % 5 == 4:
            services.mark_visit(visit, by=manager, done=False)
            continue
        work, opinion, market = NOTES[index % len(NOTES)]
        checklist, photos = _checklist(visit, index)
        services.log_visit(
            owner=manager,
            client=visit.client,
            submission=f"demo-{visit.pk}",
            day=visit.date,
            method=visit.method,
            work_done=work,
            opinions=opinion,
            market_anomalies=market,
            planned_visit=visit,
            strategy_ids=[first_open[visit.client_id]] if visit.client_id in first_open and index % 2 == 0 else [],
            checklist=checklist,
            photos=photos,
        )

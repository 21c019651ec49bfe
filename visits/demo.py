"""Demo monthly cycle: this month's plans approved with visits generated, and next
month's plans at different stages so every screen has something to show."""

from django.utils import timezone

from accounts.models import User

from . import rules, services
from .models import MonthlyPlan


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
        # Next month: manager1 still drafting, the others' plans wait for approval.
        upcoming = services.start_plan(owner=manager, month=next_month, by=manager)
        if upcoming.status == MonthlyPlan.Status.DRAFT and manager.username != "manager1":
            services.submit_plan(upcoming, by=manager)
    return visits

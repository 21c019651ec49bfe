"""Demo complaints in every state, so lists, deadlines and return visits have content."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from clients.models import Client

from . import services
from .defaults import ensure_complaint_defaults
from .models import Category, Complaint

STORIES = [
    ("hotline", "high", "两次配送延迟，客户门店缺货一天。"),
    ("phone", "normal", "账单金额与合同不符，要求核对。"),
    ("visit", "low", "客户反映服务人员回复不及时。"),
    ("email", "critical", "系统故障导致客户业务中断两小时。"),
]


def seed_complaints() -> int:
    if Complaint.objects.exists():
        return 0
    ensure_complaint_defaults()
    categories = list(Category.objects.filter(parent__isnull=False)) or list(Category.objects.all())
    created = 0
    managers = User.objects.filter(role=User.Role.MANAGER, username__startswith="manager").order_by("username")
    for index, manager in enumerate(managers):
        clients = list(Client.objects.filter(owner=manager).order_by("code")[:4])
        for number, (client, (channel, severity, text)) in enumerate(zip(clients, STORIES, strict=False)):
            complaint = services.register(
                by=manager,
                client=client,
                channel=channel,
                severity=severity,
                category=categories[(index + number) % len(categories)],
                description=text,
                received_at=timezone.now() - timedelta(hours=6 * (number + 1) + index),
            )
            created += 1
            if number >= 1:
                services.move(complaint, "acknowledge", by=manager, note="已告知客户由本人负责，明天答复。")
            if number >= 2:
                services.move(complaint, "start", by=manager)
            if number == 2:
                services.move(
                    complaint, "resolve", by=manager, root_cause="人员排班不足", action_taken="调整值班安排",
                    compensation="书面致歉", compensation_amount=0,
                )  # fmt: skip
            if number == 3:
                services.escalate(complaint, by=manager, reason="影响面大，需主管协调")
    return created

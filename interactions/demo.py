"""Demo calls and messages: a late request, a request waiting, promises with follow-ups, and
one message to many clients waiting for the supervisor."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from clients.models import Client

from . import services
from .models import Channel, Interaction

STORIES = [
    # channel, hours ago, summary, request?, visit?, promise, follow-up in days
    (Channel.PHONE, 30, "客户来电询问明年合同续签的价格。", True, False, "发送新版报价单", 1),
    (Channel.WECHAT, 3, "客户微信反映新门店需要上门讲解业务。", True, True, "", None),
    (Channel.OFFICE, 50, "客户到营业厅办理业务，顺便了解新产品。", False, False, "下周回访介绍新产品", 5),
    (Channel.EMAIL, 72, "已邮件发送本月账单明细。", False, False, "", None),
]


def seed_interactions() -> int:
    if Interaction.objects.exists():
        return 0
    now = timezone.now()
    created = 0
    managers = User.objects.filter(role=User.Role.MANAGER, username__startswith="manager").order_by("username")
    for manager in managers:
        clients = list(Client.objects.filter(owner=manager).order_by("code")[4:8])
        for client, (channel, hours, text, request, visit, promise, days) in zip(clients, STORIES, strict=False):
            contact = client.contacts.order_by("-is_key_person", "name").first()
            occurred = now - timedelta(hours=hours)
            services.log_interaction(
                client=client,
                by=manager,
                channel=channel,
                direction=Interaction.Direction.OUTBOUND if channel == Channel.EMAIL else Interaction.Direction.INBOUND,
                contact=contact,
                occurred_at=occurred,
                summary=text,
                is_request=request,
                visit_needed=visit,
                promise=promise,
                follow_up_on=timezone.localdate(occurred) + timedelta(days=days) if days else None,
            )
            created += 1
        vip = Client.objects.filter(owner=manager, tier__is_vip=True)
        if manager.team_id and vip.exists():
            services.prepare_message(
                by=manager,
                clients=vip,
                channel=Channel.SMS,
                subject="春节营业时间通知",
                body="尊敬的客户：春节期间营业厅营业时间为9:00–16:00，如有需要请联系您的客户经理。",
                criteria={"tiers": sorted({c.tier_id for c in vip})},
            )
    return created

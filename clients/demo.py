"""A realistic demo portfolio for `manage.py seed_demo`: about fifty clients per manager
across tiers and group clients, with contacts, key persons and birthdays."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User

from . import rules
from .defaults import ensure_default_tiers
from .models import Client, ClientGroup, Contact, Tier, VisitFrequency, VisitMethod

CLIENTS_PER_MANAGER = 50

CITIES = ["杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水"]
CORES = ["华鑫", "恒通", "永盛", "新锐", "天成", "博远", "金桥", "瑞丰", "宏达", "东方", "远航", "鼎盛",
         "汇通", "中联", "利民", "嘉禾", "安泰", "富春", "明珠", "星河", "钱塘", "之江", "西湖", "海联"]  # fmt: skip
SUFFIX = {
    "manufacturing": "机械制造有限公司", "retail": "商贸有限公司", "finance": "投资管理有限公司",
    "telecom_it": "信息技术有限公司", "public": "公共服务中心", "education": "教育科技有限公司",
    "healthcare": "医疗器械有限公司", "logistics": "物流有限公司", "construction": "建设集团有限公司",
    "agriculture": "农业发展有限公司", "hospitality": "酒店管理有限公司", "energy": "能源有限公司",
    "other": "实业有限公司",
}  # fmt: skip
GROUPS = [
    ("JT-001", "浙江交通投资集团", "vip-diamond"), ("JT-002", "钱江能源集团", "vip-gold"),
    ("JT-003", "之江商贸集团", "vip-gold"), ("JT-004", "东海物流集团", "vip-silver"),
    ("JT-005", "富春教育集团", "vip-silver"), ("JT-006", "明珠医疗集团", "standard"),
    ("JT-007", "天成建设集团", "vip-gold"), ("JT-008", "嘉禾农业集团", "standard"),
]  # fmt: skip
FAMILY = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平"]
# (title, decision role, influence, key person)
ROLES = [
    ("总经理", "decision_maker", "high", True),
    ("采购经理", "purchaser", "medium", True),
    ("财务总监", "finance", "high", False),
    ("办公室主任", "influencer", "medium", False),
    ("IT经理", "user", "low", False),
]
TIER_WEIGHTS = {"vip-diamond": 3, "vip-gold": 7, "vip-silver": 15, "standard": 50, "basic": 25}


def _person(rng: random.Random) -> str:
    return rng.choice(FAMILY) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


@transaction.atomic
def seed_clients(*, seed: int = 2026) -> int:
    """Create the demo portfolio once; returns the number of clients created (0 when present)."""
    if Client.objects.filter(code__startswith="DEMO-").exists():
        return 0
    ensure_default_tiers()
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not security)
    today = timezone.localdate()
    tiers = {tier.code: tier for tier in Tier.objects.all()}
    managers = list(User.objects.filter(role=User.Role.MANAGER, is_active=True).order_by("username"))
    if not managers or not tiers:
        return 0
    groups = []
    for code, name, tier_code in GROUPS:
        group, _ = ClientGroup.objects.get_or_create(
            code=code, defaults={"name": name, "tier": tiers[tier_code], "lead_manager": rng.choice(managers)}
        )
        groups.append(group)

    clients = []
    industries = list(SUFFIX)
    tier_codes, weights = zip(*[(c, w) for c, w in TIER_WEIGHTS.items() if c in tiers], strict=True)
    number = 0
    for manager in managers:
        # Some managers are much busier than others.
        for _ in range(rng.randint(CLIENTS_PER_MANAGER - 20, CLIENTS_PER_MANAGER + 20)):
            number += 1
            industry = rng.choice(industries)
            tier = tiers[rng.choices(tier_codes, weights)[0]]
            group = rng.choice(groups) if rng.random() < 0.15 else None
            status = rng.choices(["active", "prospect", "dormant", "lost"], [80, 8, 8, 4])[0]
            frequency = rng.choice([f.value for f in VisitFrequency]) if rng.random() < 0.7 else ""
            last_visit = (
                today - timedelta(days=rng.randint(0, 50)) if status == "active" and rng.random() < 0.9 else None
            )
            client = Client(
                code=f"DEMO-{number:05d}",
                name=f"{rng.choice(CITIES)}{rng.choice(CORES)}{SUFFIX[industry]}",
                client_type="government"
                if industry == "public"
                else rng.choices(["enterprise", "individual"], [9, 1])[0],
                industry=industry,
                size=rng.choices(["large", "medium", "small", "individual_business"], [10, 30, 45, 15])[0],
                start_date=today - timedelta(days=rng.randint(30, 365 * 9)) if rng.random() < 0.85 else None,
                status=status,
                tier=tier,
                group=group,
                owner=manager,
                team_id=manager.team_id,
                address=f"{rng.choice(CITIES)}市{rng.choice(CORES)}路{rng.randint(1, 999)}号",
                phone=f"0{rng.randint(570, 580)}-{rng.randint(80_000_000, 89_999_999)}",
                visit_method=rng.choices([m.value for m in VisitMethod] + [""], [70, 15, 10, 5])[0],
                visit_frequency=frequency,
                last_visited_on=last_visit,
            )
            effective_tier = rules.better_tier(tier, group.tier if group else None)
            client.next_visit_due = rules.next_visit_due(
                last_visit, rules.stricter_frequency(frequency, effective_tier.min_visit_frequency)
            )
            clients.append(client)
    bulk_create_with_history(clients, Client, batch_size=500, default_change_reason="Demo data")
    created = {c.code: c for c in Client.objects.filter(code__startswith="DEMO-").only("id", "code")}

    contacts = []
    for client in clients:
        for title, role, influence, key in ROLES[: rng.randint(2, 5)]:
            birthday = date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28))
            contacts.append(
                Contact(
                    client_id=created[client.code].pk,
                    name=_person(rng),
                    title=title,
                    mobile=_mobile(rng),
                    email=f"contact{len(contacts) + 1}@example.com" if rng.random() < 0.6 else "",
                    birthday=birthday if rng.random() < 0.8 else None,
                    is_key_person=key,
                    decision_role=role,
                    influence=influence,
                    preferred_channel=rng.choice([c.value for c in Contact.Channel]),
                )
            )
    bulk_create_with_history(contacts, Contact, batch_size=1000, default_change_reason="Demo data")
    return len(clients)

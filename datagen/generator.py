"""A large, realistic dataset for benchmarks: `manage.py generate_data --scale small|large`.

Skew is deliberate: managers' books follow a log-normal spread (the busiest hold several
times the median), and clients' activity too, so some clients have dozens of visits and
complaints and many have a handful. Everything is reproducible from the seed.

Logins made: ``gen_admin``, ``gen_sup01``… and ``gen_mgr001``… (the busiest manager is
``gen_mgr001``); the password is the demo password.
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Team, User
from analysis.demo import SEASON, seed_products
from analysis.models import (
    BrandTarget,
    BusinessFigure,
    FigureImport,
    FocusProduct,
    MarketIndicator,
    MarketTarget,
    TargetClient,
)
from clients import rules as client_rules
from clients.models import Client, ClientGroup, Contact, Tier
from complaints.defaults import ensure_complaint_defaults
from complaints.models import Category, Complaint, ComplaintNumberCounter, SlaPolicy
from interactions.models import FollowUpTask, Interaction
from surveys.defaults import ensure_default_survey
from surveys.models import Invitation, Question, Response, SurveyTemplate
from visits import rules as visit_rules
from visits.models import MonthlyPlan, PlanLine, PlannedVisit, VisitLog
from workdays.selectors import working_days

from .writer import TableWriter, next_id, reset_sequences, write_columns

PREFIX = "gen_"
FIGURE_MONTHS = 12
FOCUS_PER_TEAM = 6
TARGET_CLIENTS_PER_PRODUCT = 50
DAYS_OF_HISTORY = 730
VISITS_PER_DAY = 10


@dataclass(frozen=True)
class Scale:
    teams: int
    managers: int
    clients: int
    contacts: int
    visit_logs: int
    complaints: int
    responses: int
    interactions: int
    # Business figures: client × product × month rows over FIGURE_MONTHS months.
    figures: int = 0


SCALES = {
    "small": Scale(
        teams=4,
        managers=20,
        clients=1_000,
        contacts=3_000,
        visit_logs=20_000,
        complaints=2_000,
        responses=3_000,
        interactions=5_000,
        figures=54_000,
    ),
    "large": Scale(
        teams=20,
        managers=200,
        clients=100_000,
        contacts=300_000,
        visit_logs=2_000_000,
        complaints=200_000,
        responses=300_000,
        interactions=500_000,
        figures=5_400_000,
    ),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩然子涵欣怡梓轩雨泽思远晨阳佳琪俊杰"
CITIES = ["杭州", "宁波", "温州", "绍兴", "嘉兴", "湖州", "金华", "台州", "丽水", "衢州", "舟山", "义乌"]
WORDS = [
    "华信",
    "恒通",
    "鼎盛",
    "瑞丰",
    "远航",
    "东方",
    "新世纪",
    "金桥",
    "宏达",
    "天成",
    "汇丰",
    "永安",
    "博雅",
    "嘉禾",
]
KINDS = ["科技", "贸易", "制造", "物流", "建设", "食品", "医药", "电子", "商贸", "能源", "教育", "酒店"]
WORK = [
    "介绍新的套餐并了解使用情况",
    "回访上月故障处理结果",
    "与关键人沟通年度合作计划",
    "收集对账单和服务的意见",
    "协助办理业务变更",
    "节日走访并赠送宣传资料",
]
OPINIONS = ["", "", "希望网络更稳定", "账单希望按部门拆分", "对响应速度满意", "希望增加上门服务次数"]
COMPLAINTS = ["网络时断时续", "账单金额有误", "装机延误", "客服电话打不通", "业务办理等待时间过长", "资费说明不清楚"]
WORK_HOURS = [9, 10, 11, 14, 15, 16]


def allocate(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """Whole counts proportional to the weights that add up to exactly ``total``."""
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    missing = total - sum(counts)
    for index in rng.choices(range(len(weights)), weights=weights, k=missing):
        counts[index] += 1
    return counts


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(SURNAMES), "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


class Generator:
    def __init__(self, scale: Scale, *, seed: int = 2026, today: date | None = None, log=print):
        self.scale = scale
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.log = log
        self.counts: dict[str, int] = {}
        self.tz = timezone.get_current_timezone()

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)

    def write(self, model, rows) -> None:
        started = time.perf_counter()
        written = TableWriter(model).write(rows)
        label = model._meta.verbose_name_plural
        self.counts[str(model._meta.label)] = self.counts.get(str(model._meta.label), 0) + written
        self.log(f"  {written:>10,} {label} in {time.perf_counter() - started:.1f} s")

    @transaction.atomic
    def run(self) -> dict[str, int]:
        if User.objects.filter(username=f"{PREFIX}admin").exists():
            raise ValueError("Generated data is already in this database (user gen_admin exists).")
        ensure_complaint_defaults()
        ensure_default_survey()
        self.people()
        self.clients()
        self.contacts()
        self.visit_logs()
        self.plans()
        self.complaints()
        self.surveys()
        self.interactions()
        self.business()
        generated = [Team, User, ClientGroup, Client, Contact, VisitLog, PlannedVisit, MonthlyPlan, PlanLine]
        generated += [Complaint, Invitation, Response, Interaction, FollowUpTask]
        generated += [BusinessFigure, FocusProduct, BrandTarget, MarketTarget, TargetClient]
        reset_sequences(generated)
        return self.counts

    # People ----------------------------------------------------------------------------

    def people(self) -> None:
        rng, scale = self.rng, self.scale
        password = make_password(DEMO_PASSWORD)
        team_id = next_id(Team)
        self.teams = list(range(team_id, team_id + scale.teams))
        # Written row by row, past the model: the Chinese name goes in its own column too
        # (names per language, crm/i18n.py), or the team would read as nameless.
        names = [f"{CITIES[i % len(CITIES)]}{i + 1:02d}组" for i in range(len(self.teams))]
        rows = ({"id": pk, "name": name, "name_zh_hans": name} for pk, name in zip(self.teams, names, strict=True))
        self.write(Team, rows)
        user_id = next_id(User)
        users = []

        def user(username: str, role: str, team: int | None, **extra) -> int:
            nonlocal user_id
            family, given = person(rng)
            users.append(
                {
                    "id": user_id,
                    "username": username,
                    "password": password,
                    "first_name": given,
                    "last_name": family,
                    "role": role,
                    "team_id": team,
                    "language": "zh-hans",
                    "phone": mobile(rng),
                    **extra,
                }
            )
            user_id += 1
            return user_id - 1

        self.admin = user(f"{PREFIX}admin", User.Role.ADMIN, None, is_staff=True, is_superuser=True)
        self.supervisors = [user(f"{PREFIX}sup{i + 1:02d}", User.Role.SUPERVISOR, t) for i, t in enumerate(self.teams)]
        self.managers = [
            user(f"{PREFIX}mgr{i + 1:03d}", User.Role.MANAGER, self.teams[i % scale.teams], grade="g2")
            for i in range(scale.managers)
        ]
        self.team_of = {u["id"]: u["team_id"] for u in users}
        self.write(User, users)
        for team, supervisor in zip(self.teams, self.supervisors, strict=True):
            Team.objects.filter(pk=team).update(supervisor_id=supervisor)

    # Clients ---------------------------------------------------------------------------

    def clients(self) -> None:
        rng, scale, today = self.rng, self.scale, self.today
        tiers = list(Tier.objects.order_by("rank"))
        tier_weights = [5, 10, 15, 40, 30][: len(tiers)] + [30] * max(0, len(tiers) - 5)
        # The busiest manager first, so that gen_mgr001 is the heaviest book.
        manager_weights = sorted((rng.lognormvariate(0, 0.6) for _ in self.managers), reverse=True)
        per_manager = allocate(scale.clients, manager_weights, rng)
        owners = [m for m, n in zip(self.managers, per_manager, strict=True) for _ in range(n)]

        group_id = next_id(ClientGroup)
        groups = []
        for i in range(max(1, scale.clients // 50)):
            lead = rng.choice(self.managers)
            groups.append(
                {
                    "id": group_id + i,
                    "code": f"GG{group_id + i:06d}",
                    "name": f"{rng.choice(CITIES)}{rng.choice(WORDS)}集团{i + 1}",
                    "tier_id": tiers[min(2, len(tiers) - 1)].pk,
                    "lead_manager_id": lead,
                }
            )
        self.write(ClientGroup, groups)

        first = next_id(Client)
        self.client_ids = list(range(first, first + scale.clients))
        self.client_owner: list[int] = owners
        self.client_tier: list[Tier] = rng.choices(tiers, weights=tier_weights, k=scale.clients)
        self.client_status = rng.choices(
            [Client.Status.ACTIVE, Client.Status.DORMANT, Client.Status.PROSPECT, Client.Status.LOST],
            weights=[85, 7, 5, 3],
            k=scale.clients,
        )
        # How busy a client is (visits, complaints, surveys): a long tail of busy ones.
        self.activity = [rng.paretovariate(2.0) * (0.2 if s != Client.Status.ACTIVE else 1) for s in self.client_status]
        self.visit_counts = allocate(scale.visit_logs, self.activity, rng)
        self.last_visit: list[date | None] = []
        rows = []
        for i, pk in enumerate(self.client_ids):
            tier = self.client_tier[i]
            frequency = client_rules.stricter_frequency(
                rng.choice(["monthly", "monthly", "twice_monthly"]), tier.min_visit_frequency
            )
            interval = client_rules.FREQUENCY_INTERVAL_DAYS[frequency]
            # Most clients are on time; about one in six is overdue.
            gap = rng.randrange(0, interval) if rng.random() > 0.17 else interval + rng.randrange(1, 60)
            last = today - timedelta(days=gap) if self.visit_counts[i] else None
            self.last_visit.append(last)
            owner = owners[i]
            rows.append(
                {
                    "id": pk,
                    "code": f"G{pk:07d}",
                    "name": f"{rng.choice(CITIES)}{rng.choice(WORDS)}{rng.choice(KINDS)}有限公司{pk}",
                    "client_type": rng.choice(["enterprise", "enterprise", "government", "institution", "individual"]),
                    "industry": rng.choice(Client.Industry.values),
                    "size": rng.choice(Client.Size.values),
                    "start_date": today - timedelta(days=rng.randrange(30, 3650)),
                    "status": self.client_status[i],
                    "tier_id": tier.pk,
                    "group_id": rng.choice(groups)["id"] if rng.random() < 0.2 else None,
                    "owner_id": owner,
                    "team_id": self.team_of[owner],
                    "address": f"{rng.choice(CITIES)}市{rng.choice(WORDS)}路{rng.randrange(1, 999)}号",
                    "phone": f"0571-{rng.randrange(10**8):08d}",
                    "visit_method": rng.choices(["on_site", "phone", "online"], weights=[70, 20, 10])[0],
                    "visit_frequency": frequency,
                    "last_visited_on": last,
                    "next_visit_due": client_rules.next_visit_due(last, frequency),
                    "created_at": self.at(today - timedelta(days=rng.randrange(1, DAYS_OF_HISTORY)), 10),
                    "updated_at": self.at(today, 8),
                }
            )
        self.client_frequency = [r["visit_frequency"] for r in rows]
        self.client_method = [r["visit_method"] for r in rows]
        self.write(Client, rows)

    def contacts(self) -> None:
        rng = self.rng
        counts = allocate(self.scale.contacts, [0.5 + a for a in self.activity], rng)
        pk = next_id(Contact)
        self.first_contact: list[int | None] = []

        def rows():
            nonlocal pk
            for i, client in enumerate(self.client_ids):
                self.first_contact.append(pk if counts[i] else None)
                for n in range(counts[i]):
                    family, given = person(rng)
                    birthday = date(rng.randrange(1960, 2000), rng.randrange(1, 13), rng.randrange(1, 29))
                    yield {
                        "id": pk,
                        "client_id": client,
                        "name": family + given,
                        "title": "总经理" if n == 0 else rng.choice(["经理", "主任", "专员", "财务", "IT 负责人"]),
                        "mobile": mobile(rng),
                        "birthday": birthday,
                        "is_key_person": n < 2,
                        "decision_role": "decision_maker" if n == 0 else rng.choice(Contact.DecisionRole.values),
                        "influence": rng.choice(Contact.Influence.values),
                        "preferred_channel": rng.choice(Contact.Channel.values),
                    }
                    pk += 1

        self.write(Contact, rows())

    # Visits ----------------------------------------------------------------------------

    def visit_logs(self) -> None:
        rng, today = self.rng, self.today
        pk = next_id(VisitLog)
        start = today - timedelta(days=DAYS_OF_HISTORY)

        def rows():
            nonlocal pk
            for i, client in enumerate(self.client_ids):
                count, last = self.visit_counts[i], self.last_visit[i]
                if not count:
                    continue
                span = max(1, (last - start).days)
                days = [last] + [start + timedelta(days=rng.randrange(span)) for _ in range(count - 1)]
                owner = self.client_owner[i]
                for day in days:
                    hour = rng.choice(WORK_HOURS)
                    checked_in = self.at(day, hour, rng.randrange(60))
                    yield {
                        "id": pk,
                        "owner_id": owner,
                        "client_id": client,
                        "submission": f"gen-{pk}",
                        "date": day,
                        "checked_in_at": checked_in,
                        "latitude": Decimal("30.25") + Decimal(rng.randrange(-50000, 50000)) / 1000000,
                        "longitude": Decimal("120.16") + Decimal(rng.randrange(-50000, 50000)) / 1000000,
                        "method": self.client_method[i],
                        "work_done": rng.choice(WORK),
                        "opinions": rng.choice(OPINIONS),
                        "is_temporary": rng.random() < 0.05,
                        "created_at": checked_in + timedelta(minutes=50),
                    }
                    pk += 1

        self.write(VisitLog, rows())

    def plans(self) -> None:
        """Last month's and this month's approved plans with a line per active client, and
        their planned visits (last month's all done or missed)."""
        for month in (visit_rules.previous_month(self.today), visit_rules.month_start(self.today)):
            self.month_plans(month)

    def month_plans(self, month: date) -> None:
        rng, today = self.rng, self.today
        end = visit_rules.month_end(month)
        plan_pk = next_id(MonthlyPlan)
        plan_of = {}
        plans = []
        for n, manager in enumerate(self.managers):
            plan_of[manager] = plan_pk + n
            plans.append(
                {
                    "id": plan_pk + n,
                    "owner_id": manager,
                    "team_id": self.team_of[manager],
                    "month": month,
                    "status": MonthlyPlan.Status.APPROVED,
                    "focus": "重点走访 VIP 客户",
                    "submitted_at": self.at(month - timedelta(days=3), 17),
                    "decided_by_id": self.supervisors[self.teams.index(self.team_of[manager])],
                    "decided_at": self.at(month - timedelta(days=2), 10),
                    "created_at": self.at(month - timedelta(days=5), 9),
                    "updated_at": self.at(month - timedelta(days=2), 10),
                }
            )
        self.write(MonthlyPlan, plans)
        active = [i for i, s in enumerate(self.client_status) if s == Client.Status.ACTIVE]
        line_pk = next_id(PlanLine)
        self.write(
            PlanLine,
            (
                {
                    "id": line_pk + n,
                    "plan_id": plan_of[self.client_owner[i]],
                    "client_id": self.client_ids[i],
                    "frequency": self.client_frequency[i],
                    "is_key": self.client_tier[i].is_vip,
                }
                for n, i in enumerate(active)
            ),
        )
        working = working_days(month, end)
        visit_pk = next_id(PlannedVisit)
        per_month = {"weekly": 4, "twice_monthly": 2, "monthly": 1}

        def rows():
            nonlocal visit_pk
            booked: dict[tuple[int, date], int] = {}
            for i in active:
                owner = self.client_owner[i]
                wanted = min(per_month[self.client_frequency[i]], len(working))
                # Nobody makes more than VISITS_PER_DAY visits a day: a big book plans what fits.
                free = [d for d in working if booked.get((owner, d), 0) < VISITS_PER_DAY]
                for day in sorted(rng.sample(free, min(wanted, len(free)))):
                    booked[owner, day] = booked.get((owner, day), 0) + 1
                    if day < today:
                        status = PlannedVisit.Status.DONE if rng.random() < 0.85 else PlannedVisit.Status.MISSED
                    else:
                        status = PlannedVisit.Status.PLANNED
                    yield {
                        "id": visit_pk,
                        "owner_id": owner,
                        "client_id": self.client_ids[i],
                        "date": day,
                        "method": self.client_method[i],
                        "source": PlannedVisit.Source.GENERATED,
                        "status": status,
                        "created_at": self.at(month, 8),
                    }
                    visit_pk += 1

        self.write(PlannedVisit, rows())

    # Complaints ------------------------------------------------------------------------

    def complaints(self) -> None:
        rng, now = self.rng, timezone.now()
        categories = list(Category.objects.filter(parent__isnull=False, is_active=True)) or list(Category.objects.all())
        policies = {p.severity: p for p in SlaPolicy.objects.all()}
        severities = ["normal"] * 6 + ["low"] * 2 + ["high", "critical"]
        severities = [s for s in severities if s in policies] or list(policies)
        counts = allocate(self.scale.complaints, [a * a for a in self.activity], rng)
        pk = next_id(Complaint)
        numbers: dict[int, int] = {}
        for year in range(now.year - 3, now.year + 1):
            last = Complaint.objects.filter(number__startswith=f"TS-{year}-").order_by("-number").first()
            numbers[year] = int(last.number.rsplit("-", 1)[1]) if last else 0

        def rows():
            nonlocal pk
            for i, client in enumerate(self.client_ids):
                for _ in range(counts[i]):
                    received = now - timedelta(minutes=rng.randrange(DAYS_OF_HISTORY * 24 * 60))
                    policy = policies[rng.choice(severities)]
                    first_due = received + timedelta(hours=policy.first_response_hours)
                    resolution_due = received + timedelta(hours=policy.resolution_hours)
                    age_hours = (now - received).total_seconds() / 3600
                    late = rng.random() < 0.12
                    acknowledged = resolved = closed = None
                    if age_hours > policy.first_response_hours or rng.random() < 0.7:
                        hours = policy.first_response_hours * (1.4 if late else rng.uniform(0.1, 0.9))
                        acknowledged = min(now, received + timedelta(hours=hours))
                    if acknowledged and (age_hours > policy.resolution_hours * 1.5 or rng.random() < 0.3):
                        hours = policy.resolution_hours * (1.3 if late else rng.uniform(0.2, 0.95))
                        resolved = min(now, received + timedelta(hours=hours))
                    if resolved and now - resolved > timedelta(days=7):
                        closed = resolved + timedelta(days=rng.randrange(1, 7))
                    state = (
                        "closed"
                        if closed
                        else "resolved"
                        if resolved
                        else rng.choice(["acknowledged", "in_progress"])
                        if acknowledged
                        else "new"
                    )
                    numbers[received.year] += 1
                    owner = self.client_owner[i]
                    yield {
                        "id": pk,
                        "number": f"TS-{received.year}-{numbers[received.year]:06d}",
                        "client_id": client,
                        "contact_id": self.first_contact[i],
                        "channel": rng.choice(Complaint.Channel.values),
                        "category_id": rng.choice(categories).pk,
                        "severity": policy.severity,
                        "description": rng.choice(COMPLAINTS),
                        "received_at": received,
                        "owner_id": owner,
                        "team_id": self.team_of[owner],
                        "state": state,
                        "first_response_due": first_due,
                        "resolution_due": resolution_due,
                        "acknowledged_at": acknowledged,
                        "resolved_at": resolved,
                        "closed_at": closed,
                        "action_taken": "已处理并回复客户" if resolved else "",
                        "created_by_id": owner,
                        "created_at": received,
                    }
                    pk += 1

        self.write(Complaint, rows())
        # Registration takes the next number from the year's counter: it starts after these.
        for year, last in numbers.items():
            if last:
                ComplaintNumberCounter.objects.update_or_create(year=year, defaults={"last": last})

    # Surveys ---------------------------------------------------------------------------

    def surveys(self) -> None:
        rng, now = self.rng, timezone.now()
        template = SurveyTemplate.objects.get(is_default=True)
        ratings = Question.objects.filter(template=template, kind="rating").count() or 5
        counts = allocate(self.scale.responses, [0.3 + a for a in self.activity], rng)
        # Some managers' clients are happier than others'.
        mood = {m: rng.uniform(-0.8, 0.5) for m in self.managers}
        first_invitation = next_id(Invitation)
        first_response = next_id(Response)
        answered = []  # (invitation pk, client index, answered at)
        for i in range(len(self.client_ids)):
            for _ in range(counts[i]):
                answered.append(
                    (
                        first_invitation + len(answered),
                        i,
                        now - timedelta(minutes=rng.randrange(DAYS_OF_HISTORY * 1440)),
                    )
                )

        def invitations():
            for pk, i, at in answered:
                sent = at - timedelta(hours=rng.randrange(1, 72))
                digest = hashlib.sha256(f"gen-{pk}".encode()).hexdigest()
                yield {
                    "id": pk,
                    "client_id": self.client_ids[i],
                    "contact_id": self.first_contact[i],
                    "template_id": template.pk,
                    "reason": Invitation.Reason.CADENCE,
                    "language": "zh-hans",
                    "nonce": f"gen{pk}",
                    "token_hash": digest,
                    "state": Invitation.State.ANSWERED,
                    "created_at": sent,
                    "send_after": sent,
                    "sent_at": sent,
                    "expires_at": sent + timedelta(days=14),
                    "answered_at": at,
                }

        def responses():
            for n, (pk, i, at) in enumerate(answered):
                owner = self.client_owner[i]
                quality = min(1.0, max(0.0, rng.gauss(0.75, 0.2) + mood[owner] * 0.3))
                satisfied = sum(rng.random() < quality for _ in range(ratings))
                nps = max(0, min(10, round(rng.gauss(6 + quality * 4, 1.5))))
                yield {
                    "id": first_response + n,
                    "invitation_id": pk,
                    "client_id": self.client_ids[i],
                    "owner_id": owner,
                    "tier_id": self.client_tier[i].pk,
                    "submitted_at": at,
                    "via": Response.Via.ONLINE if rng.random() < 0.8 else Response.Via.PHONE,
                    "ratings": ratings,
                    "satisfied_ratings": satisfied,
                    "nps_score": nps,
                    "is_low": nps <= 6 or satisfied < ratings // 2,
                }

        self.write(Invitation, invitations())
        self.write(Response, responses())

    def interactions(self) -> None:
        """Calls and messages over the last year, most on the most active clients: one in
        ten a request (most answered in time, some late, a few still open; one in five of
        them needing a visit), one in ten with a promised follow-up (the past ones done)."""
        rng, now = self.rng, timezone.now()
        counts = allocate(self.scale.interactions, self.activity, rng)
        channels = ["phone"] * 5 + ["wechat"] * 3 + ["sms", "email", "office", "letter"]
        pk, task_pk = next_id(Interaction), next_id(FollowUpTask)
        tasks = []

        def rows():
            nonlocal pk, task_pk
            for i, client in enumerate(self.client_ids):
                owner = self.client_owner[i]
                for _ in range(counts[i]):
                    when = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
                    request = rng.random() < 0.1
                    visit = request and rng.random() < 0.2
                    late = rng.random()
                    replied = None
                    if request and when < now - timedelta(hours=24):
                        replied = when + timedelta(hours=rng.uniform(0.5, 20) if late < 0.85 else rng.uniform(25, 60))
                    elif request and late < 0.5:
                        replied = when + timedelta(hours=rng.uniform(0.1, 1))
                    replied = replied if replied is None or replied < now else None
                    promise = rng.random() < 0.1
                    follow_up = timezone.localdate(when) + timedelta(days=rng.randrange(1, 8)) if promise else None
                    yield {
                        "id": pk,
                        "client_id": client,
                        "owner_id": owner,
                        "team_id": self.team_of[owner],
                        "channel": rng.choice(channels),
                        "direction": "in" if rng.random() < 0.6 else "out",
                        "occurred_at": when,
                        "summary": rng.choice(WORK),
                        "promise": "发送资料并回电" if promise else "",
                        "follow_up_on": follow_up,
                        "is_request": request,
                        "reply_due": when + timedelta(hours=24) if request else None,
                        "replied_at": replied,
                        "reply_note": "",
                        "visit_needed": visit,
                        "visit_due": when + timedelta(hours=48) if visit else None,
                        "visit_planned_at": when + timedelta(hours=rng.uniform(2, 60)) if visit and replied else None,
                        "created_by_id": owner,
                        "created_at": when,
                    }
                    if promise:
                        done = follow_up < self.today and rng.random() < 0.9
                        tasks.append(
                            {
                                "id": task_pk,
                                "owner_id": owner,
                                "client_id": client,
                                "interaction_id": pk,
                                "description": "发送资料并回电",
                                "due_on": follow_up,
                                "done_at": self.at(follow_up, 16) if done else None,
                                "done_note": "",
                                "created_at": when,
                            }
                        )
                        task_pk += 1
                    pk += 1

        self.write(Interaction, rows())
        self.write(FollowUpTask, iter(tasks))

    # Business figures (analysis) ---------------------------------------------------------

    def business(self) -> None:
        """The 30 products and FIGURE_MONTHS months of figures up to last month: each client
        buys a steady basket (its size from the client's weight, so the rows add up to the
        scale's figures), one product swapped now and then; focus products per team, brand
        and market targets per manager for last month and this month, target clients."""
        if not self.scale.figures:
            return
        rng = self.rng
        products = seed_products(prefix="GEN-P")
        ids = [p.pk for p in products]
        prices = [float(p.unit_price) for p in products]
        weights = [3.0 if p.is_key_brand else 1.0 for p in products]
        key = {p.pk for p in products if p.is_key_brand}
        months = [visit_rules.previous_month(self.today)]
        while len(months) < FIGURE_MONTHS:
            months.append(visit_rules.previous_month(months[-1]))
        months.reverse()
        factor = {Client.Status.ACTIVE: 1.0, Client.Status.DORMANT: 0.4, Client.Status.LOST: 0.2}
        client_weights = [rng.lognormvariate(0, 0.4) * factor.get(s, 0.0) for s in self.client_status]
        per_month = allocate(self.scale.figures // FIGURE_MONTHS, client_weights, rng)
        batch = FigureImport.objects.create(source=FigureImport.Source.DEMO, file_name="generate_data")
        first = next_id(BusinessFigure)
        month_texts = [f"{m:%Y-%m-%d}" for m in months]
        seasons = [SEASON[m.month] for m in months]
        random_ = rng.random

        def rows():
            pk = first
            for i, client in enumerate(self.client_ids):
                count = min(per_month[i], len(ids))
                if not count:
                    continue
                size = client_weights[i]
                basket = set()
                while len(basket) < count:
                    basket.add(rng.choices(range(len(ids)), weights)[0])
                basket = sorted(basket)
                for m, month in enumerate(month_texts):
                    if count < len(ids) and random_() < 0.2:  # this month, one product swapped for another
                        out = basket[int(random_() * count)]
                        spare = [k for k in range(len(ids)) if k not in basket]
                        bought = [k for k in basket if k != out] + [spare[int(random_() * len(spare))]]
                    else:
                        bought = basket
                    level = size * seasons[m]
                    for k in bought:
                        quantity = 1 + int(level * (12 if ids[k] in key else 7) * (0.5 + random_()))
                        orders = 1 + int(random_() * 4)
                        amount = round(quantity * prices[k] * (0.97 + 0.03 * random_()), 2)
                        yield (pk, client, ids[k], month, quantity, amount, orders, batch.pk)
                        pk += 1

        started = time.perf_counter()
        columns = ["id", "client", "product", "month", "quantity", "amount", "orders", "batch"]
        written = write_columns(BusinessFigure, columns, rows())
        self.counts[BusinessFigure._meta.label] = written
        FigureImport.objects.filter(pk=batch.pk).update(
            rows=written, clients=sum(1 for n in per_month if n), months=f"{months[0]:%Y-%m}…{months[-1]:%Y-%m}"
        )
        self.log(f"  {written:>10,} business figures in {time.perf_counter() - started:.1f} s")
        self.targets(products, months[-1])

    def targets(self, products, last_month: date) -> None:
        rng = self.rng
        this_month = visit_rules.month_start(self.today)
        focus = {team: rng.sample([p.pk for p in products], FOCUS_PER_TEAM) for team in self.teams}
        supervisor_of = dict(zip(self.teams, self.supervisors, strict=True))
        pk = next_id(FocusProduct)
        rows = []
        for month in (last_month, this_month):
            for team, chosen in focus.items():
                for product in chosen:
                    rows.append({"id": pk, "team_id": team, "month": month, "product_id": product,
                                 "set_by_id": supervisor_of[team]})  # fmt: skip
                    pk += 1
        self.write(FocusProduct, rows)
        books: dict[int, list[int]] = {}
        for i, owner in enumerate(self.client_owner):
            books.setdefault(owner, []).append(i)
        brand, chosen, market = [], [], []
        brand_pk, chosen_pk, market_pk = next_id(BrandTarget), next_id(TargetClient), next_id(MarketTarget)
        for month in (last_month, this_month):
            for manager in self.managers:
                team = self.team_of[manager]
                book = books.get(manager, [])
                for product in focus[team]:
                    brand.append({"id": brand_pk, "owner_id": manager, "team_id": team, "product_id": product,
                                  "month": month, "stocking_rate": Decimal(rng.randrange(60, 95)),
                                  "active_rate": Decimal(rng.randrange(70, 95)),
                                  "repurchase_rate": Decimal(rng.randrange(40, 80)),
                                  "fulfilment_rate": Decimal(rng.randrange(85, 100))})  # fmt: skip
                    brand_pk += 1
                    for i in rng.sample(book, min(TARGET_CLIENTS_PER_PRODUCT, len(book))):
                        chosen.append({"id": chosen_pk, "owner_id": manager, "client_id": self.client_ids[i],
                                       "product_id": product, "month": month})  # fmt: skip
                        chosen_pk += 1
                # Market targets near the book's size (about 9 cartons a client-product-month).
                rows_per_month = max(1, self.scale.figures // FIGURE_MONTHS * len(book) // max(1, len(self.client_ids)))
                quantity = Decimal(rows_per_month * 9)
                values = {
                    MarketIndicator.QUANTITY: quantity,
                    MarketIndicator.AMOUNT: quantity * 200,
                    MarketIndicator.AVERAGE_PRICE: Decimal(rng.randrange(180, 230)),
                    MarketIndicator.KEY_BRAND_QUANTITY: (quantity * Decimal("0.45")).quantize(Decimal(1)),
                    MarketIndicator.KEY_BRAND_GROWTH: Decimal(rng.randrange(2, 8)),
                    MarketIndicator.ACTIVE_CLIENTS: Decimal(len(book)),
                    MarketIndicator.ORDERS_PER_CLIENT: Decimal("10"),
                }
                for indicator, value in values.items():
                    market.append({"id": market_pk, "team_id": team, "owner_id": manager, "month": month,
                                   "indicator": indicator, "value": value})  # fmt: skip
                    market_pk += 1
        self.write(BrandTarget, brand)
        self.write(TargetClient, chosen)
        self.write(MarketTarget, market)


def analyze() -> None:
    """Fresh planner statistics and visibility maps after a bulk load, as autovacuum would
    leave them later: without the visibility map, index-only scans still read every row."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


def generate(scale: str, *, seed: int = 2026, log=print) -> dict[str, int]:
    started = time.perf_counter()
    counts = Generator(SCALES[scale], seed=seed, log=log).run()
    analyze()
    # The morning's early-warning run, so at-risk lists and home pages have their flags.
    from performance.warnings import evaluate

    flagged = time.perf_counter()
    counts["performance.ClientWarning"] = evaluate()["flagged"]
    log(f"  {counts['performance.ClientWarning']:>10,} early warnings in {time.perf_counter() - flagged:.1f} s")
    # The visits, answers, complaints and business figures were bulk-inserted (no signals):
    # the dashboards' rollups are built once here (every month with any of them).
    from rollups.services import months_with_facts, rebuild_month

    rolled = time.perf_counter()
    counts["rollups.VisitDay"] = sum(rebuild_month(month) for month in months_with_facts())
    log(f"  {counts['rollups.VisitDay']:>10,} visit rollups in {time.perf_counter() - rolled:.1f} s")
    vacuumed = time.perf_counter()
    analyze()
    log(f"  vacuum and statistics in {time.perf_counter() - vacuumed:.1f} s")
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts

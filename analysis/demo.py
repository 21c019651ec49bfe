"""Demo products, business figures, targets and analysis for `manage.py seed_demo`.

Thirty cartons-of-cigarettes products in six brands (eight of them key brands) in a small
category tree; thirteen full months of figures for the demo clients up to last month, plus
this month to date (seasonal; some clients falling, some growing, a few skipping months);
focus products, brand targets (four rates) with target clients, and market targets for the
managers and the teams for last, this and next month; demand (this month's confirmed, next
month's partly) and ability scores; and the analysis of last month and the month before,
computed with the rules of ``analysis.rules``, where some indicators are abnormal on
purpose: manager1's stocking rate of the first key brand is far below its target, manager4
misses the quantity target and manager1's key-brand quantity falls on last year.

Idempotent: the figures are written once (a figure import of source "demo" marks them).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Team, User
from clients.models import Client
from rollups import services as rollups
from visits.rules import month_end, month_start, next_month, previous_month
from workdays.selectors import working_days

from . import rules
from .models import (
    AbilityDimension,
    AbilityScore,
    BrandTarget,
    BusinessFigure,
    Demand,
    FigureImport,
    FocusProduct,
    MarketIndicator,
    MarketTarget,
    MonthAnalysis,
    Product,
    ProductCategory,
    Rate,
    TargetClient,
)
from .selectors import growth_base
from .selectors_summary import CUMULATIVE, INDICATORS, Figures, indicator_values

MONTHS_OF_HISTORY = 13
UNIT = "条"
# (brand, [(name, price per carton, key brand, tar mg or None, category)])
CATALOGUE = [
    ("西湖", [("西湖（硬金）", 260, True, 10, "烤烟型"), ("西湖（细支）", 380, True, 6, "细支"),
              ("西湖（软蓝）", 110, False, 11, "烤烟型"), ("西湖（中支）", 300, False, 8, "中支"),
              ("西湖（红）", 95, False, 11, "烤烟型")]),
    ("钱塘", [("钱塘（雅韵）", 230, True, 10, "烤烟型"), ("钱塘（细支）", 420, False, 6, "细支"),
              ("钱塘（经典）", 130, False, 11, "烤烟型"), ("钱塘（中支）", 330, True, 8, "中支"),
              ("钱塘（硬白）", 160, False, None, "烤烟型")]),
    ("富春", [("富春（山居）", 600, True, 8, "细支"), ("富春（金）", 190, False, 10, "烤烟型"),
              ("富春（蓝）", 120, False, 11, "烤烟型"), ("富春（中支）", 280, False, None, "中支"),
              ("富春（软）", 100, False, 11, "烤烟型")]),
    ("之江", [("之江（潮）", 210, True, 10, "混合型"), ("之江（细支）", 350, False, 6, "细支"),
              ("之江（蓝）", 90, False, None, "烤烟型"), ("之江（银）", 150, False, 10, "混合型"),
              ("之江（中支）", 260, False, 8, "中支")]),
    ("天目", [("天目（峰）", 240, True, 10, "烤烟型"), ("天目（细支）", 320, False, 6, "细支"),
              ("天目（软红）", 105, False, 11, "烤烟型"), ("天目（硬黄）", 140, False, None, "烤烟型"),
              ("天目（中支）", 270, False, 8, "中支")]),
    ("雁荡", [("雁荡（云）", 220, True, 9, "中支"), ("雁荡（细支）", 310, False, 6, "细支"),
              ("雁荡（红）", 98, False, 11, "烤烟型"), ("雁荡（金）", 180, False, 10, "烤烟型"),
              ("雁荡（混合）", 125, False, None, "混合型")]),
]  # fmt: skip
# The category tree: 卷烟 › 烤烟型 / 混合型 / 规格 › 细支, 中支.
TREE = {"烤烟型": ("卷烟",), "混合型": ("卷烟",), "细支": ("卷烟", "新品类"), "中支": ("卷烟", "新品类")}
# Their English names (names per language, crm/i18n.py).
CATEGORY_ENGLISH = {
    "卷烟": "Cigarettes",
    "烤烟型": "Flue-cured",
    "混合型": "Blended",
    "新品类": "New formats",
    "细支": "Slim",
    "中支": "Medium slim",
}
# Spring Festival peak, summer dip (calendar month → factor).
SEASON = {1: 1.45, 2: 1.25, 3: 0.9, 4: 0.92, 5: 0.95, 6: 0.9, 7: 0.88, 8: 0.9, 9: 1.05, 10: 1.05, 11: 0.97, 12: 1.15}
FOCUS_PER_TEAM = 6
TARGET_CLIENTS = 20
CENTS = Decimal("0.01")


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENTS, rounding=ROUND_HALF_UP)


def _months_back(month: date, count: int) -> list[date]:
    months = [month]
    for _ in range(count - 1):
        months.append(previous_month(months[-1]))
    return sorted(months)


def seed_products(prefix: str = "DEMO-P") -> list[Product]:
    """The category tree and the 30 products (idempotent: by name and code)."""
    categories: dict[tuple, ProductCategory] = {}

    def node(path: tuple[str, ...]) -> ProductCategory:
        if path not in categories:
            parent = node(path[:-1]) if len(path) > 1 else None
            categories[path], _ = ProductCategory.objects.get_or_create(
                parent=parent, name_zh_hans=path[-1], defaults={"name_en": CATEGORY_ENGLISH[path[-1]]}
            )
        return categories[path]

    products = []
    number = 0
    for brand, items in CATALOGUE:
        for name, price, key, tar, category in items:
            number += 1
            product, _ = Product.objects.get_or_create(
                code=f"{prefix}{number:02d}",
                defaults={
                    "name": name,
                    "brand": brand,
                    "category": node((*TREE[category], category)),
                    "unit": UNIT,
                    "unit_price": Decimal(price),
                    "is_key_brand": key,
                    "attributes": {"tar_mg": tar} if tar is not None else {},
                },
            )
            products.append(product)
    return products


@transaction.atomic
def seed_analysis(*, seed: int = 2027) -> int:
    """Everything once; returns the number of figure rows written (0 when present)."""
    products = seed_products()
    if FigureImport.objects.filter(source=FigureImport.Source.DEMO).exists():
        return 0
    managers = list(
        User.objects.filter(role=User.Role.MANAGER, username__startswith="manager", team__isnull=False)
        .select_related("team")
        .order_by("username")
    )
    clients = list(
        Client.objects.filter(code__startswith="DEMO-", owner__in=managers)
        .exclude(status=Client.Status.PROSPECT)
        .order_by("code")
        .values("pk", "owner_id", "status")
    )
    if not managers or not clients:
        return 0
    return DemoBook(products, managers, clients, random.Random(seed)).write()  # noqa: S311 (demo data)


class DemoBook:
    def __init__(self, products, managers, clients, rng: random.Random):
        self.products, self.managers, self.clients, self.rng = products, managers, clients, rng
        self.today = timezone.localdate()
        self.this_month = month_start(self.today)
        self.last_month = previous_month(self.today)
        self.next_month = next_month(self.today)
        self.months = _months_back(self.last_month, MONTHS_OF_HISTORY)
        self.key = [p for p in products if p.is_key_brand]
        self.price = {p.pk: p.unit_price for p in products}
        self.is_key = {p.pk: p.is_key_brand for p in products}
        self.owner_of = {c["pk"]: c["owner_id"] for c in clients}
        self.manager = {m.pk: m for m in managers}
        self.by_username = {m.username: m for m in managers}
        # The key brand whose stocking rate manager1 misses.
        self.weak_product = self.key[0]
        # (client, product, month) → [quantity, amount, orders]
        self.figures: dict[tuple[int, int, date], list] = {}

    # Figures -----------------------------------------------------------------------------

    def generate_figures(self) -> None:
        rng = self.rng
        manager1 = self.by_username.get("manager1")
        manager4 = self.by_username.get("manager4")
        weights = [3 if p.is_key_brand else 1 for p in self.products]
        elapsed = len(working_days(self.this_month, self.today - timedelta(days=1)))
        month_share = elapsed / max(1, len(working_days(self.this_month, month_end(self.this_month))))
        for client in self.clients:
            owner = client["owner_id"]
            size = rng.lognormvariate(0, 0.6)
            trend = rng.choices([-0.035, 0.0, 0.025], [15, 70, 15])[0]
            if manager1 and owner == manager1.pk and rng.random() < 0.5:
                trend = -0.03  # manager1's book is slipping: key-brand growth is abnormal
            basket = set()
            while len(basket) < rng.randint(3, 7):
                basket.add(rng.choices(self.products, weights)[0].pk)
            weak = self.weak_product.pk
            mine = manager1 is not None and owner == manager1.pk
            if rng.random() < (0.8 if mine else 0.6):
                basket.add(weak)
            # Most of manager1's clients stopped stocking the weak key brand lately.
            stops_weak = mine and rng.random() < 0.7
            skips = rng.random() < 0.08  # a few clients skip a month now and then
            lost = client["status"] == Client.Status.LOST
            months = [*self.months, self.this_month]
            for index, month in enumerate(months):
                if lost and index > len(months) - 4:
                    continue
                if skips and rng.random() < 0.2:
                    continue
                level = size * SEASON[month.month] * (1 + trend) ** index
                if manager4 and owner == manager4.pk and month == self.last_month:
                    level *= 0.85  # a weak month: manager4 misses the quantity target
                share = month_share if month == self.this_month else 1.0
                for product in basket:
                    if product == weak and stops_weak and month >= self.months[-3]:
                        continue
                    base = 18 if self.is_key[product] else 10
                    quantity = round(base * level * rng.uniform(0.6, 1.4) * share)
                    if quantity <= 0:
                        continue
                    orders = max(1, min(quantity, round(rng.uniform(1, 4.4) * (share if share < 1 else 1))))
                    amount = _money(float(self.price[product]) * quantity * rng.uniform(0.97, 1.0))
                    self.figures[(client["pk"], product, month)] = [Decimal(quantity), amount, orders]

    def write(self) -> int:
        self.generate_figures()
        batch = FigureImport.objects.create(
            source=FigureImport.Source.DEMO,
            file_name="demo",
            rows=len(self.figures),
            clients=len({c for c, _p, _m in self.figures}),
            months=f"{self.months[0]:%Y-%m}…{self.this_month:%Y-%m}",
        )
        BusinessFigure.objects.bulk_create(
            [
                BusinessFigure(client_id=c, product_id=p, month=m, quantity=q, amount=a, orders=o, batch=batch)
                for (c, p, m), (q, a, o) in self.figures.items()
            ],
            batch_size=2000,
        )
        # Written in bulk (no signals): the business board's rollups of these months, here.
        rollups.refresh_figures_of((c, m) for c, _p, m in self.figures)
        self.focus()
        self.demand()
        self.brand_targets()
        self.market_targets()
        self.ability_scores()
        self.analyses()
        return len(self.figures)

    # Targets -----------------------------------------------------------------------------

    def focus(self) -> None:
        """Each team's focus products (the weak key brand among them) for three months."""
        rng = self.rng
        self.focus_of: dict[int, list[int]] = {}
        rows = []
        for team in Team.objects.filter(pk__in={m.team_id for m in self.managers}).select_related("supervisor"):
            others = [p.pk for p in self.products if p.pk != self.weak_product.pk]
            chosen = [self.weak_product.pk, *rng.sample([p.pk for p in self.key[1:]], 3)]
            chosen += rng.sample([p for p in others if p not in chosen], FOCUS_PER_TEAM - len(chosen))
            self.focus_of[team.pk] = chosen
            for month in (self.months[-2], self.last_month, self.this_month, self.next_month):
                rows += [FocusProduct(team=team, month=month, product_id=p, set_by=team.supervisor) for p in chosen]
        bulk_create_with_history(rows, FocusProduct, batch_size=500, default_change_reason="Demo data")

    def clients_of(self, manager) -> list[int]:
        return [c["pk"] for c in self.clients if c["owner_id"] == manager.pk]

    def ordered(self, product: int, month: date, clients) -> dict[int, int]:
        """{client: orders} of those who ordered the product in the month."""
        found = {}
        for client in clients:
            row = self.figures.get((client, product, month))
            if row and row[0] > 0:
                found[client] = row[2]
        return found

    def demand(self) -> None:
        """Demand of the focus products: last and this month all confirmed, next month half."""
        rng, rows = self.rng, []
        now = timezone.now()
        self.demand_of: dict[tuple[int, int, date], Decimal] = {}
        for manager in self.managers:
            book = self.clients_of(manager)
            for product in self.focus_of[manager.team_id][:3]:
                for month in (self.months[-2], self.last_month, self.this_month, self.next_month):
                    for client in rng.sample(book, min(8, len(book))):
                        got = self.figures.get((client, product, previous_month(month)))
                        quantity = Decimal(round(float(got[0] if got else 10) * rng.uniform(1.0, 1.3)))
                        confirmed = month != self.next_month or rng.random() < 0.5
                        self.demand_of[(client, product, month)] = quantity
                        rows.append(
                            Demand(
                                client_id=client,
                                product_id=product,
                                month=month,
                                quantity=max(quantity, Decimal(1)),
                                source=rng.choice([Demand.Source.ORDERING, Demand.Source.MANAGER]),
                                entered_by=manager,
                                confirmed_at=now if confirmed else None,
                                confirmed_by=manager if confirmed else None,
                            )
                        )
        bulk_create_with_history(rows, Demand, batch_size=500, default_change_reason="Demo data")

    def brand_targets(self) -> None:
        """Target clients and four-rate targets per manager and focus product: near what the
        manager achieves, except manager1's stocking rate of the weak key brand."""
        rng = self.rng
        targets, chosen = [], []
        self.target_clients: dict[tuple[int, int, date], list[int]] = {}
        self.brand_target: dict[tuple[int, int, date], dict[str, Decimal | None]] = {}
        for manager in self.managers:
            book = self.clients_of(manager)
            for product in self.focus_of[manager.team_id]:
                picked = sorted(rng.sample(book, min(TARGET_CLIENTS, len(book))))
                for month in (self.months[-2], self.last_month, self.this_month, self.next_month):
                    self.target_clients[(manager.pk, product, month)] = picked
                    chosen += [
                        TargetClient(owner=manager, client_id=c, product_id=product, month=month) for c in picked
                    ]
                    # The targets follow the month before (this month's and next month's are set ahead).
                    basis = min(month, self.last_month)
                    actual = self.rates(manager, product, basis)
                    values = {}
                    for rate, value in actual.items():
                        if value is None:
                            value = Decimal(90)
                        values[rate] = min(Decimal(100), _money(float(value) * rng.uniform(0.97, 1.03)))
                    if manager.username == "manager1" and product == self.weak_product.pk:
                        values[Rate.STOCKING] = Decimal(90)
                    self.brand_target[(manager.pk, product, month)] = values
                    targets.append(
                        BrandTarget(owner=manager, team_id=manager.team_id, product_id=product, month=month, **values)
                    )
        bulk_create_with_history(targets, BrandTarget, batch_size=500, default_change_reason="Demo data")
        TargetClient.objects.bulk_create(chosen, batch_size=2000)

    def rates(self, manager, product: int, month: date) -> dict[str, Decimal | None]:
        book = self.clients_of(manager)
        now = self.ordered(product, month, book)
        before = self.ordered(product, previous_month(month), book)
        targets = set(self.target_clients.get((manager.pk, product, month), ()))
        demanded = sum((q for (c, p, m), q in self.demand_of.items() if p == product and m == month and c in book), 0)
        supplied = sum(
            (self.figures[(c, p, m)][0] for (c, p, m), _q in self.demand_of.items()
             if p == product and m == month and c in book and (c, p, m) in self.figures),
            Decimal(0),
        )  # fmt: skip
        return {
            Rate.STOCKING: rules.stocking_rate(targets, set(now)) if targets else None,
            Rate.ACTIVE: rules.active_rate(set(before), set(now)),
            Rate.REPURCHASE: rules.repurchase_rate(now),
            Rate.FULFILMENT: rules.fulfilment_rate(min(supplied, demanded), demanded) if demanded else None,
        }

    def book_figures(self, owners: set[int], month: date) -> Figures:
        if not hasattr(self, "_per_owner"):
            per_owner: dict[tuple[int, date], Figures] = {}
            active = defaultdict(set)
            for (client, product, m), (q, a, o) in self.figures.items():
                key = (self.owner_of[client], m)
                found = per_owner.setdefault(key, Figures())
                found.quantity += q
                found.amount += a
                found.orders += o
                if self.is_key[product]:
                    found.key_brand_quantity += q
                active[key].add(client)
            for key, found in per_owner.items():
                found.active_clients = len(active[key])
            self._per_owner = per_owner
        return sum((self._per_owner.get((owner, month), Figures()) for owner in owners), Figures())

    def market_actual(self, owners: set[int], month: date) -> dict[str, Decimal | None]:
        return indicator_values(self.book_figures(owners, month), self.book_figures(owners, growth_base(month)))

    def market_targets(self) -> None:
        """Targets near the same month last year plus a little growth; last month's near what
        was achieved, with manager4's quantity and manager1's key-brand growth out of reach."""
        rng = self.rng
        rows = []
        self.market_target: dict[tuple[int | None, int, date], dict[str, Decimal]] = {}
        teams = defaultdict(set)
        for manager in self.managers:
            teams[manager.team_id].add(manager.pk)
        for month in (self.months[-2], self.last_month, self.this_month, self.next_month):
            for manager in self.managers:
                if month <= self.last_month:
                    actual = self.market_actual({manager.pk}, month)
                    values = {
                        code: _money(float(v) * rng.uniform(0.98, 1.03)) if v is not None else None
                        for code, v in actual.items()
                    }
                    values[MarketIndicator.KEY_BRAND_GROWTH] = _money(rng.uniform(1, 4))
                    if manager.username == "manager4" and month == self.last_month:
                        values[MarketIndicator.QUANTITY] = _money(float(actual[MarketIndicator.QUANTITY]) * 1.15)
                    if manager.username == "manager1":
                        values[MarketIndicator.KEY_BRAND_GROWTH] = Decimal(5)
                else:
                    base = self.market_actual({manager.pk}, growth_base(month))
                    values = {
                        code: _money(float(v) * (1.05 if code in CUMULATIVE else 1.02)) if v is not None else None
                        for code, v in base.items()
                    }
                    values[MarketIndicator.KEY_BRAND_GROWTH] = Decimal(5)
                self.market_target[(manager.pk, manager.team_id, month)] = values
                rows += [
                    MarketTarget(team_id=manager.team_id, owner=manager, month=month, indicator=code, value=v)
                    for code, v in values.items()
                    if v is not None
                ]
            for team, owners in teams.items():
                mine = [self.market_target[(pk, team, month)] for pk in owners]
                values = {}
                for code in INDICATORS:
                    found = [t[code] for t in mine if t.get(code) is not None]
                    if not found:
                        continue
                    summed = code in CUMULATIVE or code == MarketIndicator.ACTIVE_CLIENTS
                    values[code] = sum(found) if summed else _money(sum(found) / len(found))
                self.market_target[(None, team, month)] = values
                rows += [
                    MarketTarget(team_id=team, owner=None, month=month, indicator=c, value=v) for c, v in values.items()
                ]
        bulk_create_with_history(rows, MarketTarget, batch_size=500, default_change_reason="Demo data")

    def ability_scores(self) -> None:
        """This month's scores for about a third of each book (some low)."""
        rng = self.rng
        dimensions = list(AbilityDimension.objects.filter(is_active=True))
        rows = []
        for manager in self.managers:
            for client in rng.sample(self.clients_of(manager), len(self.clients_of(manager)) // 3):
                weak = rng.random() < 0.2
                rows += [
                    AbilityScore(
                        client_id=client,
                        dimension=d,
                        month=self.this_month,
                        score=rng.choice([1, 2, 2, 3]) if weak else rng.choice([3, 4, 4, 5]),
                        scored_by=manager,
                    )
                    for d in dimensions
                ]
        bulk_create_with_history(rows, AbilityScore, batch_size=1000, default_change_reason="Demo data")

    # The analyses already made -------------------------------------------------------------

    def analyses(self) -> None:
        """The analysis of the month before last and of last month (steps 5–6), as made when
        planning last month and this month, through the analysis's own services (the same
        rates, flags and problem clients a manager gets), with the managers' conclusions."""
        from . import brand, market

        done_at = {
            month: timezone.make_aware(datetime.combine(next_month(month) - timedelta(days=3), time(17)))
            for month in (self.months[-2], self.last_month)
        }
        teams = {manager.team for manager in self.managers}
        for month in (self.months[-2], self.last_month):
            planned = next_month(month)
            for manager in self.managers:
                brand_results = brand.analyse_brands(owner=manager, month=planned)
                market_results = market.analyse_market(owner=manager, month=planned)
                weak_brands = sorted({str(r.product) for r in brand_results if r.abnormal})
                weak_market = [str(dict(MarketIndicator.choices)[r.code]) for r in market_results if r.abnormal]
                brand.conclude_brand_analysis(
                    owner=manager,
                    month=planned,
                    problems="、".join(weak_brands) + "未达四率目标" if weak_brands else "四率均达标。",
                    focus="逐户走访未上柜的目标客户，推荐重点品牌。" if weak_brands else "保持重点品牌动销。",
                )
                market.conclude_market_analysis(
                    owner=manager,
                    month=planned,
                    problems="、".join(weak_market) + "低于目标" if weak_market else "各项指标正常。",
                    focus="稳定订货量，提升重点品牌销量。" if weak_market else "巩固现有客户。",
                )
            for team in teams:
                if team.supervisor_id:
                    market.analyse_team_market(team=team, month=planned, by=team.supervisor)
            # Steps 1–2 and the conclusions as done three days before the month began.
            MonthAnalysis.objects.filter(owner__in=self.managers, month=planned).update(
                demand_confirmed_at=done_at[month],
                effect_computed_at=done_at[month],
                strategies_generated_at=done_at[month],
                brand_analysed_at=done_at[month],
                market_analysed_at=done_at[month],
            )

"""Products, business figures and the month's analysis (SPEC "Analysis", seed 004 steps 1–6).

The month being *planned* is ``month`` on the analysis rows (the first day of that month);
the month *analysed* is the one before it (last month's figures). Rates and shares are
stored as percentages (85.00 = 85 %).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedQuerySet, ScopePaths
from clients.models import Client

PERCENT = {"max_digits": 7, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 2}
AMOUNT = {"max_digits": 16, "decimal_places": 2}


class SeenWithClient(ScopedQuerySet):
    # A row about a client is seen with the client, and is the work of its manager.
    scope_paths = ScopePaths(owner="client__owner", team="client__team", mine=("client__owner",))


class OwnedByManager(ScopedQuerySet):
    # A manager's own analysis: seen by them and the supervisors of the team it was made in.
    scope_paths = ScopePaths(owner="owner", team="team")


# --- base data -------------------------------------------------------------------------------


class ProductCategory(models.Model):
    """A node of the category tree (品类结构树)."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # history: registered in translation.py, after the names per language

    class Meta:
        ordering = ["name"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="product_category_unique_name")]

    def __str__(self) -> str:
        return f"{self.parent} › {self.name}" if self.parent_id else self.name


class Product(models.Model):
    """A product or specification (商品/规格) whose figures are imported."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    brand = models.CharField(_("brand"), max_length=100)
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
    )
    unit = models.CharField(_("unit"), max_length=20, default="carton", help_text=_("e.g. carton, box, account"))
    unit_price = models.DecimalField(_("price per unit"), max_digits=12, decimal_places=2, default=0)
    is_key_brand = models.BooleanField(_("key brand"), default=False)
    # Optional attributes of the trade, such as tar content: {"tar_mg": 8}.
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["brand", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class FocusProduct(models.Model):
    """A product the team works on in a month (关注商品), named by its supervisor."""

    team = models.ForeignKey("accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["month", "product__brand", "product__name"]
        verbose_name = _("focus product")
        verbose_name_plural = _("focus products")
        constraints = [
            models.UniqueConstraint(fields=["team", "month", "product"], name="focus_product_once_per_team_month")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.month:%Y-%m} · {self.product}"


# --- business figures ------------------------------------------------------------------------


class FigureImport(models.Model):
    """One import of business figures (an upload or a push from the ordering system)."""

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Upload")
        API = "api", _("API push")
        DEMO = "demo", _("Demo data")

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    clients = models.PositiveIntegerField(_("clients"), default=0)
    months = models.CharField(_("months"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("figure import")
        verbose_name_plural = _("figure imports")
        # The ordering or billing system's technical user pushes figures through the API
        # (analysis/figures.py, PUSH_PERMISSION); admins have it as superusers.
        permissions = [("push_figures", _("Can push business figures through the API"))]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.created_at:%Y-%m-%d %H:%M}"


class BusinessFigure(models.Model):
    """What one client bought of one product in one month (经营数据). Millions of rows: no
    history table; an import of a month for a client replaces that client's rows."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    quantity = models.DecimalField(_("quantity"), **QUANTITY, default=0)
    amount = models.DecimalField(_("amount"), **AMOUNT, default=0)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    batch = models.ForeignKey(
        FigureImport, verbose_name=_("import"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = SeenWithClient.as_manager()

    class Meta:
        verbose_name = _("business figure")
        verbose_name_plural = _("business figures")
        constraints = [
            models.UniqueConstraint(fields=["client", "month", "product"], name="figure_one_per_client_month_product")
        ]
        indexes = [models.Index(fields=["month", "product"], name="figure_month_product")]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.product_id} · {self.month:%Y-%m}"


# --- step 1: direct demand -------------------------------------------------------------------


class Demand(models.Model):
    """What a client asks for in a month (直接需求); only confirmed demand makes strategies."""

    class Source(models.TextChoices):
        ORDERING = "ordering", _("Ordering system")
        MANAGER = "manager", _("Keyed in by the manager")

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANAGER)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    objects = SeenWithClient.as_manager()

    class Meta:
        ordering = ["month", "client__name", "product__name"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        constraints = [models.UniqueConstraint(fields=["client", "month", "product"], name="demand_once_per_month")]

    def __str__(self) -> str:
        return f"{self.client} · {self.product} · {self.quantity}"


# --- step 2: business state ------------------------------------------------------------------


class AbilityDimension(models.Model):
    """One dimension of a client's business ability (经营能力), scored 1–5; admin-edited."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # history: registered in translation.py, after the names per language

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("ability dimension")
        verbose_name_plural = _("ability dimensions")

    def __str__(self) -> str:
        return self.name


class AbilityScore(models.Model):
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+")
    dimension = models.ForeignKey(
        AbilityDimension, verbose_name=_("dimension"), on_delete=models.PROTECT, related_name="scores"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scored by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = SeenWithClient.as_manager()

    class Meta:
        verbose_name = _("ability score")
        verbose_name_plural = _("ability scores")
        constraints = [
            models.UniqueConstraint(fields=["client", "month", "dimension"], name="ability_score_once_per_month"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="ability_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.dimension}: {self.score}"


class BusinessEffect(models.Model):
    """A client's business effect (经营效果) in the analysed month, as computed from the figures."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month analysed"))
    quantity = models.DecimalField(_("quantity"), **QUANTITY, default=0)
    amount = models.DecimalField(_("amount"), **AMOUNT, default=0)
    average_price = models.DecimalField(_("average price per unit"), **AMOUNT, null=True, blank=True)
    growth_month = models.DecimalField(_("growth on the month before (%)"), **PERCENT, null=True, blank=True)
    growth_year = models.DecimalField(_("growth on the same month last year (%)"), **PERCENT, null=True, blank=True)
    product_count = models.PositiveIntegerField(_("products"), default=0)
    key_brand_share = models.DecimalField(_("key-brand share (%)"), **PERCENT, null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    objects = SeenWithClient.as_manager()

    class Meta:
        verbose_name = _("business effect")
        verbose_name_plural = _("business effects")
        constraints = [models.UniqueConstraint(fields=["client", "month"], name="effect_once_per_client_month")]

    def __str__(self) -> str:
        return f"{self.client} · {self.month:%Y-%m}"


# --- steps 3–4: brand targets and target clients ---------------------------------------------


class BrandTarget(models.Model):
    """A manager's targets for one focus product's four rates (四率) in one month."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    stocking_rate = models.DecimalField(_("stocking rate (%)"), **PERCENT, null=True, blank=True)
    active_rate = models.DecimalField(_("active rate (%)"), **PERCENT, null=True, blank=True)
    repurchase_rate = models.DecimalField(_("repurchase rate (%)"), **PERCENT, null=True, blank=True)
    fulfilment_rate = models.DecimalField(_("fulfilment rate (%)"), **PERCENT, null=True, blank=True)
    history = HistoricalRecords()

    objects = OwnedByManager.as_manager()

    class Meta:
        ordering = ["month", "product__brand", "product__name"]
        verbose_name = _("brand target")
        verbose_name_plural = _("brand targets")
        constraints = [
            models.UniqueConstraint(fields=["owner", "month", "product"], name="brand_target_once_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.owner} · {self.product} · {self.month:%Y-%m}"


class TargetClient(models.Model):
    """A client the stocking rate of a product counts in a month (目标客户)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))

    objects = SeenWithClient.as_manager()

    class Meta:
        verbose_name = _("target client")
        verbose_name_plural = _("target clients")
        constraints = [
            models.UniqueConstraint(fields=["product", "month", "client"], name="target_client_once_per_month")
        ]
        indexes = [models.Index(fields=["owner", "month"], name="target_client_owner_month")]

    def __str__(self) -> str:
        return f"{self.client} · {self.product} · {self.month:%Y-%m}"


# --- steps 5–6: brand and market analysis ----------------------------------------------------


class MarketIndicator(models.TextChoices):
    QUANTITY = "quantity", _("Quantity")
    AMOUNT = "amount", _("Amount")
    AVERAGE_PRICE = "average_price", _("Average price per unit")
    KEY_BRAND_QUANTITY = "key_brand_quantity", _("Key-brand quantity")
    KEY_BRAND_GROWTH = "key_brand_growth", _("Key-brand growth (%)")
    ACTIVE_CLIENTS = "active_clients", _("Active clients")
    ORDERS_PER_CLIENT = "orders_per_client", _("Orders per client")


class Rate(models.TextChoices):
    STOCKING = "stocking_rate", _("Stocking rate")
    ACTIVE = "active_rate", _("Active rate")
    REPURCHASE = "repurchase_rate", _("Repurchase rate")
    FULFILMENT = "fulfilment_rate", _("Fulfilment rate")


class MarketTarget(models.Model):
    """A market target of a month for a manager's book, or for the team when ``owner`` is empty."""

    team = models.ForeignKey("accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    indicator = models.CharField(_("indicator"), max_length=30, choices=MarketIndicator.choices)
    value = models.DecimalField(_("target"), **AMOUNT)
    history = HistoricalRecords()

    objects = OwnedByManager.as_manager()

    class Meta:
        verbose_name = _("market target")
        verbose_name_plural = _("market targets")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "month", "indicator"],
                condition=Q(owner__isnull=False),
                name="market_target_once_per_manager",
            ),
            models.UniqueConstraint(
                fields=["team", "month", "indicator"],
                condition=Q(owner__isnull=True),
                name="market_target_once_per_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner or self.team} · {self.get_indicator_display()} · {self.month:%Y-%m}"


class MonthAnalysis(models.Model):
    """A manager's analysis of a month to plan (``month``; the figures are last month's):
    which steps are done, and what the manager concluded."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    month = models.DateField(_("month planned"), help_text=_("The first day of the month."))
    demand_confirmed_at = models.DateTimeField(_("demand confirmed"), null=True, blank=True)
    effect_computed_at = models.DateTimeField(_("business effect computed"), null=True, blank=True)
    strategies_generated_at = models.DateTimeField(_("strategies generated"), null=True, blank=True)
    brand_analysed_at = models.DateTimeField(_("brand analysis done"), null=True, blank=True)
    market_analysed_at = models.DateTimeField(_("market analysis done"), null=True, blank=True)
    brand_problems = models.TextField(_("brand problems"), blank=True)
    brand_focus = models.TextField(_("brand focus for the month"), blank=True)
    market_problems = models.TextField(_("market problems"), blank=True)
    market_focus = models.TextField(_("market focus for the month"), blank=True)
    history = HistoricalRecords()

    objects = OwnedByManager.as_manager()

    class Meta:
        ordering = ["-month", "owner__username"]
        verbose_name = _("month analysis")
        verbose_name_plural = _("month analyses")
        constraints = [models.UniqueConstraint(fields=["owner", "month"], name="analysis_once_per_manager_month")]

    def __str__(self) -> str:
        return f"{self.owner} · {self.month:%Y-%m}"


class IndicatorResult(models.Model):
    """One indicator of step 5 (a product's rate) or step 6 (a market figure) for the
    analysed month: target, actual, and whether it is abnormal (5 % or more below)."""

    class Kind(models.TextChoices):
        BRAND = "brand", _("Brand")
        MARKET = "market", _("Market")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    team = models.ForeignKey("accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the team's figure."),
    )
    month = models.DateField(_("month analysed"))
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.CharField(_("indicator"), max_length=30)
    target = models.DecimalField(_("target"), **AMOUNT, null=True, blank=True)
    actual = models.DecimalField(_("actual"), **AMOUNT, null=True, blank=True)
    abnormal = models.BooleanField(_("abnormal"), default=False)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    objects = OwnedByManager.as_manager()

    class Meta:
        ordering = ["kind", "product__brand", "product__name", "code"]
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        indexes = [models.Index(fields=["team", "month", "kind"], name="indicator_team_month_kind")]

    def __str__(self) -> str:
        return f"{self.code} {self.month:%Y-%m}: {self.actual} / {self.target}"


class ProblemClient(models.Model):
    """A client the analysis names as a problem client of the month to plan, with its reason;
    it joins the proposed key clients of the monthly plan."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month planned"))
    source = models.CharField(_("source"), max_length=80)  # e.g. "brand:P001:stocking_rate"
    reason = models.CharField(_("reason"), max_length=300)
    indicator = models.ForeignKey(
        IndicatorResult, verbose_name=_("indicator"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = SeenWithClient.as_manager()

    class Meta:
        verbose_name = _("problem client")
        verbose_name_plural = _("problem clients")
        constraints = [
            models.UniqueConstraint(fields=["client", "month", "source"], name="problem_client_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.reason}"

"""Competitor and market information gathered on visits and calls (seed 000: "收集竞争信息" on
every visit and call; seed 003 art. 12: learn what competitors do and report it).

One observation is one competitor product or brand seen at one client: its price or
promotion, where it stands on the shelf and its share, and a remark. It is kept with the
client, the visit log or the call it was recorded on, the manager and the day. The free
text "market anomalies" of a visit log stays beside it for what fits no row."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedQuerySet, ScopePaths
from clients.models import Client


class ShelfPosition(models.TextChoices):
    EYE_LEVEL = "eye", _("Eye level")
    TOP = "top", _("Top shelf")
    BOTTOM = "bottom", _("Bottom shelf")
    COUNTER = "counter", _("At the counter")
    END = "end", _("End or display stand")
    NOT_SHOWN = "none", _("Not on display")


class MarketObservationQuerySet(ScopedQuerySet):
    # Seen with the team it was recorded in (the client's team then), like a call.
    scope_paths = ScopePaths(owner="owner", team="team")


class MarketObservation(models.Model):
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="market_observations"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    observed_on = models.DateField(_("date"), default=timezone.localdate)
    visit_log = models.ForeignKey(
        "visits.VisitLog",
        verbose_name=_("visit log"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="market_observations",
    )
    interaction = models.ForeignKey(
        "interactions.Interaction",
        verbose_name=_("call or message"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="market_observations",
    )
    brand = models.CharField(_("competitor brand"), max_length=120)
    product = models.CharField(_("competitor product"), max_length=120, blank=True)
    price = models.DecimalField(
        _("price"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    promotion = models.CharField(_("promotion"), max_length=200, blank=True)
    shelf_position = models.CharField(_("shelf position"), max_length=10, choices=ShelfPosition.choices, blank=True)
    shelf_share = models.PositiveSmallIntegerField(
        _("shelf share (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    remark = models.TextField(_("remark"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = MarketObservationQuerySet.as_manager()

    class Meta:
        ordering = ["-observed_on", "-pk"]
        verbose_name = _("market observation")
        verbose_name_plural = _("market observations")
        indexes = [
            # The market page filters by team (area) or manager, then month and brand.
            models.Index(fields=["team", "observed_on"], name="market_obs_team_day"),
            models.Index(fields=["owner", "observed_on"], name="market_obs_owner_day"),
            models.Index(fields=["client", "observed_on"], name="market_obs_client_day"),
            models.Index(fields=["brand", "observed_on"], name="market_obs_brand_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visit_log__isnull=False) | models.Q(interaction__isnull=False),
                name="market_obs_on_a_visit_or_call",
            ),
            models.CheckConstraint(condition=models.Q(shelf_share__lte=100), name="market_obs_share_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.brand} {self.product}".strip() + f" · {self.client_id} · {self.observed_on:%Y-%m-%d}"

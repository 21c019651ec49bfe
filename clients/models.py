from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from . import rules

# Mainland mobile or landline, optionally with +86, spaces, dashes or an extension.
phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 \-()]{5,18}[0-9](?:\s*(?:ext|x|转)\s*[0-9]{1,6})?$",
    _("Enter a phone number of digits, optionally with +, spaces, dashes or an extension."),
)


class VisitFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Once a week")
    TWICE_MONTHLY = "twice_monthly", _("Twice a month")
    MONTHLY = "monthly", _("Once a month")


class VisitMethod(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    PHONE = "phone", _("Phone")
    ONLINE = "online", _("Online")


class Tier(models.Model):
    """A service level (VIP or ordinary) and the entitlements every feature reads."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("1 is the most valuable tier; it wins over higher numbers.")
    )
    is_vip = models.BooleanField(_("VIP"), default=False)
    min_visit_frequency = models.CharField(
        _("minimum visit frequency"), max_length=20, choices=VisitFrequency.choices, default=VisitFrequency.MONTHLY
    )
    first_response_hours = models.PositiveIntegerField(_("complaint first response (hours)"), default=8)
    resolution_hours = models.PositiveIntegerField(_("complaint resolution (hours)"), default=72)
    survey_cadence_months = models.PositiveSmallIntegerField(
        _("survey every (months)"), default=12, help_text=_("Every client is surveyed at least once a year.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self) -> str:
        return self.name


class ClientGroup(models.Model):
    """A group client (集团客户): member clients under one tier and one lead manager."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    tier = models.ForeignKey(Tier, verbose_name=_("tier"), on_delete=models.PROTECT, related_name="groups")
    lead_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead account manager"),
        on_delete=models.PROTECT,
        related_name="led_groups",
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("group client")
        verbose_name_plural = _("group clients")

    def __str__(self) -> str:
        return self.name


class Client(models.Model):
    class Type(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        GOVERNMENT = "government", _("Government")
        INSTITUTION = "institution", _("Public institution")
        INDIVIDUAL = "individual", _("Individual")

    class Industry(models.TextChoices):
        MANUFACTURING = "manufacturing", _("Manufacturing")
        RETAIL = "retail", _("Retail and wholesale")
        FINANCE = "finance", _("Finance")
        TELECOM_IT = "telecom_it", _("Telecom and IT")
        PUBLIC = "public", _("Government and public services")
        EDUCATION = "education", _("Education")
        HEALTHCARE = "healthcare", _("Healthcare")
        LOGISTICS = "logistics", _("Transport and logistics")
        CONSTRUCTION = "construction", _("Construction and real estate")
        AGRICULTURE = "agriculture", _("Agriculture")
        HOSPITALITY = "hospitality", _("Hotels and catering")
        ENERGY = "energy", _("Energy and mining")
        OTHER = "other", _("Other")

    class Size(models.TextChoices):
        LARGE = "large", _("Large")
        MEDIUM = "medium", _("Medium")
        SMALL = "small", _("Small")
        INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")

    class Tenure(models.TextChoices):
        NEW = "new", pgettext_lazy("tenure", "New")
        REGULAR = "regular", pgettext_lazy("tenure", "Regular")
        LOYAL = "loyal", pgettext_lazy("tenure", "Loyal")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", _("Active")
        DORMANT = "dormant", _("Dormant")
        LOST = "lost", _("Lost")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    client_type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.ENTERPRISE)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, default=Industry.OTHER)
    size = models.CharField(_("size"), max_length=20, choices=Size.choices, default=Size.SMALL)
    start_date = models.DateField(_("client since"), null=True, blank=True)
    tenure = models.CharField(
        _("tenure"),
        max_length=10,
        choices=Tenure.choices,
        blank=True,
        help_text=_("Only used when the start date is unknown; otherwise derived from it."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    tier = models.ForeignKey(Tier, verbose_name=_("tier"), on_delete=models.PROTECT, related_name="clients")
    group = models.ForeignKey(
        ClientGroup,
        verbose_name=_("group client"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        related_name="clients",
    )
    # The owner's team when the client was assigned; kept on the row so that a
    # supervisor's scope is one indexed filter.
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="clients"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[phone_validator])
    email = models.EmailField(_("email"), blank=True)
    visit_method = models.CharField(
        _("visit method"),
        max_length=10,
        choices=VisitMethod.choices,
        blank=True,
        help_text=_("Required before the client can be put on a visit route."),
    )
    visit_frequency = models.CharField(_("visit frequency"), max_length=20, choices=VisitFrequency.choices, blank=True)
    visit_frequency_manual = models.BooleanField(_("frequency set by hand"), default=False)
    visit_frequency_reason = models.CharField(_("reason for the frequency"), max_length=300, blank=True)
    last_visited_on = models.DateField(_("last visited"), null=True, blank=True)
    next_visit_due = models.DateField(
        _("next visit due"), null=True, blank=True, help_text=_("Last visit plus the visit frequency.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["owner", "name"], name="client_owner_name"),
            models.Index(fields=["team", "name"], name="client_team_name"),
            models.Index(fields=["status", "name"], name="client_status_name"),
            models.Index(fields=["tier", "name"], name="client_tier_name"),
            models.Index(fields=["next_visit_due"], name="client_next_visit_due"),
            models.Index(fields=["phone"], name="client_phone"),
            models.Index(fields=["industry"], name="client_industry"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.next_visit_due = rules.next_visit_due(self.last_visited_on, self.effective_visit_frequency)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("clients:detail", args=[self.pk])

    @property
    def effective_tier(self) -> Tier:
        """The client's tier, or its group's when that is better: members get at least that."""
        return rules.better_tier(self.tier, self.group.tier if self.group_id else None)

    @property
    def effective_visit_frequency(self) -> str:
        return rules.stricter_frequency(self.visit_frequency, self.effective_tier.min_visit_frequency)

    @property
    def effective_tenure(self) -> str:
        return rules.tenure_for(self.start_date, timezone.localdate()) or self.tenure

    def get_effective_tenure_display(self) -> str:
        return self.Tenure(self.effective_tenure).label if self.effective_tenure else ""

    @property
    def is_schedulable(self) -> bool:
        return bool(self.visit_method)

    def is_overdue(self, today: date | None = None) -> bool:
        return bool(self.next_visit_due and self.next_visit_due < (today or timezone.localdate()))


class Contact(models.Model):
    class DecisionRole(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("Decision maker")
        INFLUENCER = "influencer", _("Influencer")
        PURCHASER = "purchaser", _("Purchaser")
        FINANCE = "finance", _("Finance")
        USER = "user", _("User")

    class Influence(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    class Channel(models.TextChoices):
        MOBILE = "mobile", _("Mobile phone")
        OFFICE_PHONE = "office_phone", _("Office phone")
        SMS = "sms", _("SMS")
        WECHAT = "wechat", _("WeChat")
        EMAIL = "email", _("Email")
        VISIT = "visit", _("In person")

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile"), max_length=40, blank=True, validators=[phone_validator])
    office_phone = models.CharField(_("office phone"), max_length=40, blank=True, validators=[phone_validator])
    email = models.EmailField(_("email"), blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    is_key_person = models.BooleanField(_("key person"), default=False)
    decision_role = models.CharField(_("role in decisions"), max_length=20, choices=DecisionRole.choices, blank=True)
    influence = models.CharField(_("influence"), max_length=10, choices=Influence.choices, blank=True)
    preferred_channel = models.CharField(_("preferred channel"), max_length=20, choices=Channel.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        # Key persons first (SPEC: the client page shows them first).
        ordering = ["-is_key_person", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["name"], name="contact_name")]

    def __str__(self) -> str:
        return self.name


class OwnerChange(models.Model):
    """Who moved a client to which manager, when and why (SPEC: changes of owner are recorded)."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="owner_changes")
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+", null=True
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+", null=True
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = _("owner change")
        verbose_name_plural = _("owner changes")

    def __str__(self) -> str:
        return f"{self.client}: {self.from_owner} → {self.to_owner}"

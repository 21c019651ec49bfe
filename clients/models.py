from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.decisions import Decided
from accounts.scoping import ScopedQuerySet, ScopePaths
from crm.choices import QuickChoiceLabels
from crm.records import UpdatedOnEverySave

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
    # history: registered in translation.py, after the names per language

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self) -> str:
        return self.name


_NOT_LOADED = object()  # an instance not read from the database: nothing changed on it yet


class GroupClass(models.TextChoices):
    """SPEC: group clients are classed A to D, A the most valuable."""

    A = "A", _("Class A (most valuable)")
    B = "B", _("Class B")
    C = "C", _("Class C")
    D = "D", _("Class D")


class KeyPersonType(models.TextChoices):
    TOP_DECISION_MAKER = "top_decision_maker", _("Top decision maker")
    DESIGNATED_CONTACT = "designated_contact", _("Designated contact")
    IT_CONTACT = "it_contact", _("IT contact")
    COMMS_IT_MANAGER = "comms_it_manager", _("Communications/IT middle manager")
    INFLUENCER = "influencer", pgettext_lazy("key person", "Influencer")


class VipCard(QuickChoiceLabels, models.Model):
    """A key person's VIP card (diamond, gold, silver) and what it entitles them to,
    as a tier does for a client."""

    class Code(models.TextChoices):
        DIAMOND = "diamond", _("Diamond")
        GOLD = "gold", _("Gold")
        SILVER = "silver", _("Silver")

    code = models.CharField(_("code"), max_length=10, choices=Code.choices, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("1 is the highest card; it wins over higher numbers.")
    )
    response_hours = models.PositiveIntegerField(_("response within (hours)"), default=8)
    greeted_by = models.CharField(_("greeted at the office by"), max_length=100, blank=True)
    # history: registered in translation.py, after the names per language

    class Meta:
        ordering = ["rank"]
        verbose_name = _("VIP card")
        verbose_name_plural = _("VIP cards")

    def __str__(self) -> str:
        return self.name


class CardRule(models.Model):
    """One row of the card table: the card a key person of a type gets in a group of a
    class. Data, not code (SPEC): admins edit it and everyone's cards follow."""

    group_class = models.CharField(_("group class"), max_length=1, choices=GroupClass.choices)
    key_person_type = models.CharField(_("key-person type"), max_length=20, choices=KeyPersonType.choices)
    card = models.ForeignKey(VipCard, verbose_name=_("VIP card"), on_delete=models.PROTECT, related_name="rules")
    history = HistoricalRecords()

    class Meta:
        ordering = ["group_class", "key_person_type"]
        verbose_name = _("card rule")
        verbose_name_plural = _("card rules")
        constraints = [
            models.UniqueConstraint(fields=["group_class", "key_person_type"], name="card_rule_class_type_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_group_class_display()} · {self.get_key_person_type_display()} → {self.card}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._recompute()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._recompute()
        return result

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_type = instance.__dict__.get("key_person_type")
        return instance

    def _recompute(self) -> None:
        from .cards import recompute_cards

        types = {self.key_person_type, self.__dict__.get("_loaded_type") or self.key_person_type}
        recompute_cards(Contact.objects.filter(key_person_type__in=types), reason=str(_("Card table changed")))
        self._loaded_type = self.key_person_type


def card_rule_table() -> dict[tuple[str, str], VipCard]:
    return {(rule.group_class, rule.key_person_type): rule.card for rule in CardRule.objects.select_related("card")}


class ClientGroupQuerySet(ScopedQuerySet):
    # A group is seen by its lead manager's scope (and by whoever sees one of its members: selectors).
    scope_paths = ScopePaths(owner="lead_manager", mine=("lead_manager",))


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
    group_class = models.CharField(
        _("group class"), max_length=1, choices=GroupClass.choices, blank=True, help_text=_("A is the most valuable.")
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    objects = ClientGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("group client")
        verbose_name_plural = _("group clients")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        old_class = self.__dict__.get("_loaded_group_class", _NOT_LOADED)
        super().save(*args, **kwargs)
        if old_class is not _NOT_LOADED and old_class != self.group_class:
            # A new class changes the cards of the group's people: recompute and say why.
            from .cards import recompute_cards

            reason = _("Group class changed from %(old)s to %(new)s") % {
                "old": old_class or "—",
                "new": self.group_class or "—",
            }
            recompute_cards(self.people(), reason=str(reason))
        self._loaded_group_class = self.group_class

    def get_absolute_url(self) -> str:
        return reverse("clients:group", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_group_class = instance.__dict__.get("group_class")
        return instance

    def people(self):
        """Everyone of the group: the contacts of its member clients and the influencers
        recorded for it at other clients."""
        return Contact.objects.filter(Q(client__group=self) | Q(influences_group=self))


class ClientQuerySet(ScopedQuerySet):
    # A client is seen with the team it was assigned in (kept on the row: one indexed filter).
    scope_paths = ScopePaths(owner="owner", team="team")


class Client(QuickChoiceLabels, UpdatedOnEverySave, models.Model):
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
    monthly_volume = models.PositiveIntegerField(
        _("monthly volume"),
        null=True,
        blank=True,
        help_text=_("E.g. cartons a month. At or above the large-client threshold the client is flagged."),
    )
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
    # Where the client is: a check-in far from it is flagged (SPEC: punctuality and presence).
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
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
    # The client's latest active early warning (performance.ClientWarning), kept by the
    # warnings' writes (performance.models.refresh_flagged_at) so that the at-risk list's
    # order (latest flag, then name) is read from one index instead of sorting every
    # flagged client (issue #31). Never written by a save of the client.
    latest_flagged_at = models.DateTimeField(_("latest early warning"), null=True, blank=True, editable=False)
    # Its first active early warning, kept the same way, so that the retention visits waiting
    # (performance.selectors.waiting_for_retention) are counted from the clients alone, not by
    # grouping the 58,000 active warnings of the company (issue #31).
    earliest_flagged_at = models.DateTimeField(_("first early warning"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at", "latest_flagged_at", "earliest_flagged_at"])

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            # The company-wide list (admins, hotline) is sorted by name then id: this index
            # gives its first page without sorting every client (issue #31).
            models.Index(fields=["name", "id"], name="client_name_id"),
            models.Index(fields=["owner", "name"], name="client_owner_name"),
            models.Index(fields=["team", "name"], name="client_team_name"),
            models.Index(fields=["status", "name"], name="client_status_name"),
            models.Index(fields=["tier", "name"], name="client_tier_name"),
            models.Index(fields=["next_visit_due"], name="client_next_visit_due"),
            # The company-wide visit board counts each manager's overdue clients and active
            # clients from these alone (index-only, not the 100,000 clients' rows).
            models.Index(fields=["next_visit_due", "owner"], name="client_due_owner"),
            models.Index(fields=["owner"], condition=models.Q(status="active"), name="client_active_owner"),
            models.Index(fields=["phone"], name="client_phone"),
            models.Index(fields=["industry"], name="client_industry"),
            # The at-risk list: flagged clients by their latest flag, then name and id.
            models.Index(
                fields=["-latest_flagged_at", "name", "id"],
                condition=models.Q(latest_flagged_at__isnull=False),
                name="client_flagged_name",
            ),
            # The retention visits waiting (first flag against the last visit), counted from this
            # index alone, with the owner and team of the viewer's scope.
            models.Index(
                fields=["earliest_flagged_at", "last_visited_on", "team", "owner"],
                condition=models.Q(earliest_flagged_at__isnull=False),
                name="client_retention",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    # Written by the early warning only: a save of a client loaded earlier must not put back
    # the flags it had then.
    NOT_SAVED = frozenset({"latest_flagged_at", "earliest_flagged_at"})

    def save(self, **kwargs):  # keywords only (positional ones are deprecated by Django 5.2)
        self.next_visit_due = rules.next_visit_due(self.last_visited_on, self.effective_visit_frequency)
        if (
            kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
            and not self._state.adding
            and self.pk is not None
        ):
            # As Django saves a model with deferred fields: the loaded ones, here all but
            # the early warning's.
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.attname not in deferred and f.name not in self.NOT_SAVED
            ]
        old_group_id = self.__dict__.get("_loaded_group_id", _NOT_LOADED)
        super().save(**kwargs)
        if old_group_id is not _NOT_LOADED and old_group_id != self.group_id:
            # Another group (or none) means another class for the people's cards.
            from .cards import recompute_cards

            recompute_cards(self.contacts.all(), reason=str(_("Client moved to another group")))
        self._loaded_group_id = self.group_id

    def get_absolute_url(self) -> str:
        return reverse("clients:detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_group_id = instance.__dict__.get("group_id")
        return instance

    @property
    def is_large(self) -> bool:
        return rules.is_large_client(self.monthly_volume, settings.CRM_LARGE_CLIENT_VOLUME)

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


# SPEC: 1-2 designated contacts per group, plus at most one IT contact.
KEY_PERSON_LIMITS = {KeyPersonType.DESIGNATED_CONTACT: 2, KeyPersonType.IT_CONTACT: 1}


def key_person_limit_message(kind: str, *, grouped: bool) -> str:
    if kind == KeyPersonType.DESIGNATED_CONTACT:
        return (
            _("This group already has two designated contacts, the most allowed. Change one of them first.")
            if grouped
            else _("This client already has two designated contacts, the most allowed. Change one of them first.")
        )
    return (
        _("This group already has an IT contact; it may have only one.")
        if grouped
        else _("This client already has an IT contact; it may have only one.")
    )


class ContactQuerySet(ScopedQuerySet):
    # A contact is seen with its client.
    scope_paths = ScopePaths(owner="client__owner", team="client__team", mine=("client__owner",))


class Contact(QuickChoiceLabels, UpdatedOnEverySave, models.Model):
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
    key_person_type = models.CharField(_("key-person type"), max_length=20, choices=KeyPersonType.choices, blank=True)
    influences_group = models.ForeignKey(
        ClientGroup,
        verbose_name=_("influencer of group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="influencers",
        help_text=_("For an influencer who works at another client: the group client they matter to."),
    )
    personal_card = models.ForeignKey(
        VipCard,
        verbose_name=_("personal card"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A card the person earned on their own standing; the higher card applies."),
    )
    # Computed on save from the card table and the personal card, so lists read it directly.
    vip_card = models.ForeignKey(
        VipCard, verbose_name=_("VIP card"), on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="holders",
    )  # fmt: skip
    notes = models.TextField(_("notes"), blank=True)
    # Any change moves it (also a partial save): the API's incremental sync reads it.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ContactQuerySet.as_manager()

    class Meta:
        # Key persons first (SPEC: the client page shows them first).
        ordering = ["-is_key_person", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["name"], name="contact_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from .cards import card_for

        if self.key_person_type:
            self.is_key_person = True
        self.vip_card = card_for(self, getattr(self, "_card_rules", None))
        super().save(*args, **kwargs)

    def clean(self):
        """At most two designated contacts and one IT contact per group (counted over all
        its member clients), or per client when it belongs to no group (SPEC). Checked here,
        so the manager's form and the admin refuse alike (the inline counts its rows together:
        ``clients.admin.ContactLimitsFormSet``)."""
        super().clean()
        kind = self.key_person_type
        if kind not in KEY_PERSON_LIMITS or self.client_id is None:
            return
        taken = Contact.sharing_limits_with(self.client, kind).exclude(pk=self.pk).count()
        if taken >= KEY_PERSON_LIMITS[kind]:
            raise ValidationError(
                {"key_person_type": key_person_limit_message(kind, grouped=bool(self.client.group_id))}
            )

    @staticmethod
    def sharing_limits_with(client: "Client", kind: str) -> models.QuerySet["Contact"]:
        """The contacts of this kind counted against the client's limit: its group's (over all
        member clients), or its own when it belongs to no group."""
        where = Q(client__group_id=client.group_id) if client.group_id else Q(client_id=client.pk)
        return Contact.objects.filter(where, key_person_type=kind)

    @property
    def card_group(self) -> ClientGroup | None:
        """The group whose class sets the card: the influenced group for an influencer
        recorded at another client, otherwise the client's own group."""
        if self.key_person_type == KeyPersonType.INFLUENCER and self.influences_group_id:
            return self.influences_group
        return self.client.group if self.client.group_id else None


class OwnerChangeQuerySet(ScopedQuerySet):
    # A client's history of owners is seen with the client (crm/audit.py).
    scope_paths = ScopePaths(owner="client__owner", team="client__team", mine=("client__owner",))


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

    objects = OwnerChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = _("owner change")
        verbose_name_plural = _("owner changes")

    def __str__(self) -> str:
        return f"{self.client}: {self.from_owner} → {self.to_owner}"


class GradeProposalQuerySet(ScopedQuerySet):
    # A proposal is seen with its client (now), whatever team it was proposed in; it is the
    # proposer's own work.
    scope_paths = ScopePaths(owner="client__owner", team="client__team", mine=("proposed_by",))


class GradeProposal(Decided):
    """A manager's proposal to change a client's grade (tier) or category (type, size)
    (客户等级变更建议); the team's supervisor approves or rejects it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="proposals")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    # The client's team when proposed: its supervisor decides (accounts.scoping.is_approver).
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    current_tier = models.ForeignKey(Tier, verbose_name=_("current tier"), on_delete=models.PROTECT, related_name="+")
    proposed_tier = models.ForeignKey(
        Tier, verbose_name=_("proposed tier"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    current_client_type = models.CharField(_("current type"), max_length=20, choices=Client.Type.choices)
    proposed_client_type = models.CharField(_("proposed type"), max_length=20, choices=Client.Type.choices, blank=True)
    current_size = models.CharField(_("current size"), max_length=20, choices=Client.Size.choices)
    proposed_size = models.CharField(_("proposed size"), max_length=20, choices=Client.Size.choices, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    objects = GradeProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("grade change proposal")
        verbose_name_plural = _("grade change proposals")
        constraints = [
            # SPEC/issue: a client has at most one open proposal.
            models.UniqueConstraint(
                fields=["client"], condition=Q(status="pending"), name="grade_proposal_one_pending_per_client"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="grade_proposal_status")]

    def __str__(self) -> str:
        return _("Grade change for %(client)s") % {"client": self.client}

    def get_absolute_url(self) -> str:
        return reverse("clients:proposal", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def changes(self) -> list[tuple[str, str, str]]:
        """(label, from, to) of each proposed change."""
        rows = []
        if self.proposed_tier_id and self.proposed_tier_id != self.current_tier_id:
            rows.append((str(_("Tier")), str(self.current_tier), str(self.proposed_tier)))
        if self.proposed_client_type and self.proposed_client_type != self.current_client_type:
            rows.append(
                (str(_("Type")), self.get_current_client_type_display(), self.get_proposed_client_type_display())
            )
        if self.proposed_size and self.proposed_size != self.current_size:
            rows.append((str(_("Size")), self.get_current_size_display(), self.get_proposed_size_display()))
        return rows

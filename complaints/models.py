from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedQuerySet, ScopePaths
from clients.models import Client, Contact
from crm.records import NeverDeleted, UpdatedOnEverySave


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Category(models.Model):
    """A node of the admin-managed category tree."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    is_active = models.BooleanField(_("active"), default=True)
    quality = models.BooleanField(
        _("product quality"),
        default=False,
        help_text=_(
            "A product-quality problem: a complaint in this category or under it may need someone on site "
            "within the SLA policy's on-site hours."
        ),
    )
    # history: registered in translation.py, after the names per language

    class Meta:
        ordering = ["parent__name", "name"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name")]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    @property
    def is_quality(self) -> bool:
        """Flagged, or under a flagged category (a defect under "Product quality")."""
        return self.quality or bool(self.parent_id and self.parent.quality)


class SlaPolicy(models.Model):
    """First-response and resolution targets for one severity (the tier may be stricter)."""

    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, unique=True)
    first_response_hours = models.PositiveIntegerField(_("first response (hours)"))
    resolution_hours = models.PositiveIntegerField(_("resolution (hours)"))
    # Seed 001: a quality problem that cannot be solved by phone has someone on site within 8 hours.
    on_site_hours = models.PositiveIntegerField(
        _("someone on site (hours)"),
        default=8,
        help_text=_("For a product-quality complaint that needs someone on site."),
    )
    business_hours = models.BooleanField(
        _("count business hours only"),
        default=False,
        help_text=_("Working days come from the working-day calendar (admin); opening hours from the settings."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.get_severity_display()


class ComplaintNumberCounter(models.Model):
    """The last complaint number given in a year. Registration locks the year's row and
    takes the next number, so that intakes at the same moment queue for a number instead
    of picking the same one (a unique-index retry lost complaints under load)."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("complaint number counter")
        verbose_name_plural = _("complaint number counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


# A complaint with a deadline not met yet (not answered, not resolved, nobody on site when
# someone must come): whether it is late depends on when one asks, so the dashboards'
# rollups leave it to the raw rows (``rollups.selectors``), read through a partial index
# of these only (mostly the open complaints).
DEADLINE_NOT_MET = (
    Q(acknowledged_at__isnull=True)
    | Q(resolved_at__isnull=True)
    | Q(on_site_due__isnull=False, on_site_at__isnull=True)
)


class ComplaintQuerySet(ScopedQuerySet):
    # A complaint is seen with the team it was registered in.
    scope_paths = ScopePaths(owner="owner", team="team")


class Complaint(UpdatedOnEverySave, NeverDeleted, models.Model):
    class Channel(models.TextChoices):
        VISIT = "visit", _("Visit")
        PHONE = "phone", _("Phone")
        HOTLINE = "hotline", _("Hotline")
        EMAIL = "email", _("Email")
        LETTER = "letter", _("Letter")
        WEB = "web", _("Web")
        WALK_IN = "walk_in", _("Walk-in")

    class State(models.TextChoices):
        NEW = "new", _("New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        WAITING = "waiting", _("Waiting on client")

    class Level(models.IntegerChoices):
        OWNER = 0, _("Account manager")
        SUPERVISOR = 1, _("Supervisor")
        MANAGEMENT = 2, _("Management")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="complaints")
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    description = models.TextField(_("what happened"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="complaints"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("state"), max_length=15, choices=State.choices, default=State.NEW)
    level = models.PositiveSmallIntegerField(_("escalation level"), choices=Level.choices, default=Level.OWNER)
    escalated_at = models.DateTimeField(_("last escalated at"), null=True, blank=True)
    # Waiting on the client stops the clocks (services.move "pause"/"resume"): the state it
    # was paused in, since when and why; on resume the deadlines move by the paused time.
    paused_at = models.DateTimeField(_("waiting on client since"), null=True, blank=True)
    paused_from = models.CharField(_("paused in state"), max_length=15, choices=State.choices, blank=True)
    pause_reason = models.CharField(_("waiting for"), max_length=500, blank=True)
    first_response_due = models.DateTimeField(_("first response due"))
    resolution_due = models.DateTimeField(_("resolution due"))
    needs_on_site = models.BooleanField(
        _("needs someone on site"),
        default=False,
        help_text=_("A product-quality problem that cannot be solved by phone."),
    )
    # Third deadline (seed 001), met by a check-in or visit log at the client (services.record_on_site).
    on_site_due = models.DateTimeField(_("someone on site due"), null=True, blank=True)
    on_site_at = models.DateTimeField(_("someone on site at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    action_taken = models.TextField(_("action taken"), blank=True)
    compensation = models.CharField(_("compensation or apology"), max_length=300, blank=True)
    compensation_amount = models.DecimalField(
        _("compensation amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # Any change moves it (also a partial save): the API's ETag and incremental sync read it.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["owner", "state"], name="complaint_owner_state"),
            models.Index(fields=["team", "state"], name="complaint_team_state"),
            models.Index(fields=["state", "resolution_due"], name="complaint_state_due"),
            models.Index(fields=["state", "first_response_due"], name="complaint_state_first_due"),
            models.Index(fields=["client", "state"], name="complaint_client_state"),
            models.Index(fields=["received_at"], name="complaint_received"),
            models.Index(fields=["received_at"], condition=DEADLINE_NOT_MET, name="complaint_not_met_received"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("complaints:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state not in {self.State.RESOLVED, self.State.CLOSED}

    @property
    def is_paused(self) -> bool:
        return self.state == self.State.WAITING

    @property
    def is_major(self) -> bool:
        """The highest severity: reported upward the moment it is registered (seed 001)."""
        return self.severity == Severity.CRITICAL

    @property
    def can_escalate(self) -> bool:
        """Open and not yet with management, the last level (``services.escalate``)."""
        return self.is_open and self.level < self.Level.MANAGEMENT


class ComplaintEvent(models.Model):
    """One step on a complaint's own timeline: who, when, what, and a note."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        STARTED = "started", _("Work started")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        ESCALATED = "escalated", _("Escalated")
        NOTE = "note", _("Note")
        RETURN_VISIT = "return_visit", _("Return visit")
        PAUSED = "paused", _("Waiting on client")
        RESUMED = "resumed", _("Resumed")
        ON_SITE = "on_site", _("Someone on site")

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("what"), max_length=15, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint}: {self.get_kind_display()}"


class Attachment(models.Model):
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="complaints/%Y/%m/")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.file.name


class ReturnVisitQuerySet(ScopedQuerySet):
    # A return visit is seen with its complaint; it is the work of the manager it is given to.
    scope_paths = ScopePaths(owner="complaint__owner", team="complaint__team")


class ReturnVisit(models.Model):
    """The follow-up after a resolution (回访): is the client satisfied?"""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="return_visits"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        related_name="return_visits",
    )
    due_date = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    satisfied = models.BooleanField(_("client satisfied"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = ReturnVisitQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        indexes = [models.Index(fields=["owner", "done_at", "due_date"], name="return_visit_owner_due")]

    def __str__(self) -> str:
        return f"{self.complaint} · {self.due_date:%Y-%m-%d}"

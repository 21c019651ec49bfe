import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.decisions import Decided
from accounts.scoping import ScopedQuerySet, ScopePaths
from clients.models import Client, VisitFrequency, VisitMethod
from crm.records import NeverDeleted, UpdatedOnEverySave


class ServiceStrategyQuerySet(ScopedQuerySet):
    # A strategy is seen, and worked on, with its client.
    scope_paths = ScopePaths(owner="client__owner", team="client__team", mine=("client__owner",))


class ServiceStrategy(models.Model):
    """One concrete thing to do for a client this month (服务策略)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        # A system proposal the manager removed: kept so that it is not proposed again.
        DISMISSED = "dismissed", _("Dismissed")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="service_strategies"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    text = models.CharField(_("what to do"), max_length=300)
    # Set on items the system proposed, so that proposing again adds no duplicates.
    source = models.CharField(_("proposed because"), max_length=60, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ServiceStrategyQuerySet.as_manager()

    class Meta:
        ordering = ["state", "created_at", "pk"]
        verbose_name = _("service strategy")
        verbose_name_plural = _("service strategies")
        indexes = [
            models.Index(fields=["client", "month", "state"], name="strategy_client_month"),
            models.Index(fields=["month", "state"], name="strategy_month_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "month", "source"],
                condition=~models.Q(source=""),
                name="strategy_one_proposal_per_reason",
            )
        ]

    def __str__(self) -> str:
        return self.text

    def mark_done(self, by) -> None:
        self.state = self.State.DONE
        self.done_by = by
        self.done_at = timezone.now()

    def reopen(self) -> None:
        self.state = self.State.OPEN
        self.done_by = None
        self.done_at = None


class MonthlyPlanQuerySet(ScopedQuerySet):
    # A plan is seen with the team it was made in.
    scope_paths = ScopePaths(owner="owner", team="team")


class MonthlyPlan(UpdatedOnEverySave, Decided):
    """A manager's monthly work plan (月工作计划), approved by their supervisor."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="plans"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    last_month_problems = models.TextField(_("last month's problems"), blank=True)
    focus = models.TextField(_("this month's focus"), blank=True)
    satisfaction_target = models.PositiveSmallIntegerField(
        _("satisfaction target (%)"), default=90, help_text=_("Share of satisfied clients aimed for this month.")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = MonthlyPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "owner__username"]
        verbose_name = _("monthly work plan")
        verbose_name_plural = _("monthly work plans")
        constraints = [models.UniqueConstraint(fields=["owner", "month"], name="plan_one_per_manager_month")]
        indexes = [
            models.Index(fields=["team", "status", "month"], name="plan_team_status_month"),
            models.Index(fields=["status", "month"], name="plan_status_month"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} · {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("visits:plan", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        """Submitted and approved plans are read-only for the manager."""
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


class PlanLineQuerySet(ScopedQuerySet):
    # A line is seen with its plan; it is still the manager's while the client is theirs.
    scope_paths = ScopePaths(owner="plan__owner", team="plan__team", mine=("plan__owner", "client__owner"))


class PlanLine(models.Model):
    """One client in a monthly plan: key or not, and its visit frequency for the month."""

    plan = models.ForeignKey(MonthlyPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="lines")
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="plan_lines")
    is_key = models.BooleanField(_("key client"), default=False)
    key_reasons = models.CharField(_("why it is a problem client"), max_length=300, blank=True)
    open_strategies = models.PositiveIntegerField(_("open service strategies"), default=0)
    frequency = models.CharField(_("visit frequency"), max_length=20, choices=VisitFrequency.choices)

    objects = PlanLineQuerySet.as_manager()

    class Meta:
        ordering = ["-is_key", "client__name"]
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        constraints = [models.UniqueConstraint(fields=["plan", "client"], name="plan_line_one_per_client")]

    def __str__(self) -> str:
        return f"{self.plan}: {self.client}"


class PlanTransition(models.Model):
    """Who moved a plan from one status to another, when, and what they said."""

    plan = models.ForeignKey(MonthlyPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=10, choices=MonthlyPlan.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=MonthlyPlan.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("plan transition")
        verbose_name_plural = _("plan transitions")

    def __str__(self) -> str:
        return f"{self.plan}: {self.from_status} → {self.to_status}"


class VisitQuerySet(ScopedQuerySet):
    # A visit is seen with its client's team; it is still its manager's to work on only while
    # the client is theirs too (after a hand-over the new owner takes the client's visits).
    scope_paths = ScopePaths(owner="owner", team="client__team", mine=("owner", "client__owner"))


class VisitLogQuerySet(ScopedQuerySet):
    # A visit log is seen with its client's team, like the visit; it stays the work of who made
    # the visit after a hand-over (their month's figures, their list of logs).
    scope_paths = ScopePaths(owner="owner", team="client__team")


class PlannedVisit(UpdatedOnEverySave, models.Model):
    """A visit planned for a day (拜访计划), by hand or generated from the frequency."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        GENERATED = "generated", _("Generated")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        MISSED = "missed", _("Not done")
        CANCELLED = "cancelled", _("Cancelled")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        related_name="planned_visits",
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="planned_visits"
    )
    date = models.DateField(_("date"))
    method = models.CharField(_("visit method"), max_length=10, choices=VisitMethod.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    # What the visit must include; from the visit's reason by default (rules.default_visit_type_code),
    # the manager may change it.
    visit_type = models.ForeignKey(
        "VisitType", verbose_name=_("visit type"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The time agreed with the client, when there is one: punctuality is measured against it.
    appointment_time = models.TimeField(_("appointment time"), null=True, blank=True)
    route_order = models.PositiveSmallIntegerField(_("order on the route"), null=True, blank=True)
    # On site: check-in and check-out, with where the manager was (visits/checkins.py).
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    check_in_latitude = models.DecimalField(
        _("check-in latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    check_in_longitude = models.DecimalField(
        _("check-in longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    check_in_distance = models.PositiveIntegerField(_("metres from the client"), null=True, blank=True)
    far_from_client = models.BooleanField(_("checked in far from the client"), default=False)
    # The position's quality as the browser gave it, and the flags it raised (checkins.location_flags).
    check_in_accuracy = models.PositiveIntegerField(_("check-in accuracy (metres)"), null=True, blank=True)
    check_in_position_at = models.DateTimeField(_("check-in position taken at"), null=True, blank=True)
    check_in_inaccurate = models.BooleanField(_("check-in position inaccurate"), default=False)
    check_in_position_stale = models.BooleanField(_("check-in position out of date"), default=False)
    # When a step kept on the phone (no signal) reached the server; empty when sent at once.
    check_in_sent_at = models.DateTimeField(_("check-in sent later, at"), null=True, blank=True)
    check_out_sent_at = models.DateTimeField(_("check-out sent later, at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    check_out_latitude = models.DecimalField(
        _("check-out latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    check_out_longitude = models.DecimalField(
        _("check-out longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Any change moves it (also a partial save): the API's incremental sync reads it.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["date", "route_order", "client__name"]
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        constraints = [models.UniqueConstraint(fields=["client", "date"], name="planned_visit_one_per_client_day")]
        indexes = [
            models.Index(fields=["owner", "date"], name="planned_visit_owner_date"),
            # "One visit in progress": the manager's checked-in, not checked-out visit.
            models.Index(
                fields=["owner"],
                condition=models.Q(checked_in_at__isnull=False, checked_out_at__isnull=True),
                name="planned_visit_in_progress",
            ),
            models.Index(fields=["date", "status"], name="planned_visit_date_status"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.client}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeedQuerySet(ScopedQuerySet):
    # A per-user setting: its owner's (and, like any row, their supervisor's).
    scope_paths = ScopePaths(owner="owner")


class CalendarFeed(models.Model):
    """A manager's secret iCalendar address; a new token revokes the old address."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.CASCADE, related_name="feed"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.owner)


class WeeklyArrangementQuerySet(ScopedQuerySet):
    # A manager's week, seen with the manager's team.
    scope_paths = ScopePaths(owner="owner")


class WeeklyArrangement(UpdatedOnEverySave, models.Model):
    """The week's focus (周工作安排), made on Monday; the route is the order of the
    week's planned visits."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.CASCADE, related_name="weeks"
    )
    week_start = models.DateField(_("week of"), help_text=_("The Monday of the week."))
    market_information = models.TextField(_("market information to collect"), blank=True)
    products_to_promote = models.TextField(_("products to promote"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = WeeklyArrangementQuerySet.as_manager()

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("weekly arrangement")
        verbose_name_plural = _("weekly arrangements")
        constraints = [models.UniqueConstraint(fields=["owner", "week_start"], name="week_one_per_manager")]

    def __str__(self) -> str:
        return f"{self.owner} · {self.week_start:%Y-%m-%d}"


class LinksRecordedOnChange(HistoricalRecords):
    """The audit history with many-to-many links (``m2m_fields``), without reading the links
    of a row just created: it has none yet (a link needs its id), so its first record copies
    none, one query less on every visit log saved. Links added later are recorded as usual
    (their own record, ``m2m_changed``)."""

    def create_historical_record_m2ms(self, history_instance, instance):
        if history_instance.history_type == "+":
            return
        super().create_historical_record_m2ms(history_instance, instance)


class RetentionOutcome(models.TextChoices):
    KEPT = "kept", pgettext_lazy("retention outcome", "Kept")
    LOST = "lost", pgettext_lazy("retention outcome", "Lost")
    PENDING = "pending", pgettext_lazy("retention outcome", "Pending")


class VisitLog(NeverDeleted, models.Model):
    """What happened at a visit (日拜访记录), logged from a phone."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="visit_logs"
    )
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="visit_logs")
    planned_visit = models.OneToOneField(
        PlannedVisit,
        verbose_name=_("planned visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="log",
    )
    # A token from the form: the same submission saved twice is one log.
    submission = models.CharField(_("submission"), max_length=64, unique=True)
    date = models.DateField(_("date"))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    method = models.CharField(_("visit method"), max_length=10, choices=VisitMethod.choices)
    work_done = models.TextField(_("what was done"))
    market_anomalies = models.TextField(_("market anomalies"), blank=True)
    opinions = models.TextField(_("client's opinions and suggestions"), blank=True)
    effect = models.TextField(_("effect of the visit"), blank=True)
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    # A retention visit (离网必访) to a client flagged as tending to leave records the offer made
    # and whether the client stays.
    retention_offer = models.CharField(_("retention offer"), max_length=300, blank=True)
    retention_outcome = models.CharField(
        _("retention outcome"), max_length=10, choices=RetentionOutcome.choices, blank=True
    )
    completed_strategies = models.ManyToManyField(
        ServiceStrategy, verbose_name=_("strategies completed"), blank=True, related_name="visit_logs"
    )
    is_temporary = models.BooleanField(_("temporary task"), default=False, help_text=_("Not on the plan (●)."))
    visit_type = models.ForeignKey(
        "VisitType", verbose_name=_("visit type"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    history = LinksRecordedOnChange(m2m_fields=[completed_strategies])

    objects = VisitLogQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("visit log")
        verbose_name_plural = _("visit logs")
        indexes = [
            models.Index(fields=["owner", "date"], name="visit_log_owner_date"),
            # Covering (PostgreSQL): the company-wide dashboards count a month's visits per
            # manager, client and kind from the index alone, without reading the logs.
            models.Index(fields=["date"], include=["owner", "client", "is_temporary"], name="visit_log_date"),
            models.Index(fields=["client", "date"], name="visit_log_client_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.client}"


def visit_photo_path(instance, filename: str) -> str:
    return f"visit-photos/{instance.log.date:%Y/%m}/{secrets.token_hex(8)}-{filename[-60:]}"


class VisitPhoto(models.Model):
    log = models.ForeignKey(VisitLog, verbose_name=_("visit log"), on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=visit_photo_path)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")

    def __str__(self) -> str:
        return self.image.name


class TemporaryTaskQuerySet(ScopedQuerySet):
    # Unplanned work is the manager's own, with or without a client: seen with the manager's
    # team (a task without a client has no client team).
    scope_paths = ScopePaths(owner="owner")


class TemporaryTask(models.Model):
    """Unplanned work of a day (●), with or without a client."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.CASCADE,
        related_name="temporary_tasks",
    )
    date = models.DateField(_("date"))
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("what was done"), max_length=300)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    objects = TemporaryTaskQuerySet.as_manager()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("temporary task")
        verbose_name_plural = _("temporary tasks")
        indexes = [models.Index(fields=["owner", "date"], name="temporary_task_owner_date")]

    def __str__(self) -> str:
        return self.description


class MonthResultQuerySet(ScopedQuerySet):
    # A month result is seen with the team it was submitted in.
    scope_paths = ScopePaths(owner="owner", team="team")


class MonthResult(Decided):
    """A manager's month-end results (任务执行标注), reviewed by the supervisor, and the
    monthly summary (月度工作总结)."""

    Status = MonthlyPlan.Status

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="results"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    month = models.DateField(_("month"))
    status = models.CharField(_("status"), max_length=10, choices=MonthlyPlan.Status.choices, default="draft")
    plan_completion = models.TextField(_("plan completion"), blank=True)
    analysis_accuracy = models.TextField(_("accuracy of the month's analysis"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MonthResultQuerySet.as_manager()

    class Meta:
        ordering = ["-month"]
        verbose_name = _("month result")
        verbose_name_plural = _("month results")
        constraints = [models.UniqueConstraint(fields=["owner", "month"], name="result_one_per_manager_month")]
        indexes = [models.Index(fields=["team", "status", "month"], name="result_team_status_month")]

    def __str__(self) -> str:
        return f"{self.owner} · {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("visits:result", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in {"draft", "returned"}


class WeeklySummaryQuerySet(ScopedQuerySet):
    # A manager's week, seen with the manager's team.
    scope_paths = ScopePaths(owner="owner")


class WeeklySummary(models.Model):
    """The manager's judgement of the week (周工作小结); the figures are computed."""

    class Assessment(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        BEHIND = "behind", _("Behind")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.CASCADE, related_name="+"
    )
    week_start = models.DateField(_("week of"))
    assessment = models.CharField(_("state"), max_length=10, choices=Assessment.choices, blank=True)
    comment = models.TextField(_("comment on the plan's soundness"), blank=True)
    history = HistoricalRecords()

    objects = WeeklySummaryQuerySet.as_manager()

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("weekly summary")
        verbose_name_plural = _("weekly summaries")
        constraints = [models.UniqueConstraint(fields=["owner", "week_start"], name="weekly_summary_one_per_week")]

    def __str__(self) -> str:
        return f"{self.owner} · {self.week_start:%Y-%m-%d}"


# --- visit types: what a visit must include (SPEC "Details the best systems get right") ------------


class VisitType(models.Model):
    """A kind of visit (routine, key client, retention…) and what such a visit must include:
    a checklist, a photo, a survey afterwards, and what to bring (seed 000's preparation)."""

    # The defaults' codes, which ``rules.default_visit_type_code`` answers with.
    ROUTINE = "routine"
    KEY_CLIENT = "key_client"
    RETENTION = "retention"
    COMPLAINT_FOLLOW_UP = "complaint_follow_up"
    NEW_CLIENT = "new_client"
    PRODUCT_PROMOTION = "product_promotion"

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    requires_photo = models.BooleanField(
        _("photo required"), default=False, help_text=_("A visit of this type is logged with at least one photo.")
    )
    requires_survey = models.BooleanField(
        _("survey afterwards"),
        default=False,
        help_text=_("The client gets a satisfaction survey some hours after the visit is logged."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # history: registered in translation.py, after the names per language

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("visit type")
        verbose_name_plural = _("visit types")

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One thing a visit of a type must cover; a required one must be checked for the log to be saved."""

    visit_type = models.ForeignKey(
        VisitType, verbose_name=_("visit type"), on_delete=models.CASCADE, related_name="checklist_items"
    )
    text = models.CharField(_("item"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # history: registered in translation.py

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.text


class PreparationItem(models.Model):
    """Something to bring to a visit of a type (materials, samples, a gift, the client file)."""

    visit_type = models.ForeignKey(
        VisitType, verbose_name=_("visit type"), on_delete=models.CASCADE, related_name="preparation_items"
    )
    text = models.CharField(_("item to bring"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # history: registered in translation.py

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("preparation item")
        verbose_name_plural = _("preparation items")

    def __str__(self) -> str:
        return self.text


class ChecklistAnswer(models.Model):
    """One checklist item as the visit log answered it. The item's text and whether it was
    required are copied, so an admin's later edit does not rewrite a past visit."""

    log = models.ForeignKey(
        VisitLog, verbose_name=_("visit log"), on_delete=models.CASCADE, related_name="checklist_answers"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.CharField(_("item"), max_length=200)
    required = models.BooleanField(_("required"), default=False)
    done = models.BooleanField(_("done"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        constraints = [models.UniqueConstraint(fields=["log", "item"], name="checklist_answer_one_per_item")]

    def __str__(self) -> str:
        return f"{'✓' if self.done else '✗'} {self.text}"

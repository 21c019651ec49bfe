"""Satisfaction surveys: templates of questions, invitations by link, responses and the
follow-up of low scores."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedQuerySet, ScopePaths
from clients.models import Client, Contact


class Dimension(models.TextChoices):
    OVERALL = "overall", _("Overall")
    PRODUCT_QUALITY = "product_quality", _("Product quality")
    SERVICE_ATTITUDE = "service_attitude", _("Service attitude")
    RESPONSE_SPEED = "response_speed", _("Response speed")
    PROFESSIONALISM = "professionalism", _("Professionalism")
    ENVIRONMENT = "environment", _("Environment")
    COMPLAINT_HANDLING = "complaint_handling", _("Complaint handling")


class SurveyTemplate(models.Model):
    name = models.CharField(_("name"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    intro_zh = models.TextField(_("introduction (Chinese)"), blank=True)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Used when an invitation does not name a template.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_survey"
            )
        ]

    def __str__(self) -> str:
        # The staff's pages name it in their language; the client's page in the invitation's.
        return self.localized("name", get_language() or "")

    def localized(self, field: str, language: str) -> str:
        """The Chinese text for a Chinese reader when there is one, else the English."""
        if language.lower().startswith("zh"):
            return getattr(self, f"{field}_zh") or getattr(self, field)
        return getattr(self, field)


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating 1–5")
        NPS = "nps", _("Would you recommend (0–10)")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Free text")

    # The lowest and highest score of the scored kinds.
    SCALES = {Kind.RATING: (1, 5), Kind.NPS: (0, 10)}

    template = models.ForeignKey(
        SurveyTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    dimension = models.CharField(
        _("dimension"), max_length=30, choices=Dimension.choices, blank=True, help_text=_("For rating questions.")
    )
    text = models.CharField(_("question"), max_length=300)
    text_zh = models.CharField(_("question (Chinese)"), max_length=300, blank=True)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One per line, for choice questions."))
    choices_zh = models.TextField(
        _("choices (Chinese)"), blank=True, help_text=_("One per line, in the same order as the choices.")
    )
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["template", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.localized_text(get_language() or "")

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE) and len(self.choice_list()) < 2:
            raise ValidationError({"choices": _("A choice question needs at least two choices, one per line.")})
        chinese = [line for line in self.choices_zh.splitlines() if line.strip()]
        if chinese and len(chinese) != len(self.choice_list()):
            raise ValidationError({"choices_zh": _("Give as many Chinese choices as English ones, in the same order.")})
        if self.kind != self.Kind.RATING and self.dimension:
            raise ValidationError({"dimension": _("Only rating questions have a dimension.")})

    def localized_text(self, language: str) -> str:
        return (self.text_zh or self.text) if language.lower().startswith("zh") else self.text

    def choice_list(self) -> list[str]:
        """The stored values of the choices (the English lines)."""
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def localized_choices(self, language: str) -> list[tuple[str, str]]:
        values = self.choice_list()
        labels = values
        if language.lower().startswith("zh"):
            chinese = [line.strip() for line in self.choices_zh.splitlines() if line.strip()]
            if len(chinese) == len(values):
                labels = chinese
        return list(zip(values, labels, strict=True))


class InvitationQuerySet(ScopedQuerySet):
    # An invitation is seen with its client.
    scope_paths = ScopePaths(owner="client__owner", team="client__team", mine=("client__owner",))


class Invitation(models.Model):
    """One link to one survey for one client's contact.

    The link's token is never stored: it is an HMAC of ``nonce`` with the secret key, and
    only its SHA-256 is kept for lookup. A copy of the database alone cannot answer a
    survey, while the manager can still copy the link to send by SMS or WeChat.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        ANSWERED = "answered", _("Answered")
        EXPIRED = "expired", _("Expired")

    class Reason(models.TextChoices):
        COMPLAINT = "complaint", _("After a complaint")
        CADENCE = "cadence", _("Regular survey")
        MANUAL = "manual", _("By hand")
        VISIT = "visit", _("After a visit")

    class Language(models.TextChoices):
        CHINESE = "zh-hans", _("Simplified Chinese")
        ENGLISH = "en", _("English")

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    template = models.ForeignKey(SurveyTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices, default=Reason.MANUAL)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.CHINESE)
    nonce = models.CharField(max_length=64, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["nonce", "token_hash"])

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        indexes = [
            models.Index(fields=["state", "send_after"], name="invitation_to_send"),
            models.Index(fields=["state", "expires_at"], name="invitation_expiry"),
            models.Index(fields=["client", "-created_at"], name="invitation_client"),
        ]
        constraints = [
            # A closed complaint is surveyed once, however often the job runs.
            models.UniqueConstraint(
                fields=["complaint"], condition=models.Q(reason="complaint"), name="one_survey_per_complaint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:invitation", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in {self.State.PENDING, self.State.SENT} and self.expires_at > timezone.now()


class ResponseQuerySet(ScopedQuerySet):
    # Who may see an answer follows the client (never another manager's client); it is the
    # work of the manager who held the client when it was answered (the figures by manager).
    scope_paths = ScopePaths(owner="client__owner", team="client__team")


class Response(models.Model):
    """An answered survey, with the counts every score is computed from."""

    class Via(models.TextChoices):
        ONLINE = "online", _("Online")
        PHONE = "phone", _("By phone")

    invitation = models.OneToOneField(
        Invitation, verbose_name=_("invitation"), on_delete=models.CASCADE, related_name="response"
    )
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="responses")
    # The manager and tier at the time of the answer, so scores stay with who earned them
    # (who may see an answer follows the client's current owner and team).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+"
    )
    tier = models.ForeignKey("clients.Tier", verbose_name=_("tier"), on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("answered at"), default=timezone.now)
    via = models.CharField(_("answered"), max_length=10, choices=Via.choices, default=Via.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("keyed in by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ratings = models.PositiveSmallIntegerField(_("ratings"), default=0)
    satisfied_ratings = models.PositiveSmallIntegerField(_("ratings of 4–5"), default=0)
    nps_score = models.PositiveSmallIntegerField(_("would recommend (0–10)"), null=True, blank=True)
    is_low = models.BooleanField(_("low score"), default=False)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [
            models.Index(fields=["client", "-submitted_at"], name="response_client"),
            models.Index(fields=["owner", "submitted_at"], name="response_owner"),
            models.Index(fields=["submitted_at"], name="response_submitted"),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.submitted_at:%Y-%m-%d}"

    @property
    def csat(self) -> float | None:
        from .scores import csat_from_counts

        return csat_from_counts(self.satisfied_ratings, self.ratings)


class Answer(models.Model):
    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["question__order", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        if self.number is not None:
            return str(self.number)
        return ", ".join(self.choices) or self.text


class FollowUpQuerySet(ScopedQuerySet):
    # A follow-up is seen with its client; it is the work of the manager it is given to.
    scope_paths = ScopePaths(owner="client__owner", team="client__team")


class FollowUp(models.Model):
    """What a low score asks of the client's manager."""

    response = models.OneToOneField(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="follow_up"
    )
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.CASCADE,
        related_name="survey_follow_ups",
    )
    reason = models.CharField(_("reason"), max_length=300)
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    note = models.TextField(_("what was done"), blank=True)
    history = HistoricalRecords()

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up of a low score")
        verbose_name_plural = _("follow-ups of low scores")
        indexes = [models.Index(fields=["owner", "done_at", "due_on"], name="followup_open")]

    def __str__(self) -> str:
        return self.reason

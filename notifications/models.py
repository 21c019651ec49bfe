from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message in a user's inbox.

    ``kind`` and ``key`` name what it is about (e.g. ``complaint.escalated`` and
    ``42:level1``); with the recipient they are unique, so the same reminder is never
    delivered twice, whatever retries or duplicate runs happen.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="inbox"
    )
    kind = models.CharField(_("kind"), max_length=60)
    key = models.CharField(_("key"), max_length=120)
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The delivery log: when the e-mail went out (alone or in a digest), or why it failed.
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_error = models.CharField(_("e-mail error"), max_length=300, blank=True)
    # Set when the e-mail failed in a way that sending again would repeat (a refused
    # address, a mail that cannot be built) or its task ran out of retries: nothing will
    # try again, so the delivery log shows it apart.
    email_failed_at = models.DateTimeField(_("e-mail given up at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "kind", "key"], name="notification_delivered_once")]
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox"),
            models.Index(fields=["emailed_at", "created_at"], name="notification_email_queue"),
        ]

    def __str__(self) -> str:
        return self.message


class JobRun(models.Model):
    """One run of a scheduled job: what it did and what failed (shown to admins)."""

    name = models.CharField(_("job"), max_length=60, db_index=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    ok = models.BooleanField(_("succeeded"), default=False)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.TextField(_("errors"), blank=True)
    trigger = models.CharField(_("started by"), max_length=20, default="beat")

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        indexes = [models.Index(fields=["name", "-started_at"], name="jobrun_latest")]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        return (self.finished_at - self.started_at) if self.finished_at else None


class Heartbeat(models.Model):
    """The last sign of life of each Celery worker (by host name) and of the beat: shown to
    admins and read by /readyz."""

    class Kind(models.TextChoices):
        WORKER = "worker", _("Celery worker")
        BEAT = "beat", _("Celery beat")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return self.name

    def is_alive(self, now=None) -> bool:
        return (now or timezone.now()) - self.seen_at <= settings.CRM_HEARTBEAT_MAX_AGE

"""A client's documents (contracts, licences, agreements, quotations...) with an optional
expiry or renewal date: the manager is told before it passes (issue #32).

A document is never deleted: removing it, or replacing it with a new version, keeps the
row (and its file) with who did it and when, so the client's history shows every version.
Files follow the same rules as complaint evidence (``crm.uploads``) and are only served
through a view that checks the viewer's scope."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedQuerySet, ScopePaths
from clients.models import Client
from crm.uploads import stored_name


class DocumentKind(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    LICENCE = "licence", _("Licence")
    AGREEMENT = "agreement", _("Agreement")
    QUOTATION = "quotation", _("Quotation")
    CERTIFICATE = "certificate", _("Certificate")
    OTHER = "other", _("Other")


def document_path(instance, filename: str) -> str:
    return f"client-documents/{instance.client_id}/{stored_name(filename)}"


class ClientDocumentQuerySet(ScopedQuerySet):
    # Seen with the client: its manager, the client's team's supervisor, admins.
    scope_paths = ScopePaths(owner="client__owner", team="client__team", mine=("client__owner",))

    def current(self):
        """Documents in force: neither removed nor replaced by a newer version."""
        return self.filter(removed_at__isnull=True, replaced_by__isnull=True)


class ClientDocument(models.Model):
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(pgettext_lazy("document", "title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    expires_on = models.DateField(
        _("expires or renews on"), null=True, blank=True, help_text=_("You are reminded before this date.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The sent marker: the expiry date the renewal reminder was sent for. A new date differs
    # from it, so the reminder is due again (re-armed) for that date.
    reminded_for = models.DateField(_("reminder sent for"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ClientDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("client document")
        verbose_name_plural = _("client documents")
        indexes = [
            models.Index(fields=["client", "uploaded_at"], name="client_document_client"),
            # The renewal job and the "Renewals due" list: current documents by expiry.
            models.Index(
                fields=["expires_on"],
                name="client_document_expiry",
                condition=models.Q(removed_at__isnull=True, expires_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def get_download_url(self) -> str:
        return reverse("documents:download", args=[self.pk])

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1].split("-", 1)[-1]

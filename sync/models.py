"""What the field app must drop: a row removed, or a row that left someone's scope (a client
handed to a colleague takes its contacts, upcoming visits and open work along). Rows that
are gone leave nothing in their own tables, and a move made with ``queryset.update`` leaves
nothing in the history tables either, so the services write it here, with the scope the row
had (its owner and team) so that only people who could see it are told."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet, ScopePaths


class Resource(models.TextChoices):
    """The API's resources the app keeps on the phone (their URL names)."""

    CLIENTS = "clients", _("clients")
    CONTACTS = "contacts", _("contacts")
    VISITS = "visits", _("visits")
    VISIT_LOGS = "visit-logs", _("visit logs")
    INTERACTIONS = "interactions", _("interactions")
    COMPLAINTS = "complaints", _("complaints")


class TombstoneQuerySet(ScopedQuerySet):
    # Seen by whoever saw the row: its former owner, its former team's supervisor, admins.
    scope_paths = ScopePaths(owner="owner", team="team")


class Tombstone(models.Model):
    class Kind(models.TextChoices):
        REMOVED = "removed", _("removed")
        LEFT_SCOPE = "left", _("left the scope")

    resource = models.CharField(_("resource"), max_length=20, choices=Resource.choices)
    object_id = models.PositiveBigIntegerField(_("id"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The scope the row had before: who could see it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner before"), null=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team before"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = TombstoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("removed or moved row")
        verbose_name_plural = _("removed or moved rows")
        indexes = [
            models.Index(fields=["owner", "at"], name="tombstone_owner_at"),
            models.Index(fields=["team", "at"], name="tombstone_team_at"),
            models.Index(fields=["at"], name="tombstone_at"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.object_id} {self.kind}"

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Team(models.Model):
    """An area (片区) of account managers under one supervisor."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    area = models.CharField(_("area"), max_length=100, blank=True)
    supervisor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("supervisor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_teams",
        limit_choices_to={"role": "supervisor"},
    )
    # history: registered in translation.py, after the names per language

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class EmailPreference(models.TextChoices):
    NONE = "none", _("No e-mail (inbox only)")
    EACH = "each", _("An e-mail for each reminder")
    DIGEST = "digest", _("One e-mail a day with all reminders")


class User(AbstractUser):
    class Role(models.TextChoices):
        MANAGER = "manager", _("Account manager")
        SUPERVISOR = "supervisor", _("Supervisor")
        ADMIN = "admin", _("Administrator")

    class Grade(models.TextChoices):
        # Manager grades from the bank seed: senior, grade 1–4, trainee (one year).
        SENIOR = "senior", _("Senior")
        GRADE_1 = "g1", _("Grade 1")
        GRADE_2 = "g2", _("Grade 2")
        GRADE_3 = "g3", _("Grade 3")
        GRADE_4 = "g4", _("Grade 4")
        TRAINEE = "trainee", _("Trainee")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MANAGER, db_index=True)
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices, blank=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=[("zh-hans", _("Simplified Chinese")), ("en", _("English"))],
        default="zh-hans",
        help_text=_("For e-mails and reminders; the pages follow the browser."),
    )
    email_notifications = models.CharField(
        _("e-mail notifications"),
        max_length=10,
        choices=EmailPreference.choices,
        default=EmailPreference.DIGEST,
    )
    # Where the day's route starts (home or office), for "Shortest route" (visits/routes.py);
    # without it the route starts at the day's first stop.
    route_start_latitude = models.DecimalField(
        _("route start latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    route_start_longitude = models.DecimalField(
        _("route start longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Chinese names are written family name first, without a space.
        full = f"{self.last_name}{self.first_name}" if _is_cjk(self.last_name) else super().get_full_name()
        return full.strip()

    def save(self, *args, **kwargs):
        # CRM administrators manage tiers, policies, users and teams in Django admin
        # and see everything (SPEC "Who uses it"): they get its full rights.
        if self.role == self.Role.ADMIN:
            self.is_staff = True
            self.is_superuser = True
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile")

    @property
    def route_start(self) -> tuple[float, float] | None:
        if self.route_start_latitude is None or self.route_start_longitude is None:
            return None
        return float(self.route_start_latitude), float(self.route_start_longitude)

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER

    @property
    def is_supervisor(self) -> bool:
        return self.role == self.Role.SUPERVISOR

    @property
    def is_crm_admin(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMIN


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from accounts.scoping import scope_for
from clients.models import Tier
from crm.filters import MonthFilter, ScopedPeopleFilters
from crm.widgets import FastSelect
from visits.rules import month_bounds

from .models import Category, Complaint, Severity
from .selectors import (
    OPEN_STATES,
    RUNNING_STATES,
    breached_q,
    due_soon_q,
    first_response_breached_q,
    on_site_breached_q,
    resolution_breached_q,
)


class ComplaintFilter(ScopedPeopleFilters, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control", "placeholder": _("Number or client")}),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=[("open", _("Open")), *Complaint.State.choices], method="filter_state"
    )
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices, widget=FastSelect)
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.select_related("parent"), widget=FastSelect
    )
    tier = django_filters.ModelChoiceFilter(
        label=_("Tier"), field_name="client__tier", queryset=Tier.objects.all(), widget=FastSelect
    )
    deadline = django_filters.ChoiceFilter(
        label=_("Deadline"),
        method="filter_deadline",
        choices=[("on_time", _("On time")), ("due_soon", _("Due soon")), ("breached", _("Breached"))],
    )
    escalated = django_filters.BooleanFilter(
        label=_("Escalated"),
        method="filter_escalated",
        widget=FastSelect(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]),
    )
    received = MonthFilter(label=_("Received in"), method="filter_received")
    late = django_filters.ChoiceFilter(
        label=_("Late"),
        method="filter_late",
        choices=[
            ("first_response", _("First response late")),
            ("resolution", _("Resolution late")),
            ("on_site", _("Someone on site late")),
        ],
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Account manager"), queryset=User.objects.none(), widget=FastSelect
    )
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.none(), widget=FastSelect)
    mine = django_filters.BooleanFilter(
        label=_("Handled by me"),
        method="filter_mine",
        widget=FastSelect(choices=[("", "---------"), ("true", _("Yes"))]),
    )

    class Meta:
        model = Complaint
        fields = ["q", "state", "severity", "category", "tier", "deadline", "escalated", "received", "late", "owner",
                  "team", "mine"]  # fmt: skip

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        scope = scope_for(user)
        # Choices from the user's scope: no names of other teams' people leak.
        self.filters["owner"].queryset = scope.users().filter(role__in=[User.Role.MANAGER, User.Role.SUPERVISOR])
        self.filters["team"].queryset = scope.teams()
        if user.is_manager:
            for name in ("mine", "owner", "team"):
                del self.filters[name]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(client__name__icontains=value)) if value else queryset

    def filter_state(self, queryset, name, value):
        return queryset.filter(state__in=OPEN_STATES) if value == "open" else queryset.filter(state=value)

    def filter_deadline(self, queryset, name, value):
        now = timezone.now()
        if value == "breached":
            return queryset.filter(breached_q(now))
        if value == "due_soon":
            return queryset.filter(due_soon_q(now))
        # On time: the clocks run (a complaint waiting on the client is none of the three).
        return queryset.filter(state__in=RUNNING_STATES).exclude(breached_q(now)).exclude(due_soon_q(now))

    def filter_received(self, queryset, name, value):
        start, end = month_bounds(value)
        return queryset.filter(received_at__gte=start, received_at__lt=end)

    def filter_late(self, queryset, name, value):
        now = timezone.now()
        missed = {
            "first_response": first_response_breached_q,
            "resolution": resolution_breached_q,
            "on_site": on_site_breached_q,
        }[value]
        return queryset.filter(missed(now))

    def filter_escalated(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(level__gt=0) if value else queryset.filter(level=0)

    def filter_mine(self, queryset, name, value):
        return queryset.of_manager(self.user) if value else queryset

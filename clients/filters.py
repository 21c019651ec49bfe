"""The client list's filters, search and sorting (django-filter), shared by the
list page and the export so both show the same rows."""

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from accounts.scoping import scope_for
from crm.filters import MonthFilter, NamedModelChoiceFilter, ScopedPeopleFilters
from crm.widgets import FastSelect
from visits.models import VisitLog
from visits.rules import month_end, month_start

from .models import Client, ClientGroup, Tier
from .selectors import search_by_group, search_clients


class ClientFilter(ScopedPeopleFilters, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"type": "search", "class": "form-control", "placeholder": _("Name, code, phone or contact")}
        ),
    )
    tier = django_filters.ModelChoiceFilter(label=_("Tier"), queryset=Tier.objects.all(), widget=FastSelect)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Client.Status.choices, widget=FastSelect)
    owner = django_filters.ModelChoiceFilter(
        label=_("Account manager"), queryset=User.objects.none(), widget=FastSelect
    )
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.none(), widget=FastSelect)
    # A search box on the group's name or code: a drop-down of the 2,000 groups an admin
    # sees weighed the page (issue #31). ``group`` (an id) stays for links and the API.
    group_search = django_filters.CharFilter(
        label=_("Group client"),
        method="filter_group_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Group name or code")}),
    )
    group = NamedModelChoiceFilter(
        label=_("Group client"), queryset=ClientGroup.objects.none(), widget=forms.HiddenInput
    )
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=Client.Industry.choices, widget=FastSelect)
    overdue = django_filters.BooleanFilter(
        label=_("Visit overdue"),
        method="filter_overdue",
        widget=FastSelect(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]),
    )
    not_visited = MonthFilter(label=_("Not visited in"), method="filter_not_visited")
    large = django_filters.BooleanFilter(
        label=_("Large clients"),
        method="filter_large",
        widget=FastSelect(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]),
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("name", "name"),
            ("code", "code"),
            ("tier__rank", "tier"),
            ("status", "status"),
            ("next_visit_due", "next_visit_due"),
            ("owner__username", "owner"),
            ("updated_at", "updated"),
        ),
        field_labels={
            "name": _("Name"),
            "code": _("Code"),
            "tier__rank": _("Tier"),
            "status": _("Status"),
            "next_visit_due": _("Next visit due"),
            "owner__username": _("Account manager"),
            "updated_at": _("Last updated"),
        },
    )

    class Meta:
        model = Client
        fields = [
            *("q", "tier", "status", "owner", "team", "group_search", "group"),
            *("industry", "overdue", "not_visited", "large"),
        ]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        scope = scope_for(user)
        # Choices come from the user's scope too: no names of other teams' people leak.
        self.filters["owner"].queryset = scope.users().filter(role__in=[User.Role.MANAGER, User.Role.SUPERVISOR])
        self.filters["team"].queryset = scope.teams()
        self.filters["group"].queryset = ClientGroup.objects.filter(
            # the scope already built above: its team lookup is not repeated
            pk__in=Client.objects.filter(group__isnull=False).visible_to(scope).values("group_id")
        )
        if user.is_manager:
            del self.filters["owner"]
            del self.filters["team"]

    def filter_search(self, queryset, name, value):
        return search_clients(queryset, value)

    def filter_group_search(self, queryset, name, value):
        return search_by_group(queryset, value)

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        if value is True:
            return queryset.filter(next_visit_due__lt=today)
        if value is False:
            return queryset.exclude(next_visit_due__lt=today)
        return queryset

    def filter_large(self, queryset, name, value):
        """SPEC: at or above the configurable monthly volume (CRM_LARGE_CLIENT_VOLUME)."""
        threshold = settings.CRM_LARGE_CLIENT_VOLUME
        if value is True:
            return queryset.filter(monthly_volume__gte=threshold)
        if value is False:
            return queryset.exclude(monthly_volume__gte=threshold)
        return queryset

    def filter_not_visited(self, queryset, name, value):
        """Active clients without a visit logged in the month (the visit dashboard's figure)."""
        logged = VisitLog.objects.filter(client=OuterRef("pk"), date__range=(month_start(value), month_end(value)))
        return queryset.filter(status=Client.Status.ACTIVE).exclude(Exists(logged))

    @property
    def qs(self):
        queryset = super().qs
        if not queryset.query.order_by:
            queryset = queryset.order_by("name", "pk")
        return queryset

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User
from crm.admin import LabelledListEditable
from crm.forms import NamedInSomeLanguage

from . import services
from .models import (
    KEY_PERSON_LIMITS,
    CardRule,
    Client,
    ClientGroup,
    Contact,
    GradeProposal,
    OwnerChange,
    Tier,
    VipCard,
    key_person_limit_message,
)


@admin.register(Tier)
class TierAdmin(LabelledListEditable, TranslationAdmin, SimpleHistoryAdmin):
    form = NamedInSomeLanguage
    list_display = ["name", "code", "rank", "is_vip", "min_visit_frequency", "first_response_hours",
                    "resolution_hours", "survey_cadence_months"]  # fmt: skip
    list_editable = ["min_visit_frequency", "first_response_hours", "resolution_hours", "survey_cadence_months"]
    search_fields = ["name_en", "name_zh_hans", "code"]
    list_filter = ["is_vip"]


@admin.register(ClientGroup)
class ClientGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "group_class", "tier", "lead_manager"]
    list_filter = ["group_class", "tier"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["tier", "lead_manager"]
    list_select_related = ["tier", "lead_manager"]


class ContactLimitsFormSet(BaseInlineFormSet):
    """The client's contacts, edited together: the key-person limits count the rows of the
    form as they will be saved (each row's own check sees only what is stored), with the
    other member clients' contacts when the client belongs to a group."""

    def clean(self):
        super().clean()
        client = self.instance
        kept = [form.cleaned_data for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        for kind, most in KEY_PERSON_LIMITS.items():
            here = sum(1 for data in kept if data.get("key_person_type") == kind)
            elsewhere = Contact.sharing_limits_with(client, kind).exclude(client_id=client.pk).count()
            if here + elsewhere > most:
                raise ValidationError(key_person_limit_message(kind, grouped=bool(client.group_id)))


class ContactInline(admin.TabularInline):
    model = Contact
    formset = ContactLimitsFormSet
    extra = 0
    fields = ["name", "title", "mobile", "email", "birthday", "is_key_person", "key_person_type", "decision_role",
              "influence", "personal_card", "vip_card"]  # fmt: skip
    readonly_fields = ["vip_card"]
    fk_name = "client"


class ReassignForm(forms.Form):
    new_owner = forms.ModelChoiceField(
        label=gettext_lazy("New account manager"),
        queryset=User.objects.filter(is_active=True, role__in=[User.Role.MANAGER, User.Role.SUPERVISOR]),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


@admin.register(Client)
class ClientAdmin(SimpleHistoryAdmin):
    list_filter = ["tier", "status", "industry", "size", "visit_method", "team", "group"]
    list_display = ["name", "code", "tier", "status", "owner", "team", "group", "monthly_volume", "next_visit_due"]
    search_fields = ["name", "code", "phone", "contacts__name"]
    autocomplete_fields = ["tier", "group", "owner", "team"]
    list_select_related = ["tier", "owner", "team", "group"]
    # The last visit moves with the visits logged (visits.services.advance_last_visit).
    readonly_fields = ["last_visited_on", "next_visit_due", "created_at", "updated_at"]
    inlines = [ContactInline]
    actions = ["reassign_owner"]
    show_full_result_count = False

    @admin.action(description=gettext_lazy("Reassign to another account manager"))
    def reassign_owner(self, request, queryset):
        if "apply" in request.POST:
            form = ReassignForm(request.POST)
            if form.is_valid():
                try:
                    moved = services.bulk_reassign_owner(
                        clients=queryset.select_related("owner"),
                        new_owner=form.cleaned_data["new_owner"],
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except PermissionDenied as error:
                    self.message_user(request, str(error), messages.ERROR)
                    return None
                self.message_user(request, _("%(count)d clients reassigned.") % {"count": moved}, messages.SUCCESS)
                return None
        else:
            form = ReassignForm()
        return render(
            request,
            "admin/clients/reassign_owner.html",
            {**self.admin_site.each_context(request), "form": form, "clients": queryset,
             "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME, "opts": self.model._meta,
             "title": _("Reassign clients")},
        )  # fmt: skip


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "client", "title", "is_key_person", "key_person_type", "vip_card", "mobile", "birthday"]
    list_filter = ["is_key_person", "key_person_type", "vip_card", "decision_role", "influence", "preferred_channel"]
    search_fields = ["name", "mobile", "email", "client__name", "client__code"]
    autocomplete_fields = ["client", "influences_group"]
    list_select_related = ["client", "vip_card"]
    readonly_fields = ["vip_card"]


@admin.register(OwnerChange)
class OwnerChangeAdmin(admin.ModelAdmin):
    list_display = ["client", "from_owner", "to_owner", "reason", "changed_by", "changed_at"]
    search_fields = ["client__name", "client__code", "reason"]
    list_select_related = ["client", "from_owner", "to_owner", "changed_by"]
    date_hierarchy = "changed_at"

    def has_change_permission(self, request, obj=None):
        return False  # an audit record is never edited

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VipCard)
class VipCardAdmin(LabelledListEditable, TranslationAdmin, SimpleHistoryAdmin):
    form = NamedInSomeLanguage
    list_display = ["name", "code", "rank", "response_hours", "greeted_by"]
    list_editable = ["response_hours", "greeted_by"]


@admin.register(CardRule)
class CardRuleAdmin(LabelledListEditable, SimpleHistoryAdmin):
    """The card table (SPEC: the rule is data an admin can change). Saving a row
    recomputes the cards of the people it applies to."""

    list_display = ["group_class", "key_person_type", "card"]
    list_editable = ["card"]
    list_filter = ["group_class", "key_person_type", "card"]
    list_select_related = ["card"]


@admin.register(GradeProposal)
class GradeProposalAdmin(SimpleHistoryAdmin):
    list_display = ["client", "proposed_by", "proposed_tier", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    search_fields = ["client__name", "client__code", "reason"]
    list_select_related = ["client", "proposed_by", "proposed_tier", "decided_by"]
    readonly_fields = [field.name for field in GradeProposal._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # proposed and decided through the CRM, where the rules are checked

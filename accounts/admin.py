from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from crm.forms import NamedInSomeLanguage

from .models import Team, User


@admin.register(Team)
class TeamAdmin(TranslationAdmin, SimpleHistoryAdmin):
    form = NamedInSomeLanguage
    list_display = ["name", "area", "supervisor"]
    search_fields = ["name_en", "name_zh_hans", "area_en", "area_zh_hans"]
    list_select_related = ["supervisor"]
    autocomplete_fields = ["supervisor"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "grade", "team", "is_active"]
    list_filter = ["role", "grade", "team", "is_active", "is_staff"]
    list_select_related = ["team"]
    search_fields = ["username", "first_name", "last_name", "email", "phone"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("CRM"), {"fields": ("role", "grade", "team", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("CRM"), {"fields": ("role", "grade", "team", "first_name", "last_name", "email")}),
    )

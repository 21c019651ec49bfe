"""Client import and export with django-import-export.

One resource serves both directions, so an exported file imports back unchanged.
Rows are matched by client code; tiers and groups by their codes, owners by
username, choices by their value or their label in any of the site's languages.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from accounts.models import User
from sync import services as sync_services

from .models import Client, ClientGroup, OwnerChange, Tier
from .selectors import visible_clients
from .services import assignable_owners, hand_over


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by code whose failures read as a sentence, not a traceback."""

    def __init__(self, model, field, *, message: str, required: bool = False, queryset=None):
        super().__init__(model, field=field)
        self.message = message
        self.required = required
        self.queryset = queryset

    def get_queryset(self, value, row, *args, **kwargs):
        return self.queryset if self.queryset is not None else self.model.objects.all()

    def clean(self, value, row=None, **kwargs):
        if not value:
            if self.required:
                raise ValueError(_("This column is required."))
            return None
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(self.message % {"value": value}) from None


class ChoiceWidget(widgets.Widget):
    """Accepts a choice's stored value or its label in English or Chinese."""

    def __init__(self, choices, *, required: bool = False):
        super().__init__()
        self.choices = list(choices)
        self.required = required
        self.lookup: dict[str, str] = {}
        for code, _lang in settings.LANGUAGES:
            with translation.override(code):
                for value, label in self.choices:
                    self.lookup[str(label).casefold()] = value
        for value, _label in self.choices:
            self.lookup[value.casefold()] = value

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            if self.required:
                raise ValueError(_("This column is required."))
            return ""
        try:
            return self.lookup[text.casefold()]
        except KeyError:
            allowed = ", ".join(value for value, _label in self.choices)
            raise ValueError(
                _("“%(value)s” is not allowed here; use one of: %(allowed)s.") % {"value": text, "allowed": allowed}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value or ""


class IsoDateWidget(widgets.DateWidget):
    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            # 2024/3/31 and 2024.3.31 are common in Chinese spreadsheets.
            match = re.fullmatch(r"\s*(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})\s*", value)
            if match:
                value = "{}-{:0>2}-{:0>2}".format(*match.groups())
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD, e.g. 2024-03-31.")) from None


class VolumeWidget(widgets.IntegerWidget):
    """A monthly volume: a whole number, 0 or more; thousands separators are accepted."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.replace(",", "").replace("，", "").strip()
        try:
            number = super().clean(value, row, **kwargs)
        except (ValueError, ArithmeticError):
            raise ValueError(_("Enter a whole number of 0 or more.")) from None
        if number is not None and number < 0:
            raise ValueError(_("Enter a whole number of 0 or more."))
        return number


def choice_field(name: str, *, required: bool = False) -> fields.Field:
    return fields.Field(
        attribute=name,
        column_name=name,
        widget=ChoiceWidget(Client._meta.get_field(name).choices, required=required),
    )


# Column order of exports, templates and the import page's documentation.
COLUMNS = [
    "code", "name", "client_type", "industry", "size", "monthly_volume", "status", "tier", "group", "owner",
    "start_date", "tenure", "address", "phone", "email", "visit_method", "visit_frequency",
    "visit_frequency_reason", "notes",
]  # fmt: skip
# Headers Chinese spreadsheets commonly use, beyond the field labels in each language.
HEADER_ALIASES = {
    "客户编码": "code", "客户编号": "code", "编码": "code", "编号": "code",
    "客户名称": "name", "名称": "name", "客户类型": "client_type", "类型": "client_type",
    "行业": "industry", "规模": "size", "状态": "status", "客户状态": "status",
    "等级": "tier", "客户等级": "tier", "级别": "tier", "集团": "group", "集团客户": "group", "集团编码": "group",
    "客户经理": "owner", "客户经理账号": "owner", "开户日期": "start_date", "起始日期": "start_date",
    "客户年限": "tenure", "地址": "address", "电话": "phone", "联系电话": "phone", "邮箱": "email",
    "电子邮件": "email", "走访方式": "visit_method", "走访频次": "visit_frequency", "备注": "notes",
    "月销量": "monthly_volume", "月均销量": "monthly_volume", "月用量": "monthly_volume",
}  # fmt: skip
EXPORT_ONLY_COLUMNS = ["owner_name", "team", "last_visited_on", "next_visit_due"]
REQUIRED_COLUMNS = ["code", "name", "tier", "owner"]


class ClientResource(resources.ModelResource):
    client_type = choice_field("client_type")
    industry = choice_field("industry")
    size = choice_field("size")
    status = choice_field("status")
    tenure = choice_field("tenure")
    visit_method = choice_field("visit_method")
    visit_frequency = choice_field("visit_frequency")
    start_date = fields.Field(attribute="start_date", column_name="start_date", widget=IsoDateWidget())
    monthly_volume = fields.Field(attribute="monthly_volume", column_name="monthly_volume", widget=VolumeWidget())
    tier = fields.Field(attribute="tier", column_name="tier")
    group = fields.Field(attribute="group", column_name="group")
    owner = fields.Field(attribute="owner", column_name="owner")
    owner_name = fields.Field(column_name="owner_name", readonly=True)
    team = fields.Field(attribute="team__name", column_name="team", readonly=True)
    last_visited_on = fields.Field(
        attribute="last_visited_on", column_name="last_visited_on", widget=IsoDateWidget(), readonly=True
    )
    next_visit_due = fields.Field(
        attribute="next_visit_due", column_name="next_visit_due", widget=IsoDateWidget(), readonly=True
    )

    class Meta:
        model = Client
        import_id_fields = ["code"]
        fields = COLUMNS + EXPORT_ONLY_COLUMNS
        export_order = COLUMNS + EXPORT_ONLY_COLUMNS
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True

    def __init__(self, user: User):
        super().__init__()
        self.user = user
        self.fields["tier"].widget = LookupWidget(
            Tier, "code", required=True, message=_("There is no tier with code “%(value)s”.")
        )
        self.fields["group"].widget = LookupWidget(
            ClientGroup, "code", message=_("There is no group client with code “%(value)s”.")
        )
        self.fields["owner"].widget = LookupWidget(
            User,
            "username",
            required=True,
            queryset=assignable_owners(user),
            message=_("“%(value)s” is not an account manager you can assign clients to."),
        )
        self.first_line_of_code: dict[str, int] = {}

    def get_queryset(self):
        # Existing rows are looked up in the importer's scope only: a code that
        # belongs to someone else's client fails as "already used" instead of
        # overwriting it.
        return visible_clients(self.user).select_related("tier", "group", "owner", "team")

    def dehydrate_owner_name(self, client: Client) -> str:
        return client.owner.get_full_name() or client.owner.username

    def before_import(self, dataset, **kwargs):
        self.first_line_of_code = {}
        for index, code in enumerate(dataset["code"] if "code" in dataset.headers else [], start=1):
            self.first_line_of_code.setdefault(str(code).strip().casefold(), index)

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._imported_from_owner_id = None if new else instance.owner_id
        instance._imported_frequency = None if new else instance.visit_frequency

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        code = str(row.get("code") or "").strip().casefold()
        first = self.first_line_of_code.get(code)
        if code and first is not None and first != kwargs.get("row_number"):
            errors.setdefault("code", []).append(
                _("This code is already used on data row %(row)s of this file.") % {"row": first}
            )
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        instance.team_id = instance.owner.team_id
        if instance.visit_frequency != instance._imported_frequency and instance.visit_frequency:
            instance.visit_frequency_manual = True
            instance.visit_frequency_reason = instance.visit_frequency_reason or _("Set by import")
        instance._change_reason = _("Imported")
        moving = instance.pk is not None and instance._imported_from_owner_id not in (None, instance.owner_id)
        # What the client takes along leaves the old manager's scope (the field app's change feed).
        instance._scope_before = (
            sync_services.scope_snapshot(instance.pk) if moving and not kwargs.get("dry_run") else None
        )

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        if instance._imported_from_owner_id != instance.owner_id:
            OwnerChange.objects.create(
                client=instance,
                from_owner_id=instance._imported_from_owner_id,
                to_owner=instance.owner,
                reason=_("Imported"),
                changed_by=self.user,
            )
            if instance._imported_from_owner_id is not None:  # an existing client changed hands
                hand_over(client=instance, to_owner=instance.owner)
                if instance._scope_before is not None:
                    sync_services.record_departures(instance._scope_before, sync_services.scope_snapshot(instance.pk))

"""Admin pages of the analysis base data: products (with their CSV/Excel import), the
category tree, focus products, ability dimensions, targets (with history) and the log of
figure imports (read-only: figures come in through the import service only)."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from clients.imports import ImportFileError
from crm.forms import NamedInSomeLanguage
from rollups import services as rollups

from .models import (
    AbilityDimension,
    BrandTarget,
    FigureImport,
    FocusProduct,
    MarketTarget,
    Product,
    ProductCategory,
)
from .resources import ProductCSV, ProductResource, ProductXLSX


@admin.register(ProductCategory)
class ProductCategoryAdmin(TranslationAdmin, SimpleHistoryAdmin):
    form = NamedInSomeLanguage
    list_display = ["name", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name_en", "name_zh_hans", "parent__name_en", "parent__name_zh_hans"]
    autocomplete_fields = ["parent"]


class CategoryFilter(admin.SimpleListFilter):
    """The category tree as a filter, named by path, in one query."""

    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        nodes = ProductCategory.objects.select_related("parent", "parent__parent")
        return sorted(((node.pk, str(node)) for node in nodes), key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(category_id=int(value)) if value and value.isdecimal() and len(value) < 19 else queryset


@admin.register(Product)
class ProductAdmin(ImportExportMixin, SimpleHistoryAdmin):
    # No list_editable: the key-brand flag is changed by the actions below or on the
    # product's page, where every input has its label.
    list_display = ["code", "name", "brand", "category", "unit", "unit_price", "is_key_brand", "is_active"]
    list_filter = ["is_key_brand", "is_active", "brand", CategoryFilter]
    search_fields = ["code", "name", "brand"]
    list_select_related = ["category", "category__parent"]
    autocomplete_fields = ["category"]
    actions = ["mark_key_brand", "unmark_key_brand"]
    resource_classes = [ProductResource]
    import_formats = [ProductCSV, ProductXLSX]
    export_formats = [ProductCSV, ProductXLSX]

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):  # the reader's own words: what is wrong and what to do
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def _set_key_brand(self, request, queryset, value: bool) -> None:
        changed = 0
        # The business board's rollups of the months these products were sold in: rebuilt once.
        with transaction.atomic(), rollups.refreshing_products():
            for product in queryset.filter(is_key_brand=not value):
                product.is_key_brand = value
                product.save(update_fields=["is_key_brand"])  # one by one: each change in the history
                changed += 1
        self.message_user(
            request,
            ngettext("%(count)d product changed.", "%(count)d products changed.", changed) % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as key brand"))
    def mark_key_brand(self, request, queryset):
        self._set_key_brand(request, queryset, True)

    @admin.action(description=_("Unmark as key brand"))
    def unmark_key_brand(self, request, queryset):
        self._set_key_brand(request, queryset, False)


@admin.register(FocusProduct)
class FocusProductAdmin(SimpleHistoryAdmin):
    list_display = ["month", "team", "product", "set_by", "created_at"]
    list_filter = ["team", "month"]
    search_fields = ["product__code", "product__name", "product__brand"]
    list_select_related = ["team", "product", "set_by"]
    autocomplete_fields = ["product"]
    readonly_fields = ["set_by", "created_at"]
    date_hierarchy = "month"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AbilityDimension)
class AbilityDimensionAdmin(TranslationAdmin, SimpleHistoryAdmin):
    form = NamedInSomeLanguage
    list_display = ["name", "description", "position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name_en", "name_zh_hans", "description_en", "description_zh_hans"]


@admin.register(FigureImport)
class FigureImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "source", "by", "file_name", "rows", "clients", "months"]
    list_filter = ["source"]
    search_fields = ["file_name", "months", "by__username"]
    list_select_related = ["by"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # figures come in through the upload, the API or the file drop

    def has_change_permission(self, request, obj=None):
        return False  # a record of what was imported

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BrandTarget)
class BrandTargetAdmin(SimpleHistoryAdmin):
    list_display = ["month", "owner", "product", "stocking_rate", "active_rate", "repurchase_rate", "fulfilment_rate"]
    list_filter = ["month", "team"]
    search_fields = ["owner__username", "owner__last_name", "product__code", "product__name"]
    list_select_related = ["owner", "product"]
    autocomplete_fields = ["owner", "product", "team"]
    date_hierarchy = "month"


@admin.register(MarketTarget)
class MarketTargetAdmin(SimpleHistoryAdmin):
    list_display = ["month", "team", "owner", "indicator", "value"]
    list_filter = ["indicator", "month", "team"]
    search_fields = ["owner__username", "owner__last_name", "team__name"]
    list_select_related = ["team", "owner"]
    autocomplete_fields = ["owner", "team"]
    date_hierarchy = "month"

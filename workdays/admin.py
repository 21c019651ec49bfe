"""The working-day calendar in the admin: the days listed by year, and a yearly import."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from clients.imports import ImportFileError

from . import services
from .forms import ImportYearForm
from .models import CalendarDay


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdecimal() and len(value) == 4:
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "weekday", "kind", "name"]
    list_filter = [YearFilter, "kind"]
    search_fields = ["name"]
    date_hierarchy = "date"
    change_list_template = "admin/workdays/calendarday/change_list.html"

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, day: CalendarDay) -> str:
        return date_format(day.date, "l")

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="workdays_calendarday_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and self.has_delete_permission(request)
        ):
            raise PermissionDenied
        report = None
        form = ImportYearForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            year = form.cleaned_data["year"]
            try:
                # One byte past the limit is enough for the service to refuse the file.
                content = upload.read(services.MAX_FILE_BYTES + 1)
                report = services.import_year(year=year, file_name=upload.name, content=content)
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                if report.imported:
                    message = gettext(
                        "%(year)s imported: %(created)s days added, %(updated)s changed, %(removed)s removed."
                    ) % {"year": year, "created": report.created, "updated": report.updated, "removed": report.removed}
                    self.message_user(request, message, messages.SUCCESS)
                    changelist = reverse("admin:workdays_calendarday_changelist")
                    return HttpResponseRedirect(f"{changelist}?year={year}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import a year of the working-day calendar"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/workdays/calendarday/import.html", context)

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Answer, FollowUp, Invitation, Question, Response, SurveyTemplate


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = [("order", "kind", "dimension", "required"), ("text", "text_zh"), ("choices", "choices_zh")]


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_zh", "is_default", "is_active"]
    list_filter = ["is_active"]
    inlines = [QuestionInline]


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    """Invitations are created from the client file or by the jobs (they need a token)."""

    list_display = ["client", "contact", "reason", "state", "created_at", "sent_at", "expires_at", "answered_at"]
    list_filter = ["state", "reason", "language"]
    list_select_related = ["client", "contact"]
    search_fields = ["client__name", "client__code", "contact__name"]
    date_hierarchy = "created_at"
    readonly_fields = ["client", "contact", "complaint", "template", "reason", "created_by", "created_at", "sent_at",
                       "reminded_at", "answered_at"]  # fmt: skip
    fields = [*readonly_fields[:6], "language", "state", "send_after", "expires_at", *readonly_fields[6:]]

    def has_add_permission(self, request):
        return False


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "number", "choices", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["client", "owner", "submitted_at", "via", "csat", "nps_score", "is_low"]
    list_filter = ["via", "is_low", "tier"]
    list_select_related = ["client", "owner"]
    search_fields = ["client__name", "client__code"]
    date_hierarchy = "submitted_at"
    inlines = [AnswerInline]
    readonly_fields = ["invitation", "client", "owner", "tier", "submitted_at", "via", "entered_by", "ratings",
                       "satisfied_ratings", "nps_score", "is_low"]  # fmt: skip

    def has_add_permission(self, request):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["client", "owner", "reason", "due_on", "done_at"]
    list_filter = ["done_at"]
    list_select_related = ["client", "owner"]
    search_fields = ["client__name", "client__code", "reason"]
    raw_id_fields = ["response", "client", "owner"]

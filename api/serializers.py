"""What the API reads and writes. Writes go through the same services as the web pages."""

from __future__ import annotations

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from analysis.models import BusinessFigure, IndicatorResult, MonthAnalysis, ProblemClient, Product
from clients.models import Client, Contact, Tier, VisitFrequency, VisitMethod, phone_validator
from complaints.models import Complaint, Severity
from complaints.services import TRANSITIONS
from crm.forms import MAX_ID
from interactions.models import LOG_CHANNELS, Interaction
from market.forms import MAX_OBSERVATIONS, check_observations
from market.models import MarketObservation, ShelfPosition
from notifications.models import Notification
from sync.models import Resource
from visits.forms import PhotoField, is_photo
from visits.forms_checklist import NOTE_MAX
from visits.models import ChecklistAnswer, PlannedVisit, RetentionOutcome, VisitLog


class ObservationSerializer(serializers.Serializer):
    """One competitor product or brand seen on a visit or heard on a call (the schema of
    ``observations``; each row is checked by the web's own form, market.forms)."""

    brand = serializers.CharField(max_length=120, help_text="The competitor's brand (required).")
    product = serializers.CharField(max_length=120, required=False, allow_blank=True)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True)
    promotion = serializers.CharField(max_length=200, required=False, allow_blank=True)
    shelf_position = serializers.ChoiceField(choices=ShelfPosition.choices, required=False, allow_blank=True)
    shelf_share = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True,
                                           help_text="Share of the shelf, in percent.")  # fmt: skip
    remark = serializers.CharField(max_length=2000, required=False, allow_blank=True)


@extend_schema_field(ObservationSerializer(many=True))
class ObservationsField(serializers.Field):
    """A list of observations: JSON, or in a multipart request that list as JSON text."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            f"Competitor and market information, at most {MAX_OBSERVATIONS} rows (in multipart/form-data: the list "
            "as JSON text).",
        )
        super().__init__(**kwargs)

    def get_default(self):
        return []

    def to_internal_value(self, data):
        from django.core.exceptions import ValidationError

        try:
            return check_observations(data)
        except ValidationError as error:
            raise serializers.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from None

    def to_representation(self, value):
        return value


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class ClientBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Client
        fields = ["id", "code", "name", "address", "phone"]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    client = serializers.PrimaryKeyRelatedField(read_only=True)
    email = serializers.CharField(read_only=True, help_text="An e-mail address, or empty.")
    decision_role = serializers.ChoiceField(choices=Contact.DecisionRole.choices, allow_blank=True, read_only=True)
    influence = serializers.ChoiceField(choices=Contact.Influence.choices, allow_blank=True, read_only=True)
    preferred_channel = serializers.ChoiceField(choices=Contact.Channel.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "client", "name", "title", "mobile", "office_phone", "email", "birthday", "is_key_person",
                  "decision_role", "influence", "preferred_channel", "notes", "updated_at"]  # fmt: skip
        read_only_fields = fields


class ClientSerializer(serializers.ModelSerializer):
    tier = serializers.SlugRelatedField(slug_field="code", read_only=True)
    tier_name = serializers.CharField(source="tier.name", read_only=True)
    owner = PersonSerializer(read_only=True)
    team = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    email = serializers.CharField(read_only=True, help_text="An e-mail address, or empty.")
    group = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    visit_method = serializers.ChoiceField(choices=VisitMethod.choices, allow_blank=True, read_only=True)
    visit_frequency = serializers.ChoiceField(choices=VisitFrequency.choices, allow_blank=True, read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = ["id", "code", "name", "client_type", "industry", "size", "status", "tier", "tier_name", "group",
                  "owner", "team", "address", "phone", "email", "visit_method", "visit_frequency", "last_visited_on",
                  "next_visit_due", "is_overdue", "notes", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = fields

    def get_is_overdue(self, client: Client) -> bool:
        return client.is_overdue()


class ClientDetailSerializer(ClientSerializer):
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta(ClientSerializer.Meta):
        fields = [*ClientSerializer.Meta.fields, "contacts"]
        read_only_fields = fields


class ClientUpdateSerializer(serializers.Serializer):
    """What a manager corrects in the field; send the ETag you read in ``If-Match``.

    The tier, type and size change here as on the web: an account manager is refused (they
    propose a grade change), a supervisor or an admin gives ``grade_change_reason``."""

    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, validators=[phone_validator])
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    visit_method = serializers.ChoiceField(choices=VisitMethod.choices, required=False)
    tier = serializers.SlugRelatedField(
        slug_field="code", queryset=Tier.objects.all(), required=False, help_text="A tier's code."
    )
    client_type = serializers.ChoiceField(choices=Client.Type.choices, required=False)
    size = serializers.ChoiceField(choices=Client.Size.choices, required=False)
    grade_change_reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="Required when the tier, type or size changes."
    )


class NoNulMixin:
    """Refuses a NUL character before any validator looks the value up in the database
    (PostgreSQL cannot compare text holding one: a 500 otherwise)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            raise serializers.ValidationError(ProhibitNullCharactersValidator.message)
        return super().to_internal_value(data)


class NoNulCharField(NoNulMixin, serializers.CharField):
    pass


class NoNulSlugRelatedField(NoNulMixin, serializers.SlugRelatedField):
    pass


class ClientCreateSerializer(serializers.Serializer):
    """A new client, as the web's new-client form makes it. A name very similar to an existing
    client's, or the same phone, is answered 409 with the likely ``duplicates`` unless
    ``confirm_duplicates`` is true."""

    # A code already given is refused before the duplicates are looked for (as on the web form).
    code = NoNulCharField(
        max_length=30, validators=[UniqueValidator(Client.objects.all(), message=_("A client with this code exists."))]
    )
    name = serializers.CharField(max_length=200)
    tier = NoNulSlugRelatedField(slug_field="code", queryset=Tier.objects.all(), help_text="A tier's code.")
    client_type = serializers.ChoiceField(choices=Client.Type.choices, required=False)
    industry = serializers.ChoiceField(choices=Client.Industry.choices, required=False)
    size = serializers.ChoiceField(choices=Client.Size.choices, required=False)
    status = serializers.ChoiceField(choices=Client.Status.choices, required=False)
    owner = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Account manager's id (supervisors, admins); you by default.",
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, validators=[phone_validator])
    email = serializers.EmailField(required=False, allow_blank=True)
    visit_method = serializers.ChoiceField(choices=VisitMethod.choices, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    confirm_duplicates = serializers.BooleanField(
        required=False, default=False, help_text="Create it even though likely duplicates were found."
    )


class DuplicateSerializer(serializers.Serializer):
    """A likely duplicate. One you may not see is ``hidden``: only its ``message``, no id, code,
    name or account manager."""

    hidden = serializers.BooleanField()
    id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    owner = serializers.CharField(allow_null=True, help_text="The account manager's name.")
    similar_name = serializers.BooleanField()
    same_phone = serializers.BooleanField()
    message = serializers.CharField()


class PlannedVisitSerializer(serializers.ModelSerializer):
    client = ClientBriefSerializer(read_only=True)
    logged = serializers.SerializerMethodField()

    class Meta:
        model = PlannedVisit
        fields = ["id", "client", "date", "appointment_time", "method", "status", "purpose", "visit_type",
                  "route_order", "logged", "checked_in_at", "checked_out_at", "check_in_distance", "far_from_client",
                  "check_in_accuracy", "check_in_position_at", "check_in_inaccurate", "check_in_position_stale",
                  "check_in_sent_at", "check_out_sent_at", "updated_at"]  # fmt: skip
        read_only_fields = fields

    def get_logged(self, visit: PlannedVisit) -> bool:
        return visit.status == PlannedVisit.Status.DONE


class ChecklistAnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistAnswer
        fields = ["item", "text", "required", "done", "note"]
        read_only_fields = fields


class ObservationSerializer(serializers.ModelSerializer):
    """A competitor observation recorded with a visit or a call (market.models)."""

    class Meta:
        model = MarketObservation
        fields = ["id", "observed_on", "brand", "product", "price", "promotion", "shelf_position", "shelf_share",
                  "remark"]  # fmt: skip
        read_only_fields = fields


class VisitLogSerializer(serializers.ModelSerializer):
    checklist = ChecklistAnswerSerializer(source="checklist_answers", many=True, read_only=True)
    observations = ObservationSerializer(source="market_observations", many=True, read_only=True)

    class Meta:
        model = VisitLog
        fields = ["id", "client", "planned_visit", "date", "checked_in_at", "latitude", "longitude", "method",
                  "work_done", "market_anomalies", "opinions", "effect", "next_follow_up", "is_temporary",
                  "visit_type", "checklist", "observations", "created_at"]  # fmt: skip
        read_only_fields = fields


class ChecklistInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A checklist item of the visit's type.")
    done = serializers.BooleanField()
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class VisitLogCreateSerializer(serializers.Serializer):
    client = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    planned_visit = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    date = serializers.DateField()
    checked_in_at = serializers.DateTimeField(required=False, allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False,
                                        allow_null=True)  # fmt: skip
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180,
                                         required=False, allow_null=True)  # fmt: skip
    method = serializers.ChoiceField(choices=VisitMethod.choices)
    work_done = serializers.CharField(max_length=10_000)
    market_anomalies = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    opinions = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    effect = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    next_follow_up = serializers.DateField(required=False, allow_null=True)
    strategies = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list, max_length=100
    )
    request = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="",
        help_text="A request the client made on the visit: followed up by you until they are told the result.",
    )  # fmt: skip
    retention_offer = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="",
        help_text="A retention visit to a client tending to leave: the offer made (kept only for such a client).",
    )  # fmt: skip
    retention_outcome = serializers.ChoiceField(
        choices=RetentionOutcome.choices, required=False, allow_blank=True, default="",
        help_text="A retention visit: whether the client stays (kept only for a client tending to leave).",
    )  # fmt: skip
    visit_type = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True,
        help_text="A visit type in use; by default the planned visit's, else the type of the visit's reason.",
    )  # fmt: skip
    checklist = ChecklistInputSerializer(
        many=True, required=False, default=list, max_length=100,
        help_text="The type's checklist, each item done or not with a note; a required item not done refuses the "
        "log (error on `check_<item id>`). In multipart/form-data send the web form's fields instead: "
        "`check_<item id>`=on when done, `check_<item id>_note`.",
    )  # fmt: skip
    photos = serializers.ListField(
        child=serializers.FileField(max_length=200), required=False, default=list, max_length=PhotoField.max_files,
        help_text="Up to five photos (JPEG, PNG, WebP, HEIC; 5 MB each), sent as multipart/form-data.",
    )  # fmt: skip
    observations = ObservationsField()

    def validate_photos(self, photos):
        for photo in photos:
            if photo.size > PhotoField.max_bytes:
                raise serializers.ValidationError(_("“%(name)s” is larger than 5 MB.") % {"name": photo.name})
            if not is_photo(photo):
                raise serializers.ValidationError(_("“%(name)s” is not a photo.") % {"name": photo.name})
        return photos


class CheckSerializer(serializers.Serializer):
    """Where the manager is, when the phone knows (both or neither), how precisely, and when
    the step happened (a phone without a signal sends it later)."""

    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False,
                                        allow_null=True)  # fmt: skip
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180,
                                         required=False, allow_null=True)  # fmt: skip
    accuracy = serializers.FloatField(
        min_value=0, max_value=1_000_000, required=False, allow_null=True,
        help_text="The position's accuracy in metres, as the browser gives it.",
    )  # fmt: skip
    position_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When the phone took the position (ISO 8601 with zone)."
    )
    at = serializers.DateTimeField(required=False, allow_null=True,
                                   help_text="When the step happened on the phone (default: now). At most 5 minutes "
                                   "ahead, not before the visit's day; more than 2 minutes back, it is recorded as "
                                   "sent later.")  # fmt: skip


class InteractionSerializer(serializers.ModelSerializer):
    observations = ObservationSerializer(source="market_observations", many=True, read_only=True)

    class Meta:
        model = Interaction
        fields = ["id", "client", "contact", "channel", "direction", "occurred_at", "summary", "promise",
                  "follow_up_on", "is_request", "reply_due", "replied_at", "visit_needed", "visit_due",
                  "visit_planned_at", "observations", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = fields


class InteractionCreateSerializer(serializers.Serializer):
    client = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    contact = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=LOG_CHANNELS)
    direction = serializers.ChoiceField(choices=Interaction.Direction.choices, default=Interaction.Direction.INBOUND)
    occurred_at = serializers.DateTimeField(required=False)
    summary = serializers.CharField(max_length=10_000)
    promise = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    follow_up_on = serializers.DateField(required=False, allow_null=True)
    is_request = serializers.BooleanField(required=False, default=False)
    visit_needed = serializers.BooleanField(required=False, default=False)
    observations = ObservationsField()


class ComplaintSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.__str__", read_only=True)
    category_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Complaint
        fields = ["id", "number", "client", "contact", "channel", "category_id", "category", "severity",
                  "description", "received_at", "state", "level", "first_response_due", "resolution_due",
                  "needs_on_site", "on_site_due", "on_site_at", "paused_at", "pause_reason",
                  "acknowledged_at", "resolved_at", "closed_at", "root_cause", "action_taken", "compensation",
                  "compensation_amount", "owner", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = fields


class ComplaintCreateSerializer(serializers.Serializer):
    client = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    contact = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=Complaint.Channel.choices)
    category = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.NORMAL)
    description = serializers.CharField(max_length=10_000)
    received_at = serializers.DateTimeField(required=False)
    needs_on_site = serializers.BooleanField(required=False, default=False)


class ComplaintStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=[(step, step) for step in TRANSITIONS])
    note = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    root_cause = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    action_taken = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    compensation = serializers.CharField(max_length=300, required=False, allow_blank=True)
    compensation_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "url", "created_at", "read_at"]
        read_only_fields = fields


class ErrorFieldSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=ErrorFieldSerializer(many=True))


class ErrorSerializer(serializers.Serializer):
    """Every error of the API has this shape."""

    error = ErrorBodySerializer()


class DuplicatesErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()
    duplicates = DuplicateSerializer(many=True)


# --- analysis: products and business figures ------------------------------------------------


class ProductSerializer(serializers.ModelSerializer):
    category = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    category_name = serializers.CharField(source="category.name", read_only=True, allow_null=True, default=None)
    attributes = serializers.DictField(read_only=True, help_text='Optional attributes, e.g. {"tar_mg": 8}.')

    class Meta:
        model = Product
        fields = ["id", "code", "name", "brand", "category", "category_name", "unit", "unit_price", "is_key_brand",
                  "attributes", "is_active"]  # fmt: skip
        read_only_fields = fields


class BusinessFigureSerializer(serializers.ModelSerializer):
    client_code = serializers.CharField(source="client.code", read_only=True)
    product_code = serializers.CharField(source="product.code", read_only=True)
    month = serializers.DateField(format="%Y-%m", read_only=True, help_text="YYYY-MM")

    class Meta:
        model = BusinessFigure
        fields = ["id", "client", "client_code", "product", "product_code", "month", "quantity", "amount", "orders"]
        read_only_fields = fields


class FigureRowSerializer(serializers.Serializer):
    """One row of a push (documentation only: the import service checks the rows, all of
    them, and answers with every error by row number and column)."""

    client_code = serializers.CharField(max_length=30, help_text="The client's code in the CRM (客户编码).")
    product_code = serializers.CharField(max_length=40, help_text="The product's code (商品编码).")
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM (月份).")
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, help_text="数量")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, help_text="金额")
    orders = serializers.IntegerField(min_value=0, help_text="Number of orders (订单数).")


class FigureImportResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The import's id (FigureImport).")
    rows = serializers.IntegerField()
    clients = serializers.IntegerField()
    months = serializers.ListField(child=serializers.CharField(), help_text="YYYY-MM")
    replaced = serializers.IntegerField(help_text="Rows stored before for these clients and months, now replaced.")


class IndicatorResultSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True, allow_null=True, default=None)
    month = serializers.DateField(format="%Y-%m", read_only=True, help_text="The month analysed, YYYY-MM.")

    class Meta:
        model = IndicatorResult
        fields = ["kind", "product", "product_code", "code", "month", "target", "actual", "abnormal"]
        read_only_fields = fields


class ProblemClientSerializer(serializers.ModelSerializer):
    client_code = serializers.CharField(source="client.code", read_only=True)

    class Meta:
        model = ProblemClient
        fields = ["client", "client_code", "source", "reason"]
        read_only_fields = fields


class MonthAnalysisSerializer(serializers.ModelSerializer):
    """A manager's analysis of a month to plan: the steps done, the conclusions, the brand
    and market indicators of the month analysed (the one before) and the problem clients."""

    month = serializers.DateField(format="%Y-%m", read_only=True, help_text="The month planned, YYYY-MM.")
    indicators = serializers.SerializerMethodField()
    problem_clients = serializers.SerializerMethodField()

    class Meta:
        model = MonthAnalysis
        fields = ["id", "owner", "team", "month", "demand_confirmed_at", "effect_computed_at",
                  "strategies_generated_at", "brand_analysed_at", "market_analysed_at", "brand_problems",
                  "brand_focus", "market_problems", "market_focus", "indicators", "problem_clients"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(IndicatorResultSerializer(many=True))
    def get_indicators(self, analysis):
        return IndicatorResultSerializer(self.context["details"][analysis.pk]["indicators"], many=True).data

    @extend_schema_field(ProblemClientSerializer(many=True))
    def get_problem_clients(self, analysis):
        return ProblemClientSerializer(self.context["details"][analysis.pk]["problem_clients"], many=True).data


__all__ = ["_"]


class ResourceChangesSerializer(serializers.Serializer):
    removed = serializers.ListField(child=serializers.IntegerField(), help_text="Ids removed.")
    out_of_scope = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids you could see and no longer may (e.g. handed over)."
    )


class ResourcesChangesSerializer(serializers.Serializer):
    """One entry per resource the app keeps, by its URL name (``visit-logs``)."""

    def get_fields(self):
        return {name: ResourceChangesSerializer() for name in Resource.values}


class ChangesSerializer(serializers.Serializer):
    until = serializers.DateTimeField(help_text="Pass it as `since` next time.")
    resync = serializers.BooleanField(
        help_text="`since` is older than the feed keeps (CRM_SYNC_KEEP_DAYS): drop what you keep and load it again."
    )
    resources = ResourcesChangesSerializer()

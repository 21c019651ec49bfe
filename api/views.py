"""The field app's API (/api/v1/): every read through the scoping module, every write
through the web's services, one JSON error shape, cursor pages, ``updated_since`` for
incremental sync, ``Idempotency-Key`` on creates and ``If-Match`` on updates."""

from __future__ import annotations

import binascii
import hashlib
import json
import uuid
from datetime import UTC, date, timedelta

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scoping import get_scoped_object_or_404, scope_for
from analysis import figures
from analysis import selectors as analysis_selectors
from analysis.models import BusinessFigure, FigureImport, MonthAnalysis, Product
from clients import services as client_services
from clients.duplicates import likely_duplicates
from clients.filters import ClientFilter
from clients.models import Client, Contact
from clients.selectors import client_list, get_client, search_clients
from complaints import services as complaint_services
from complaints.models import Category, Complaint
from crm.forms import MAX_ID
from interactions import services as interaction_services
from interactions.models import Interaction
from market.forms import observations_of_formset_fields
from notifications import services as notification_services
from notifications.models import Notification
from sync.selectors import changes_since
from visits import checkins
from visits import services as visit_services
from visits.forms_checklist import checklist_from_fields
from visits.models import PlannedVisit, VisitLog, VisitType
from visits.selectors import monday_of

from . import serializers as s
from .errors import body as error_body
from .models import IdempotencyRecord

IDEMPOTENCY_HEADER = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY = 100


class Cursor(CursorPagination):
    """Stable pages whatever is added meanwhile: ``?cursor=`` from ``next``.

    Every list here is ordered by primary key, so a cursor's position is a whole number; a
    cursor that is not one of ours is refused with 400 (DRF would answer 404, or a 500 when
    the position is not a number)."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        invalid = exceptions.ValidationError(
            {self.cursor_query_param: [_("This page link is not valid; start again.")]}
        )
        try:
            cursor = super().decode_cursor(request)
        except (exceptions.NotFound, UnicodeError, binascii.Error):
            raise invalid from None
        if cursor is not None and cursor.position is not None:
            position = cursor.position
            if not (position.isascii() and position.isdecimal()) or int(position) > MAX_ID:
                raise invalid
        return cursor


ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="Invalid input: messages per field."),
    422: OpenApiResponse(s.ErrorSerializer, description="Idempotency-Key already used for another request."),
    401: OpenApiResponse(s.ErrorSerializer, description="No valid token or session."),
    403: OpenApiResponse(s.ErrorSerializer, description="Not allowed for your role or this record."),
    404: OpenApiResponse(s.ErrorSerializer, description="Not found, or not in your scope."),
    429: OpenApiResponse(s.ErrorSerializer, description="Too many requests: wait and retry."),
}
READ_ERRORS = {code: ERRORS[code] for code in (400, 401, 404, 429)}
UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    description="Only rows changed at or after this time (ISO 8601 with zone), for incremental sync.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description="A unique key per create, check-in or check-out (e.g. a UUID): a retry with the same key returns "
    "the first answer instead of doing it twice.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    description="The ETag you read: the change is refused (412) if the record changed since.",
)


def updated_since(request, queryset, field: str = "updated_at"):
    value = time_param(request, "updated_since")
    return queryset if value is None else queryset.filter(**{f"{field}__gte": value})


def time_param(request, name: str):
    """A date and time with its zone from the query (None when absent); 400 on the field otherwise."""
    text = request.query_params.get(name)
    if not text:
        return None
    try:
        value = parse_datetime(text)
    except ValueError:
        value = None
    try:
        value = value.astimezone(UTC) if value is not None and not timezone.is_naive(value) else None
    except OverflowError:
        value = None
    if value is None:
        raise exceptions.ValidationError(
            {name: [_("Give a date and time with its zone, e.g. 2026-12-01T08:00:00+08:00.")]}
        )
    return value


def for_client(request, queryset):
    """``?client=<id>``: only that client's rows."""
    client_id = request.query_params.get("client", "")
    if not client_id:
        return queryset
    if not client_id.isdecimal() or int(client_id) > MAX_ID:
        raise exceptions.ValidationError({"client": [_("Give a client id.")]})
    return queryset.filter(client_id=int(client_id))


def matches(if_match: str, current: str) -> bool:
    """RFC 9110 If-Match: ``*``, or one of a comma-separated list of tags (a weak ``W/``
    prefix, added by some proxies, is ignored)."""
    tags = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    return "*" in tags or current in tags


def etag(obj) -> str:
    return f'"{obj.pk}-{obj.updated_at.timestamp():.6f}"'


class KeyReused(exceptions.APIException):
    status_code = 422
    default_detail = _("This Idempotency-Key was already used for another request: use a new key for a new one.")
    default_code = "idempotency_key_reused"


def request_hash(request) -> str:
    """A fingerprint of what was sent (fields, file names and sizes; not the multipart
    boundary, which differs on every retry)."""
    data = request.data
    if not hasattr(data, "items"):  # a JSON list (the figures push) or a bare value
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    items = data.lists() if hasattr(data, "lists") else data.items()
    described = []
    for name, value in sorted(items, key=lambda pair: str(pair[0])):
        values = value if isinstance(value, list) else [value]
        described.append([name, [f"file:{v.name}:{v.size}" if hasattr(v, "read") else v for v in values]])
    return hashlib.sha256(json.dumps(described, sort_keys=True, default=str).encode()).hexdigest()


def answer_once(request, perform):
    """Answer a retried request (same user, same ``Idempotency-Key``) with the first answer,
    and do nothing the second time: creates, and the check-in and check-out a phone may send
    again when the first answer was lost. ``perform()`` does the work and returns the response."""
    key = request.META.get(IDEMPOTENCY_HEADER, "").strip()
    if not key:
        return perform()
    if len(key) > MAX_KEY:
        raise exceptions.ValidationError({"Idempotency-Key": [_("At most 100 characters.")]})
    endpoint = request.path
    fingerprint = request_hash(request)
    stored = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
    if stored is None:
        try:
            with transaction.atomic():
                response = perform()
                if response.status_code < 300:
                    IdempotencyRecord.objects.create(
                        user=request.user, key=key, endpoint=endpoint, status_code=response.status_code,
                        body=response.data, request_hash=fingerprint,
                    )  # fmt: skip
            return response
        except Exception:
            # A retry sent while the first was still running: the first one's answer, kept
            # meanwhile, wins over this one's refusal ("already checked in") or key clash.
            stored = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
            if stored is None:
                raise
    if stored.endpoint != endpoint or (stored.request_hash and stored.request_hash != fingerprint):
        raise KeyReused
    response = Response(stored.body, status=stored.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def _observations(request, fields: dict) -> list[dict]:
    """``observations`` as a list, or the web form's own formset fields (``observations-0-brand``,
    sent by the offline phone's outbox), each row checked by the same form (market.forms)."""
    try:
        from_formset = observations_of_formset_fields(request.data)
    except DjangoValidationError as error:
        raise exceptions.ValidationError({"observations": error.messages}) from None
    return from_formset if from_formset is not None else fields.get("observations") or []


class IdempotentCreate:
    """``create`` answered once per ``Idempotency-Key`` (``answer_once``)."""

    def create(self, request, *args, **kwargs):
        return answer_once(request, lambda: self.perform_idempotent_create(request))


# --- clients and contacts -----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List the clients you may see",
        parameters=[
            UPDATED_SINCE,
            OpenApiParameter("q", OpenApiTypes.STR, description="Name, code, phone or contact name/phone."),
            OpenApiParameter("tier", OpenApiTypes.INT, description="Tier id."),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Client.Status.values),
            OpenApiParameter("overdue", OpenApiTypes.BOOL, description="Visit overdue."),
            OpenApiParameter("owner", OpenApiTypes.INT, description="Account manager id (supervisors)."),
            OpenApiParameter("team", OpenApiTypes.INT, description="Team id (supervisors, admins)."),
        ],
        responses={200: s.ClientSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One client with its contacts (key persons first); the ETag header is for If-Match",
        responses={200: s.ClientDetailSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Create a client (as the web's form); likely duplicates answer 409 unless confirm_duplicates",
        parameters=[IDEMPOTENCY_KEY],
        request=s.ClientCreateSerializer,
        responses={
            201: s.ClientDetailSerializer,
            200: s.ClientDetailSerializer,
            409: OpenApiResponse(
                s.DuplicatesErrorSerializer,
                description="Likely duplicates (named only within your scope): send confirm_duplicates to create it.",
            ),
            **ERRORS,
        },
    ),
    partial_update=extend_schema(
        summary="Correct a client's phone, e-mail, address, notes, visit method; tier, type, size (not managers)",
        parameters=[IF_MATCH],
        request=s.ClientUpdateSerializer,
        responses={
            200: s.ClientDetailSerializer,
            412: OpenApiResponse(s.ErrorSerializer, description="Changed since you read it: read it again."),
            428: OpenApiResponse(s.ErrorSerializer, description="If-Match is missing."),
            **ERRORS,
        },
    ),
)
class ClientViewSet(IdempotentCreate, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pagination_class = Cursor
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return s.ClientSerializer if self.action == "list" else s.ClientDetailSerializer

    def get_queryset(self):
        queryset = client_list(self.request.user)
        if self.action != "list":
            return queryset
        params = self.request.query_params.copy()
        params.pop("cursor", None)
        params.pop("page_size", None)
        params.pop("sort", None)
        filtered = ClientFilter(params, queryset=queryset, user=self.request.user)
        if filtered.out_of_scope:
            raise Http404
        if not filtered.is_valid():
            raise exceptions.ValidationError(filtered.errors)
        return updated_since(self.request, filtered.qs)

    def get_object(self):
        # The router only routes ids of at most 18 digits (api/urls.py).
        return get_client(self.request.user, int(self.kwargs["pk"]), for_detail=True)

    def retrieve(self, request, *args, **kwargs):
        client = self.get_object()
        response = Response(s.ClientDetailSerializer(client).data)
        response["ETag"] = etag(client)
        return response

    def perform_idempotent_create(self, request):
        data = s.ClientCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        confirmed = fields.pop("confirm_duplicates", False)
        owner = None
        if (owner_id := fields.pop("owner", None)) is not None:
            owner = client_services.assignable_owners(request.user).filter(pk=owner_id).first()
            if owner is None:
                raise exceptions.ValidationError({"owner": [_("You cannot assign clients to this person.")]})
        if not confirmed:
            found = likely_duplicates(request.user, name=fields["name"], phone=fields.get("phone", ""))
            if found:
                return Response(duplicates_answer(found), status=status.HTTP_409_CONFLICT)
        client = client_services.create_client(by=request.user, owner=owner, duplicates_confirmed=confirmed, **fields)
        client = get_client(request.user, client.pk, for_detail=True)
        response = Response(s.ClientDetailSerializer(client).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag(client)
        return response

    def partial_update(self, request, *args, **kwargs):
        client = self.get_object()  # whoever sees a client may edit it, as on the web
        expected = request.headers.get("If-Match")
        if not expected:
            raise PreconditionRequired
        serializer = s.ClientUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            current = Client.objects.select_for_update().get(pk=client.pk)
            if not matches(expected, etag(current)):
                raise PreconditionFailed
            values = dict(serializer.validated_data)
            reason = values.pop("grade_change_reason", "")
            # Only what really changes counts: a grade sent back unchanged is no grade change.
            changed = [name for name, value in values.items() if getattr(current, name) != value]
            for name in changed:
                setattr(current, name, values[name])
            current._change_reason = _("Changed from the app")
            client_services.update_client(client=current, by=request.user, changed=changed, grade_change_reason=reason)
        client = get_client(request.user, client.pk, for_detail=True)
        response = Response(s.ClientDetailSerializer(client).data)
        response["ETag"] = etag(client)
        return response


def duplicates_answer(found) -> dict:
    """The 409 of a new client with likely duplicates: the API's error shape and the list,
    named only within the caller's scope (``clients.duplicates``)."""
    duplicates = []
    for duplicate in found:
        client = duplicate.client
        duplicates.append(
            {
                "hidden": duplicate.hidden,
                "id": None if duplicate.hidden else client.pk,
                "code": None if duplicate.hidden else client.code,
                "name": None if duplicate.hidden else client.name,
                "owner": None if duplicate.hidden else str(client.owner),
                "similar_name": duplicate.similar_name,
                "same_phone": duplicate.same_phone,
                "message": duplicate.message,
            }
        )
    message = _("This client may already exist: check the likely duplicates, or send confirm_duplicates to create it.")
    return {**error_body(409, message, "likely_duplicates"), "duplicates": duplicates}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("This record changed since you read it: read it again and redo your change.")
    default_code = "stale"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = _("Send the ETag you read in an If-Match header.")
    default_code = "if_match_required"


@extend_schema_view(
    list=extend_schema(
        summary="List the contacts of the clients you may see",
        parameters=[
            UPDATED_SINCE,
            OpenApiParameter("client", OpenApiTypes.INT, description="Only this client's contacts."),
        ],
        responses={200: s.ContactSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(summary="One contact", responses={200: s.ContactSerializer, **READ_ERRORS}),
)
class ContactViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ContactSerializer
    pagination_class = Cursor

    def get_queryset(self):
        queryset = Contact.objects.visible_to(self.request.user)
        if self.action != "list":
            return queryset
        return updated_since(self.request, for_client(self.request, queryset))


# --- visits -----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Your planned visits: today's (default) or this week's",
        parameters=[
            OpenApiParameter("range", OpenApiTypes.STR, enum=["today", "week"], description="today or week"),
            UPDATED_SINCE,
        ],
        responses={200: s.PlannedVisitSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(summary="One planned visit", responses={200: s.PlannedVisitSerializer, **READ_ERRORS}),
)
class PlannedVisitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.PlannedVisitSerializer
    pagination_class = Cursor

    def get_queryset(self):
        today = timezone.localdate()
        queryset = (
            PlannedVisit.objects.visible_to(self.request.user)
            .select_related("client")
            .exclude(status=PlannedVisit.Status.CANCELLED)
        )
        if self.action != "list":
            return queryset
        wanted = self.request.query_params.get("range", "today")
        if wanted == "week":
            monday = monday_of(today)
            queryset = queryset.filter(date__range=(monday, monday + timedelta(days=6)))
        elif wanted == "today":
            queryset = queryset.filter(date=today)
        else:
            raise exceptions.ValidationError({"range": [_("Use today or week.")]})
        return updated_since(self.request, queryset.of_manager(self.request.user))

    def _check(self, request, step):
        def perform():
            visit = self.get_object()
            data = s.CheckSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            fields = {name: value for name, value in data.validated_data.items() if value is not None}
            return Response(s.PlannedVisitSerializer(step(visit, by=request.user, **fields)).data)

        return answer_once(request, perform)

    @extend_schema(
        summary="Check in on site, with the phone's location (one visit in progress at a time; far away, "
        "inaccurate or old positions are flagged)",
        description="`at` is when it happened on the phone: a check-in kept offline is sent later with it. "
        "Send an Idempotency-Key: a retry answers as the first time (never 'already checked in').",
        parameters=[IDEMPOTENCY_KEY],
        request=s.CheckSerializer,
        responses={200: s.PlannedVisitSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        return self._check(request, checkins.check_in)

    @extend_schema(
        summary="Check out (a visit lasts at least CRM_VISIT_MIN_MINUTES)",
        description="`at` and Idempotency-Key as for the check-in.",
        parameters=[IDEMPOTENCY_KEY],
        request=s.CheckSerializer,
        responses={200: s.PlannedVisitSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, pk=None):
        return self._check(request, checkins.check_out)


@extend_schema_view(
    list=extend_schema(
        summary="Your visit logs",
        parameters=[UPDATED_SINCE],
        responses={200: s.VisitLogSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(summary="One visit log", responses={200: s.VisitLogSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary="Log a visit (check-in time, location, photos, the visit type's checklist), as on the web's visit log",
        parameters=[IDEMPOTENCY_KEY],
        request=s.VisitLogCreateSerializer,
        responses={201: s.VisitLogSerializer, 200: s.VisitLogSerializer, **ERRORS},
    ),
)
class VisitLogViewSet(IdempotentCreate, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.VisitLogSerializer
    pagination_class = Cursor

    def get_queryset(self):
        queryset = VisitLog.objects.visible_to(self.request.user).prefetch_related(
            "checklist_answers", "market_observations"
        )
        if self.action == "list":
            queryset = updated_since(self.request, queryset.of_manager(self.request.user), "created_at")
        return queryset

    def perform_idempotent_create(self, request):
        data = s.VisitLogCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        # The checklist as a JSON list, or as the web form's flat fields (a multipart post, the
        # phone's outbox replaying the form).
        checklist, errors = checklist_from_fields(request.data)
        if errors:
            raise exceptions.ValidationError(errors)
        for answer in fields.pop("checklist"):
            checklist[answer["item"]] = (answer["done"], answer["note"])
        visit_type = None
        if type_id := fields.pop("visit_type", None):
            visit_type = VisitType.objects.filter(pk=type_id, is_active=True).first()
            if visit_type is None:
                raise exceptions.ValidationError({"visit_type": [_("Not a visit type in use.")]})
        fields["observations"] = _observations(request, fields)
        client = get_client(request.user, fields.pop("client"))
        planned = None
        if planned_id := fields.pop("planned_visit", None):
            # Another manager's visit, or one handed over with its client: not found. Whether
            # it may be logged (cancelled, already done) is the service's to say.
            planned = get_object_or_404(PlannedVisit.objects.of_manager(request.user), pk=planned_id, client=client)
        # The visit log's own double-submit guard: the Idempotency-Key when there is one.
        key = request.META.get(IDEMPOTENCY_HEADER, "").strip() or uuid.uuid4().hex
        log, created = visit_services.log_visit(
            owner=request.user,
            client=client,
            submission="api:" + hashlib.sha256(f"{request.user.pk}:{key}".encode()).hexdigest()[:56],
            day=fields.pop("date"),
            method=fields.pop("method"),
            work_done=fields.pop("work_done"),
            planned_visit=planned,
            strategy_ids=fields.pop("strategies"),
            request_text=fields.pop("request", ""),
            visit_type=visit_type,
            checklist=checklist,
            **fields,
        )
        return Response(s.VisitLogSerializer(log).data, status=status.HTTP_201_CREATED if created else 200)


# --- interactions --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Calls, messages and other interactions with the clients you may see",
        parameters=[
            UPDATED_SINCE,
            OpenApiParameter("client", OpenApiTypes.INT),
            OpenApiParameter("open_requests", OpenApiTypes.BOOL, description="Only requests still waiting."),
        ],
        responses={200: s.InteractionSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(summary="One interaction", responses={200: s.InteractionSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary="Log a call, message, letter, e-mail or office visit (a promise with a date becomes a follow-up)",
        parameters=[IDEMPOTENCY_KEY],
        request=s.InteractionCreateSerializer,
        responses={201: s.InteractionSerializer, 200: s.InteractionSerializer, **ERRORS},
    ),
)
class InteractionViewSet(IdempotentCreate, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.InteractionSerializer
    pagination_class = Cursor

    def get_queryset(self):
        queryset = Interaction.objects.visible_to(self.request.user).prefetch_related("market_observations")
        if self.action != "list":
            return queryset
        queryset = for_client(self.request, queryset)
        if self.request.query_params.get("open_requests") in ("true", "1"):
            queryset = interaction_services.open_requests(queryset)
        return updated_since(self.request, queryset)

    def perform_idempotent_create(self, request):
        data = s.InteractionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["observations"] = _observations(request, fields)
        client = get_client(request.user, fields.pop("client"))
        contact_id = fields.pop("contact", None)
        contact = get_object_or_404(Contact, pk=contact_id, client=client) if contact_id else None
        if fields.get("occurred_at") and fields["occurred_at"] < timezone.now() - timedelta(days=366):
            raise exceptions.ValidationError({"occurred_at": [_("An interaction can be logged up to a year back.")]})
        interaction, created = interaction_services.log_interaction(client=client, by=request.user, contact=contact,
                                                                    **fields)  # fmt: skip
        return Response(s.InteractionSerializer(interaction).data, status=201 if created else 200)


# --- complaints ------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Complaints of the clients you may see",
        parameters=[UPDATED_SINCE, OpenApiParameter("state", OpenApiTypes.STR, enum=Complaint.State.values)],
        responses={200: s.ComplaintSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(summary="One complaint", responses={200: s.ComplaintSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary="Register a complaint (deadlines from the tier and severity, as on the web)",
        parameters=[IDEMPOTENCY_KEY],
        request=s.ComplaintCreateSerializer,
        responses={201: s.ComplaintSerializer, 200: s.ComplaintSerializer, **ERRORS},
    ),
)
class ComplaintViewSet(IdempotentCreate, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ComplaintSerializer
    pagination_class = Cursor

    def get_queryset(self):
        queryset = Complaint.objects.visible_to(self.request.user).select_related("category", "category__parent")
        if self.action != "list":
            return queryset
        state = self.request.query_params.get("state", "")
        if state:
            if state not in Complaint.State.values:
                raise exceptions.ValidationError({"state": [_("Unknown state.")]})
            queryset = queryset.filter(state=state)
        return updated_since(self.request, queryset)

    def perform_idempotent_create(self, request):
        data = s.ComplaintCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        client = get_client(request.user, fields.pop("client"))
        contact_id = fields.pop("contact", None)
        contact = get_object_or_404(Contact, pk=contact_id, client=client) if contact_id else None
        category = Category.objects.filter(pk=fields.pop("category"), is_active=True).first()
        if category is None:
            raise exceptions.ValidationError({"category": [_("Choose an active category.")]})
        complaint = complaint_services.register(
            by=request.user, client=client, contact=contact, category=category, **fields
        )
        return Response(s.ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=(
            "Take a workflow step: acknowledge, start, resolve, close, reopen, pause (waiting on the client, "
            "the note says why) or resume (the web's rules)"
        ),
        request=s.ComplaintStepSerializer,
        responses={200: s.ComplaintSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        complaint = self.get_object()
        data = s.ComplaintStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        step, note = fields.pop("step"), fields.pop("note")
        complaint_services.move(complaint, step, by=request.user, note=note, **(fields if step == "resolve" else {}))
        complaint.refresh_from_db()
        return Response(s.ComplaintSerializer(complaint).data)

    def get_object(self):
        # The router only routes ids of at most 18 digits (api/urls.py).
        return get_scoped_object_or_404(
            self.request.user,
            Complaint.objects.select_related("category"),
            pk=int(self.kwargs["pk"]),
        )


# --- the reminders inbox --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Your reminders, newest first",
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread ones.")],
        responses={200: s.NotificationSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(summary="One reminder", responses={200: s.NotificationSerializer, **READ_ERRORS}),
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.NotificationSerializer
    pagination_class = type("NewestFirst", (Cursor,), {"ordering": "-pk"})

    def get_queryset(self):
        queryset = Notification.objects.filter(recipient=self.request.user)
        if self.action == "list" and self.request.query_params.get("unread") in ("true", "1"):
            queryset = queryset.filter(read_at__isnull=True)
        return queryset

    @extend_schema(summary="Mark one reminder read", request=None, responses={200: s.NotificationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        notification_services.mark_read(request.user, [notification.pk])
        notification.refresh_from_db()
        return Response(s.NotificationSerializer(notification).data)

    @extend_schema(
        summary="Mark all your reminders read",
        request=None,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description='{"marked": <number>}'), **ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notification_services.mark_read(request.user)})


# --- analysis: products and business figures -------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Products (base data, the same for everyone)",
        parameters=[
            OpenApiParameter("brand", OpenApiTypes.STR, description="Only this brand."),
            OpenApiParameter("key_brand", OpenApiTypes.BOOL, description="Only key brands (true) or the others."),
        ],
        responses={200: s.ProductSerializer(many=True), **READ_ERRORS},
    ),
)
class ProductViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ProductSerializer
    pagination_class = Cursor

    def get_queryset(self):
        queryset = Product.objects.select_related("category")
        if brand := self.request.query_params.get("brand", ""):
            if "\x00" in brand or len(brand) > 100:
                raise exceptions.ValidationError({"brand": [_("Not a brand name.")]})
            queryset = queryset.filter(brand=brand)
        key_brand = self.request.query_params.get("key_brand", "")
        if key_brand:
            if key_brand not in ("true", "false", "1", "0"):
                raise exceptions.ValidationError({"key_brand": [_("Use true or false.")]})
            queryset = queryset.filter(is_key_brand=key_brand in ("true", "1"))
        return queryset


class CanPushFigures(BasePermission):
    """The push is the ordering or billing system's: a technical user's token with the
    ``analysis.push_figures`` permission (admins have every permission)."""

    message = _("Pushing business figures needs the “push business figures” permission.")

    def has_permission(self, request, view):
        return request.user.has_perm(figures.PUSH_PERMISSION)


def month_param(request):
    text = request.query_params.get("month", "")
    if not text:
        return None
    try:
        return figures.parse_month(text, latest=date.max)
    except ValueError:
        raise exceptions.ValidationError({"month": [_("Give the month as YYYY-MM.")]}) from None


@extend_schema_view(
    list=extend_schema(
        summary="Business figures (client × product × month) of the clients you may see",
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, description="Only this month: YYYY-MM."),
            OpenApiParameter("client", OpenApiTypes.INT, description="Only this client's figures."),
        ],
        responses={200: s.BusinessFigureSerializer(many=True), **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Push business figures from the ordering or billing system (replaces each client's month)",
        description="A JSON list of rows, at most 100,000. All or nothing: if any row is wrong nothing is "
        "imported and the error's `fields` are keyed `<row number>.<column>` (the first row is 1). Each "
        "(client, month) in the push replaces that client's figures for that month, so send all of a client's "
        "products of a month in one push. Needs a token of a user with the `analysis.push_figures` permission.",
        parameters=[IDEMPOTENCY_KEY],
        request=s.FigureRowSerializer(many=True),
        responses={201: s.FigureImportResultSerializer, **ERRORS},
    ),
)
class FigureViewSet(IdempotentCreate, mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.BusinessFigureSerializer
    pagination_class = Cursor
    MAX_ROWS = 100_000

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), CanPushFigures()]
        return super().get_permissions()

    def get_queryset(self):
        queryset = BusinessFigure.objects.visible_to(self.request.user).select_related("client", "product")
        if self.action != "list":
            return queryset
        if month := month_param(self.request):
            queryset = queryset.filter(month=month)
        return for_client(self.request, queryset)

    def perform_idempotent_create(self, request):
        rows = request.data
        if not isinstance(rows, list) or not rows:
            raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON list of rows.")]})
        if len(rows) > self.MAX_ROWS:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Send at most %(max)s rows at a time.") % {"max": f"{self.MAX_ROWS:,}"}]}
            )
        report = figures.import_figures(rows=enumerate(rows, start=1), by=request.user, source=FigureImport.Source.API)
        if not report.ok:
            fields: dict[str, list[str]] = {}
            for error in report.errors:
                fields.setdefault(f"{error.line}.{error.column}" if error.column else str(error.line), []).append(
                    error.message
                )
            raise exceptions.ValidationError(fields)
        result = {"id": report.import_id, "rows": report.total, "clients": report.clients, "months": report.months,
                  "replaced": report.replaced}  # fmt: skip
        return Response(s.FigureImportResultSerializer(result).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="The month's analyses you may see (yours; your teams' as a supervisor)",
        description="Each analysis is of a month to plan (`month`); its indicators are those of the month "
        "analysed, the one before. An indicator is abnormal 5 % or more below its target.",
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, description="Only this month planned: YYYY-MM."),
            OpenApiParameter("owner", OpenApiTypes.INT, description="Only this account manager's."),
        ],
        responses={200: s.MonthAnalysisSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(summary="One analysis", responses={200: s.MonthAnalysisSerializer, **READ_ERRORS}),
)
class MonthAnalysisViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.MonthAnalysisSerializer
    pagination_class = Cursor

    def get_queryset(self):
        queryset = MonthAnalysis.objects.visible_to(self.request.user)
        if self.action != "list":
            return queryset
        if month := month_param(self.request):
            queryset = queryset.filter(month=month)
        owner = self.request.query_params.get("owner", "")
        if owner:
            if not owner.isdecimal() or int(owner) > MAX_ID:
                raise exceptions.ValidationError({"owner": [_("Give the account manager's id.")]})
            # Someone outside the viewer's scope is not found, as on the web (issue #28, item 9).
            get_object_or_404(scope_for(self.request.user).users(), pk=int(owner))
            queryset = queryset.filter(owner_id=int(owner))
        return queryset

    def get_object(self):
        pk = self.kwargs["pk"]
        if not str(pk).isdecimal() or int(pk) > MAX_ID:
            raise Http404
        return get_object_or_404(self.get_queryset(), pk=int(pk))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        details = analysis_selectors.analysis_details(page, request.user)
        return self.get_paginated_response(self.get_serializer(page, many=True, context={"details": details}).data)

    def retrieve(self, request, *args, **kwargs):
        analysis = self.get_object()
        details = analysis_selectors.analysis_details([analysis], request.user)
        return Response(self.get_serializer(analysis, context={"details": details}).data)

    def get_serializer(self, *args, **kwargs):
        context = {**self.get_serializer_context(), **kwargs.pop("context", {})}
        return self.get_serializer_class()(*args, context=context, **kwargs)


# --- the change feed --------------------------------------------------------------------------------------


class ChangesView(APIView):
    @extend_schema(
        summary="What to drop since a time: ids removed, and ids that left your scope, per resource",
        description="Incremental sync (`updated_since`) lists rows that changed; this lists the rows the phone "
        "should drop: removed ones, and ones you could see that are no longer yours to see (a client handed to a "
        "colleague, with its contacts, upcoming visits and open work). Pass the answer's `until` as `since` next "
        "time; an id may be listed twice, dropping it again is harmless. Without `since`, the lists are empty "
        "(a first sync reads the full lists).",
        parameters=[
            OpenApiParameter(
                "since", OpenApiTypes.DATETIME, description="The `until` of the previous answer (ISO 8601 with zone)."
            )
        ],
        responses={200: s.ChangesSerializer, **READ_ERRORS},
    )
    def get(self, request):
        return Response(s.ChangesSerializer(changes_since(request.user, time_param(request, "since"))).data)


__all__ = ["search_clients"]

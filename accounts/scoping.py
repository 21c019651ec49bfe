"""Who may see what: the one place that answers it.

Every view and selector asks this module; nothing filters by owner by hand. The scope
lives on the querysets: each model with a client or an owner declares its ``ScopePaths``
once on a ``ScopedQuerySet``, and callers ask ``Model.objects.visible_to(user)`` or
``.of_manager(user)``; ``Scope.filter`` and ``get_scoped_object_or_404`` read the same
paths. Rules (SPEC "Who uses it"): an account manager sees only their own records, a
supervisor sees their team's (every team they supervise, plus the team they belong
to), an admin sees everything. Out-of-scope objects answer 404, not 403, so that
their existence does not leak; a role that may never use a page gets 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Team, User


@dataclass(frozen=True)
class Scope:
    user: User

    @property
    def sees_everything(self) -> bool:
        return self.user.is_active and self.user.is_crm_admin

    @cached_property
    def team_ids(self) -> frozenset[int]:
        """Teams whose records this user sees as a supervisor (empty for others)."""
        if not self.user.is_active or not self.user.is_supervisor:
            return frozenset()
        ids = set(Team.objects.filter(supervisor=self.user).values_list("id", flat=True))
        if self.user.team_id:
            ids.add(self.user.team_id)
        return frozenset(ids)

    @property
    def fingerprint(self) -> str:
        """Everything this scope depends on, as text: the same fingerprint sees the same rows
        (the key of figures kept per scope, e.g. dashboards/caching.py)."""
        if self.sees_everything:
            return "all"
        if not self.user.is_active or not self.user.pk:
            return "none"
        if self.user.is_supervisor:
            return f"supervisor:{self.user.pk}:teams:{','.join(str(pk) for pk in sorted(self.team_ids))}"
        return f"own:{self.user.pk}:team:{self.user.team_id or ''}"

    def q(self, *, owner: str = "owner", team: str | None = None) -> Q:
        """A filter for a model whose rows belong to an owner (and maybe a team).

        ``owner`` is the lookup to the owning user; ``team`` the lookup to the row's
        team if it has one, otherwise the owner's team is used.
        """
        if self.sees_everything:
            return Q()
        if not self.user.is_active or not self.user.pk:
            return Q(pk__in=[])
        if self.user.is_supervisor:
            team_lookup = team or f"{owner}__team"
            return Q(**{f"{team_lookup}__in": self.team_ids}) | Q(**{owner: self.user.pk})
        return Q(**{owner: self.user.pk})

    def filter(
        self,
        queryset: QuerySet,
        *,
        paths: ScopePaths | None = None,
        owner: str | None = None,
        team: str | None = None,
    ) -> QuerySet:
        """The rows of ``queryset`` this user may see, by the paths its model declares
        (``ScopedQuerySet``), unless other ``paths`` (or ``owner``/``team``) are given: a
        row seen with its client, say (``scope_paths_of(Client).through("client")``)."""
        if paths is not None:
            owner, team = paths.owner, paths.team
        elif owner is None:
            declared = getattr(queryset, "scope_paths", None)
            owner, team = (declared.owner, declared.team) if declared else ("owner", team)
        return queryset.filter(self.q(owner=owner, team=team))

    def users(self) -> QuerySet[User]:
        """The staff whose work this user may see (themselves included)."""
        qs = User.objects.select_related("team")
        if self.sees_everything:
            return qs
        if self.user.is_supervisor:
            return qs.filter(Q(team_id__in=self.team_ids) | Q(pk=self.user.pk))
        return qs.filter(pk=self.user.pk)

    def teams(self) -> QuerySet[Team]:
        if self.sees_everything:
            return Team.objects.all()
        if self.user.is_supervisor:
            return Team.objects.filter(pk__in=self.team_ids)
        return Team.objects.filter(pk=self.user.team_id) if self.user.team_id else Team.objects.none()

    def team_from(self, team_id: str | None) -> Team | None:
        """The team a URL asks for (``?team=``), if this user may see it: 404 otherwise."""
        if not team_id:
            return None
        if not str(team_id).isdecimal():
            raise Http404
        return get_object_or_404(self.teams(), pk=team_id)

    def user_from(self, user_id: str | None) -> User | None:
        """The account manager a URL asks for (``?owner=``), if this user may see their work:
        404 otherwise."""
        if not user_id:
            return None
        if not str(user_id).isdecimal():
            raise Http404
        return get_object_or_404(self.users(), pk=user_id)


def scope_for(user: User) -> Scope:
    return Scope(user)


@dataclass(frozen=True)
class ScopePaths:
    """How a model's rows reach the people they belong to, declared once per model.

    ``owner``: lookup to the owning user; ``team``: lookup to the row's team (``None``: the
    owner's team); ``mine``: the lookups that must all be the manager for a row to be still
    theirs to work on (a planned visit stays its manager's only while the client does too).
    """

    owner: str = "owner"
    team: str | None = None
    mine: tuple[str, ...] = ("owner",)

    def through(self, relation: str) -> ScopePaths:
        """The same paths from a row that reaches this model by ``relation`` ("" for the
        model itself): ``through("client")`` of a client's paths sees a visit with its client."""
        if not relation:
            return self

        def hop(path: str) -> str:
            return f"{relation}__{path}"

        return ScopePaths(
            owner=hop(self.owner), team=hop(self.team) if self.team else None, mine=tuple(map(hop, self.mine))
        )


class ScopedQuerySet(QuerySet):
    """A queryset that knows its model's scope (after NetBox's ``RestrictedQuerySet``):
    views and the API ask ``visible_to(user)`` or ``of_manager(user)`` and never spell an
    owner path. Each scoped model has a subclass that declares its paths once:

        class ClientQuerySet(ScopedQuerySet):
            scope_paths = ScopePaths(owner="owner", team="team")

        objects = ClientQuerySet.as_manager()
    """

    scope_paths = ScopePaths()

    def visible_to(self, user: User | Scope) -> ScopedQuerySet:
        """The rows this user may see (their own, their team's, or all; see ``Scope``).
        A page that asks several times passes its ``Scope``, whose teams are looked up once."""
        scope = user if isinstance(user, Scope) else scope_for(user)
        return scope.filter(self)

    def of_manager(self, user: User | int) -> ScopedQuerySet:
        """The rows that are this manager's own work, whoever asks (a supervisor's view of one
        manager, a job, the manager themselves)."""
        pk = getattr(user, "pk", user)
        return self.filter(**dict.fromkeys(self.scope_paths.mine, pk))


def scope_paths_of(model: type[Model]) -> ScopePaths:
    """The paths a scoped model declares (its default manager's ``ScopedQuerySet``)."""
    paths = getattr(model._default_manager.all(), "scope_paths", None)
    if paths is None:
        raise TypeError(f"{model.__name__} declares no scope paths (give it a ScopedQuerySet).")
    return paths


def is_approver(user: User, *, owner_id: int, team: Team | None) -> bool:
    """Who approves or reviews a manager's submitted work: the supervisor of the team it
    was submitted in, or an admin; never the person who submitted it."""
    if owner_id == user.pk:
        return False
    if user.is_crm_admin:
        return True
    return bool(user.is_supervisor and team is not None and team.supervisor_id == user.pk)


def management_users() -> list[User]:
    """The management level: active admins and superusers."""
    return list(User.objects.filter(Q(role=User.Role.ADMIN) | Q(is_superuser=True), is_active=True))


def deciders(owner_id: int, supervisor_id: int | None, management: list[User]) -> list[int]:
    """Whom to ask for a decision on submitted work (see ``is_approver``): the team's
    supervisor, or management when the team has none or the supervisor submitted it."""
    if supervisor_id and supervisor_id != owner_id:
        return [supervisor_id]
    return [user.pk for user in management if user.pk != owner_id]


def get_scoped_object_or_404(
    user: User, queryset: QuerySet, *, owner: str | None = None, team: str | None = None, **lookup
) -> Model:
    """Fetch one object the user may see; 404 whether it is missing or out of scope."""
    try:
        return scope_for(user).filter(queryset, owner=owner, team=team).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def require_roles(user: User, roles: Iterable[str]) -> None:
    """403 unless the user has one of the roles (admins always pass)."""
    if not user.is_authenticated:
        raise PermissionDenied
    if user.is_crm_admin:
        return
    if user.role not in set(roles):
        raise PermissionDenied


def role_required(*roles: str):
    """Decorator for function views: anonymous users go to the login page, then 403
    unless the user has one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_roles(request.user, roles)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


class RoleRequiredMixin(AccessMixin):
    """Class-based views: anonymous users go to the login page, wrong roles get 403."""

    allowed_roles: tuple[str, ...] = (User.Role.MANAGER, User.Role.SUPERVISOR, User.Role.ADMIN)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require_roles(request.user, self.allowed_roles)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def scope(self) -> Scope:
        return scope_for(self.request.user)

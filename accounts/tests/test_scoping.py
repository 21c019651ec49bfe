import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from accounts.models import User
from accounts.scoping import get_scoped_object_or_404, role_required, scope_for
from accounts.tests.factories import ManagerFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _visible(user):
    # Users "own" themselves and belong to their team: a stand-in for any owned model.
    return set(scope_for(user).filter(User.objects.all(), owner="pk", team="team"))


def test_manager_sees_only_self(manager, teammate, other_manager):
    assert _visible(manager) == {manager}
    assert set(scope_for(manager).users()) == {manager}


def test_supervisor_sees_own_team_only(supervisor, manager, teammate, other_manager, other_supervisor):
    assert _visible(supervisor) == {supervisor, manager, teammate}
    assert set(scope_for(supervisor).users()) == {supervisor, manager, teammate}
    assert other_manager not in _visible(supervisor)


def test_supervisor_of_two_teams_sees_both(supervisor, manager, other_manager):
    second = TeamFactory(name="Second", supervisor=supervisor)
    extra = ManagerFactory(team=second)
    assert {manager, extra} <= _visible(supervisor)
    assert other_manager not in _visible(supervisor)
    assert set(scope_for(supervisor).teams()) == {supervisor.team, second}


def test_admin_sees_everyone(admin_user, manager, other_manager, supervisor):
    assert {admin_user, manager, other_manager, supervisor} <= _visible(admin_user)


def test_inactive_user_sees_nothing(manager):
    manager.is_active = False
    assert _visible(manager) == set()


def test_manager_without_team_has_no_teams(db):
    loner = ManagerFactory(team=None)
    assert list(scope_for(loner).teams()) == []
    assert _visible(loner) == {loner}


def test_out_of_scope_object_is_404_not_403(manager, other_manager):
    with pytest.raises(Http404):
        get_scoped_object_or_404(manager, User.objects.all(), owner="pk", team="team", pk=other_manager.pk)
    assert get_scoped_object_or_404(manager, User.objects.all(), owner="pk", team="team", pk=manager.pk) == manager


def _view(request):
    return HttpResponse("ok")


def test_role_required_refuses_wrong_role_with_403(manager, supervisor, admin_user):
    view = role_required(User.Role.SUPERVISOR)(_view)
    request = RequestFactory().get("/x")
    request.user = manager
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = supervisor
    assert view(request).status_code == 200
    request.user = admin_user  # admins pass every role check
    assert view(request).status_code == 200


def test_role_required_sends_anonymous_to_login():
    from django.contrib.auth.models import AnonymousUser

    view = role_required(User.Role.SUPERVISOR)(_view)
    request = RequestFactory().get("/x")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_the_fingerprint_changes_with_everything_the_scope_depends_on(supervisor, manager, other_supervisor):
    """Figures kept per scope (dashboards) use it as their key."""
    assert scope_for(manager).fingerprint == f"own:{manager.pk}:team:{manager.team_id}"
    assert scope_for(supervisor).fingerprint == f"supervisor:{supervisor.pk}:teams:{supervisor.team_id}"
    second = other_supervisor.team
    second.supervisor = supervisor
    second.save()
    both = ",".join(str(pk) for pk in sorted([supervisor.team_id, second.pk]))
    assert scope_for(supervisor).fingerprint == f"supervisor:{supervisor.pk}:teams:{both}"
    supervisor.is_superuser = True
    assert scope_for(supervisor).fingerprint == "all"
    supervisor.is_superuser = False
    supervisor.is_active = False
    assert scope_for(supervisor).fingerprint == "none"

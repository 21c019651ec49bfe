"""Scope lives on the querysets: every model of ours with a ``client`` or an ``owner`` declares
its scope paths once (a ``ScopedQuerySet``), and ``visible_to`` gives a manager their rows, a
supervisor their team's, another team nothing."""

from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from accounts.scoping import ScopedQuerySet, scope_paths_of
from care.tests.factories import EventInvitationFactory, GiftFactory
from clients.models import Client
from clients.tests.factories import ClientFactory, ContactFactory
from performance.tests import factories as rows

DAY = date(2026, 3, 10)


def ours(model) -> bool:
    """A model of one of our apps (in the repository, not an installed package)."""
    path = Path(model._meta.app_config.path)
    return path.is_relative_to(settings.BASE_DIR) and "site-packages" not in path.parts


def scoped_models() -> list[type]:
    """Our models with a field named ``client`` or ``owner``: not Django's own, not
    simple_history's copies, not many-to-many through tables."""
    found = []
    for model in apps.get_models():
        if not ours(model) or model._meta.auto_created:
            continue
        if model.__name__.startswith("Historical"):
            continue
        names = {field.name for field in model._meta.get_fields() if not field.auto_created}
        if names & {"client", "owner"}:
            found.append(model)
    return found


def test_the_list_is_not_empty_and_covers_the_main_records():
    names = {model.__name__ for model in scoped_models()}
    assert {"Client", "Contact", "PlannedVisit", "VisitLog", "Complaint", "Interaction", "Response"} <= names
    assert not any(name.startswith("Historical") for name in names)


@pytest.mark.parametrize("model", scoped_models(), ids=lambda model: model._meta.label)
def test_every_model_with_a_client_or_owner_has_a_scoped_manager(model):
    # No exemptions: per-user rows (a calendar feed) and history (owner changes) are scoped
    # by their owner or their client too, so that no page has to spell a path for them.
    queryset = model._default_manager.all()
    assert isinstance(queryset, ScopedQuerySet)
    assert callable(queryset.visible_to) and callable(queryset.of_manager)
    assert scope_paths_of(model) is queryset.scope_paths


@pytest.mark.parametrize("model", scoped_models(), ids=lambda model: model._meta.label)
def test_declared_paths_are_real_lookups(model, supervisor, manager, admin_user):
    """Every declared path runs as a query (a typo would only fail on the page)."""
    for user in (manager, supervisor, admin_user):
        assert model._default_manager.visible_to(user).count() == 0
    assert model._default_manager.of_manager(manager).count() == 0


@pytest.fixture
def book(manager, teammate, other_manager):
    """The same records for three managers: two of one team, one of another."""
    made = {}
    for person in (manager, teammate, other_manager):
        client = ClientFactory(owner=person)
        complaint = rows.complaint(client, rows.at(DAY))
        made[person] = [
            client,
            ContactFactory(client=client),
            GiftFactory(client=client),
            EventInvitationFactory(client=client),
            rows.planned_visit(client, DAY),
            rows.visit_log(client, DAY),
            complaint,
            rows.return_visit(complaint, DAY),
            rows.interaction(client, rows.at(DAY)),
            rows.response(client, rows.at(DAY), satisfied=1, ratings=1),
        ]
    return made


def visible(user, record) -> bool:
    return type(record)._default_manager.visible_to(user).filter(pk=record.pk).exists()


def test_a_manager_sees_only_their_own_rows(book, manager, teammate, other_manager):
    for owner, records in book.items():
        for record in records:
            assert visible(manager, record) is (owner == manager), (type(record).__name__, owner)


def test_a_supervisor_sees_their_teams_rows_and_no_other(book, supervisor, manager, teammate, other_manager):
    for owner, records in book.items():
        for record in records:
            assert visible(supervisor, record) is (owner != other_manager), (type(record).__name__, owner)


def test_another_team_sees_nothing_of_the_first(book, manager, teammate, other_manager):
    for owner in (manager, teammate):
        for record in book[owner]:
            assert not visible(other_manager, record), type(record).__name__


def test_an_admin_sees_everything(book, admin_user):
    assert all(visible(admin_user, record) for records in book.values() for record in records)


def test_of_manager_is_the_managers_own_work_whoever_asks(book, manager, teammate):
    """A visit is still its manager's only while the client is theirs too."""
    visit = book[manager][4]
    assert type(visit).objects.of_manager(manager).filter(pk=visit.pk).exists()
    assert not type(visit).objects.of_manager(teammate).filter(pk=visit.pk).exists()
    Client.objects.filter(pk=visit.client_id).update(owner=teammate, updated_at=timezone.now())
    assert not type(visit).objects.of_manager(manager).filter(pk=visit.pk).exists()
    # a visit log stays the work of who made the visit
    log = book[manager][5]
    assert type(log).objects.of_manager(manager).filter(pk=log.pk).exists()

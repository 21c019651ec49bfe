"""Recording a spot check: only a supervisor of the manager's team (or an admin), only at a
client of that team, the manager told in their inbox."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clients.tests.factories import ClientFactory
from inspections import services
from inspections.models import InspectionItem, SpotCheck
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def all_passed_but(*failed):
    return {item.pk: (item.pk not in failed, "") for item in InspectionItem.objects.filter(is_active=True)}


def test_the_seed_sheet_is_there_in_both_languages():
    items = list(InspectionItem.objects.filter(is_active=True))
    assert len(items) == 10
    greeting = items[0]
    assert (greeting.name_en, greeting.name_zh_hans) == ("Greets the client", "来有迎声")


def test_a_supervisor_records_a_check_and_the_manager_is_told(supervisor, manager):
    client = ClientFactory(owner=manager)
    first, second = InspectionItem.objects.filter(is_active=True)[:2]
    results = all_passed_but(first.pk, second.pk)
    results[first.pk] = (False, "Did not greet")
    check = services.record_spot_check(
        client=client, by=supervisor, kind="accompanied", day=timezone.localdate(), results=results, remarks=" ok "
    )
    assert (check.manager, check.team, check.checked_by, check.remarks) == (manager, manager.team, supervisor, "ok")
    # No score given: 8 of 10 items met.
    assert check.score == 80
    lines = {line.item_id: line for line in check.items.all()}
    assert len(lines) == 10 and lines[first.pk].note == "Did not greet" and not lines[second.pk].passed
    note = Notification.objects.get(recipient=manager, kind="inspections.spot_check")
    assert note.key == str(check.pk) and note.url == f"/inspections/{check.pk}/"
    assert not check.is_acknowledged


def test_a_given_score_is_kept(supervisor, manager):
    check = services.record_spot_check(
        client=ClientFactory(owner=manager), by=supervisor, kind="spot_check", day=timezone.localdate(),
        results={}, score=65,
    )  # fmt: skip
    assert check.score == 65


def test_an_admin_may_record_one(admin_user, manager):
    check = services.record_spot_check(
        client=ClientFactory(owner=manager), by=admin_user, kind="spot_check", day=timezone.localdate(), results={}
    )
    assert check.score == 0


@pytest.mark.parametrize("who", ["manager", "teammate", "other_supervisor", "other_manager"])
def test_nobody_else_records_one(who, request, manager):
    client = ClientFactory(owner=manager)
    with pytest.raises(PermissionDenied):
        services.record_spot_check(
            client=client, by=request.getfixturevalue(who), kind="spot_check", day=timezone.localdate(), results={}
        )
    assert not SpotCheck.objects.exists()


def test_a_supervisor_never_checks_their_own_client(supervisor):
    with pytest.raises(PermissionDenied):
        services.record_spot_check(
            client=ClientFactory(owner=supervisor), by=supervisor, kind="spot_check", day=timezone.localdate(),
            results={},
        )  # fmt: skip


def test_not_in_the_future_and_score_within_bounds(supervisor, manager):
    client = ClientFactory(owner=manager)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.record_spot_check(client=client, by=supervisor, kind="spot_check", day=tomorrow, results={})
    assert "date" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.record_spot_check(
            client=client, by=supervisor, kind="spot_check", day=timezone.localdate(), results={}, score=101
        )
    assert "score" in error.value.error_dict
    assert not SpotCheck.objects.exists()


def test_the_history_keeps_the_check(supervisor, manager):
    check = services.record_spot_check(
        client=ClientFactory(owner=manager), by=supervisor, kind="spot_check", day=timezone.localdate(), results={}
    )
    assert check.history.count() == 1
    assert check.items.first().history.count() == 1

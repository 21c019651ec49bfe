"""The plan completion target (CRM_VISIT_COMPLETION_TARGET) is a setting: the visit
dashboard flags managers below it and says which target it uses."""

import pytest
import time_machine
from django.urls import reverse

from dashboards.figures import ManagerVisits
from dashboards.tests.test_dashboards import TODAY, visits_data


def test_below_target_compares_completion_with_the_setting(settings):
    row = ManagerVisits(owner_id=1, name="Wang", planned=20, done=17)  # 85%
    assert row.completion == 85.0 and not row.below_target
    settings.CRM_VISIT_COMPLETION_TARGET = 90
    assert row.below_target
    assert not ManagerVisits(owner_id=1, name="Wang").below_target  # nothing planned: nothing to judge


@pytest.mark.django_db
@pytest.mark.parametrize(("target", "flagged"), [(85, True), (70, False)])
def test_the_visit_dashboard_flags_completion_below_the_target(client, manager, settings, target, flagged):
    settings.CRM_VISIT_COMPLETION_TARGET = target
    with time_machine.travel(TODAY, tick=False):
        visits_data(manager)  # 3 of 4 planned visits done so far: 75%
        client.force_login(manager)
        page = client.get(reverse("dashboards:visits")).content.decode()
    cell = next(line for line in page.splitlines() if 'data-testid="completion"' in line)
    assert ("text-danger" in cell) is flagged
    assert f"below {target}% a problem" in page

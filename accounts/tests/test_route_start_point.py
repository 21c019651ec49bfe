"""The route's start point on "My profile": both coordinates or neither, on Earth; audited."""

from decimal import Decimal

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROFILE = {"last_name": "王", "first_name": "芳", "email": "wf@example.com", "phone": "13800001111",
           "language": "zh-hans", "email_notifications": "digest"}  # fmt: skip


def test_the_start_point_is_saved_and_audited(client, manager):
    client.force_login(manager)
    data = {**PROFILE, "route_start_latitude": "30.274085", "route_start_longitude": "120.155070"}
    assert client.post(reverse("accounts:profile"), data).status_code == 302
    manager.refresh_from_db()
    assert manager.route_start == (30.274085, 120.15507)
    assert manager.history.first().route_start_latitude == Decimal("30.274085")


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        ("30.27", "", "route_start_longitude"),
        ("", "120.15", "route_start_latitude"),
        ("91", "120", "route_start_latitude"),
        ("30", "abc", "route_start_longitude"),
    ],
)
def test_half_or_impossible_start_points_are_refused_next_to_the_field(client, manager, latitude, longitude, field):
    client.force_login(manager)
    data = {**PROFILE, "route_start_latitude": latitude, "route_start_longitude": longitude}
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    manager.refresh_from_db()
    assert manager.route_start is None and manager.last_name != "王"  # nothing saved

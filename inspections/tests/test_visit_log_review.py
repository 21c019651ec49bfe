"""Each month the supervisor marks a manager's visit logs as reviewed, with a comment; the
manager sees it on their month."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ManagerFactory
from clients.tests.factories import ClientFactory
from inspections import services
from inspections.models import VisitLogReview
from notifications.models import Notification
from performance.tests.factories import visit_log
from visits.models import MonthResult
from visits.rules import next_month, previous_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def month():
    return previous_month(timezone.localdate())


def review_url(manager, month):
    return reverse("inspections:review", args=[manager.pk, f"{month:%Y-%m}"])


def test_the_supervisor_reviews_and_the_manager_sees_the_comment(client, supervisor, manager, month):
    acme = ClientFactory(owner=manager, name="Acme Tea House")
    visit_log(acme, month + timedelta(days=2))
    visit_log(acme, month + timedelta(days=9))
    client.force_login(supervisor)
    page = client.get(review_url(manager, month))
    assert page.status_code == 200 and b"Acme Tea House" in page.content and b"review-form" in page.content
    response = client.post(review_url(manager, month), {"comment": "Opinions well recorded; add the effect."})
    assert response.status_code == 302
    review = VisitLogReview.objects.get()
    assert (review.manager, review.month, review.reviewed_by, review.logs_reviewed) == (manager, month, supervisor, 2)
    assert Notification.objects.filter(recipient=manager, kind="inspections.logs_reviewed").count() == 1
    # The supervisor's list says which months are reviewed.
    listed = client.get(reverse("inspections:reviews"), {"month": f"{month:%Y-%m}"}).content.decode()
    assert "Opinions well recorded" in listed and "Not reviewed" not in listed
    # The manager sees the comment on their month results and their own list, with no form.
    result = MonthResult.objects.create(owner=manager, team=manager.team, month=month)
    client.force_login(manager)
    for url in (reverse("visits:result", args=[result.pk]), reverse("inspections:reviews"), review_url(manager, month)):
        body = client.get(url).content.decode()
        assert "Opinions well recorded" in body, url
    assert b"review-form" not in client.get(review_url(manager, month)).content
    assert client.post(review_url(manager, month), {"comment": "self"}).status_code == 403


def test_a_second_review_replaces_the_comment_and_the_history_keeps_both(supervisor, manager, month):
    services.review_visit_logs(manager=manager, month=month, by=supervisor, comment="First")
    services.review_visit_logs(manager=manager, month=month, by=supervisor, comment="Second")
    review = VisitLogReview.objects.get()
    assert review.comment == "Second"
    assert [row.comment for row in review.history.order_by("history_date")] == ["First", "Second"]


def test_a_comment_is_required_and_a_future_month_is_refused(client, supervisor, manager, month):
    with pytest.raises(ValidationError):
        services.review_visit_logs(manager=manager, month=month, by=supervisor, comment="  ")
    with pytest.raises(ValidationError):
        services.review_visit_logs(manager=manager, month=next_month(next_month(month)), by=supervisor, comment="x")
    client.force_login(supervisor)
    for data in ({"comment": "   "}, {}):
        response = client.post(review_url(manager, month), data)
        assert response.status_code == 200 and b"invalid-feedback" in response.content
    assert not VisitLogReview.objects.exists()


@pytest.mark.parametrize("who", ["manager", "teammate", "other_supervisor", "other_manager"])
def test_only_the_teams_supervisor_or_an_admin_reviews(who, request, manager, month):
    with pytest.raises(PermissionDenied):
        services.review_visit_logs(manager=manager, month=month, by=request.getfixturevalue(who), comment="x")


def test_another_team_sees_nothing(client, other_supervisor, other_manager, manager, month):
    for user in (other_supervisor, other_manager):
        client.force_login(user)
        assert client.get(review_url(manager, month)).status_code == 404
        assert client.post(review_url(manager, month), {"comment": "x"}).status_code == 404
    assert not VisitLogReview.objects.exists()


def test_the_review_list_reads_a_fixed_number_of_queries(client, supervisor, manager, month,
                                                         django_assert_max_num_queries):  # fmt: skip
    client.force_login(supervisor)
    url = f"{reverse('inspections:reviews')}?month={month:%Y-%m}"
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for person in ManagerFactory.create_batch(4, team=manager.team):
        visit_log(ClientFactory(owner=person), month + timedelta(days=1))
        services.review_visit_logs(manager=person, month=month, by=supervisor, comment="ok")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count('data-testid="review-row"') == 5


def test_logs_added_after_the_review_show_as_new(client, supervisor, manager, month):
    acme = ClientFactory(owner=manager)
    visit_log(acme, month + timedelta(days=1))
    services.review_visit_logs(manager=manager, month=month, by=supervisor, comment="ok")
    visit_log(acme, month + timedelta(days=2))
    client.force_login(supervisor)
    body = client.get(reverse("inspections:reviews"), {"month": f"{month:%Y-%m}"}).content.decode()
    assert "1 new log since" in body

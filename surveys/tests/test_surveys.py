from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory, ContactFactory, default_tier
from notifications.models import Notification
from surveys import scores, services
from surveys.defaults import ensure_default_survey
from surveys.models import Answer, FollowUp, Invitation, Question, Response
from visits.models import ServiceStrategy


@pytest.fixture(autouse=True)
def default_survey(db):
    ensure_default_survey()


@pytest.fixture
def acme(manager):
    return ClientFactory(owner=manager, name="Acme Tea", tier=default_tier("standard"))


@pytest.fixture
def contact(acme):
    return ContactFactory(client=acme, name="Wang Fang", email="wang@example.com", is_key_person=True)


def questions(invitation):
    return {q.kind + (q.dimension and f":{q.dimension}"): q for q in invitation.template.questions.all()}


def good_post(invitation, rating=5, nps=9):
    data = {}
    for question in invitation.template.questions.all():
        if question.kind == Question.Kind.RATING:
            data[f"q{question.pk}"] = str(rating)
        elif question.kind == Question.Kind.NPS:
            data[f"q{question.pk}"] = str(nps)
    return data


def answers_for(invitation, rating=5, nps=9):
    """Service-level answers: every rating question the same score, plus the NPS."""
    return {int(key[1:]): int(value) for key, value in good_post(invitation, rating, nps).items()}


def respond_url(invitation):
    return reverse("survey_respond", args=[services.token_for(invitation)])


# --- formulas ---------------------------------------------------------------------------


def test_csat_is_the_share_of_4_and_5():
    assert scores.csat([5, 4, 3, 2, 1]) == 40.0
    assert scores.csat([5, 5, 4, 4]) == 100.0
    assert scores.csat([1, 2, 3]) == 0.0
    assert scores.csat([]) is None


def test_nps_is_promoters_minus_detractors():
    # 3 promoters (9, 10, 9), 2 passives (7, 8), 5 detractors (0..6): (3 - 5) / 10 = -20
    assert scores.nps([9, 10, 9, 7, 8, 0, 3, 6, 5, 6]) == -20.0
    assert scores.nps([10, 10]) == 100.0
    assert scores.nps([6]) == -100.0
    assert scores.nps([]) is None


def test_low_answer_rule():
    assert scores.is_low([5, 2], 9)
    assert scores.is_low([5, 5], 6)
    assert not scores.is_low([3, 3], 7)
    assert not scores.is_low([], None)


def test_database_aggregation_matches_the_formulas(manager, teammate, contact, acme):
    other = ClientFactory(owner=teammate)
    data = [(acme, [5, 4, 2], 10), (acme, [3, 3, 3], 6), (other, [5, 5, 5], 8)]
    for client, ratings, nps in data:
        invitation = services.invite(client, contact=None, by=manager)
        rating_qs = [q for q in invitation.template.questions.all() if q.kind == "rating"]
        answers = {q.pk: r for q, r in zip(rating_qs, [*ratings, 4, 4], strict=False)}
        answers.update({q.pk: nps for q in invitation.template.questions.all() if q.kind == "nps"})
        services.submit(invitation, answers)
    all_ratings = [5, 4, 2, 4, 4, 3, 3, 3, 4, 4, 5, 5, 5, 4, 4]
    total = scores.summarise(Response.objects.all())
    assert total.responses == 3
    assert total.csat == scores.csat(all_ratings)
    assert total.nps == scores.nps([10, 6, 8]) == 0.0
    by_owner = dict(scores.summarise_by(Response.objects.all(), "owner_id"))
    assert by_owner[(manager.pk,)].csat == scores.csat([5, 4, 2, 4, 4, 3, 3, 3, 4, 4])
    assert by_owner[(teammate.pk,)].nps == 0.0  # a single passive


# --- tokens -----------------------------------------------------------------------------


def test_tokens_are_unique_unguessable_and_only_hashed(acme, contact, manager):
    a = services.invite(acme, contact=contact, by=manager)
    b = services.invite(acme, contact=contact, by=manager)
    token_a, token_b = services.token_for(a), services.token_for(b)
    assert token_a != token_b and len(token_a) == 64
    stored = Invitation.objects.filter(pk=a.pk).values().get()
    assert token_a not in {str(v) for v in stored.values()}
    assert services.find_invitation(token_a) == a
    assert services.find_invitation(token_a[:-1] + ("0" if token_a[-1] != "0" else "1")) is None


# --- the public page --------------------------------------------------------------------


def test_answer_once_without_login(client, acme, contact, manager):
    invitation = services.invite(acme, contact=contact, by=manager)
    page = client.get(respond_url(invitation))
    assert page.status_code == 200
    assert "Acme Tea" in page.content.decode()
    response = client.post(respond_url(invitation), good_post(invitation))
    assert response.status_code == 200
    assert b"Thank you" in response.content
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ANSWERED
    stored = Response.objects.get(invitation=invitation)
    assert (stored.ratings, stored.satisfied_ratings, stored.nps_score, stored.is_low) == (5, 5, 9, False)
    # The same link again: a clear page, nothing stored twice.
    again = client.post(respond_url(invitation), good_post(invitation, rating=1))
    assert again.status_code == 410
    assert b"already been answered" in again.content
    assert Response.objects.count() == 1


def test_page_speaks_the_contacts_language(client, acme, manager):
    chinese = ContactFactory(client=acme, name="王芳")
    invitation = services.invite(acme, contact=chinese, by=manager)
    assert invitation.language == "zh-hans"
    page = client.get(respond_url(invitation), HTTP_ACCEPT_LANGUAGE="en")
    assert "总体而言" in page.content.decode()
    assert "提交" in page.content.decode() or "发送" in page.content.decode()
    english = client.get(respond_url(invitation) + "?lang=en")
    assert "Overall, how satisfied" in english.content.decode()


def test_expired_link_shows_a_clear_page(client, acme, contact, manager):
    invitation = services.invite(acme, contact=contact, by=manager)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        page = client.get(respond_url(invitation))
        assert page.status_code == 410
        assert b"expired" in page.content
        assert client.post(respond_url(invitation), good_post(invitation)).status_code == 410
        assert services.expire_due() == 1
    assert Invitation.objects.get(pk=invitation.pk).state == Invitation.State.EXPIRED
    assert not Response.objects.exists()


def test_tampered_token_is_a_clear_404(client, acme, contact, manager):
    invitation = services.invite(acme, contact=contact, by=manager)
    token = services.token_for(invitation)
    page = client.get(reverse("survey_respond", args=["x" + token[1:]]))
    assert page.status_code == 404
    assert b"not valid" in page.content


@pytest.mark.parametrize(
    "tamper",
    [
        lambda data, qs: data.pop(f"q{qs['rating:overall'].pk}"),  # a required answer missing
        lambda data, qs: data.update({f"q{qs['rating:overall'].pk}": "6"}),  # out of range
        lambda data, qs: data.update({f"q{qs['nps'].pk}": "11"}),
        lambda data, qs: data.update({f"q{qs['rating:overall'].pk}": "abc"}),
        lambda data, qs: data.update({f"q{qs['multiple'].pk}": ["Not an option"]}),
    ],
)
def test_bad_answers_get_a_message_and_store_nothing(client, acme, contact, manager, tamper):
    invitation = services.invite(acme, contact=contact, by=manager)
    data = good_post(invitation)
    tamper(data, questions(invitation))
    page = client.post(respond_url(invitation), data)
    assert page.status_code == 400
    assert b"invalid-feedback" in page.content
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert Invitation.objects.get(pk=invitation.pk).state == Invitation.State.PENDING


def test_service_rejects_out_of_range_even_without_the_form(acme, contact, manager):
    invitation = services.invite(acme, contact=contact, by=manager)
    qs = questions(invitation)
    answers = {q.pk: 4 for q in qs.values() if q.kind == "rating"}
    answers[qs["nps"].pk] = 42
    with pytest.raises(Exception, match="0 to 10"):
        services.submit(invitation, answers)
    assert not Response.objects.exists()


# --- low scores -------------------------------------------------------------------------


def test_low_score_creates_follow_up_strategy_and_message(client, acme, contact, manager):
    invitation = services.invite(acme, contact=contact, by=manager)
    client.post(respond_url(invitation), good_post(invitation, rating=2, nps=8))
    response = Response.objects.get()
    assert response.is_low
    follow_up = FollowUp.objects.get(response=response)
    assert follow_up.owner == manager and follow_up.client == acme and follow_up.done_at is None
    next_month = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    strategy = ServiceStrategy.objects.get(client=acme, source=f"survey-{response.pk}")
    assert strategy.month == next_month and strategy.state == ServiceStrategy.State.OPEN
    assert Notification.objects.filter(recipient=manager, kind="survey.low_score").count() == 1


def test_nps_of_six_is_low_too(acme, contact, manager):
    invitation = services.invite(acme, contact=contact, by=manager)
    qs = questions(invitation)
    answers = {q.pk: 5 for q in qs.values() if q.kind == "rating"} | {qs["nps"].pk: 6}
    assert services.submit(invitation, answers).is_low
    assert FollowUp.objects.count() == 1


def test_follow_up_is_done_with_a_note(client, acme, contact, manager):
    invitation = services.invite(acme, contact=contact, by=manager)
    client.post(respond_url(invitation), good_post(invitation, rating=1))
    follow_up = FollowUp.objects.get()
    client.force_login(manager)
    client.post(reverse("surveys:follow_up_done", args=[follow_up.pk]), {"note": ""})
    follow_up.refresh_from_db()
    assert follow_up.done_at is None
    client.post(reverse("surveys:follow_up_done", args=[follow_up.pk]), {"note": "Called, apologised"})
    follow_up.refresh_from_db()
    assert follow_up.done_at and follow_up.note == "Called, apologised"


# --- staff pages and scope ---------------------------------------------------------------


def test_manager_invites_by_email_and_sees_link(client, acme, contact, manager, django_capture_on_commit_callbacks):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("surveys:invite", args=[acme.pk]), {"contact": contact.pk, "language": "en"})
    invitation = Invitation.objects.get()
    assert response.status_code == 302 and response.url == invitation.get_absolute_url()
    assert len(callbacks) == 1  # the e-mail is queued only once the transaction commits
    assert services.send(invitation.pk) is True
    assert services.send(invitation.pk) is False  # a retry sends nothing
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wang@example.com"]
    assert services.token_for(invitation) in mail.outbox[0].body
    detail = client.get(invitation.get_absolute_url())
    assert services.token_for(invitation) in detail.content.decode()


def test_contact_of_another_client_is_refused(client, acme, manager):
    stranger = ContactFactory(client=ClientFactory(owner=manager))
    client.force_login(manager)
    response = client.post(reverse("surveys:invite", args=[acme.pk]), {"contact": stranger.pk, "language": "en"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Invitation.objects.exists()


def test_phone_answers_keyed_in_by_the_manager(client, acme, contact, manager):
    invitation = services.invite(acme, contact=None, by=manager)
    client.force_login(manager)
    response = client.post(reverse("surveys:phone", args=[invitation.pk]), good_post(invitation, rating=4, nps=10))
    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.via == Response.Via.PHONE and stored.entered_by == manager
    page = client.get(acme.get_absolute_url())
    assert page.context["surveys"].latest == stored
    assert "100%" in page.content.decode()


def test_other_managers_get_404_and_results_are_scoped(
    client, acme, contact, manager, other_manager, other_supervisor, supervisor
):
    invitation = services.invite(acme, contact=contact, by=manager)
    services.submit(invitation, answers_for(invitation, 5))
    for url in [
        invitation.get_absolute_url(),
        reverse("surveys:phone", args=[invitation.pk]),
        reverse("surveys:invite", args=[acme.pk]),
    ]:
        client.force_login(other_manager)
        assert client.get(url).status_code == 404
    assert client.post(reverse("surveys:mark_sent", args=[invitation.pk])).status_code == 404
    for user, expected in [(other_manager, 0), (other_supervisor, 0), (supervisor, 1), (manager, 1)]:
        client.force_login(user)
        page = client.get(reverse("surveys:results"))
        assert page.status_code == 200
        assert page.context["total"].responses == expected, user


def test_results_page_queries_are_constant(client, manager, contact, acme, django_assert_max_num_queries):
    for _ in range(5):
        invitation = services.invite(acme, contact=contact, by=manager)
        services.submit(invitation, answers_for(invitation, 2))
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("surveys:results"))
    assert page.context["total"].responses == 5
    assert page.context["total"].csat == 0.0


def test_month_progress_compares_target_with_achieved(manager, acme, contact):
    from visits import selectors as visit_selectors

    invitation = services.invite(acme, contact=contact, by=manager)
    qs = questions(invitation)
    ratings = [q for q in qs.values() if q.kind == "rating"]
    answers = answers_for(invitation) | {q.pk: (5 if i < 3 else 3) for i, q in enumerate(ratings)}
    services.submit(invitation, answers)
    progress = visit_selectors.month_progress(manager, timezone.localdate())
    assert progress.satisfaction_achieved == 60.0


def test_owner_change_moves_open_follow_ups(acme, contact, manager, teammate, supervisor):
    from clients import services as client_services

    invitation = services.invite(acme, contact=contact, by=manager)
    services.submit(invitation, answers_for(invitation, 1))
    client_services.reassign_owner(client=acme, new_owner=teammate, by=supervisor, reason="Rebalancing")
    assert FollowUp.objects.get().owner == teammate

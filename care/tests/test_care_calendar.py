"""Key persons' birthdays and clients' anniversaries in the next 14 days (SPEC "Care")."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from care import rules
from care.selectors import upcoming_occasions
from clients.models import Client
from clients.tests.factories import ClientFactory, ContactFactory


def birthdays(occasions):
    return [(o.contact.name, o.date, o.days_left) for o in occasions if o.kind == "birthday"]


def test_the_window_runs_across_the_year_end(manager):
    acme = ClientFactory(owner=manager)
    for name, born in [
        ("Today", date(1970, 12, 25)),
        ("New year", date(1980, 1, 1)),
        ("Last day", date(1985, 1, 8)),
        ("Too far", date(1985, 1, 9)),
        ("Yesterday", date(1975, 12, 24)),
    ]:
        ContactFactory(client=acme, name=name, birthday=born, is_key_person=True)
    ContactFactory(client=acme, name="Not key", birthday=date(1980, 1, 1), is_key_person=False)

    occasions = upcoming_occasions(manager, days=14, today=date(2026, 12, 25))

    assert birthdays(occasions) == [
        ("Today", date(2026, 12, 25), 0),
        ("New year", date(2027, 1, 1), 7),
        ("Last day", date(2027, 1, 8), 14),
    ]


@pytest.mark.parametrize(
    ("today", "shown_on"),
    [(date(2027, 2, 20), date(2027, 2, 28)), (date(2028, 2, 20), date(2028, 2, 29))],
)
def test_29_february_is_celebrated_on_28_february_in_other_years(manager, today, shown_on):
    acme = ClientFactory(owner=manager)
    ContactFactory(client=acme, name="Leap", birthday=date(1988, 2, 29), is_key_person=True)
    ContactFactory(client=acme, name="Eve", birthday=date(1990, 2, 28), is_key_person=True)
    occasions = birthdays(upcoming_occasions(manager, today=today))
    assert ("Leap", shown_on, (shown_on - today).days) in occasions
    assert ("Eve", date(today.year, 2, 28), 8) in occasions


def test_month_days_maps_29_february():
    assert rules.month_days([date(2027, 2, 28)]) == {(2, 28): date(2027, 2, 28), (2, 29): date(2027, 2, 28)}
    assert rules.month_days([date(2028, 2, 28)]) == {(2, 28): date(2028, 2, 28)}


def test_anniversaries_of_the_relationship(manager):
    ClientFactory(owner=manager, name="Old friend", start_date=date(2016, 1, 3))
    ClientFactory(owner=manager, name="Brand new", start_date=date(2026, 12, 20))  # not a year yet
    ClientFactory(owner=manager, name="Lost one", start_date=date(2016, 1, 3), status=Client.Status.LOST)
    occasions = [(o.client.name, o.years, o.days_left) for o in upcoming_occasions(manager, today=date(2026, 12, 25))]
    assert occasions == [("Old friend", 11, 9)]


def test_each_sees_their_own_clients_occasions(manager, teammate, supervisor, other_supervisor, admin_user):
    mine = ClientFactory(owner=manager, start_date=date(2020, 6, 2))
    theirs = ClientFactory(owner=teammate)
    ContactFactory(client=mine, name="Mine", birthday=date(1970, 6, 3), is_key_person=True)
    ContactFactory(client=theirs, name="Theirs", birthday=date(1970, 6, 4), is_key_person=True)
    today = date(2026, 6, 1)

    def names(user):
        return [o.contact.name if o.contact else o.client.name for o in upcoming_occasions(user, today=today)]

    assert names(manager) == [mine.name, "Mine"]
    assert names(teammate) == ["Theirs"]
    assert names(supervisor) == [mine.name, "Mine", "Theirs"]
    assert names(other_supervisor) == []
    assert names(admin_user) == [mine.name, "Mine", "Theirs"]
    assert len(upcoming_occasions(supervisor, today=today, limit=2)) == 2


def test_a_big_book_costs_the_same_queries(manager, supervisor, django_assert_max_num_queries):
    today = date(2026, 3, 1)
    for index in range(30):
        acme = ClientFactory(owner=manager, start_date=date(2010, 3, 1 + index % 20))
        ContactFactory(client=acme, birthday=date(1970, 3, 1 + index % 28), is_key_person=True)
        ContactFactory(client=acme, birthday=date(1970, 8, 1 + index % 28), is_key_person=True)
    with django_assert_max_num_queries(2):
        occasions = upcoming_occasions(manager, today=today)
    assert len(occasions) == 17 + 25  # the birthdays and anniversaries that fall on 1–15 March
    with django_assert_max_num_queries(3):
        upcoming_occasions(supervisor, today=today)


@time_machine.travel("2026-12-28 09:00 +0800", tick=False)
def test_the_page_and_the_home_partial(client, manager, django_assert_max_num_queries):
    acme = ClientFactory(owner=manager, name="Acme Ltd")
    ContactFactory(client=acme, name="Mr Zhou", birthday=date(1970, 1, 2), is_key_person=True)
    client.force_login(manager)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("care:calendar"))
    page = response.content.decode()
    assert "Mr Zhou" in page and "01-02" in page and "Acme Ltd" in page and "in 5 days" in page
    from django.template.loader import render_to_string

    html = render_to_string("care/_home_occasions.html", {"occasions": upcoming_occasions(manager, limit=5)})
    assert "Mr Zhou" in html and acme.get_absolute_url() in html


def test_the_first_few_are_the_first_of_the_whole_list(manager, django_assert_max_num_queries):
    """The home page asks for five: the database sorts by the day each falls on (across the
    year end, 29 February on the 28th) and sends only those."""
    today = date(2027, 2, 20)
    for index, born in enumerate([date(1988, 2, 29), date(1990, 2, 28), date(1970, 3, 5), date(1971, 2, 21)]):
        acme = ClientFactory(owner=manager, name=f"Client {index}", start_date=date(2015, 3, 6 - index))
        ContactFactory(client=acme, name=f"Person {index}", birthday=born, is_key_person=True)
        ContactFactory(client=acme, name=f"Later {index}", birthday=date(1980, 3, 6), is_key_person=True)

    def seen(occasions):
        return [(o.kind, o.contact.name if o.contact else o.client.name, o.date) for o in occasions]

    everything = seen(upcoming_occasions(manager, today=today))
    assert len(everything) == 12
    with django_assert_max_num_queries(2):
        first = seen(upcoming_occasions(manager, today=today, limit=5))
    assert first == everything[:5]
    assert first[:3] == [
        ("birthday", "Person 3", date(2027, 2, 21)),
        ("birthday", "Person 0", date(2027, 2, 28)),
        ("birthday", "Person 1", date(2027, 2, 28)),
    ]

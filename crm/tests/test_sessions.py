from unittest import mock

import pytest
from django.conf import settings

from crm.sessions import CACHED_SECONDS, SessionStore

pytestmark = pytest.mark.django_db


def test_sessions_are_read_from_the_cache_and_kept_there_five_minutes_at_most():
    assert settings.SESSION_COOKIE_AGE > CACHED_SECONDS == 300
    store = SessionStore()
    underlying = store._cache._cache
    with mock.patch.object(underlying, "set", wraps=underlying.set) as cache_set:
        store["answer"] = 42
        store.save()
    assert cache_set.call_args.args[2] == CACHED_SECONDS  # not the ten-hour session age
    assert SessionStore(store.session_key).load() == {"answer": 42}


def test_a_page_costs_no_session_query(client, manager, django_assert_max_num_queries):
    from django.urls import reverse

    client.force_login(manager)
    client.get(reverse("notifications:inbox"))  # the first page caches the unread count
    with django_assert_max_num_queries(30) as queries:
        client.get(reverse("notifications:inbox"))
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]

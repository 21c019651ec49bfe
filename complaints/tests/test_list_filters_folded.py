"""On a phone the complaints list opened with nine filters covering the first screen (issue
#29): the search box shows, the other filters are folded as on the client list, and open
again when one of them is in use."""

import re

from django.urls import reverse


def filters_open(client, params=None) -> bool:
    html = client.get(reverse("complaints:list"), params or {}).content.decode()
    details = re.search(r'<details[^>]*data-testid="complaint-filters"[^>]*>', html)
    assert details, "the filters are not folded in a <details>"
    assert 'type="search"' in html.split(details.group(0))[0]  # the search box stays outside
    return " open" in details.group(0)


def test_complaint_filters_are_folded_unless_one_is_used(client, manager):
    client.force_login(manager)
    assert not filters_open(client)
    assert not filters_open(client, {"q": "C-1", "page": "1"})
    assert filters_open(client, {"severity": "high"})

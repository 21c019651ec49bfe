"""The admin's editable tier list had unlabelled inputs (axe-core "label", "select-name"):
each input now says which field of which row it is."""

import re

from django.urls import reverse


def test_every_editable_tier_input_has_a_name(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("admin:clients_tier_changelist")).content.decode()
    inputs = re.findall(r'<(?:input|select)[^>]*name="form-\d+-(?!id\b)\w+"[^>]*>', html)
    assert inputs
    for tag in inputs:
        assert re.search(r'aria-label="[^"]+: [^"]+"', tag), tag

from django import template

from visits import maps

register = template.Library()


@register.filter
def navigate_url(client) -> str:
    """``{{ visit.client|navigate_url }}``: the phone's map app at the client, or ''."""
    return maps.navigate_url(client.latitude, client.longitude, client.name)

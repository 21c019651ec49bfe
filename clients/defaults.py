"""The default tiers, for code that must not assume the data migration's rows are
still there (a test that flushed the database, a demo seed after a reset)."""

from importlib import import_module

from django.apps import apps as django_apps

from .models import Tier


def ensure_default_tiers() -> None:
    if not Tier.objects.exists():
        import_module("clients.migrations.0002_default_tiers").create_tiers(django_apps, None)
        _split_names()


def ensure_default_cards() -> None:
    """The default VIP cards and card table, if a flushed database lost them."""
    from .models import VipCard

    if not VipCard.objects.exists():
        import_module("clients.migrations.0006_default_vip_cards").create_cards(django_apps, None)
        _split_names()


def _split_names() -> None:
    """The seeds name in both languages at once; a name per language, as after migrating."""
    import_module("clients.migrations.0011_split_tier_and_card_names").split(django_apps, None)

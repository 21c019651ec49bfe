"""The default visit types, for code that must not assume the data migration's rows are
still there (a test that flushed the database, a demo seed after a reset)."""

from importlib import import_module

from django.apps import apps as django_apps


def ensure_visit_types() -> None:
    """Create any missing default type; types an admin changed are left alone."""
    import_module("visits.migrations.0014_default_visit_types").create(django_apps, None)

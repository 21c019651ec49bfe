"""The default early warning rules, for code that must not assume the data migration's
rows survived (a test that flushed the database, a demo seed after a reset)."""

from importlib import import_module

from django.apps import apps as django_apps

from .models import RuleCode, WarningRule


def ensure_warning_rules() -> None:
    """Create any missing default rule; rules an admin changed are left alone."""
    if WarningRule.objects.count() < len(RuleCode.values):
        import_module("performance.migrations.0002_default_rules").create(django_apps, None)

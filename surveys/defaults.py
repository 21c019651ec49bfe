"""The default survey template, for code that must not assume the data migration's rows
survived (a test that flushed the database, a demo seed after a reset)."""

from importlib import import_module

from django.apps import apps as django_apps

from .models import SurveyTemplate


def ensure_default_survey() -> None:
    if not SurveyTemplate.objects.filter(is_default=True).exists():
        import_module("surveys.migrations.0002_default_template").create(django_apps, None)

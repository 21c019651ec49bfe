"""The default SLA policies and categories, for code that must not assume the data
migration's rows survived (a test that flushed the database, a demo seed after a reset)."""

from importlib import import_module

from django.apps import apps as django_apps

from .models import Category, SlaPolicy


def ensure_complaint_defaults() -> None:
    if not SlaPolicy.objects.exists() or not Category.objects.exists():
        import_module("complaints.migrations.0002_defaults").create(django_apps, None)
        import_module("complaints.migrations.0010_mark_product_quality_category").mark(django_apps, None)
        # The seeds name in both languages at once; a name per language, as after migrating.
        import_module("complaints.migrations.0012_split_category_names").split(django_apps, None)

"""Default SLA policies and categories (admins change them in Django admin).

Hours follow the seeds: calls and letters answered within 8 hours, written and
online contacts answered (ideally solved) within 24; urgent cases faster.
"""

from django.db import migrations

POLICIES = [
    # severity, first response h, resolution h, business hours only
    ("critical", 2, 24, False),
    ("high", 4, 24, False),
    ("normal", 8, 72, True),
    ("low", 24, 120, True),
]
CATEGORIES = {
    "产品质量 Product quality": ["配送延迟 Late delivery", "质量缺陷 Defect"],
    "服务态度 Service attitude": [],
    "收费账单 Billing": [],
    "网络与系统 Network and systems": [],
    "其他 Other": [],
}


def create(apps, schema_editor):
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    Category = apps.get_model("complaints", "Category")
    for severity, first, resolution, business in POLICIES:
        SlaPolicy.objects.get_or_create(
            severity=severity,
            defaults={"first_response_hours": first, "resolution_hours": resolution, "business_hours": business},
        )
    for name, children in CATEGORIES.items():
        parent, _ = Category.objects.get_or_create(name=name, parent=None)
        for child in children:
            Category.objects.get_or_create(name=child, parent=parent)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

"""Default tiers. Deadlines follow the seeds: calls answered within 8 hours, written
contacts within 24; every client surveyed at least once a year."""

from django.db import migrations

DEFAULT_TIERS = [
    # code, name, rank, vip, min visit frequency, first response h, resolution h, survey months
    ("vip-diamond", "VIP 钻石 Diamond", 1, True, "weekly", 2, 24, 3),
    ("vip-gold", "VIP 金卡 Gold", 2, True, "weekly", 4, 24, 6),
    ("vip-silver", "VIP 银卡 Silver", 3, True, "twice_monthly", 8, 48, 6),
    ("standard", "标准 Standard", 4, False, "monthly", 8, 72, 12),
    ("basic", "基础 Basic", 5, False, "monthly", 24, 120, 12),
]


def create_tiers(apps, schema_editor):
    Tier = apps.get_model("clients", "Tier")
    for code, name, rank, vip, freq, first, resolution, survey in DEFAULT_TIERS:
        Tier.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "rank": rank,
                "is_vip": vip,
                "min_visit_frequency": freq,
                "first_response_hours": first,
                "resolution_hours": resolution,
                "survey_cadence_months": survey,
            },
        )


def remove_tiers(apps, schema_editor):
    Tier = apps.get_model("clients", "Tier")
    Tier.objects.filter(code__in=[t[0] for t in DEFAULT_TIERS], clients__isnull=True, groups__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]
    operations = [migrations.RunPython(create_tiers, remove_tiers)]

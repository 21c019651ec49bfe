"""Each client's first active early warning, kept by the warnings' writes (filled by performance 0009),
and the retention visits' index on it."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_user_route_start"),
        ("clients", "0016_client_latest_flagged_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="earliest_flagged_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="first early warning"),
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(
                condition=models.Q(("earliest_flagged_at__isnull", False)),
                fields=["earliest_flagged_at", "last_visited_on", "team", "owner"],
                name="client_retention",
            ),
        ),
    ]

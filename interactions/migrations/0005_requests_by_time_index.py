"""The requests received in a month by their time: the visit board's requests by manager."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("interactions", "0004_company_list_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="interaction",
            index=models.Index(
                condition=models.Q(("is_request", True)), fields=["occurred_at"], name="interaction_requests_time"
            ),
        ),
    ]

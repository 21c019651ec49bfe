"""The message's decision comment has the type every approval flow uses
(accounts.decisions.Decided); the page still limits it to 300 characters."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("interactions", "0002_alter_historicalinteraction_channel_and_more")]

    operations = [
        migrations.AlterField(
            model_name="bulkmessage",
            name="decision_comment",
            field=models.TextField(blank=True, verbose_name="comment"),
        ),
        migrations.AlterField(
            model_name="historicalbulkmessage",
            name="decision_comment",
            field=models.TextField(blank=True, verbose_name="comment"),
        ),
    ]

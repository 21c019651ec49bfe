"""The gift's decision fields take the names and types every approval flow uses
(accounts.decisions.Decided): renamed, so their data is kept."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("gift", "approved_by", "decided_by"),
        migrations.RenameField("gift", "approved_at", "decided_at"),
        migrations.RenameField("historicalgift", "approved_by", "decided_by"),
        migrations.RenameField("historicalgift", "approved_at", "decided_at"),
        migrations.AlterField(
            model_name="gift",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AlterField(
            model_name="gift",
            name="decision_comment",
            field=models.TextField(blank=True, verbose_name="comment"),
        ),
        migrations.AlterField(
            model_name="historicalgift",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AlterField(
            model_name="historicalgift",
            name="decision_comment",
            field=models.TextField(blank=True, verbose_name="comment"),
        ),
    ]

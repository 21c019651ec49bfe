"""The grade proposal's comment takes the name every approval flow uses
(accounts.decisions.Decided): renamed, so its data is kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("clients", "0008_contact_updated_at")]

    operations = [
        migrations.RenameField("gradeproposal", "comment", "decision_comment"),
        migrations.RenameField("historicalgradeproposal", "comment", "decision_comment"),
    ]

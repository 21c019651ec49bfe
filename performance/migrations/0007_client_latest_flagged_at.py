"""Each client's latest active warning on the client (clients 0015), for the at-risk list's
index: filled once here, then kept by the warnings' writes (performance.models.refresh_flagged_at)."""

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery


def fill(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    ClientWarning = apps.get_model("performance", "ClientWarning")
    db = schema_editor.connection.alias
    active = ClientWarning.objects.using(db).filter(active=True)
    latest = active.filter(client_id=OuterRef("pk")).order_by().values("client_id").annotate(m=Max("first_flagged_at"))
    Client.objects.using(db).filter(pk__in=active.values("client_id")).update(
        latest_flagged_at=Subquery(latest.values("m"))
    )
    if schema_editor.connection.vendor == "postgresql":
        # The at-risk list's plan depends on how many clients are flagged.
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(Client._meta.db_table)}")


class Migration(migrations.Migration):
    dependencies = [("performance", "0006_visit_log_date_index"), ("clients", "0016_client_latest_flagged_at")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

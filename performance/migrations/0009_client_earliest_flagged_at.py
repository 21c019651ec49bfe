"""Each client's first active warning on the client (clients 0017), for the retention visits'
count: filled once here, then kept by the warnings' writes (performance.models.refresh_flagged_at)."""

from django.db import migrations
from django.db.models import Min, OuterRef, Subquery


def fill(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    ClientWarning = apps.get_model("performance", "ClientWarning")
    db = schema_editor.connection.alias
    active = ClientWarning.objects.using(db).filter(active=True)
    first = active.filter(client_id=OuterRef("pk")).order_by().values("client_id").annotate(m=Min("first_flagged_at"))
    Client.objects.using(db).filter(pk__in=active.values("client_id")).update(
        earliest_flagged_at=Subquery(first.values("m"))
    )
    if schema_editor.connection.vendor == "postgresql":
        # The retention count's plan depends on how many clients are flagged.
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(Client._meta.db_table)}")


class Migration(migrations.Migration):
    dependencies = [("performance", "0008_response_latest_index"), ("clients", "0017_client_earliest_flagged_at")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

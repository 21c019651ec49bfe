from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sync"
    verbose_name = _("Sync with the field app")

    def ready(self):
        from . import jobs, services  # noqa: F401 (the pruning job)

        services.connect_removals()

"""The Celery application: `celery -A crm worker -B` (development) or separate worker
and beat processes (production: any number of workers, exactly one beat)."""

import logging
import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

log = logging.getLogger(__name__)

app = Celery("crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["crm"])


class Heartbeat(bootsteps.StartStopStep):
    """Each worker records a heartbeat (its host name, queues and pid) every
    CRM_HEARTBEAT_SECONDS from its main process, so admins and /readyz see which workers
    are alive even when no task runs."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_ref = None

    def start(self, worker):
        from django.conf import settings

        self.beat(worker, started=True)
        self.timer_ref = worker.timer.call_repeatedly(settings.CRM_HEARTBEAT_SECONDS, self.beat, (worker,), priority=10)

    def stop(self, worker):
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None
        from notifications.heartbeats import forget

        self.call_quietly(lambda: forget(worker.hostname))

    terminate = stop  # a cold shutdown too; only a killed worker leaves its (stale) row

    def beat(self, worker, started=False):
        from notifications.heartbeats import record

        queues = ",".join(sorted(queue.name for queue in worker.app.amqp.queues.consume_from.values()))
        self.call_quietly(lambda: record(worker.hostname, "worker", f"pid {os.getpid()} · {queues}", started=started))

    @staticmethod
    def call_quietly(function):
        # A database hiccup must never stop the worker; the next heartbeat tries again.
        try:
            function()
        except Exception:
            log.warning("heartbeat not recorded", exc_info=True)
        finally:
            from notifications.heartbeats import release_connection

            release_connection()


app.steps["worker"].add(Heartbeat)

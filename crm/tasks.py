from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "crm:celery:heartbeat"


@shared_task(ignore_result=True)
def heartbeat() -> str:
    """Record that the beat scheduled this and a worker ran it (read by /healthz)."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=None)
    return now

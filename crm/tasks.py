from celery import shared_task


@shared_task(ignore_result=True, acks_late=False)
def ping() -> str:
    """A round trip through the broker (the beat sends one every CRM_HEARTBEAT_SECONDS; an
    operator can too: ``celery -A crm call crm.tasks.ping``). Expires if not run soon."""
    return "pong"

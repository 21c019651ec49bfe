from celery import shared_task


@shared_task(ignore_result=True, acks_late=False)
def heartbeat() -> None:
    """Sent by the beat every CRM_HEARTBEAT_SECONDS: when a worker runs it, both are alive
    (read by /readyz and shown in the admin)."""
    from notifications.heartbeats import record

    record("beat", "beat")

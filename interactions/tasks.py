"""Sending an approved message to many clients (the sweep job catches any left over)."""

from notifications.tasks import delivery_task

from . import services


@delivery_task
def send_bulk_message(message_id: int) -> dict:
    return services.send_message(message_id)

"""An e-mail backend that refuses the first N messages (like an SMTP server that is
briefly down), then records what it sends. Shared by the threads of an in-process worker."""

import threading

from django.core.mail.backends.base import BaseEmailBackend

SENT: list = []
_lock = threading.Lock()
_failures = {"left": 0}


def reset(failures: int = 1) -> None:
    with _lock:
        SENT.clear()
        _failures["left"] = failures


class FlakyBackend(BaseEmailBackend):
    def send_messages(self, messages):
        with _lock:
            if _failures["left"] > 0:
                _failures["left"] -= 1
                raise ConnectionRefusedError("connection refused by the test mail server")
            SENT.extend(messages)
        return len(messages)


class RefusingBackend(BaseEmailBackend):
    """The server refuses the recipient: a permanent failure."""

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused({"m@example.com": (550, b"no such user")})

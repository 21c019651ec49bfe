"""Sending one e-mail, and what a failure means: the one place every app's mail goes out.

A subject often quotes what people typed (a user's name in a reminder, a message's
subject). A line break there would be refused by Django (``BadHeaderError``) and the mail
would never leave, so headers are built from single-line text here, not by each caller.
"""

from __future__ import annotations

import smtplib
import unicodedata

from django.core.mail import send_mail
from django.db import OperationalError

# The mail server or the database was unreachable: worth trying again later
# (SMTPException is an OSError).
TRANSIENT = (OSError, OperationalError)
# The server answered, and the answer will not change: retrying would only repeat it.
PERMANENT = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused)


# Control characters (CR, LF, NUL, NEL…) and Unicode's line and paragraph separators.
BREAKING = {"Cc", "Zl", "Zp"}


def single_line(text) -> str:
    """``text`` as one header line: line breaks (CR, LF and Unicode's) and other control
    characters become spaces, runs of spaces collapse, the ends are trimmed."""
    visible = "".join(" " if unicodedata.category(ch) in BREAKING else ch for ch in str(text))
    return " ".join(visible.split())


def send(*, subject, body: str, to: str) -> None:
    """Send one e-mail to one address from the default sender, its subject on one line."""
    send_mail(single_line(subject), body, None, [to])


def will_retry(error: BaseException) -> bool:
    """Whether sending again may succeed: only when nothing answered. A refused address,
    a mail that cannot be built (``ValueError``) or any other error fails the same way again."""
    return isinstance(error, TRANSIENT) and not isinstance(error, PERMANENT)

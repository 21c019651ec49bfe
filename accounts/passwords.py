"""Password rules beyond Django's own validators (``AUTH_PASSWORD_VALIDATORS``)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Shorter ones (a surname such as "Li", the "gen" of "gen_mgr001") would refuse too many
# good passwords: a whole value counts from 3 characters, a part of one from 4.
MIN_VALUE_LENGTH = 3
MIN_PART_LENGTH = 4


class NameInPasswordValidator:
    """Refuses a password that contains the username or a part of the person's name or
    e-mail address, however it is repeated or surrounded ("manager2manager2",
    "my manager2 password"). Django's ``UserAttributeSimilarityValidator`` compares
    lengths as well as letters, so a name repeated or padded passes it; this one does not
    (docs/development.md, "Security": passwords "not like the user's name")."""

    ATTRIBUTES = ("username", "first_name", "last_name", "email")

    def parts(self, user) -> set[str]:
        found = set()
        for name in self.ATTRIBUTES:
            value = (getattr(user, name, "") or "").lower()
            if name == "email":
                value = value.partition("@")[0]
            if len(value) >= MIN_VALUE_LENGTH:
                found.add(value)
            found.update(part for part in re.split(r"[\W_]+", value) if len(part) >= MIN_PART_LENGTH)
        return found

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        lowered = password.lower()
        if any(part in lowered for part in self.parts(user)):
            raise ValidationError(_("The password contains your username or your name."), code="password_contains_name")

    def get_help_text(self) -> str:
        return _("Your password can’t contain your username or your name.")

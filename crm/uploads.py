"""The rules for a file attached to a record (complaint evidence, a client's documents), in
one place: which kinds of file, how large, and how one is handed back. Uploads are never
served as plain ``/media/`` files: a view checks the viewer's scope first, then answers
with ``download`` (docs/development.md, "Security")."""

from __future__ import annotations

import secrets

from django import forms
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from crm.forms import MultipleFileField

ATTACHMENT_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".webp", ".heic", ".txt", ".docx", ".xlsx", ".eml", ".msg"}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
TYPE_REFUSED = _("“%(name)s”: attach PDF, images, text, Word, Excel or e-mail files.")
TOO_LARGE = _("“%(name)s” is larger than 10 MB.")


def check_attachment(file) -> None:
    """Raise ValidationError unless ``file`` is a kind of file and a size we keep."""
    name = (file.name or "").lower()
    if not any(name.endswith(ext) for ext in ATTACHMENT_EXTENSIONS):
        raise forms.ValidationError(TYPE_REFUSED % {"name": file.name})
    if file.size > MAX_ATTACHMENT_BYTES:
        raise forms.ValidationError(TOO_LARGE % {"name": file.name})


class AttachmentsField(MultipleFileField):
    """Up to ten attachments in one field (complaint evidence)."""

    max_files = 10
    max_bytes = MAX_ATTACHMENT_BYTES
    too_many = _("Attach at most ten files.")
    too_large = TOO_LARGE

    def check(self, file) -> None:
        name = (file.name or "").lower()
        if not any(name.endswith(ext) for ext in ATTACHMENT_EXTENSIONS):
            raise forms.ValidationError(TYPE_REFUSED % {"name": file.name})


class AttachmentField(forms.FileField):
    """One attachment (a client's document), by the same rules as ``AttachmentsField``."""

    max_bytes = MAX_ATTACHMENT_BYTES

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ",".join(sorted(ATTACHMENT_EXTENSIONS)))

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if file and file is not initial:
            check_attachment(file)
            if file.size > self.max_bytes:
                raise forms.ValidationError(TOO_LARGE % {"name": file.name})
        return file


def stored_name(filename: str) -> str:
    """A file's name in storage: a random prefix (names are not guessable, two uploads of
    ``contract.pdf`` never meet) and the end of the uploaded name (storage limits)."""
    return f"{secrets.token_hex(8)}-{filename[-60:]}"


def download(file_field, *, filename: str | None = None) -> FileResponse:
    """The file, as a download; call it only after the viewer's scope was checked."""
    name = filename or file_field.name.rsplit("/", 1)[-1]
    return FileResponse(file_field.open("rb"), as_attachment=True, filename=name)

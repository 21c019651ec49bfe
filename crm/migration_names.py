"""The data migrations' one step for names per language (crm/i18n.py): each row's name,
written in both languages by the first seeds ("标准 Standard"), becomes an English and a
Chinese name; names the seeds gave are split as written in ``known``."""

from __future__ import annotations

from crm.i18n import split_bilingual


def split_names(model, fields: tuple[str, ...], known: dict[tuple[str, str], tuple[str, str]] | None = None) -> None:
    """For each field of each row not yet split: ``<field>_en`` and ``<field>_zh_hans``
    from ``known[(field, value)]`` or :func:`split_bilingual`; the plain column keeps the
    English name (the default language), else the Chinese one."""
    known = known or {}
    for row in model.objects.all():
        changed = []
        for field in fields:
            if getattr(row, f"{field}_en") or getattr(row, f"{field}_zh_hans"):
                continue
            value = getattr(row, field) or ""
            english, chinese = known.get((field, value)) or split_bilingual(value)
            setattr(row, f"{field}_en", english or None)
            setattr(row, f"{field}_zh_hans", chinese or None)
            setattr(row, field, english or chinese)
            changed += [f"{field}_en", f"{field}_zh_hans", field]
        if changed:
            row.save(update_fields=changed)

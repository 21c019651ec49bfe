"""The data migrations' one step for names per language (crm/i18n.py): each row's name,
written in both languages by the first seeds ("标准 Standard"), becomes an English and a
Chinese name; names the seeds gave are split as written in ``known``."""

from __future__ import annotations

from crm.i18n import split_bilingual


def split_names(model, fields: tuple[str, ...], known: dict[tuple[str, str], tuple[str, str]] | None = None) -> None:
    """For each field of each row: ``<field>_en`` and ``<field>_zh_hans`` from
    ``known[(field, value)]`` or :func:`split_bilingual` of the name it has (its plain
    column when no language has one yet); the plain column keeps the English name (the
    default language), else the Chinese one. A name already in one language stays there.

    Runs on a migration's models and on the live ones (the defaults put back after a
    flush, clients/defaults.py), whose constructor puts a seed's mixed name in the active
    language's field."""
    known = known or {}
    for row in model.objects.all():
        changed = []
        for field in fields:
            english, chinese = getattr(row, f"{field}_en"), getattr(row, f"{field}_zh_hans")
            if english and chinese:
                continue
            value = english or chinese or row.__dict__.get(field) or ""
            new_english, new_chinese = known.get((field, value)) or split_bilingual(value)
            if (new_english or None, new_chinese or None) == (english, chinese):
                continue
            setattr(row, f"{field}_en", new_english or None)
            setattr(row, f"{field}_zh_hans", new_chinese or None)
            # The plain column, past modeltranslation's descriptor on a live model.
            row.__dict__[field] = new_english or new_chinese
            changed += [f"{field}_en", f"{field}_zh_hans", field]
        if changed:
            row.save(update_fields=changed)

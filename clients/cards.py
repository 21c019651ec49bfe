"""VIP cards of key persons: computed from the card table and stored on the contact, so
lists show the card without computing it. Recomputed when a contact is saved, when a
group's class changes, when a client moves group and when an admin edits the table."""

from __future__ import annotations

from django.db.models import QuerySet

from . import rules
from .models import Contact, VipCard, card_rule_table


def card_for(contact: Contact, card_rules: dict | None = None) -> VipCard | None:
    """The card this contact holds: the rule table's for their group class and type, or
    their personal card when that is higher."""
    group = contact.card_group
    table = card_rule_table() if card_rules is None else card_rules
    from_rules = rules.card_from_rules(group.group_class if group else "", contact.key_person_type, table)
    return rules.better_card(from_rules, contact.personal_card)


def recompute_cards(contacts: QuerySet[Contact], *, reason: str) -> int:
    """Store the current card on each contact whose card changed, recording ``reason`` in
    its history; returns how many changed. A fixed number of queries plus one save per
    changed contact."""
    table = card_rule_table()
    changed = 0
    for contact in contacts.select_related("client__group", "influences_group", "personal_card", "vip_card"):
        card = card_for(contact, table)
        if (card.pk if card else None) != contact.vip_card_id:
            contact._change_reason = reason
            contact._card_rules = table
            contact.save()
            changed += 1
    return changed

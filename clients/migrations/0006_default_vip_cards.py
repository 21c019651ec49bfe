"""Default VIP cards and the card table (SPEC "Group clients, key persons and client
grades"): diamond = top leaders of A-class groups; gold = top leaders of B-class groups,
division-level cadres (the communications/IT middle managers of A) and the contacts of
A-class groups; silver = top leaders of C-class groups and the contacts of B, C and D.
Pairs not listed (e.g. influencers, top leaders of D) get no card from the table."""

from django.db import migrations

DEFAULT_CARDS = [
    # code, name, rank, response hours, greeted by
    ("diamond", "钻石卡 Diamond", 1, 2, "分公司领导 Branch leader"),
    ("gold", "金卡 Gold", 2, 4, "部门经理 Department manager"),
    ("silver", "银卡 Silver", 3, 8, "客户经理 Account manager"),
]

TOP, DESIGNATED, IT, COMMS = "top_decision_maker", "designated_contact", "it_contact", "comms_it_manager"
DEFAULT_RULES = [
    ("A", TOP, "diamond"), ("A", DESIGNATED, "gold"), ("A", IT, "gold"), ("A", COMMS, "gold"),
    ("B", TOP, "gold"), ("B", DESIGNATED, "silver"), ("B", IT, "silver"),
    ("C", TOP, "silver"), ("C", DESIGNATED, "silver"), ("C", IT, "silver"),
    ("D", DESIGNATED, "silver"), ("D", IT, "silver"),
]  # fmt: skip


def create_cards(apps, schema_editor):
    VipCard = apps.get_model("clients", "VipCard")
    CardRule = apps.get_model("clients", "CardRule")
    cards = {}
    for code, name, rank, hours, greeted_by in DEFAULT_CARDS:
        cards[code], _ = VipCard.objects.get_or_create(
            code=code, defaults={"name": name, "rank": rank, "response_hours": hours, "greeted_by": greeted_by}
        )
    for group_class, key_person_type, card in DEFAULT_RULES:
        CardRule.objects.get_or_create(
            group_class=group_class, key_person_type=key_person_type, defaults={"card": cards[card]}
        )


class Migration(migrations.Migration):
    dependencies = [("clients", "0005_groups_cards_proposals_volume")]
    operations = [migrations.RunPython(create_cards, migrations.RunPython.noop)]

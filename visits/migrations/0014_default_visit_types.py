"""The default visit types (admins change them in Django admin): what each visit must include
and what to bring. From the service norms of seed 000 (prepare the client file, materials,
samples and gifts; a client tending to leave must be visited; a complaint gets a return visit)."""

from django.db import migrations

# code, (English, Chinese), photo required, survey afterwards,
# checklist [((English, Chinese), required)], preparation [(English, Chinese)]
TYPES = [
    (
        "routine", ("Routine visit", "日常拜访"), False, False,
        [
            (("Reviewed the client file before the visit", "拜访前查阅客户档案"), True),
            (("Asked about the client's needs and opinions", "了解客户需求和意见"), True),
            (("Collected market and competitor information", "收集市场和竞品信息"), False),
        ],
        [("Business cards", "名片"), ("Product brochures and promotional materials", "产品说明书和宣传资料"),
         ("The client file", "客户档案")],
    ),
    (
        "key_client", ("Key client visit", "重点客户拜访"), True, True,
        [
            (("Reviewed the client file and personal-care information", "查阅客户档案和亲情档案"), True),
            (("Met the key person", "拜见关键人"), True),
            (("Went through every open service strategy", "落实每项未完成的服务策略"), True),
            (("Collected market and competitor information", "收集市场和竞品信息"), False),
        ],
        [("The client file with personal-care information", "客户档案和亲情档案"), ("A small gift", "小礼品"),
         ("Samples", "样品"), ("Business cards", "名片")],
    ),
    (
        "retention", ("Retention visit", "挽留拜访"), False, False,
        [
            (("Found out why the client thinks of leaving", "了解客户离网原因"), True),
            (("Made a retention offer", "提出挽留优惠"), True),
            (("Agreed the next step with the client", "与客户约定下一步"), False),
        ],
        [("Retention offers", "挽留优惠政策"), ("The client's order and usage history", "客户消费记录"),
         ("The client file", "客户档案")],
    ),
    (
        "complaint_follow_up", ("Complaint follow-up", "投诉回访"), False, True,
        [
            (("Confirmed the complaint is solved", "确认投诉已解决"), True),
            (("Asked how satisfied the client is with the handling", "了解客户对处理结果的满意度"), True),
            (("Thanked the client for the complaint", "感谢客户的意见"), False),
        ],
        [("The complaint record", "投诉记录"), ("The client file", "客户档案")],
    ),
    (
        "new_client", ("New client visit", "新客户拜访"), True, False,
        [
            (("Checked the client's details", "核实客户资料"), True),
            (("Introduced our products and services", "介绍产品和服务"), True),
            (("Recorded the key persons and contacts", "登记关键人和联系人"), True),
        ],
        [("Business cards", "名片"), ("Product brochures", "产品说明书"), ("A client information form", "客户信息表"),
         ("Samples", "样品")],
    ),
    (
        "product_promotion", ("Product promotion", "产品推广"), True, False,
        [
            (("Presented the product", "介绍推广产品"), True),
            (("Left samples or materials", "留下样品或资料"), False),
            (("Recorded the client's interest", "记录客户意向"), True),
        ],
        [("Samples", "样品"), ("Promotional materials", "宣传资料"), ("The price list", "价目表")],
    )
]  # fmt: skip


def create(apps, schema_editor):
    VisitType = apps.get_model("visits", "VisitType")
    ChecklistItem = apps.get_model("visits", "ChecklistItem")
    PreparationItem = apps.get_model("visits", "PreparationItem")
    for position, (code, (english, chinese), photo, survey, checklist, preparation) in enumerate(TYPES, start=1):
        visit_type, created = VisitType.objects.get_or_create(
            code=code,
            defaults={
                "name": english,
                "name_en": english,
                "name_zh_hans": chinese,
                "requires_photo": photo,
                "requires_survey": survey,
                "position": position,
            },
        )
        if not created:
            continue  # an admin's edits stay
        ChecklistItem.objects.bulk_create(
            ChecklistItem(visit_type=visit_type, text=en, text_en=en, text_zh_hans=zh, required=required, position=i)
            for i, ((en, zh), required) in enumerate(checklist, start=1)
        )
        PreparationItem.objects.bulk_create(
            PreparationItem(visit_type=visit_type, text=en, text_en=en, text_zh_hans=zh, position=i)
            for i, (en, zh) in enumerate(preparation, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("visits", "0013_visit_types")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

"""The inspection sheet of seed 001 (its service standard, signed by the inspector and the
staff member), as items a supervisor checks on an accompanied visit or a spot check;
admins edit, reorder and retire them."""

from django.db import migrations

# (English, Chinese, what to look at in English, in Chinese)
ITEMS = [
    ("Greets the client", "来有迎声", "Greets first and says why they came.", "主动问候，说明来意"),
    ("Polite form of address", "使用尊称", "Uses the client's title and polite words.", "使用尊称和礼貌用语"),
    ("Answers every question", "问有答声", "Answers promptly, accurately and patiently.", "及时、准确、耐心地解答"),
    ("Eye contact and a smile", "对视露笑", "Looks at the client and smiles.", "目光关注客户，面露微笑"),
    ("Hands over with both hands", "双手接递", "Gives and receives with both hands, says thank you.", "双手接递物品，并说谢谢"),
    ("Confirms the need is met", "关注确认", "Checks the client understood and asks what else is needed.", "确认客户是否清楚、是否还有其他需要"),
    ("Takes leave properly", "走有送声", "Says goodbye and when they will be back.", "礼貌道别"),
    ("Appearance", "仪容仪表", "Neat, in work clothes, with the name badge.", "整洁，穿工服，佩戴工号牌"),
    ("Conduct", "行为规范", "No phone calls, smoking or eating at the client's; accepts no gift.", "不玩手机、不吸烟、不吃零食；不接受客户馈赠"),
    ("Records the client's opinions", "记录客户意见", "The visit log holds the client's opinions and what was promised.", "拜访记录写明客户意见和承诺事项"),
]


def create(apps, schema_editor):
    InspectionItem = apps.get_model("inspections", "InspectionItem")
    for position, (english, chinese, guidance, guidance_zh) in enumerate(ITEMS, start=1):
        if not InspectionItem.objects.filter(name_en=english).exists():
            InspectionItem.objects.create(
                name=english,
                name_en=english,
                name_zh_hans=chinese,
                guidance=guidance,
                guidance_en=guidance,
                guidance_zh_hans=guidance_zh,
                position=position,
            )


def remove(apps, schema_editor):
    apps.get_model("inspections", "InspectionItem").objects.filter(
        name_en__in=[english for english, *_rest in ITEMS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]

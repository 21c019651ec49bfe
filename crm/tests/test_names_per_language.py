"""Admin-named things (tiers, cards, categories, teams, dimensions) have a name per language:
the seeds' mixed names ("VIP 金卡 Gold") are split, a reader sees their language's name,
else the other one, and the audit history records both."""

import pytest
from django.utils.translation import override

from accounts.models import Team
from analysis.models import AbilityDimension, ProductCategory
from clients.models import Tier, VipCard
from complaints.models import Category
from crm.i18n import split_bilingual

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("mixed", "english", "chinese"),
    [
        ("标准 Standard", "Standard", "标准"),
        ("产品质量 Product quality", "Product quality", "产品质量"),
        ("东城片区 · East district", "East district", "东城片区"),
        ("东城片区", "", "东城片区"),
        ("East district", "East district", ""),
    ],
)
def test_a_mixed_name_splits_into_its_languages(mixed, english, chinese):
    assert split_bilingual(mixed) == (english, chinese)


def test_the_seeded_names_have_one_language_each():
    gold = Tier.objects.get(code="vip-gold")
    assert (gold.name_en, gold.name_zh_hans) == ("VIP Gold", "VIP 金卡")
    standard = Tier.objects.get(code="standard")
    assert (standard.name_en, standard.name_zh_hans) == ("Standard", "标准")
    card = VipCard.objects.get(code="gold")
    assert (card.name_en, card.name_zh_hans) == ("Gold", "金卡")
    assert (card.greeted_by_en, card.greeted_by_zh_hans) == ("Department manager", "部门经理")
    quality = Category.objects.get(name_en="Product quality")
    assert quality.name_zh_hans == "产品质量"
    display = AbilityDimension.objects.get(name_en="Display")
    assert (display.name_zh_hans, display.description_zh_hans) == ("陈列", "商品陈列得当，重点品牌醒目")


def test_the_reader_sees_their_language():
    gold = Tier.objects.get(code="vip-gold")
    with override("zh-hans"):
        assert str(gold) == "VIP 金卡"
        assert list(Tier.objects.filter(code="vip-gold").values_list("name", flat=True)) == ["VIP 金卡"]
    with override("en"):
        assert str(gold) == "VIP Gold"


def test_a_name_in_one_language_shows_in_the_other():
    team = Team.objects.create(name_zh_hans="北城片区")
    category = ProductCategory.objects.create(name_en="Cigars")
    with override("en"):
        assert Team.objects.get(pk=team.pk).name == "北城片区"
    with override("zh-hans"):
        assert ProductCategory.objects.get(pk=category.pk).name == "Cigars"


def test_the_history_records_each_language():
    tier = Tier.objects.get(code="standard")
    tier.name_zh_hans = "标准级"
    tier.save()
    latest = tier.history.first()
    assert (latest.name_en, latest.name_zh_hans) == ("Standard", "标准级")


def test_defaults_put_back_after_a_flush_have_a_name_per_language():
    from clients.defaults import ensure_default_tiers
    from complaints.defaults import ensure_complaint_defaults

    Tier.objects.all().delete()
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
    ensure_default_tiers()
    ensure_complaint_defaults()
    gold = Tier.objects.get(code="vip-gold")
    assert (gold.name_en, gold.name_zh_hans) == ("VIP Gold", "VIP 金卡")
    assert Category.objects.get(name_en="Product quality").name_zh_hans == "产品质量"

"""The default satisfaction survey: one rating per dimension, would-you-recommend, what
to improve (choices) and a comment, in English and Chinese."""

from django.db import migrations

QUESTIONS = [
    # (kind, dimension, English, Chinese, choices, Chinese choices, required)
    ("rating", "overall", "Overall, how satisfied are you with our service?", "总体而言，您对我们的服务满意吗？", "", "", True),
    ("rating", "product_quality", "How satisfied are you with the quality of our products?", "您对我们产品的质量满意吗？", "", "", True),
    ("rating", "service_attitude", "How satisfied are you with your account manager's attitude?", "您对客户经理的服务态度满意吗？", "", "", True),
    ("rating", "response_speed", "How satisfied are you with how fast we respond?", "您对我们的响应速度满意吗？", "", "", True),
    ("rating", "professionalism", "How satisfied are you with our professionalism?", "您对我们的专业水平满意吗？", "", "", True),
    ("nps", "", "How likely are you to recommend us to a friend or colleague?", "您有多大可能向朋友或同事推荐我们？", "", "", True),
    ("multiple", "", "What should we improve first?", "您认为我们最需要改进哪些方面？",
     "Product quality\nService attitude\nResponse speed\nProfessionalism\nEnvironment",
     "产品质量\n服务态度\n响应速度\n专业水平\n服务环境", False),
    ("text", "", "Anything else you would like to tell us?", "您还有其他意见或建议吗？", "", "", False),
]  # fmt: skip


def create(apps, schema_editor):
    SurveyTemplate = apps.get_model("surveys", "SurveyTemplate")
    Question = apps.get_model("surveys", "Question")
    if SurveyTemplate.objects.filter(is_default=True).exists():
        return
    template = SurveyTemplate.objects.create(
        name="Client satisfaction survey",
        name_zh="客户满意度调查",
        intro="Thank you for taking two minutes to tell us how we are doing.",
        intro_zh="感谢您抽出两分钟时间评价我们的服务。",
        is_default=True,
    )
    Question.objects.bulk_create(
        Question(
            template=template,
            order=order,
            kind=kind,
            dimension=dimension,
            text=text,
            text_zh=text_zh,
            choices=choices,
            choices_zh=choices_zh,
            required=required,
        )
        for order, (kind, dimension, text, text_zh, choices, choices_zh, required) in enumerate(QUESTIONS, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

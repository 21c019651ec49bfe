from django import forms

from crm.widgets import FastSelect

CHOICES = [("", "---------"), (1, "Alpha <b>"), (2, 'Beta "quoted"'), ("group", [(3, "Gamma"), (4, "Delta")])]


def parsed(html: str) -> str:
    return " ".join(html.replace("\n", " ").split()).replace("> <", "><")


def test_fast_select_renders_what_django_s_select_renders():
    attrs = {"class": "form-select", "required": True, "aria-describedby": "help"}
    for value in (None, 2, "2", 4):
        fast = FastSelect(choices=CHOICES).render("client", value, attrs=dict(attrs, id="id_client"))
        django = forms.Select(choices=CHOICES).render("client", value, attrs=dict(attrs, id="id_client"))
        assert parsed(fast) == parsed(django)


def test_fast_select_escapes_labels_and_marks_the_chosen_option():
    html = FastSelect(choices=CHOICES).render("client", 1)
    assert "Alpha &lt;b&gt;" in html and "<b>" not in html
    assert '<option value="1" selected>' in html
    assert html.count("selected") == 1


def test_fast_select_for_a_model_choice_field():
    from accounts.models import Team

    class Form(forms.Form):
        team = forms.ModelChoiceField(queryset=Team.objects.none(), widget=FastSelect)

    form = Form()
    assert "<select" in str(form["team"]) and 'name="team"' in str(form["team"])


def test_a_searchable_fast_select_asks_for_its_search_box():
    assert 'data-search="Search the list"' in FastSelect(choices=CHOICES, searchable=True).render("client", None)
    assert "data-search" not in FastSelect(choices=CHOICES).render("client", None)

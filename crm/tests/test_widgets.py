from django import forms

from crm.widgets import FastSelect, SearchPicker

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


def test_a_search_picker_is_a_text_box_and_a_hidden_id():
    picker = SearchPicker(url="/clients/pick/?owner=7")
    html = picker.render("client", (12, 'Alpha <b> "Co"'), attrs={"id": "id_client", "class": "form-control"})
    assert 'type="text" name="client_text"' in html and 'id="id_client"' in html
    assert 'value="Alpha &lt;b&gt; &quot;Co&quot;"' in html and "<b>" not in html
    assert '<input type="hidden" name="client" id="id_client_id" value="12">' in html
    assert 'data-pick="/clients/pick/?owner=7"' in html and 'data-pick-into="id_client_id"' in html
    assert "<select" not in html and "<option" not in html
    assert picker.value_from_datadict({"client": "12", "client_text": "Al"}, {}, "client") == ("12", "Al")
    assert picker.value_omitted_from_data({}, {}, "client")
    assert not picker.value_omitted_from_data({"client_text": "Al"}, {}, "client")
    assert 'value=""' in picker.render("client", None, attrs={"id": "id_client"})

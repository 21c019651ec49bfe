from django import forms

from crm.templatetags.crm_forms import filter_field


class Sample(forms.Form):
    month = forms.CharField(label="Month <b>", help_text="As YYYY-MM & so on", max_length=7)
    kind = forms.ChoiceField(choices=[("a", "A")], required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def test_filter_field_markup_is_escaped_and_accessible():
    form = Sample(data={"month": "<script>x", "kind": "zzz"})
    assert not form.is_valid()
    month = str(filter_field(form["month"]))
    assert 'for="id_month" class="form-label">Month &lt;b&gt;</label>' in month
    assert 'class="form-control is-invalid"' in month and 'value="&lt;script&gt;x"' in month
    assert 'aria-describedby="' in month and "id_month_helptext" in month.split('aria-describedby="')[1].split('"')[0]
    assert '<div id="id_month_error" class="invalid-feedback"><p>' in month
    assert '<div id="id_month_helptext" class="form-text">As YYYY-MM &amp; so on</div>' in month
    kind = str(filter_field(form["kind"]))
    assert 'class="form-select is-invalid"' in kind and '<div id="id_kind_error" class="invalid-feedback"><p>' in kind
    assert str(filter_field(form["token"])) == '<input type="hidden" name="token" id="id_token">'

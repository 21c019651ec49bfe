from django import forms
from django.utils.translation import gettext_lazy as _


class MarkForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300, required=False)
    clear = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("clear") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the client is tending to leave."))
        return data

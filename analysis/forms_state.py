"""Forms of steps 1–2: keying in demand, and a client's ability scores."""

from decimal import Decimal

from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from clients.forms import ClientPickerField
from crm.widgets import FastSelect

from .models import AbilityDimension, Product


class DemandForm(forms.Form):
    # A search box, not a list: a manager's book has thousands of clients (issue #31).
    client = ClientPickerField(label=_("Client"))
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none(), widget=FastSelect)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("1e11")
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].for_owner(owner)  # the manager's own clients, not lost (as ``effect.book``)
        self.fields["product"].queryset = Product.objects.filter(is_active=True).order_by("brand", "name")


class ScoreForm(forms.Form):
    """One field per active dimension, 1–5; an empty field leaves the dimension unscored."""

    def __init__(self, *args, dimensions: list[AbilityDimension], **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for dimension in dimensions:
            self.fields[f"dimension_{dimension.pk}"] = forms.IntegerField(
                label=dimension.name,
                help_text=escape(dimension.description),  # crispy renders help text as HTML
                required=False,
                min_value=1,
                max_value=5,
                widget=forms.NumberInput(attrs={"min": 1, "max": 5, "inputmode": "numeric"}),
                error_messages={
                    "min_value": _("A score is from 1 to 5."),
                    "max_value": _("A score is from 1 to 5."),
                },
            )

    def scores(self) -> dict[int, int | None]:
        return {d.pk: self.cleaned_data.get(f"dimension_{d.pk}") for d in self.dimensions}

"""Forms of steps 3–6: focus products, brand targets, target clients, conclusions and
market targets."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Tier
from crm.forms import IdsChoiceField
from crm.widgets import MonthSelect
from visits.selectors import MAX_YEAR, MIN_YEAR

from .brand import RATES
from .models import MarketIndicator, Product, Rate

RATE_LABELS = dict(Rate.choices)
TEXT_LIMIT = 4000


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (a list of months in the reader's language), cleaned to its first day."""

    widget = MonthSelect

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            month = datetime.strptime(value.strip(), "%Y-%m").date()
        except ValueError as error:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from error
        if not MIN_YEAR <= month.year <= MAX_YEAR:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return month


def rate_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "class": "form-control-sm"}),
    )  # fmt: skip


class FocusProductsForm(forms.Form):
    products = IdsChoiceField(
        label=_("Focus products"),
        queryset=Product.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class BrandTargetsForm(forms.Form):
    """The four rates' targets of each focus product, from the page's month to ``until``."""

    until = MonthField(label=_("Until (month)"))

    def __init__(self, *args, products: list[Product], **kwargs):
        super().__init__(*args, **kwargs)
        self.products = products
        for product in products:
            for rate in RATES:
                self.fields[self.key(product, rate)] = rate_field(f"{product.name} · {RATE_LABELS[rate]}")

    @staticmethod
    def key(product: Product, rate: str) -> str:
        return f"p{product.pk}_{rate}"

    def rows(self):
        """(product, [bound field per rate]) for the table."""
        return [(product, [self[self.key(product, rate)] for rate in RATES]) for product in self.products]

    def targets(self) -> dict[int, dict[str, object]]:
        return {
            product.pk: {rate: self.cleaned_data.get(self.key(product, rate)) for rate in RATES}
            for product in self.products
        }


class TargetClientsForm(forms.Form):
    """Target clients chosen by tier, by client type, or by hand (all three add up)."""

    tier = forms.ModelChoiceField(label=_("All my clients of the tier"), queryset=Tier.objects.all(), required=False)
    client_type = forms.ChoiceField(
        label=_("All my clients of the type"), choices=[("", "—"), *Client.Type.choices], required=False
    )
    clients = IdsChoiceField(
        label=_("Chosen by hand"), queryset=Client.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, own_clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_clients = own_clients
        self.fields["clients"].queryset = own_clients

    def chosen(self):
        chosen = set(self.cleaned_data["clients"])
        if self.cleaned_data.get("tier"):
            chosen |= set(self.own_clients.filter(tier=self.cleaned_data["tier"]))
        if self.cleaned_data.get("client_type"):
            chosen |= set(self.own_clients.filter(client_type=self.cleaned_data["client_type"]))
        return chosen


class ConclusionForm(forms.Form):
    problems = forms.CharField(
        label=_("Problems found"), max_length=TEXT_LIMIT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    focus = forms.CharField(
        label=_("Next month's focus"), max_length=TEXT_LIMIT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MarketTargetsForm(forms.Form):
    """Next month's market targets: one value per indicator, empty for none."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in MarketIndicator.choices:
            self.fields[code] = forms.DecimalField(
                label=label, required=False, max_digits=16, decimal_places=2, min_value=-10**13, max_value=10**13,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            )  # fmt: skip

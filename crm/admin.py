"""What the project's ModelAdmins share."""

from django.utils.translation import gettext


class LabelledListEditable:
    """The inputs of an editable change list (list_editable) get a name a screen reader reads,
    e.g. "Resolution hours: VIP Gold": Django renders them without a label (WCAG 1.3.1, 4.1.2)."""

    def get_changelist_form(self, request, **kwargs):
        base = super().get_changelist_form(request, **kwargs)
        editable = set(self.list_editable)

        class LabelledForm(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                for name in editable & set(self.fields):
                    field = self.fields[name]
                    field.widget.attrs["aria-label"] = gettext("%(field)s: %(row)s") % {
                        "field": field.label,
                        "row": self.instance,
                    }

        return LabelledForm

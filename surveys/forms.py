from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import Contact

from .models import FollowUp, Invitation, Question, SurveyTemplate


class SurveyForm(forms.Form):
    """The questions of a template as form fields ``q<id>``, labelled in ``language``."""

    def __init__(self, *args, questions, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = self._field(question, language)

    @staticmethod
    def _field(question: Question, language: str) -> forms.Field:
        label = question.localized_text(language)
        required = question.required
        errors = {
            "required": _("This question needs an answer."),
            "invalid_choice": _("Choose one of the options given."),
        }
        if question.kind in Question.SCALES:
            low, high = Question.SCALES[question.kind]
            return forms.TypedChoiceField(
                label=label,
                required=required,
                error_messages=errors,
                coerce=int,
                empty_value=None,
                choices=[(n, str(n)) for n in range(low, high + 1)],
                widget=forms.RadioSelect(attrs={"class": f"scale scale-{high - low + 1}"}),
            )
        if question.kind == Question.Kind.SINGLE:
            return forms.ChoiceField(
                label=label,
                required=required,
                error_messages=errors,
                choices=question.localized_choices(language),
                widget=forms.RadioSelect,
            )
        if question.kind == Question.Kind.MULTIPLE:
            return forms.MultipleChoiceField(
                label=label,
                required=required,
                error_messages=errors,
                choices=question.localized_choices(language),
                widget=forms.CheckboxSelectMultiple,
            )
        return forms.CharField(
            label=label,
            required=required,
            error_messages=errors,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def answers(self) -> dict[int, object]:
        return {question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions}

    def bound_questions(self):
        """(question, bound field) pairs for the template."""
        return [(question, self[f"q{question.pk}"]) for question in self.questions]


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["contact", "template", "language"]

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(client=client)
        self.fields["contact"].required = False
        self.fields["contact"].help_text = _("With an e-mail address the survey is e-mailed; otherwise copy the link.")
        self.fields["template"].queryset = SurveyTemplate.objects.filter(is_active=True)
        self.fields["template"].required = False
        self.fields["template"].empty_label = _("Default template")


class FollowUpDoneForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = True

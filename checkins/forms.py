from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from careers.models import Competency, Level
from checkins.models import Evidence
from skills.models import Skill
from tracking.forms import HttpUrlField
from tracking.models import EVIDENCE_URL_MAX_LENGTH


class EvidenceForm(forms.ModelForm):
    link = HttpUrlField(label=_("Link"), required=False, max_length=EVIDENCE_URL_MAX_LENGTH)
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.order_by("name"),
        required=False,
        help_text=_("The skills this shows. Hold Ctrl (or ⌘) to choose several."),
    )
    competencies = forms.ModelMultipleChoiceField(
        label=_("Behaviours"),
        queryset=Competency.objects.none(),
        required=False,
        help_text=_("Criteria of your current and target levels and of your check-ins."),
    )

    class Meta:
        model = Evidence
        fields = ["date", "kind", "text", "link", "skills", "competencies"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        profile = getattr(user, "profile", None)
        levels = [
            pk
            for pk in (
                getattr(profile, "current_level_id", None),
                getattr(profile, "target_level_id", None),
            )
            if pk
        ]
        self.fields["competencies"].queryset = (
            Competency.objects.filter(Q(level_id__in=levels) | Q(level__in=user_levels(user)))
            .select_related("level")
            .distinct()
        )
        self.fields["competencies"].label_from_instance = lambda c: (
            f"{c.level.name}: {c.criterion[:100]}"
        )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Say what happened."), code="blank")
        return text


def user_levels(user: Any) -> Any:
    return Level.objects.filter(pk__in=user.checkins.values("level_id"))


class StartForm(forms.Form):
    level = forms.ModelChoiceField(
        label=_("Level"),
        queryset=Level.objects.in_order().filter(track__published=True),
        help_text=_("Your current level, or the one you aim for."),
    )


class ReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"),
        queryset=None,
        empty_label=None,
        help_text=_("A manager or a peer in one of your teams."),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = candidates
        self.fields["reviewer"].label_from_instance = lambda u: (
            getattr(getattr(u, "profile", None), "handle", "") or u.get_username()
        )

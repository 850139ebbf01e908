"""The forms that change a plan: a goal. Used by the plan page and the API alike."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from itertools import groupby

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from careers.models import Level
from planning.models import GOAL_SKILLS_MAX, GOALS_MAX
from skills.models import Skill

DUE_MAX_YEARS = 10


class GoalForm(forms.Form):
    """A level or a set of skills (exactly one of the two), and a date in the future."""

    level = forms.ChoiceField(
        label=_("Reach a level"),
        required=False,
        help_text=_("Its skill requirements met."),
        error_messages={
            "invalid_choice": _("There is no level “%(value)s”. Choose one from the list.")
        },
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Or learn these skills"),
        queryset=Skill.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each to working proficiency, or marked done."),
        error_messages={
            "invalid_choice": _("There is no skill “%(value)s” to choose here."),
            "invalid_pk_value": _("“%(pk)s” is not a skill."),
        },
    )
    date = forms.DateField(
        label=_("By"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A date in the future."),
        error_messages={
            "required": _("Give the date you aim for."),
            "invalid": _("Give a date as YYYY-MM-DD."),
        },
    )

    def __init__(
        self,
        *args,
        levels: Sequence[Level],
        skills: QuerySet[Skill],
        goal_count: int = 0,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.levels = {level.key: level for level in levels}
        self.goal_count = goal_count
        self.fields["level"].choices = [
            ("", _("— a set of skills instead —")),
            *(
                (track.name, [(level.key, level.name) for level in group])
                for track, group in groupby(levels, key=lambda level: level.track)
            ),
        ]
        self.fields["skills"].queryset = skills

    def clean_level(self) -> Level | None:
        key = self.cleaned_data["level"]
        return self.levels[key] if key else None

    def clean_skills(self) -> list[Skill]:
        skills = list(self.cleaned_data["skills"])
        if len(skills) > GOAL_SKILLS_MAX:
            raise forms.ValidationError(
                _("Choose at most %(count)d skills."), params={"count": GOAL_SKILLS_MAX}
            )
        return skills

    def clean_date(self) -> datetime.date:
        due = self.cleaned_data["date"]
        today = timezone.localdate()
        if due <= today:
            raise forms.ValidationError(_("Choose a date after today."), code="past")
        if due.year > today.year + DUE_MAX_YEARS:
            raise forms.ValidationError(
                _("Choose a date within %(years)d years."),
                params={"years": DUE_MAX_YEARS},
                code="far",
            )
        return due

    def clean(self) -> dict:
        data = super().clean()
        level, skills = data.get("level"), data.get("skills")
        if "level" in data and "skills" in data:
            if level and skills:
                self.add_error("skills", _("Choose a level or skills, not both."))
            elif not level and not skills:
                self.add_error("level", _("Choose a level, or at least one skill."))
        if self.goal_count >= GOALS_MAX:
            raise forms.ValidationError(
                _("You have %(count)d goals, the most there can be. Delete one first."),
                params={"count": GOALS_MAX},
                code="too_many",
            )
        return data

from django import forms
from django.utils.translation import gettext_lazy as _

from careers.models import Track
from teams.models import CHECKIN_WEEKS_MAX, Role, Team


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=100)
    track = forms.ModelChoiceField(
        label=_("Career framework"),
        queryset=Track.objects.filter(published=True),
        required=False,
        empty_label=_("None for now"),
        to_field_name="slug",
        help_text=_("The track the team adopts as its own; you can change it later."),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the team a name."), code="blank")
        return name


class TrackForm(forms.ModelForm):
    track = forms.ModelChoiceField(
        label=_("Career framework"),
        queryset=Track.objects.filter(published=True),
        required=False,
        empty_label=_("None"),
        to_field_name="slug",
    )

    class Meta:
        model = Team
        fields = ["track"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The choices are slugs: show the team's track by its slug, not its id.
        self.initial["track"] = self.instance.track


class CadenceForm(forms.ModelForm):
    checkin_weeks = forms.IntegerField(
        label=_("Check-in every (weeks)"),
        min_value=1,
        max_value=CHECKIN_WEEKS_MAX,
        help_text=_("Managers see who is due for a check-in on this cadence."),
    )

    class Meta:
        model = Team
        fields = ["checkin_weeks"]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class SharingForm(forms.Form):
    readiness = forms.BooleanField(
        label=_("My readiness for my current and next level"),
        required=False,
        help_text=_("Seen by the managers, and by members who share their readiness too."),
    )
    progress = forms.BooleanField(
        label=_("My skill progress (proficiency per skill, never my notes)"),
        required=False,
        help_text=_("Seen by the managers, and by members who share their progress too."),
    )
    checkins = forms.BooleanField(
        label=_("My check-ins"),
        required=False,
        help_text=_(
            "Seen by the managers only: when each was, its state and the agreed result. "
            "Ratings and notes stay between you and your reviewer."
        ),
    )
    goals = forms.BooleanField(
        label=_("My goals"), required=False, help_text=_("Seen by the managers only.")
    )

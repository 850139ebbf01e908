"""Profile editing and account deletion forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from accounts.models import YEARS_MAX, Profile, reachable_levels
from accounts.validators import HANDLE_MAX_LENGTH, HANDLE_MIN_LENGTH, handle_format
from careers.models import Level, Track, Transition
from salaries.iso import currency_choices, is_currency


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Level) -> str:
        return f"{obj.track.name}: {obj.name}"


class HandleField(forms.CharField):
    """A handle, lowercased before it is checked."""

    def to_python(self, value: object) -> str:
        return super().to_python(value).lower()


class ProfileForm(forms.ModelForm):
    handle = HandleField(
        label=_("Handle"),
        min_length=HANDLE_MIN_LENGTH,
        max_length=HANDLE_MAX_LENGTH,
        validators=[handle_format],
        help_text=_("Your address on Careerpath: /u/handle/. Lowercase letters, digits, hyphens."),
    )
    track = forms.ModelChoiceField(
        queryset=Track.objects.published(),
        required=False,
        label=_("Track"),
        empty_label=_("— choose a track —"),
        help_text=_("The career ladder you are on."),
    )
    current_level = LevelChoiceField(
        queryset=Level.objects.in_order(),
        required=False,
        label=_("Current level"),
        empty_label=_("— not set —"),
        help_text=_("Where you are now, in your track."),
    )
    target_level = LevelChoiceField(
        queryset=Level.objects.in_order(),
        required=False,
        label=_("Target level"),
        empty_label=_("— not set —"),
        help_text=_(
            "Where you want to go next: a higher level in your track, or one a career "
            "move leads to from your current level."
        ),
    )
    years_experience = forms.IntegerField(
        label=_("Years of experience"),
        required=False,
        min_value=0,
        max_value=YEARS_MAX,
        help_text=_("In software, as a whole number."),
    )

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "handle",
            "track",
            "current_level",
            "target_level",
            "country",
            "currency",
            "language",
            "years_experience",
            "bio",
            "visibility",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5}),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handle"].widget.attrs.update(
            {"autocapitalize": "none", "autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["display_name"].widget.attrs["autocomplete"] = "name"
        self.fields["country"].widget.attrs["autocomplete"] = "country"
        self.fields["country"].help_text = _("Used to compare pay where you work.")
        self.fields["currency"] = forms.ChoiceField(
            label=_("Currency"),
            required=False,
            choices=[("", _("— my country's currency —")), *currency_choices()],
            help_text=_(
                "Pay figures are converted to it at each year's exchange rate. Empty: your "
                "country's currency when rates for it exist, else US dollars."
            ),
        )
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"),
            required=False,
            choices=[
                ("", _("— my browser's language —")),
                *((code, get_language_info(code)["name_local"]) for code, _n in settings.LANGUAGES),
            ],
            help_text=_("The language Careerpath speaks to you in, on every device."),
        )
        # The level lists offer the chosen track's levels only (the target list: those
        # and where its career moves lead), grouped by track (<optgroup>), read in one
        # query. With no track chosen, every track's levels. Only the lists shrink: what
        # is valid is checked in clean(), with a message that says why.
        # Only published tracks' levels are offered (and those already chosen, should
        # their track be unpublished since).
        track_id = self._chosen("track")
        chosen = Q(pk__in=[self.instance.current_level_id, self.instance.target_level_id])
        offered = Level.objects.in_order().filter(Q(track__published=True) | chosen)
        self.fields["track"].queryset = Track.objects.filter(
            Q(published=True) | Q(pk=self.instance.track_id)
        )
        for name in ("current_level", "target_level"):
            self.fields[name].queryset = offered
        levels = list(offered)
        moves = (
            set(
                Transition.objects.filter(from_level__track_id=track_id).values_list(
                    "to_level__track_id", flat=True
                )
            )
            if track_id
            else set()
        )
        for name, track_ids in (
            ("current_level", {track_id}),
            ("target_level", {track_id, *moves}),
        ):
            grouped: dict[str, list[tuple[int, str]]] = {}
            for level in levels:
                if track_id is None or level.track_id in track_ids:
                    grouped.setdefault(level.track.name, []).append((level.pk, level.name))
            field = self.fields[name]
            field.choices = [("", field.empty_label), *grouped.items()]
        # With JavaScript, choosing a track brings its levels at once (htmx swaps the
        # form from the profile page, asked for with the form's values).
        self.fields["track"].widget.attrs.update(
            {
                "hx-get": reverse("accounts:profile"),
                "hx-trigger": "change",
                "hx-include": "closest form",
                "hx-select": "#profile-form",
                "hx-target": "#profile-form",
                "hx-swap": "outerHTML",
            }
        )

    def _chosen(self, name: str) -> int | None:
        """The id chosen for `name`: the submitted one, else the initial one."""
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        value = getattr(value, "pk", value)
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def clean_display_name(self) -> str:
        return " ".join(self.cleaned_data["display_name"].split())

    def clean_currency(self) -> str:
        code = (self.cleaned_data.get("currency") or "").strip().upper()
        if code and not is_currency(code):
            raise forms.ValidationError(_("Choose a currency from the list."))
        return code

    def clean_bio(self) -> str:
        return self.cleaned_data["bio"].strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        track: Track | None = cleaned.get("track")
        current: Level | None = cleaned.get("current_level")
        target: Level | None = cleaned.get("target_level")
        if current is not None:
            if track is None:
                cleaned["track"] = track = current.track
            elif current.track_id != track.pk:
                self.add_error(
                    "current_level",
                    _("%(level)s is not a level of the %(track)s track. Pick one of its levels.")
                    % {"level": current.name, "track": track.name},
                )
                return cleaned
        if target is not None:
            if current is None:
                self.add_error("target_level", _("Set your current level first."))
            elif not reachable_levels(current).filter(pk=target.pk).exists():
                self.add_error(
                    "target_level",
                    _(
                        "%(target)s (%(target_track)s) is not a step up from %(current)s "
                        "(%(current_track)s). Choose a higher level in the same track, or "
                        "one that a career move leads to."
                    )
                    % {
                        "target": target.name,
                        "target_track": target.track.name,
                        "current": current.name,
                        "current_track": current.track.name,
                    },
                )
        return cleaned


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm that it is you."),
    )

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password

"""Forms: the statistics filters (page and API), contributions, and admin uploads."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from careers.models import Level, Track
from salaries import filters
from salaries.iso import WORLDWIDE, country_choices, currency_choices, is_currency
from salaries.models import FIRST_YEAR, Contribution, ExchangeRate, OwnPay, Source, Status
from salaries.plausibility import implausibility
from salaries.regions import Region
from salaries.stats import BASE, BASE_CURRENCY, TOTAL


def _level_choices(levels: list[Level], value: str = "key") -> list:
    """Levels grouped by track, for a <select> with <optgroup>s."""
    groups: dict[Track, list[tuple[str, str]]] = {}
    for level in levels:
        groups.setdefault(level.track, []).append((getattr(level, value), level.name))
    return [(track.name, options) for track, options in groups.items()]


def _limit_year(field: forms.IntegerField, last: int) -> None:
    """A year field's upper bound, known only at run time (validator and widget)."""
    field.max_value = last
    field.validators.append(MaxValueValidator(last))
    field.widget.attrs["max"] = last


class SalaryFilterForm(forms.Form):
    """`?track=&level=&country=&region=&year_from=&year_to=&source=&currency=&pay=`, all
    optional; country, region, currency and pay follow salaries.filters (as the API does).

    Loads its choices in four queries (tracks, levels, sources, currencies) and keeps
    them (`tracks`, `levels`) for the caller. `filters()` gives `salary_stats` kwargs.
    `default_currency` is the currency when none is asked for (the person's own).
    """

    track = forms.ChoiceField(label=_("Track"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    country = forms.CharField(label=_("Country"), required=False, widget=forms.Select)
    region = forms.CharField(label=_("Region"), required=False, widget=forms.Select)
    year_from = forms.IntegerField(label=_("From year"), required=False, min_value=FIRST_YEAR)
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=FIRST_YEAR)
    source = forms.ChoiceField(label=_("Source"), required=False)
    currency = forms.CharField(label=_("Currency"), required=False, widget=forms.Select)
    pay = forms.ChoiceField(
        label=_("Pay"),
        required=False,
        choices=[(BASE, _("Base pay")), (TOTAL, _("Total compensation"))],
    )

    def __init__(self, *args: Any, default_currency: str = BASE_CURRENCY, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_currency = default_currency
        self.tracks: list[Track] = list(Track.objects.all())
        self.levels: list[Level] = list(Level.objects.in_order())
        self.sources: list[Source] = list(Source.objects.all())
        currencies = set(
            ExchangeRate.objects.order_by().values_list("currency", flat=True).distinct()
        )
        currencies.add(BASE_CURRENCY)
        if self.is_bound and self.tracks:
            # Absent filters take their defaults: the first track, in US dollars.
            self.data = self.data.copy()
            self.data.setdefault("track", self.tracks[0].slug)
            self.data.setdefault("currency", default_currency)
        max_year = date.today().year + 1
        _limit_year(self.fields["year_from"], max_year)
        _limit_year(self.fields["year_to"], max_year)
        self.fields["track"].choices = [(t.slug, t.name) for t in self.tracks]
        self.fields["level"].choices = [("", _("All levels")), *self._level_slug_choices()]
        self.fields["country"].widget.choices = [("", _("All countries")), *country_choices()]
        self.fields["region"].widget.choices = [("", _("All regions")), *Region.choices]
        self.fields["source"].choices = [("", _("All sources"))] + [
            (s.name, s.name) for s in self.sources
        ]
        asked = str(self.data.get("currency", "")).strip().upper() if self.is_bound else ""
        if is_currency(asked):
            currencies.add(asked)  # any ISO code is accepted, as by the API
        if is_currency(default_currency):
            currencies.add(default_currency)
        self.fields["currency"].widget.choices = [(c, c) for c in sorted(currencies)]

    def _level_slug_choices(self) -> list:
        # Each option's value is the level's slug; its track comes from the track field.
        groups: dict[int, tuple[str, list]] = {}
        for level in self.levels:
            groups.setdefault(level.track_id, (level.track.name, []))[1].append(
                (level.slug, level.name)
            )
        return list(groups.values())

    def clean_track(self) -> Track | None:
        slug = self.cleaned_data["track"]
        return next((t for t in self.tracks if t.slug == slug), None)

    def clean_source(self) -> Source | None:
        name = self.cleaned_data["source"]
        return next((s for s in self.sources if s.name == name), None)

    def clean_currency(self) -> str:
        return filters.clean_currency(self.cleaned_data["currency"], self.default_currency)

    def clean_country(self) -> str | None:
        return filters.clean_country(self.cleaned_data["country"])

    def clean_region(self) -> str | None:
        return filters.clean_region(self.cleaned_data["region"])

    def clean_pay(self) -> str:
        return self.cleaned_data["pay"] or BASE

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        slug = data.get("level")
        data["level"] = None
        if slug:
            track = data.get("track")
            if track is None:
                if "track" not in self.errors:
                    self.add_error("level", _("Choose a track for this level."))
            else:
                level = next(
                    (lv for lv in self.levels if lv.track_id == track.pk and lv.slug == slug),
                    None,
                )
                if level is None:
                    self.add_error("level", _("This level is not in the chosen track."))
                else:
                    data["level"] = level
        try:
            filters.check_years(data.get("year_from"), data.get("year_to"))
        except forms.ValidationError as error:
            self.add_error("year_to", error)
        try:
            filters.check_place(data.get("country"), data.get("region"))
        except forms.ValidationError as error:
            self.add_error("region", error)
        return data

    def filters(self) -> dict[str, Any]:
        """The valid filters as `salary_stats` keyword arguments (bad ones left out)."""
        data = getattr(self, "cleaned_data", {})
        result: dict[str, Any] = {}
        for name in ("track", "level", "country", "region", "year_from", "year_to", "source"):
            if name not in self.errors and data.get(name) not in (None, ""):
                result[name] = data[name]
        result["currency"] = (
            data.get("currency") if "currency" not in self.errors else None
        ) or self.default_currency
        result["pay"] = data.get("pay") or BASE
        return result


class ContributionForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Your role and level"),
        help_text=_("The level in Careerpath's ladders that matches your job best."),
    )
    country = forms.ChoiceField(label=_("Country you work in"))
    currency = forms.ChoiceField(label=_("Currency"), initial=BASE_CURRENCY)
    amount = forms.DecimalField(
        label=_("Gross annual pay"),
        help_text=_("Base pay before tax, for a full year, without bonus or equity."),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("999999999999.99"),
    )
    bonus = forms.DecimalField(
        label=_("Bonus for the year (optional)"),
        help_text=_("In the same currency; 0 if none. Leave empty if you do not know."),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("999999999999.99"),
    )
    equity = forms.DecimalField(
        label=_("Equity vesting in the year (optional)"),
        help_text=_(
            "Its value when granted, per year, in the same currency; 0 if none. Leave empty "
            "if you do not know."
        ),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("999999999999.99"),
    )
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR)

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.levels = list(Level.objects.in_order())
        this_year = date.today().year
        _limit_year(self.fields["year"], this_year)
        self.fields["year"].initial = this_year
        self.fields["level"].choices = [("", _("Choose…")), *_level_choices(self.levels)]
        self.fields["country"].choices = [("", _("Choose…"))] + [
            (code, name) for code, name in country_choices() if code != WORLDWIDE
        ]
        self.fields["currency"].choices = currency_choices()

    def clean_level(self) -> Level:
        key = self.cleaned_data["level"]
        level = next((lv for lv in self.levels if lv.key == key), None)
        if level is None:
            raise forms.ValidationError(_("Choose a level from the list."))
        return level

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].upper()
        if not is_currency(code):
            raise forms.ValidationError(_("Choose a currency from the list."))
        return code

    def clean(self) -> dict[str, Any]:
        """An implausible amount (salaries.plausibility) is only accepted once the person
        ticks the box that appears with the reason; `implausible` keeps the reason."""
        data = super().clean()
        self.implausible = ""
        if self.errors or not all(data.get(k) for k in ("level", "country", "currency")):
            return data
        if data.get("amount") is None or data.get("year") is None:
            return data
        verdict = implausibility(
            data["amount"],
            currency=data["currency"],
            year=data["year"],
            level=data["level"],
            country=data["country"],
        )
        self.implausible = reason = verdict.reason
        if verdict.ask and not self._confirmed():
            self.fields["confirm"] = forms.BooleanField(
                label=_("Yes, this amount is right"), required=False
            )
            self.add_error(
                "confirm",
                _(
                    "This amount looks unusual: %(reason)s. Check it (a gross amount for a "
                    "full year, in the currency chosen), then tick the box to send it as it "
                    "is; a moderator will see why it was flagged."
                )
                % {"reason": reason},
            )
        return data

    def _confirmed(self) -> bool:
        return str(self.data.get("confirm", "")).lower() in ("on", "true", "1", "yes")

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        already = (
            Contribution.objects.for_user(self.user)
            .exclude(status=Status.REJECTED)
            .filter(year=year)
            .exists()
        )
        if already:
            raise forms.ValidationError(
                _("You have already shared your pay for %(year)s: one submission a year."),
                params={"year": year},
            )
        return year


class OwnPayForm(forms.ModelForm):
    """My own pay, private (salaries.models.OwnPay)."""

    currency = forms.ChoiceField(label=_("Currency"))
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR)
    amount = forms.DecimalField(
        label=_("Gross annual pay"),
        help_text=_("Before tax, for a full year. Only you see it; it is in no statistic."),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("999999999999.99"),
    )

    class Meta:
        model = OwnPay
        fields = ["amount", "currency", "year"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = date.today().year
        _limit_year(self.fields["year"], this_year)
        self.fields["year"].initial = this_year
        self.fields["currency"].choices = currency_choices()

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].upper()
        if not is_currency(code):
            raise forms.ValidationError(_("Choose a currency from the list."))
        return code


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Careerpath's salary CSV, ai-jobs.net's format or BLS OEWS \"all data\" (the "
            "release from the file's name), UTF-8 with a header row."
        ),
    )
    source = forms.CharField(
        label=_("Source name"),
        required=False,
        max_length=200,
        help_text=_("Created if new. Default: ai-jobs.net for that format, else the file's name."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check and report, write nothing"), required=False
    )
    force = forms.BooleanField(
        label=_("Import even if this file was already imported into that source"),
        required=False,
    )


class RatesUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns currency,year,rate_to_usd (one unit of the currency in US dollars)."),
    )
    dry_run = forms.BooleanField(label=_("Dry run: check and report only"), required=False)

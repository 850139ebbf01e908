"""Salary pages: statistics with filters and charts; contributing one's own pay."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.pages import render_page
from core.versions import CONTENT, SALARIES
from salaries import moderation
from salaries.charts import range_chart
from salaries.forms import ContributionForm, OwnPayForm, SalaryFilterForm
from salaries.iso import WORLDWIDE, country_name
from salaries.market import market_figures
from salaries.models import MIN_GROUP_SIZE, Contribution, OwnPay
from salaries.regions import Region
from salaries.stats import (
    BASE_CURRENCY,
    display_currency,
    published_figures,
    salary_stats,
    sources_with_counts,
    stats_by_country,
    stats_by_level,
)

COUNTRIES_SHOWN = 20


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """`/salaries/`: statistics for the filters, per level and per country, with sources.
    Ten queries whatever the data's size; none while the page is cached (until salary
    data or content changes)."""
    return render_page(
        request,
        "salaries/index.html",
        lambda: index_context(request),
        scopes=[CONTENT, SALARIES],
    )


def index_context(request: HttpRequest) -> dict:
    form = SalaryFilterForm(request.GET, default_currency=visitor_currency(request))
    form.is_valid()  # bad filters show their errors and are left out
    filters = form.filters()
    track = filters.get("track") or (form.tracks[0] if form.tracks else None)
    sources = sources_with_counts()
    context: dict = {"form": form, "track": track, "sources": sources, "min_group": MIN_GROUP_SIZE}
    if track is None:
        return context

    level = filters.get("level")
    currency = filters["currency"]
    pay = filters["pay"]
    common = {
        "year_from": filters.get("year_from"),
        "year_to": filters.get("year_to"),
        "source": filters.get("source"),
        "currency": currency,
    }
    country = filters.get("country")
    region = filters.get("region")
    headline = salary_stats(
        track=track, level=level, country=country, region=region, pay=pay, **common
    )
    levels = [lv for lv in form.levels if lv.track_id == track.pk]
    by_level = stats_by_level(
        track, levels=levels, country=country, region=region, pay=pay, **common
    )
    if country and country != WORLDWIDE:
        place_label = country_name(country)
    elif region:
        place_label = str(Region(region).label)
    else:
        place_label = _("worldwide (all countries)")

    figures = published_figures(
        track=track, level=level, country=country, include_untracked=True, **common
    )
    markers = [
        (f"{f.point.source.name} {f.point.get_statistic_display()}", f.value)
        for f in figures
        if f.point.track_id == track.pk and f.value is not None
    ]
    level_chart = range_chart(
        [(ls.level.name, ls.stats, ls.level == level) for ls in by_level], currency, markers
    )

    # The country comparison: the chosen level, else the level with the most points.
    compare_level = level
    if compare_level is None and any(ls.stats.count for ls in by_level):
        compare_level = max(by_level, key=lambda ls: ls.stats.count).level
    countries, hidden_countries, country_chart = [], 0, None
    if compare_level is not None:
        all_countries = stats_by_country(compare_level, pay=pay, **common)
        shown = [c for c in all_countries if not c.stats.suppressed]
        countries = shown[:COUNTRIES_SHOWN]
        hidden_countries = len(all_countries) - len(countries)
        country_chart = range_chart(
            [(c.name, c.stats, c.country == country) for c in countries], currency
        )

    query = request.GET.copy()
    query.pop("level", None)
    query["track"] = track.slug
    context.update(
        {
            "filters": filters,
            "query_base": query.urlencode() + "&",
            "country_label": country_name(country) if country else "",
            "place_label": place_label,
            "level": level,
            "country": country,
            "currency": currency,
            "pay": pay,
            "headline": headline,
            # Official U.S. figures for the whole occupation: beside, never mixed in.
            "market": market_figures(track),
            "by_level": by_level,
            "level_chart": level_chart,
            "figures": figures,
            "compare_level": compare_level,
            "countries": countries,
            "hidden_countries": hidden_countries,
            "country_chart": country_chart,
        }
    )
    return context


def visitor_currency(request: HttpRequest) -> str:
    """The currency a signed-in person sees pay in (their profile's, else their
    country's), else USD."""
    profile = getattr(request.user, "profile", None) if request.user.is_authenticated else None
    if profile is None:
        return BASE_CURRENCY
    return display_currency(profile.currency, profile.country.code or None)


@login_required
def contribute(request: HttpRequest) -> HttpResponse:
    """`/salaries/contribute/`: share my pay; see and withdraw my pending submissions."""
    profile = getattr(request.user, "profile", None)
    initial = {"currency": visitor_currency(request)}
    if profile is not None and profile.country:
        initial["country"] = profile.country.code
    form = ContributionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moderation.submit(
                request.user,
                level=data["level"],
                country=data["country"],
                currency=data["currency"],
                amount=data["amount"],
                year=data["year"],
                bonus=data.get("bonus"),
                equity=data.get("equity"),
                implausible=form.implausible,
            )
        except IntegrityError:  # a second submission for the year, sent at the same time
            form.add_error(
                "year",
                _("You have already shared your pay for %(year)s: one submission a year.")
                % {"year": data["year"]},
            )
        else:
            messages.success(
                request,
                _(
                    "Thank you. Your pay for %(year)s waits for a moderator; once approved it "
                    "counts in the statistics without any link to your account."
                )
                % {"year": data["year"]},
            )
            return redirect("salaries:contribute")
    contributions = Contribution.objects.for_user(request.user).select_related(
        "data_point__level__track"
    )
    context = {"form": form, "contributions": contributions}
    return render(request, "salaries/contribute.html", context)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw one of my own pending submissions (anyone else's is a 404)."""
    contribution = get_object_or_404(Contribution.objects.for_user(request.user).pending(), pk=pk)
    year = contribution.year
    moderation.withdraw(contribution)
    messages.success(request, _("Your submission for %(year)s was withdrawn.") % {"year": year})
    return redirect("salaries:contribute")


@login_required
def my_pay(request: HttpRequest) -> HttpResponse:
    """`/salaries/my-pay/`: record, change or delete my own pay (private: shown only to
    me, on my dashboard and level page, never in any statistic)."""
    own = OwnPay.objects.for_user(request.user).first()
    if request.method == "POST" and "delete" in request.POST:
        if own is not None:
            own.delete()
            messages.success(request, _("Your pay was deleted."))
        return redirect("salaries:my_pay")
    initial = {} if own is not None else {"currency": visitor_currency(request)}
    form = OwnPayForm(request.POST or None, instance=own, initial=initial)
    if request.method == "POST" and form.is_valid():
        pay = form.save(commit=False)
        pay.user = request.user
        pay.save()
        messages.success(request, _("Your pay was saved. Only you can see it."))
        return redirect("dashboard:index")
    return render(request, "salaries/my_pay.html", {"form": form, "own": own})

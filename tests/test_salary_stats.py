"""Salary statistics in the database: percentiles, suppression, filters, conversion."""

import statistics
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salaries.models import ExchangeRate, SalaryDataPoint, Statistic, Status
from salaries.stats import (
    PercentileCont,
    PercentilesCont,
    interpolate,
    level_pay,
    published_figures,
    salary_stats,
    stats_by_country,
    stats_by_level,
)
from tests.salary_support import add_points, level


def expected(values: list[float]) -> tuple[float, float, float, float]:
    """NumPy-style linear interpolation (the 'inclusive' method), computed in Python."""
    p25, median, p75 = statistics.quantiles(values, n=4, method="inclusive")
    return p25, median, p75, statistics.fmean(values)


CRAFTED = [
    [50_000, 60_000, 70_000, 80_000, 90_000],
    [41_000, 43_500, 47_250, 60_000, 61_000, 200_000],
    [100_000] * 5 + [100_000.5, 300_000],
    [12_345.67, 98_765.43, 55_555.55, 77_777.77, 33_333.33, 44_444.44, 66_666.66, 1_000_000],
    list(range(10_000, 1_010_000, 10_000)),  # 100 points
]


@pytest.mark.parametrize("values", CRAFTED, ids=lambda v: f"{len(v)}-points")
def test_percentiles_equal_linear_interpolation(salary_tracks, values):
    senior = level("backend", "senior")
    add_points(senior, values)

    stats = salary_stats(track="backend", level="senior")

    p25, median, p75, mean = expected([float(v) for v in values])
    assert stats.count == len(values)
    assert stats.suppressed is False
    assert stats.p25 == pytest.approx(p25, abs=0.01)
    assert stats.median == pytest.approx(median, abs=0.01)
    assert stats.p75 == pytest.approx(p75, abs=0.01)
    assert stats.mean == pytest.approx(mean, abs=0.01)
    assert stats.currency == "USD"


def test_an_even_count_interpolates_between_the_middle_two(salary_tracks):
    add_points(level("backend", "junior"), [10, 20, 30, 40, 50, 60])

    stats = salary_stats(track="backend", level="junior")

    # positions (n-1)·q: 1.25 → 22.5, 2.5 → 35, 3.75 → 47.5
    assert (stats.p25, stats.median, stats.p75) == (22.5, 35.0, 47.5)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.decimals(min_value=1, max_value=5_000_000, places=2, allow_nan=False),
        min_size=5,
        max_size=40,
    )
)
def test_percentiles_match_interpolation_for_any_amounts(salary_tracks, amounts):
    SalaryDataPoint.objects.all().delete()
    add_points(level("backend", "middle"), amounts)

    stats = salary_stats(level=level("backend", "middle"))

    values = sorted(float(a) for a in amounts)
    assert stats.p25 == pytest.approx(interpolate(values, 0.25), abs=0.01)
    assert stats.median == pytest.approx(statistics.median(values), abs=0.01)
    assert stats.p75 == pytest.approx(interpolate(values, 0.75), abs=0.01)


def test_groups_under_five_points_are_suppressed(salary_tracks):
    lead = level("backend", "lead")
    add_points(lead, [100_000, 110_000, 120_000, 130_000])

    four = salary_stats(level=lead)
    assert four.count == 4
    assert four.suppressed is True
    assert (four.p25, four.median, four.p75, four.mean) == (None, None, None, None)
    assert four.as_dict()["count"] == 4

    add_points(lead, [140_000])
    five = salary_stats(level=lead)
    assert five.suppressed is False
    assert five.median == 120_000


def test_only_approved_individual_points_count(salary_tracks):
    senior = level("backend", "senior")
    add_points(senior, [100, 200, 300, 400, 500])
    add_points(senior, [1_000_000] * 3, status=Status.PENDING)
    add_points(senior, [1_000_000] * 3, status=Status.REJECTED)
    add_points(senior, [999_999], statistic=Statistic.MEAN)
    add_points(senior, [1], statistic=Statistic.MEDIAN)

    stats = salary_stats(level=senior)

    assert stats.count == 5
    assert stats.median == 300
    assert stats.mean == 300


def test_every_filter_narrows_the_points(salary_tracks):
    senior = level("backend", "senior")
    junior = level("backend", "junior")
    add_points(senior, [100] * 5, country="DE", year=2022, source_name="A")
    add_points(senior, [200] * 5, country="US", year=2023, source_name="B")
    add_points(junior, [300] * 5, country="US", year=2024, source_name="A")
    add_points(level("devops", "devops-engineer"), [400] * 5)

    assert salary_stats().count == 20
    assert salary_stats(track="backend").count == 15
    assert salary_stats(track=salary_tracks["backend"], level="senior").count == 10
    assert salary_stats(level=junior).median == 300
    assert salary_stats(country="de").median == 100
    assert salary_stats(year_from=2023, track="backend").count == 10
    assert salary_stats(year_to=2022).median == 100
    assert salary_stats(year_from=2023, year_to=2023).median == 200
    assert salary_stats(source="A").count == 10
    assert salary_stats(source="B", country="DE").count == 0


@pytest.fixture
def rates(db):
    ExchangeRate.objects.bulk_create(
        [
            ExchangeRate(currency="EUR", year=2023, rate_to_usd=Decimal("1.10")),
            ExchangeRate(currency="EUR", year=2024, rate_to_usd=Decimal("1.25")),
            ExchangeRate(currency="GBP", year=2024, rate_to_usd=Decimal("1.50")),
        ]
    )


def test_statistics_convert_each_point_with_its_years_rate(salary_tracks, rates):
    senior = level("backend", "senior")
    add_points(senior, [10_000, 20_000], currency="EUR", year=2023)  # → 11,000 and 22,000 USD
    add_points(senior, [40_000], currency="EUR", year=2024)  # → 50,000 USD
    add_points(senior, [30_000], currency="USD", year=2024)
    add_points(senior, [20_000], currency="GBP", year=2024)  # → 30,000 USD

    usd = salary_stats(level=senior)
    values = [11_000, 22_000, 50_000, 30_000, 30_000]
    p25, median, p75, mean = expected(values)
    assert (usd.p25, usd.median, usd.p75) == pytest.approx((p25, median, p75))
    assert usd.mean == pytest.approx(mean)

    eur = salary_stats(level=senior, currency="eur")
    # In EUR: the EUR points as they are; USD and GBP through the 2024 EUR rate.
    values = [10_000, 20_000, 40_000, 30_000 / 1.25, 20_000 * 1.5 / 1.25]
    p25, median, p75, mean = expected(values)
    assert eur.currency == "EUR"
    assert (eur.p25, eur.median, eur.p75) == pytest.approx((p25, median, p75), abs=0.01)
    assert eur.mean == pytest.approx(mean, abs=0.01)


def test_points_without_a_rate_are_left_out_and_counted(salary_tracks, rates):
    senior = level("backend", "senior")
    add_points(senior, [100, 200, 300, 400, 500])
    add_points(senior, [1_000_000, 2_000_000], currency="JPY")  # no JPY rate at all
    add_points(senior, [5_000], currency="EUR", year=2022)  # no EUR rate for 2022

    stats = salary_stats(level=senior)
    assert stats.count == 5
    assert stats.excluded_without_rate == 3
    assert stats.median == 300
    assert stats.as_dict()["excluded_without_rate"] == 3

    # Into GBP, only 2024 has a rate: the 2024 USD points convert, the rest are left out.
    gbp = salary_stats(level=senior, currency="GBP")
    assert gbp.count == 5
    assert gbp.median == pytest.approx(300 / 1.5, abs=0.01)
    assert salary_stats(level=senior, currency="CHF").count == 0
    assert salary_stats(level=senior, currency="CHF").excluded_without_rate == 8


def test_stats_by_level_is_one_grouped_query_in_rank_order(
    salary_tracks, django_assert_num_queries
):
    backend = salary_tracks["backend"]
    add_points(level("backend", "junior"), [50, 60, 70, 80, 90])
    add_points(level("backend", "senior"), [150, 160, 170, 180, 190, 200])
    add_points(level("backend", "lead"), [300, 310])
    levels = list(backend.levels.order_by("rank"))

    with django_assert_num_queries(2):  # the salary data's version, the grouped query
        rows = stats_by_level(backend, levels=levels)

    assert [r.level.slug for r in rows] == [lv.slug for lv in levels]
    by_slug = {r.level.slug: r.stats for r in rows}
    assert by_slug["junior"] == salary_stats(level=levels[0])
    assert by_slug["senior"].median == 175
    assert by_slug["lead"].count == 2 and by_slug["lead"].suppressed
    assert by_slug["middle"].count == 0 and by_slug["middle"].suppressed


def test_stats_by_country_puts_the_highest_median_first(salary_tracks):
    senior = level("backend", "senior")
    add_points(senior, [100, 110, 120, 130, 140], country="DE")
    add_points(senior, [200, 210, 220, 230, 240], country="US")
    add_points(senior, [999, 999], country="FR")

    rows = stats_by_country(senior)

    assert [(r.country, r.name) for r in rows] == [
        ("US", "United States"),
        ("DE", "Germany"),
        ("FR", "France"),
    ]
    assert rows[0].stats.median == 220
    assert rows[2].stats.suppressed and rows[2].stats.count == 2


def test_level_pay_falls_back_to_worldwide_and_says_so(salary_tracks):
    senior = level("backend", "senior")
    add_points(senior, [100, 110, 120, 130, 140], country="US")
    add_points(senior, [50, 60], country="LT")

    in_us = level_pay(senior, "us")
    assert in_us.fell_back is False
    assert in_us.scope == "country"
    assert in_us.label == "United States"
    assert in_us.stats.median == 120

    in_lt = level_pay(senior, "LT")
    assert in_lt.fell_back is True
    assert in_lt.scope == "worldwide"
    assert in_lt.label == "Worldwide (too few data points for Lithuania)"
    assert in_lt.stats.count == 7

    anywhere = level_pay(senior)
    assert anywhere.label == "Worldwide" and anywhere.fell_back is False


def test_published_figures_are_reference_markers_not_percentiles(salary_tracks, rates):
    backend = salary_tracks["backend"]
    senior = level("backend", "senior")
    add_points(senior, [100, 200, 300, 400, 500])
    add_points(senior, [90_652], statistic=Statistic.MEAN, year=2023, currency="EUR")
    SalaryDataPoint.objects.create(
        source=add_points(senior, [1])[0].source,
        title="Front-end developer",
        country="US",
        currency="USD",
        amount=Decimal("80796"),
        year=2023,
        statistic=Statistic.MEAN,
    )
    SalaryDataPoint.objects.filter(amount=1).delete()

    assert salary_stats(level=senior).median == 300

    figures = published_figures(track=backend, level=senior)
    assert [(f.point.statistic, f.value) for f in figures] == [("mean", 99_717.2)]
    with_others = published_figures(track=backend, include_untracked=True)
    assert {f.point.title for f in with_others} == {"", "Front-end developer"}


def test_the_percentile_aggregates_work_on_their_own(salary_tracks):
    values = [3, 1, 4, 1, 5, 9, 2, 6]
    add_points(level("backend", "junior"), values)
    ordered = sorted(float(v) for v in values)

    row = SalaryDataPoint.objects.aggregate(
        p90=PercentileCont("amount", 0.9),
        several=PercentilesCont("amount", (0.1, 0.5, 0.99)),
    )

    assert row["p90"] == pytest.approx(interpolate(ordered, 0.9))
    assert row["several"] == pytest.approx([interpolate(ordered, f) for f in (0.1, 0.5, 0.99)])
    with pytest.raises(ValueError):
        PercentileCont("amount", 1.5)


def test_statistics_are_cached_until_the_data_changes(
    salary_tracks, django_assert_num_queries, tmp_path
):
    senior = level("backend", "senior")
    add_points(senior, [100, 200, 300, 400, 500])
    assert salary_stats(level=senior).median == 300
    by_level = stats_by_level(salary_tracks["backend"], levels=[senior])
    by_country = stats_by_country(senior)

    with django_assert_num_queries(3):  # the salary data's version, for each
        assert salary_stats(level=senior).median == 300
        assert stats_by_level(salary_tracks["backend"], levels=[senior]) == by_level
        assert stats_by_country(senior) == by_country

    # A single save (the admin) forgets the cache...
    point = SalaryDataPoint.objects.filter(amount=300).get()
    point.amount = Decimal(310)
    point.save()
    assert salary_stats(level=senior).median == 310
    # ...and so does moderation, which updates in bulk.
    from salaries import moderation

    add_points(senior, [1_000_000] * 5, status=Status.PENDING)
    salary_stats(level=senior)
    moderation.approve(SalaryDataPoint.objects.pending_review())
    assert salary_stats(level=senior).count == 10
    # ...and exchange rates.
    add_points(senior, [1_000], currency="EUR")
    assert salary_stats(level=senior).excluded_without_rate == 1
    ExchangeRate.objects.create(currency="EUR", year=2024, rate_to_usd=Decimal("1.2"))
    assert salary_stats(level=senior).excluded_without_rate == 0

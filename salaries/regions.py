"""World regions: every ISO 3166-1 country in exactly one, for the fallback chain.

A level's pay for a person is taken from the narrowest scope with enough data points:
their country, else their region, else worldwide (every country pooled). The regions
are broad labour markets rather than continents: the EU/EEA (one market for work), the
rest of Europe, North America (Canada and the United States), Latin America and the
Caribbean, Asia-Pacific (with Central Asia), and the Middle East and Africa.
Territories go with the market they belong to (Réunion with the EU, Puerto Rico with
the Caribbean); uninhabited ones with the nearest. tests/test_salary_regions.py checks
that every ISO country is in exactly one region.
"""

from __future__ import annotations

from functools import cache

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Region(TextChoices):
    EU_EEA = "eu-eea", _("EU/EEA")
    EUROPE_OTHER = "europe-other", _("Rest of Europe")
    NORTH_AMERICA = "north-america", _("North America")
    LATIN_AMERICA = "latin-america", _("Latin America and the Caribbean")
    ASIA_PACIFIC = "asia-pacific", _("Asia-Pacific")
    MIDDLE_EAST_AFRICA = "middle-east-africa", _("Middle East and Africa")


COUNTRIES: dict[Region, str] = {
    # The 27 EU members, Iceland, Liechtenstein and Norway; the EU's outermost regions
    # that have codes of their own, and Åland.
    Region.EU_EEA: (
        "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
        "IS LI NO AX GF GP MQ RE YT MF"
    ),
    Region.EUROPE_OTHER: (
        "AD AL AM AZ BA BY CH FO GB GE GG GI IM JE MC MD ME MK RS RU SJ SM TR UA VA BV"
    ),
    Region.NORTH_AMERICA: "US CA BM GL PM UM",
    Region.LATIN_AMERICA: (
        "MX GT BZ SV HN NI CR PA CU DO HT JM BS BB TT AG DM GD KN LC VC AI AW BL BQ CW KY "
        "MS PR SX TC VG VI AR BO BR CL CO EC FK GS GY PE PY SR UY VE"
    ),
    Region.ASIA_PACIFIC: (
        "AF AQ AS AU BD BN BT CC CK CN CX FJ FM GU HK HM ID IN IO JP KG KH KI KP KR KZ LA "
        "LK MH MM MN MO MP MV MY NC NF NP NR NU NZ PF PG PH PK PN PW SB SG TH TJ TK TL TM "
        "TO TV TW UZ VN VU WF WS"
    ),
    Region.MIDDLE_EAST_AFRICA: (
        "AE BH EG IL IQ IR JO KW LB OM PS QA SA SY YE AO BF BI BJ BW CD CF CG CI CM CV DJ "
        "DZ EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR MU MW MZ NA NE NG RW SC "
        "SD SH SL SN SO SS ST SZ TD TF TG TN TZ UG ZA ZM ZW"
    ),
}


@cache
def _by_country() -> dict[str, Region]:
    return {code: region for region, codes in COUNTRIES.items() for code in codes.split()}


def region_of(country: str | None) -> Region | None:
    """The region of an ISO 3166-1 alpha-2 code (any case); None for XX and unknown."""
    if not country:
        return None
    return _by_country().get(country.strip().upper())


def countries_in(region: Region | str) -> list[str]:
    """The ISO codes of a region's countries, sorted."""
    return sorted(COUNTRIES[Region(region)].split())

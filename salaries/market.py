"""Official market figures (BLS OEWS) for a track: published estimates of the whole
occupations mapped to it (`OccupationMapping`), all levels together, by area.

Shown beside the level figures as "U.S. market, all levels of the occupation" and
never mixed into them: `salaries.stats` never reads `MarketEstimate`.
"""

import re
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from careers.models import Track
from salaries.models import MarketEstimate, OccupationMapping
from salaries.stats import cached_figures

NATION = "US"
# `US`, a state's or territory's postal code, or a BLS (non)metropolitan area code.
AREA = re.compile(r"[A-Z]{2}|[0-9]{5}|[0-9]{7}")
FIGURES = ("mean", "p10", "p25", "median", "p75", "p90")


def is_area(code: str) -> bool:
    return code.isascii() and bool(AREA.fullmatch(code))


@dataclass(frozen=True, slots=True)
class MarketFigures:
    """The newest release's estimates for a track's occupations in one area."""

    source: str | None = None
    source_url: str = ""
    release: str | None = None
    items: list[MarketEstimate] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # SOC code → how it fits the track

    def as_dict(self) -> dict:
        """The API's answer (docs/interface.md)."""
        return {
            "source": self.source,
            "source_url": self.source_url,
            "release": self.release,
            "items": [
                {
                    "occupation_code": e.occupation_code,
                    "occupation": e.occupation_title,
                    "area": e.area_code,
                    "area_name": e.area_title,
                    "employment": e.employment,
                    **{name: getattr(e, name) for name in FIGURES},
                    "top_coded": list(e.top_coded),
                    "currency": "USD",
                }
                for e in self.items
            ],
        }


def market_figures(track: Track | str, area: str = NATION) -> MarketFigures:
    """The newest release's published estimates, in `area`, of the occupations mapped to
    `track` (an instance or a slug). One query, cached until salary data changes."""
    area = area.upper()

    def compute() -> MarketFigures:
        mappings = OccupationMapping.objects.filter(
            **({"track": track} if isinstance(track, Track) else {"track__slug": track})
        )
        estimates = list(
            MarketEstimate.objects.live()
            .filter(area_code=area, occupation_code__in=mappings.values("soc_code"))
            .annotate(
                note=Subquery(
                    mappings.filter(soc_code=OuterRef("occupation_code")).values("note")[:1]
                )
            )
            .select_related("source")
            .order_by("-year", "occupation_code")
        )
        if not estimates:
            return MarketFigures()
        newest = estimates[0]
        items = [
            e for e in estimates if e.release == newest.release and e.source_id == newest.source_id
        ]
        return MarketFigures(
            source=newest.source.name,
            source_url=newest.source.url,
            release=newest.release,
            items=items,
            notes={e.occupation_code: e.note for e in items if e.note},
        )

    return cached_figures("market", (track, area), compute)

"""A person's check-ins as a history: for each closed one, expectations met as agreed and
the change since the previous closed check-in (read from the frozen snapshots)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from checkins.models import CheckIn


@dataclass(frozen=True)
class HistoryRow:
    checkin: CheckIn
    met: int | None
    total: int | None
    change: int | None  # met now minus met at the previous closed check-in


def history_of(checkins: Iterable[CheckIn]) -> list[HistoryRow]:
    """Newest first; open check-ins have no count yet."""
    ordered = sorted(checkins, key=lambda c: (c.closed_at or c.created_at, c.pk))
    rows: list[HistoryRow] = []
    previous: int | None = None
    for checkin in ordered:
        if checkin.is_closed:
            met = int(checkin.snapshot.get("met", 0))
            change = None if previous is None else met - previous
            rows.append(HistoryRow(checkin, met, int(checkin.snapshot.get("total", 0)), change))
            previous = met
        else:
            rows.append(HistoryRow(checkin, None, None, None))
    rows.reverse()
    return rows

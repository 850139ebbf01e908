from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class SalariesConfig(AppConfig):
    name = "salaries"
    verbose_name = _("Salaries")

    def ready(self) -> None:
        from careers.models import Level, Track
        from core.versions import SALARIES, bump_on_change, user_scope
        from salaries.models import (
            ExchangeRate,
            ImportBatch,
            MarketEstimate,
            OccupationMapping,
            OwnPay,
            SalaryDataPoint,
            Source,
        )
        from salaries.stats import register_sqlite_functions

        # SQLite has no percentile_cont: give every new connection ours (see stats.py).
        connection_created.connect(register_sqlite_functions, dispatch_uid="salaries-sqlite")
        # Cached statistics are computed again when what they read changes. Bulk writes
        # (imports, roll-backs, moderation) call salaries.stats.invalidate() themselves;
        # deliberately no delete signal on data points, so deleting a million stays fast.
        bump_on_change(SALARIES, ExchangeRate, Source, Track, Level)
        bump_on_change(SALARIES, SalaryDataPoint, deletes=False)
        bump_on_change(SALARIES, ImportBatch, OccupationMapping)
        bump_on_change(SALARIES, MarketEstimate, deletes=False)
        # My own pay is on my cached pages (dashboard, my level's page).
        bump_on_change(lambda row: user_scope(row.user_id), OwnPay)

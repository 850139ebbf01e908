from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SalariesConfig(AppConfig):
    name = "salaries"
    verbose_name = _("Salaries")

    def ready(self) -> None:
        from careers.models import Level, Track
        from salaries.models import ExchangeRate, ImportBatch, SalaryDataPoint, Source
        from salaries.stats import register_sqlite_functions

        # SQLite has no percentile_cont: give every new connection ours (see stats.py).
        connection_created.connect(register_sqlite_functions, dispatch_uid="salaries-sqlite")
        # Cached statistics are forgotten when what they are computed from changes. Bulk
        # writes (imports, roll-backs, moderation) call salaries.stats.invalidate themselves;
        # there is deliberately no delete signal on data points, so deletes stay fast.
        for model in (SalaryDataPoint, ExchangeRate, Source, Track, Level):
            post_save.connect(_forget_stats, sender=model, dispatch_uid=f"stats-{model.__name__}")
        for model in (ExchangeRate, Source, Track, Level, ImportBatch):
            post_delete.connect(_forget_stats, sender=model, dispatch_uid=f"stats-{model.__name__}")


def _forget_stats(sender, **kwargs) -> None:
    from salaries.stats import invalidate_on_commit

    invalidate_on_commit()

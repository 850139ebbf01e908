from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class SalariesConfig(AppConfig):
    name = "salaries"
    verbose_name = _("Salaries")

    def ready(self) -> None:
        from salaries.stats import register_sqlite_functions

        # SQLite has no percentile_cont: give every new connection ours (see stats.py).
        connection_created.connect(register_sqlite_functions, dispatch_uid="salaries-sqlite")

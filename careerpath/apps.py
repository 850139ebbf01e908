"""The project's own app: connects the cache invalidation signals (careerpath/pagecache.py)."""

from django.apps import AppConfig


class CareerpathConfig(AppConfig):
    name = "careerpath"
    verbose_name = "Careerpath"

    def ready(self) -> None:
        from careerpath import signals

        signals.connect()

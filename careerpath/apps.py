"""The project's own app: site-wide commands (`load_demo`, `wait_for_db`) and views."""

from django.apps import AppConfig


class CareerpathConfig(AppConfig):
    name = "careerpath"
    verbose_name = "Careerpath"

"""Print a session cookie for the benchmark's signed-in person (for wrk)."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Create a signed-in session for bench-person-1 and print it as a Cookie value."

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.get(username="bench-person-1")
        store_class = import_string(settings.SESSION_ENGINE + ".SessionStore")
        session: SessionBase = store_class()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        self.stdout.write(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")

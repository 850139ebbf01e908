"""The signed-in person, read from the cache instead of the database on each request.

`CachedAuthenticationMiddleware` replaces Django's `AuthenticationMiddleware`. On a cache
miss it asks Django (`django.contrib.auth.get_user`: the session's backend loads the
user, checks it may sign in and verifies the session's password hash) and keeps the user
it returns. On a hit it repeats the checks Django makes on the cached copy: the session
names that user and backend, and its password hash matches the user's current one.

The copy is deleted whenever the user is saved or deleted (a password change, a sign-in's
`last_login`, an admin edit), at once and again after the commit, so a password change
still signs out every other session at once: their next request finds no copy, loads
the user from the database and the hash no longer matches. Caching is on with a shared
cache only (`CACHE_USERS` in settings.py): a per-process copy could not be deleted from
another process.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware, auser
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

TIMEOUT = 600  # seconds; a deleted copy is gone at once, this only bounds memory


def user_key(user_id: object) -> str:
    return f"auth:user:{user_id}"


def forget_user(user_id: object) -> None:
    """Delete the cached copy of a user, now and after the surrounding commit."""
    key = user_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def cached_get_user(request: HttpRequest):
    """The session's user, as `django.contrib.auth.get_user` gives it, cached."""
    session = request.session
    try:
        user_id = session[auth.SESSION_KEY]
        backend_path = session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    user = cache.get(user_key(user_id))
    if user is not None and str(user.pk) == str(user_id):
        session_hash = session.get(auth.HASH_SESSION_KEY)
        if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()):
            user.backend = backend_path
            return user
    user = auth.get_user(request)  # verifies, and flushes a session that no longer holds
    if user.is_authenticated:
        cache.set(user_key(user.pk), user, TIMEOUT)
    return user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if not getattr(settings, "CACHE_USERS", False):
            return super().process_request(request)
        request.user = SimpleLazyObject(lambda: cached_get_user(request))
        request.auser = partial(auser, request)

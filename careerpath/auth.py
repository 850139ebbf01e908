"""The signed-in person, read from the cache instead of the database on each request.

`CachedAuthenticationMiddleware` replaces Django's `AuthenticationMiddleware`. On a cache
miss it asks Django (`django.contrib.auth.get_user`: the session's backend loads the
user, checks it may sign in and verifies the session's password hash) and keeps the user
it returns. On a hit it repeats the checks Django makes on the cached copy: the session
names that user and backend, and its password hash matches the user's current one.

The copy is deleted whenever the user is saved or deleted (a password change, a sign-in's
`last_login`, an admin edit), at once and again after the commit, so a password change
still signs out every other session at once: their next request finds no copy, loads
the user from the database and the hash no longer matches. A cached page
(`careerpath.pagecache`) fetches the copy in the same round trip as the page and offers
it here, to go through the same checks. Caching is on with a shared
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
from django.utils.functional import SimpleLazyObject, empty

TIMEOUT = 600  # seconds; a deleted copy is gone at once, this only bounds memory
_UNREAD = object()


def user_key(user_id: object) -> str:
    return f"auth:user:{user_id}"


def forget_user(user_id: object) -> None:
    """Delete the cached copy of a user, now and after the surrounding commit."""
    key = user_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def session_user_id(request: HttpRequest) -> str | None:
    """The id of the user the session names, not yet checked (None if it names none)."""
    return request.session.get(auth.SESSION_KEY)


def unread_user_key(request: HttpRequest) -> str | None:
    """The cache key of the session's user while `request.user` is not read yet, for a
    caller that reads the cache anyway to fetch it in the same round trip (and hand it
    over with `offer_user`); else None."""
    if not getattr(settings, "CACHE_USERS", False):
        return None
    lazy = request.__dict__.get("user")
    if not isinstance(lazy, SimpleLazyObject) or lazy._wrapped is not empty:
        return None
    user_id = session_user_id(request)
    return None if user_id is None else user_key(user_id)


def offer_user(request: HttpRequest, user: object) -> None:
    """The cached copy under `unread_user_key` (or None), to check instead of reading it."""
    request._offered_user = user


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
    offered = request.__dict__.pop("_offered_user", _UNREAD)
    user = cache.get(user_key(user_id)) if offered is _UNREAD else offered
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

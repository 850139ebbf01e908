"""Rate limit for the API: API_RATE_LIMIT requests a minute per person or address.

A fixed one-minute window counted in Django's cache (`add` then `incr`, atomic in Redis
and in the local-memory cache), so it works with one process or many sharing Redis.
Signed-in callers (token or session) are counted per person, everyone else per IP address.
The address is the one django-allauth's rate limits use (its adapter's `get_client_ip`),
so behind a proxy one setting serves both: ALLAUTH_TRUSTED_CLIENT_IP_HEADER (e.g.
"X-Real-IP") or ALLAUTH_TRUSTED_PROXY_COUNT; without them, REMOTE_ADDR. If the cache
fails, requests are let through rather than refused.
"""

import logging
import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60


def caller_key(request: HttpRequest) -> str:
    user = getattr(request, "auth", None)
    if user is None or not user.is_authenticated:
        user = request.user
    if user.is_authenticated:
        return f"user:{user.pk}"
    try:
        address = get_adapter().get_client_ip(request)
    except Exception:  # no address at all, or a proxy setting that does not match
        address = request.META.get("REMOTE_ADDR", "")
    return f"ip:{address}"


class ApiRateLimit(BaseThrottle):
    def allow_request(self, request: HttpRequest) -> bool:
        limit = settings.API_RATE_LIMIT
        if limit <= 0:
            return True
        window = int(time.time() // WINDOW_SECONDS)
        key = f"api-rate:{caller_key(request)}:{window}"
        try:
            cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
                count = 1
        except Exception:
            logger.warning("API rate limit: the cache is not answering", exc_info=True)
            return True
        return count <= limit

    def wait(self) -> float:
        """Seconds until the current window ends (at least one)."""
        return max(1.0, WINDOW_SECONDS - time.time() % WINDOW_SECONDS)

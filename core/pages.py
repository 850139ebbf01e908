"""Whole pages kept in the cache while the data they show is unchanged (core/versions.py).

    return render_page(request, "skills/roadmap_detail.html", build, scopes=[CONTENT])

renders the template with the context `build()` returns, or serves the HTML kept under
the page's key: the template, the full path (query included), the language, the person
(or nobody) and anything in `vary`, with the current versions of `scopes` and, for a
signed-in person, of their own scope (the header names them; their progress is on the
page). A page rendered for one person is never served to another.

Pages are kept without a CSRF token: a placeholder stands where the template puts
`{{ csrf_token }}`, and each response gets the visitor's own (masked) token, as an
uncached page would. Pages are compressed per response by Django's GZipMiddleware.
While messages wait to be shown the page is rendered afresh and not kept. Pages with a
signed-in person's data are sent `Cache-Control: private, no-store`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

from core import versions
from core.cache import key_for

CSRF_PLACEHOLDER = "csrf-token-placeholder-5c1f0e"


def render_page(
    request: HttpRequest,
    template_name: str,
    build: Callable[[], dict[str, Any]],
    *,
    scopes: Iterable[str],
    vary: Any = None,
    login_required: bool = False,
) -> HttpResponse:
    """The page, from the cache while none of `scopes` (nor the person's own) changed.

    `vary` is anything else the page depends on (e.g. today's date for a page that counts
    days). `login_required` sends anonymous visitors to sign in, as Django's decorator.
    """
    user = request.user
    if login_required and not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    who = user.pk if user.is_authenticated else None
    if not settings.PAGE_CACHE or len(messages.get_messages(request)):
        response = HttpResponse(render_to_string(template_name, build(), request))
    else:
        scopes = [*scopes, versions.user_scope(who)] if who else list(scopes)
        parts = (template_name, request.get_full_path(), who, vary)
        key = key_for("page", parts, versions.current(scopes))
        html = cache.get(key)
        if html is None:
            context = {**build(), "csrf_token": CSRF_PLACEHOLDER}
            html = render_to_string(template_name, context, request)
            cache.set(key, html, settings.CACHED_TIMEOUT)
        if CSRF_PLACEHOLDER in html:
            html = html.replace(CSRF_PLACEHOLDER, get_token(request))
        response = HttpResponse(html)
    if who:
        patch_cache_control(response, private=True, no_store=True)
    return response

"""Rendered page content kept in the cache, under versions bumped when the data changes.

A page's blocks (`title`, `meta_description`, `head`, `content`, `scripts`) are rendered
once and kept under a key made of the page, the language, the person (or "anonymous")
and the current *versions* of every scope the page reads:

- `content`: roadmaps, skills, tracks, levels and their parts. Bumped by save/delete
  signals on those models (admin edits included) and by the roadmap and track imports,
  which write in bulk.
- `salaries`: salary data, the same version the statistics use (`salaries.stats`):
  bumped by imports, roll-backs, approvals and save signals.
- `user:<pk>`: one person's progress, profile and account. Bumped by
  `SkillProgress.objects.record()`, and by save/delete signals on progress, events,
  profiles and the user.

A bump replaces the version with a new random value. Each cached page keeps the versions
it was built from, read in the same round trip as the page: a page whose versions are no
longer current is built again and replaces the old one. Each bump happens at once and
again after the surrounding transaction commits, so a page rendered from data read
before the commit cannot outlive it.

The whole page (header and footer too: they vary only by path, language and whether
someone is signed in, all in the key) is kept beside its blocks, compressed (a signed-in
roadmap page is 0.5 MB of HTML; it compresses about twentyfold, and reading it from
Redis was most of a cached request's time), and served as it is unless messages wait to
be shown: then base.html is rendered around the cached blocks. A browser that accepts
`deflate` (every browser does) gets the page as it is kept, each response with its own
CSRF token put in without compressing again (`careerpath.deflate`); others get it
inflated. Cached blocks hold a placeholder where each browser's own CSRF token goes.

Caching is on with a shared cache (Redis, `CACHE_URL`): a per-process local-memory cache
would keep a page another process changed (`PAGE_CACHE` in settings.py, and
docs/benchmarks.md for what it buys).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.context import make_context
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from careerpath import auth, deflate

CONTENT = "content"
SALARIES = "salaries"
BLOCKS = ("title", "meta_description", "head", "content", "scripts")
CSRF_PLACEHOLDER = "csrf-token-placeholder-5c1f0e"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
_PREFIX = "pagecache"
_FORMAT = 5  # of a cached entry: change it when the entry's shape changes


def user_scope(user_id: int | str) -> str:
    return f"user:{user_id}"


def _version_key(scope: str) -> str:
    if scope == SALARIES:
        from salaries.stats import _VERSION_KEY

        return _VERSION_KEY
    return f"{_PREFIX}:version:{scope}"


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE", False))


def versions(scopes: Iterable[str], also: Iterable[str] = ()) -> tuple[list[str], dict]:
    """The current version of each scope, and whichever keys of `also` are in the cache,
    in one round trip (two when a version has to be made)."""
    keys = [_version_key(scope) for scope in scopes]
    found = cache.get_many([*keys, *also])
    for key in keys:
        if key not in found:
            found[key] = cache.get_or_set(key, lambda: uuid.uuid4().hex, None)
    return [found[key] for key in keys], found


def bump(*scopes: str) -> None:
    """Forget every page built on these scopes, now and again after the commit."""

    def forget() -> None:
        cache.set_many({_version_key(scope): uuid.uuid4().hex for scope in scopes}, None)

    forget()
    transaction.on_commit(forget)


def render_blocks(template_name: str, context: dict[str, Any], request: HttpRequest) -> dict:
    """The named blocks a page template defines, each rendered to a string."""
    template = get_template(template_name).template
    blocks = {node.name: node for node in template.nodelist.get_nodes_by_type(BlockNode)}
    bound = make_context(context, request)
    with bound.bind_template(template):
        return {name: blocks[name].nodelist.render(bound) for name in BLOCKS if name in blocks}


def render_page(
    request: HttpRequest,
    template_name: str,
    build: Callable[[], dict[str, Any]],
    *,
    scopes: Iterable[str],
    vary: Any = None,
    login_required: bool = False,
) -> HttpResponse:
    """Render `template_name` (which extends base.html) with the context `build()` makes,
    its blocks served from the cache while none of `scopes` changed.

    The key holds the full path (query included), the language and the person, so a page
    rendered for one person is never shown to another. `vary` is anything else the page
    depends on (e.g. today's date for a page that counts days). `login_required` sends
    anonymous visitors to sign in, as Django's decorator does, but after the round trip
    that checks the user (the decorator would read the user on its own first).
    """
    scopes = list(scopes)
    if not enabled():
        if login_required and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return render(request, template_name, build())
    # The person the session names, while the user is not read yet: their cached copy
    # comes in the same round trip as the page, and is checked before the page is used.
    user_key = auth.unread_user_key(request)
    who = auth.session_user_id(request) if user_key else _person(request)
    page_scopes = [*scopes]
    if who is not None:
        page_scopes.append(user_scope(who))  # the header and anything personal
    parts = (template_name, request.get_full_path(), get_language(), who or "anonymous", vary)
    key = f"{_PREFIX}:page:{_FORMAT}:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    html_key, blocks_key = key + ":html", key + ":blocks"
    quiet = not _has_messages(request)
    # Entries keep the versions they were built from; one round trip reads both.
    also = [html_key] if quiet else []
    current, found = versions(page_scopes, also=[*also, user_key] if user_key else also)
    if user_key:
        auth.offer_user(request, found.get(user_key))
        if _person(request) != who:  # the session no longer holds: signed out, say
            again = {"scopes": scopes, "vary": vary, "login_required": login_required}
            return render_page(request, template_name, build, **again)
    if login_required and who is None:
        return redirect_to_login(request.get_full_path())
    entry = found.get(html_key)
    if entry is not None and entry[0] == current:
        return _packed_response(request, entry[1])
    entry = cache.get(blocks_key)
    if entry is not None and entry[0] == current:
        blocks = entry[1]
    else:
        context = build()
        context["csrf_token"] = CSRF_PLACEHOLDER
        blocks = render_blocks(template_name, context, request)
        cache.set(blocks_key, (current, blocks), settings.PAGE_CACHE_TIMEOUT)
    page = {name: mark_safe(html) for name, html in blocks.items()}  # noqa: S308  (rendered and escaped by our templates)
    context = {"page": page, "csrf_token": CSRF_PLACEHOLDER}
    html = render(request, "cached_page.html", context).content
    packed = deflate.pack(html, _PLACEHOLDER_BYTES) if quiet else None
    if packed is None:  # messages shown, or a page the stream cannot hold
        return HttpResponse(_with_token(request, html))
    # The whole page, header and footer too, is the same for the next request.
    cache.set(html_key, (current, packed), settings.PAGE_CACHE_TIMEOUT)
    return _packed_response(request, packed)


def _person(request: HttpRequest) -> str | None:
    """The signed-in user's id, as the session keeps it (None when anonymous)."""
    user = getattr(request, "user", None)
    return str(user.pk) if user is not None and user.is_authenticated else None


def _has_messages(request: HttpRequest) -> bool:
    """Are messages waiting to be shown (without marking them shown)?"""
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _packed_response(request: HttpRequest, packed: deflate.Packed) -> HttpResponse:
    """The page as it is kept, compressed, to a browser that accepts it; else inflated."""
    token = get_token(request).encode() if packed.runs else b""
    if deflate.accepts_deflate(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(packed.deflated(token))
        response["Content-Encoding"] = "deflate"
    else:
        response = HttpResponse(packed.inflated(token))
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _with_token(request: HttpRequest, html: bytes) -> bytes:
    """The page with this browser's own CSRF token where the placeholder is."""
    if _PLACEHOLDER_BYTES not in html:
        return html
    return html.replace(_PLACEHOLDER_BYTES, get_token(request).encode())

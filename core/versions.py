"""Versioned scopes: what a cached result was computed from, and when that changed.

A *scope* names a body of data: `content` (roadmaps, skills, tracks, levels), `salaries`
(salary data, rates, sources) or `user:<pk>` (one person's progress, profile and
account). Each scope has a version, a random value replaced whenever its data changes.
Anything cached (a computation in core/cache.py, a page in core/pages.py) is kept under
the versions of the scopes it read, so a change makes the next read compute afresh and
nothing has to be deleted.

Versions live in the database (`ScopeVersion`), not in the cache:
- a bump is part of the writer's transaction: readers see the new data and the new
  version together, at commit, and a rolled-back write bumps nothing;
- every process reads the same version, so results may be kept in a per-process cache
  (the default, local memory) as safely as in Redis: an entry under an old version is
  never read again.
Readers take the versions *before* reading the data they cache (`cached()` and
`render_page()` do), so data read after a commit can only be stored under the old
version, where nobody looks.

Within one request the versions are read once and remembered (a bump forgets them): a
page that reads several cached results costs one query for all of them. That is safe for
the same reason: whatever is computed later is stored under the versions read earlier.

Each app says what invalidates it in its own `AppConfig.ready()` with `bump_on_change()`;
writes that send no signals (bulk imports, `QuerySet.update()`) call `bump()` themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.models import ScopeVersion

CONTENT = "content"
SALARIES = "salaries"


# The versions read during the current request; None outside requests (commands, tasks).
_seen: ContextVar[dict[str, str] | None] = ContextVar("core_versions_seen", default=None)


def _start_remembering(**kwargs: Any) -> None:
    _seen.set({})


def _stop_remembering(**kwargs: Any) -> None:
    _seen.set(None)


request_started.connect(_start_remembering, dispatch_uid="core-versions-start")
request_finished.connect(_stop_remembering, dispatch_uid="core-versions-finish")


def user_scope(user_id: int | str) -> str:
    """The scope of one person's own data (progress, profile, account)."""
    return f"user:{user_id}"


def current(scopes: Sequence[str]) -> tuple[str, ...]:
    """The current version of each scope, in order: one query (none for scopes already
    read in this request; one more the first time a scope is seen, which creates it;
    `content` and `salaries` exist from the first migration)."""
    seen = _seen.get()
    found = {scope: seen[scope] for scope in scopes if scope in seen} if seen else {}
    wanted = [scope for scope in scopes if scope not in found]
    if wanted:
        rows = ScopeVersion.objects.using(DEFAULT_DB_ALIAS)
        found.update(rows.filter(scope__in=wanted).values_list("scope", "value"))
        missing = {scope: uuid.uuid4().hex for scope in wanted if scope not in found}
        if missing:
            # Should another process create the same scope at the same moment, its value
            # is kept and ours is used for this request only: a key nobody reads again.
            rows.bulk_create(
                [ScopeVersion(scope=scope, value=value) for scope, value in missing.items()],
                ignore_conflicts=True,
            )
            found.update(missing)
        if seen is not None:
            seen.update(found)
    return tuple(found[scope] for scope in scopes)


def bump(*scopes: str) -> None:
    """Give each scope a new version, in the caller's transaction (one statement)."""
    if scopes:
        if _seen.get() is not None:
            _seen.set({})  # read them again after this write
        ScopeVersion.objects.using(DEFAULT_DB_ALIAS).bulk_create(
            [ScopeVersion(scope=scope, value=uuid.uuid4().hex) for scope in sorted(set(scopes))],
            update_conflicts=True,
            unique_fields=["scope"],
            update_fields=["value"],
        )


ScopeOf = str | Callable[[Any], "str | None"]


def bump_on_change(
    scope: ScopeOf, *models: type[Model], deletes: bool = True, m2m: Iterable[Any] = ()
) -> None:
    """Bump `scope` whenever one of `models` is saved or deleted (or an m2m relation in
    `m2m`, given by its `through` model, changes). `scope` is a scope name, or a function
    of the changed instance returning one (or None for nothing to bump). `deletes=False`
    leaves deletes unwatched, for models deleted in bulk by code that bumps by itself
    (a delete receiver makes Django fetch every row before deleting it)."""

    def changed(sender: type[Model], instance: Any = None, **kwargs: Any) -> None:
        if kwargs.get("action", "post_").startswith("pre_"):
            return  # m2m_changed: only once the relation has changed
        name = scope if isinstance(scope, str) else scope(instance)
        if name is not None:
            bump(name)

    label = scope if isinstance(scope, str) else f"{scope.__module__}.{scope.__qualname__}"
    for model in models:
        uid = f"core-versions:{label}:{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":save")
        if deletes:
            post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":delete")
    for through in m2m:
        uid = f"core-versions:{label}:{through._meta.label}:m2m"
        m2m_changed.connect(changed, sender=through, weak=False, dispatch_uid=uid)

"""Computations cached under the versions of the data they read (see core/versions.py).

    figures = cached("salary-stats", (filters, currency), [SALARIES], compute)

returns `compute()`'s result, kept in Django's default cache (local memory per process,
or Redis) under a key made of the name, the parts, the active language and the current
versions of `scopes`. A change to any scope gives a new key: no entry is ever stale, so
nothing is deleted, and the timeout only bounds how long an unused entry takes room.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from core import versions

T = TypeVar("T")

_MISSING = object()


def key_for(name: str, parts: Any, stamp: Sequence[str]) -> str:
    """The cache key of a result: readable name, digest of what it depends on."""
    digest = hashlib.sha256(repr((parts, get_language(), tuple(stamp))).encode()).hexdigest()
    return f"{name}:{digest}"


def cached(  # noqa: UP047  (kept to the syntax every tool reads)
    name: str,
    parts: Any,
    scopes: Sequence[str],
    compute: Callable[[], T],
    *,
    timeout: int | None = None,
) -> T:
    """`compute()`, or its result kept under `name`, `parts` and the versions of `scopes`.

    `parts` must be reprs of plain values (ids, slugs, strings, numbers, tuples of them).
    """
    key = key_for(name, parts, versions.current(scopes))
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, settings.CACHED_TIMEOUT if timeout is None else timeout)
    return value

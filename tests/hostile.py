"""Hostile values for the property tests (tests/test_hostile_*.py), and their checks.

`TEXT` is what a person can type or a script can send through a form: arbitrary
Unicode (no lone surrogates: a form body is UTF-8), NUL bytes, very long strings,
numbers far out of range and the special floats. `JSON_VALUE` adds what only JSON can
carry: lone surrogates, nested values, every type in place of every other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import models, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Deterministic (CI runs the same examples each time) and quick.
FAST = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 10,
    "x" * 100_000,
    "9" * 5_000,  # past Python's 4,300-digit limit for int()
    "1" + "0" * 30,
    "-1",
    "0",
    "-0",
    "1e309",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "0.0000000000001",
    "1.5",
    "٣٤",  # Arabic-Indic digits: int() reads them
    "１２",  # full-width digits
    "\u202eevil",
    "\ufeff",
    "🙂" * 50,
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "\r\n\t",
]

TEXT = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=300), st.integers().map(str))

# Lone surrogates: only JSON's \ud800 escapes can carry them.
SURROGATES = st.sampled_from(["\ud800", "a\udfffb", "\udc00" * 3])

JSON_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**30, -(10**30), 2**63, -1]),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
    SURROGATES,
)
JSON_VALUE = st.recursive(
    JSON_SCALAR,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=6,
)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one example in a savepoint that is always rolled back, so examples do not
    see each other's writes."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assert_clean_text(value: object, max_length: int | None = None) -> None:
    """What is stored is valid text: no NUL, no lone surrogate, within its length."""
    if value is None:
        return
    assert isinstance(value, str), value
    assert "\x00" not in value
    value.encode("utf-8")  # raises on a lone surrogate
    if max_length is not None:
        assert len(value) <= max_length, len(value)


def assert_clean_rows(queryset: models.QuerySet, names: Iterable[str] | None = None) -> None:
    """Every stored row's text fields are clean and within their max_length, every
    integer and decimal within its field's range."""
    model = queryset.model
    for obj in queryset:
        for f in model._meta.concrete_fields:
            if names is not None and f.name not in names:
                continue
            value = getattr(obj, f.attname)
            value = getattr(value, "code", value)  # a django-countries Country
            if isinstance(f, models.CharField | models.TextField):
                assert_clean_text(value, f.max_length)
            elif isinstance(f, models.PositiveIntegerField | models.PositiveSmallIntegerField):
                assert value is None or 0 <= value <= 2_147_483_647, (f.name, value)
            elif isinstance(f, models.DecimalField) and value is not None:
                assert value.is_finite(), (f.name, value)
                assert len(value.as_tuple().digits) <= f.max_digits, (f.name, value)

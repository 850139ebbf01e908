"""JSON files checked by pydantic models: every problem at once, each located by its path.

A file format is a tree of `FileModel`s (strict types, no unknown keys) whose fields use
the constraints here (`Slug`, `Text`, `Exactly`, `OneOf`, `Whole`, `HttpUrl`). `check()`
validates a parsed file and turns pydantic's errors into `Problem`s a person can act on:
`sections[2].skills[5].slug: “Not a slug!” is not a slug (letters, digits, …)`.

Checks between parts of a file (duplicates, references, cycles) read it through a
`TolerantModel` tree, whose `Tolerant[...]` fields are None where a value is invalid: the
valid parts are checked even when others are not, so every problem is reported at once.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, slug_re
from django.db.models import Choices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    GetCoreSchemaHandler,
    ValidationError,
    WrapValidator,
)
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

SLUG_MAX_LENGTH = 60  # SlugField's max_length on every model with a slug

# pydantic's structural errors, said the way the rest of the messages are.
TYPE_MESSAGES = {
    "missing": gettext_lazy("is missing"),
    "string_type": gettext_lazy("must be a string"),
    "bool_type": gettext_lazy("must be true or false"),
    "int_type": gettext_lazy("must be a whole number"),
    "list_type": gettext_lazy("must be a list"),
    "dict_type": gettext_lazy("must be an object"),
    "model_type": gettext_lazy("must be an object"),
}


@dataclass(frozen=True)
class Problem:
    path: str  # "sections[2].skills[5].slug"; "" for the file as a whole
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(file)'}: {self.message}"


class InvalidFile(Exception):
    """A file that does not meet its format; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def join_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def path_of(loc: Iterable[str | int]) -> str:
    path = ""
    for key in loc:
        path = join_path(path, key)
    return path


def shown(value: Any) -> str:
    """A value as a message quotes it: short, printable, and safe to write anywhere (a
    control character or a lone surrogate is escaped)."""
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "…"
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
        return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value) if value.bit_length() <= 64 else _("a number of many digits")
    if isinstance(value, float):
        return repr(value)
    return _("a list") if isinstance(value, list) else _("an object")


def problem(kind: str, message: str) -> PydanticCustomError:
    """An error for a validator to raise, its message final (pydantic formats nothing in
    it, so a quoted value may hold braces)."""
    return PydanticCustomError(kind, "{message}", {"message": message})


# Constraints, for `Annotated[str, Text(200, required=True)]` and the like -----------------


def _slug(value: str) -> str:
    if not slug_re.match(value):
        raise problem(
            "slug",
            _("“%(value)s” is not a slug (letters, digits, hyphens, underscores)")
            % {"value": shown(value)},
        )
    if len(value) > SLUG_MAX_LENGTH:
        raise problem("slug", _("is longer than %(max)d characters") % {"max": SLUG_MAX_LENGTH})
    return value


class _After:
    """Metadata that runs `self.check` after pydantic's own validation of the type."""

    def check(self, value: Any) -> Any:
        raise NotImplementedError

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))


@dataclass(frozen=True)
class Text(_After):
    """Text with no NUL (no database stores one), non-blank when required."""

    max_length: int = 0  # 0: no limit (a TextField)
    required: bool = False

    def check(self, value: str) -> str:
        if "\x00" in value:
            raise problem("text", _("must not contain a null character"))
        if self.required and not value.strip():
            raise problem("text", _("must not be empty"))
        if self.max_length and len(value) > self.max_length:
            raise problem(
                "text",
                _("is too long (%(n)d characters, at most %(max)d)")
                % {"n": len(value), "max": self.max_length},
            )
        return value


@dataclass(frozen=True)
class Exactly(_After):
    """One given text, such as a file's format name."""

    value: str

    def check(self, value: str) -> str:
        if value != self.value:
            raise problem("exactly", _("must be “%(value)s”") % {"value": self.value})
        return value


@dataclass(frozen=True)
class OneOf(_After):
    """One of a model field's choices."""

    choices: type[Choices]

    def check(self, value: str) -> str:
        if value not in self.choices.values:
            raise problem(
                "choice",
                _("“%(value)s” is not one of: %(choices)s")
                % {"value": shown(value), "choices": ", ".join(map(str, self.choices.values))},
            )
        return value


@dataclass(frozen=True)
class Whole(_After):
    """A whole number in the range its database column holds."""

    minimum: int
    maximum: int

    def check(self, value: int) -> int:
        if not self.minimum <= value <= self.maximum:
            raise problem(
                "whole",
                _("must be a whole number from %(min)d to %(max)d")
                % {"min": self.minimum, "max": self.maximum},
            )
        return value


_http_url = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class HttpUrl(_After):
    """An http(s) URL, as Django's URLField checks it."""

    max_length: int

    def check(self, value: str) -> str:
        if len(value) > self.max_length or "\x00" in value:
            raise problem(
                "url",
                _("must be a URL of at most %(max)d characters, with no null character")
                % {"max": self.max_length},
            )
        try:
            _http_url(value)
        except DjangoValidationError:
            raise problem(
                "url", _("“%(url)s” is not a valid http(s) URL") % {"url": shown(value)}
            ) from None
        return value


Slug = Annotated[str, AfterValidator(_slug)]


class FileModel(BaseModel):
    """One object of a file: strict JSON types (no "1" for 1, no 1 for true), no unknown key."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# Reading the valid parts of a file that has problems --------------------------------------


def _none_if_invalid(value: Any, handler: Callable[[Any], Any]) -> Any:
    try:
        return handler(value)
    except ValidationError:
        return None


T = TypeVar("T")
# (A TypeVar, not a `type` statement: every tool reading the code must parse it.)
Tolerant = Annotated[T | None, WrapValidator(_none_if_invalid)]


class TolerantModel(BaseModel):
    """A view of a file for checks between its parts: give every field `Tolerant[...]`
    and a default of None; other keys are ignored (the file's model reports them)."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


M = TypeVar("M", bound=BaseModel)


def tolerant(model: type[M], data: Any) -> M | None:  # noqa: UP047
    """`data` read through `model`, or None when it is not even an object."""
    try:
        return model.model_validate(data)
    except ValidationError:
        return None


# One whole sentence per kind of object, so every language can word it.
DUPLICATE_SLUG = {
    "track": gettext_lazy("duplicate track slug “%(slug)s” (first at %(first)s)"),
    "level": gettext_lazy("duplicate level slug “%(slug)s” (first at %(first)s)"),
    "theme": gettext_lazy("duplicate theme slug “%(slug)s” (first at %(first)s)"),
    "section": gettext_lazy("duplicate section slug “%(slug)s” (first at %(first)s)"),
    "skill": gettext_lazy("duplicate skill slug “%(slug)s” (first at %(first)s)"),
}


def note_slug(
    seen: dict[str, str], slug: str, path: str, kind: str, problems: list[Problem]
) -> bool:
    """Note where (`path`, an object) `slug` is first used in `seen`; a later use is a
    problem at its `.slug` naming the first place (and returns False). `kind` is a key of
    DUPLICATE_SLUG."""
    if slug in seen:
        message = DUPLICATE_SLUG[kind] % {"slug": slug, "first": seen[slug]}
        problems.append(Problem(f"{path}.slug", message))
        return False
    seen[slug] = path
    return True


# Checking a whole file ------------------------------------------------------------------


def parse_json(text: str | bytes) -> Any:
    """A file's JSON; InvalidFile says why it is not JSON, and where."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        return json.loads(text)
    except UnicodeDecodeError:
        raise InvalidFile([Problem("", _("the file is not UTF-8 text"))]) from None
    except json.JSONDecodeError as exc:
        message = _("not valid JSON: %(msg)s at line %(line)d, column %(col)d") % {
            "msg": exc.msg,
            "line": exc.lineno,
            "col": exc.colno,
        }
        raise InvalidFile([Problem("", message)]) from None
    except ValueError:  # int()'s limit: a number of more than 4,300 digits
        raise InvalidFile([Problem("", _("not valid JSON: a number is too long"))]) from None
    except RecursionError:
        raise InvalidFile([Problem("", _("not valid JSON: nested too deeply"))]) from None


def check(  # noqa: UP047
    model: type[M], data: Any, relations: Callable[[Any], list[Problem]] | None = None
) -> tuple[M | None, list[Problem]]:
    """Validate a parsed JSON file: (the file as `model`, []) or (None, every problem).

    `relations(data)` adds the problems between the file's parts (it runs on invalid files
    too; see TolerantModel). A lone surrogate anywhere is the one problem reported: such a
    file is not text, and no database stores it.
    """
    where = lone_surrogate_at(data)
    if where is not None:
        message = _("holds a lone surrogate (an unpaired \\ud800-\\udfff escape): not text")
        return None, [Problem(where, message)]
    try:
        valid, problems = model.model_validate(data), []
    except ValidationError as exc:
        valid, problems = None, problems_in(exc, model)
    if relations is not None:
        problems += relations(data)
    return (None, problems) if problems else (valid, [])


def problems_in(exc: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """pydantic's errors as Problems, in the order pydantic found them."""
    found = []
    for error in exc.errors(include_url=False, include_input=False):
        kind, loc = error["type"], error["loc"]
        if kind == "extra_forbidden":
            keys = ", ".join(_keys_at(model, loc[:-1]))
            message = _("unknown field (expected one of: %(keys)s)") % {"keys": keys}
        elif kind in TYPE_MESSAGES:
            message = str(TYPE_MESSAGES[kind])
        else:
            message = error["msg"]
        found.append(Problem(path_of(loc), message))
    return found


def _keys_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The keys the object at `loc` may hold (for a message about an unknown one)."""
    node: Any = model
    for key in loc:
        node = _inside(node, key)
    node = _unwrap(node)
    if isinstance(node, type) and issubclass(node, BaseModel):
        return [field.alias or name for name, field in node.model_fields.items()]
    return []


def _unwrap(node: Any) -> Any:
    """A type without its Annotated metadata and without `| None`."""
    while True:
        if get_origin(node) is Annotated:
            node = get_args(node)[0]
        elif get_origin(node) in (Union, UnionType):
            node = next(arg for arg in get_args(node) if arg is not type(None))
        else:
            return node


def _inside(node: Any, key: str | int) -> Any:
    """The type of `node[key]`: a model's field, a list's item, a dict's value."""
    node = _unwrap(node)
    if isinstance(node, type) and issubclass(node, BaseModel):
        for name, field in node.model_fields.items():
            if key in (name, field.alias):
                return field.annotation
        return None
    args = get_args(node)
    if get_origin(node) is list and args:
        return args[0]
    if get_origin(node) is dict and len(args) == 2:
        return args[1]
    return None


def lone_surrogate_at(data: Any) -> str | None:
    """The path of the first key or string holding a lone surrogate (JSON's unpaired
    \\udXXX escapes parse to one), else None. Iterative: any depth json.loads accepts."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and not _is_text(value):
            return path
        if isinstance(value, dict):
            for key, item in reversed(value.items()):
                if isinstance(key, str) and not _is_text(key):
                    return path
                stack.append((join_path(path, key), item))
        elif isinstance(value, list):
            stack.extend((join_path(path, i), item) for i, item in reversed(list(enumerate(value))))
    return None


def _is_text(value: str) -> bool:
    """Is `value` free of lone surrogates (can it be encoded, and stored)?"""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

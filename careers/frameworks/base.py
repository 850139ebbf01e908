"""What the framework readers share: a source file turned into a careerpath track, with a
map from each part of the track back to where it came from (path, and line for YAML)."""

import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from django.utils.text import slugify
from django.utils.translation import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict

from core.schemas import SLUG_MAX_LENGTH, InvalidFile, Problem


class FrameworkImportError(InvalidFile):
    """The file cannot be imported; `problems` lists every reason, with its place."""


class SourceModel(BaseModel):
    """One object of another project's file: strict types, but keys we do not use are
    ignored (their formats grow keys for their own sites)."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


def _number_as_text(value: Any) -> Any:
    """YAML reads `id: 3` as a number; an id is text either way."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Id = Annotated[str, BeforeValidator(_number_as_text)]


def one_line(text: str) -> str:
    """A YAML block of text as one line (an example is stored one per line)."""
    return " ".join(text.split())


@dataclass
class Converted:
    """A source file as the careerpath track dict (`data["tracks"][0]`), where each of its
    paths came from in the source (`origin`), and each source path's line (`lines`)."""

    data: dict[str, Any]
    origin: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def came_from(self, path: str, source: str) -> None:
        self.origin[path] = source

    def locate(self, found: Problem) -> Problem:
        """A problem found in the converted track, told at its place in the source."""
        path = found.path
        while path and path not in self.origin:
            path = _parent(path)
        source = self.origin.get(path, found.path) if path else found.path
        return at_line(Problem(source, found.message), self.lines)


def _parent(path: str) -> str:
    """`a.b[2].c` → `a.b[2]` → `a.b` → `a` → ``."""
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def at_line(found: Problem, lines: dict[str, int]) -> Problem:
    """The problem with the line of its path (or of the nearest enclosing path)."""
    if not found.path:
        return found
    path = found.path
    while path and path not in lines:
        path = _parent(path)
    line = lines.get(path)
    if line is None:
        return found
    return Problem(f"{found.path} (line {line})", found.message)


def unique_slug(text: str, taken: set[str], fallback: str) -> str:
    """A slug made of `text` that is not in `taken` (which it joins)."""
    base = slugify(text)[: SLUG_MAX_LENGTH - 4].strip("-") or fallback
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


SPDX = re.compile(r"^[A-Za-z0-9.+\-]+( (AND|OR|WITH) [A-Za-z0-9.+\-]+)*$")


def licence_problem(licence: str) -> str | None:
    if len(licence) > 100 or not SPDX.match(licence):
        return _("“%(licence)s” is not an SPDX licence identifier (e.g. CC-BY-4.0, MIT)") % {
            "licence": licence[:60]
        }
    return None

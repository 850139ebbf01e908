"""The FT engineering-progression job-family YAML, read as a careerpath track.

    name: Engineering
    summary: ...
    levels: [{id, name}]                      (in rank order)
    themes: [{id, name, summary}]
    competencies: [{id (a UUID), level (a level id), theme (a theme id), summary,
                    proficiency: Awareness | Foundational | Working knowledge |
                                 Practitioner | Expert,
                    examples: [..]?, supportingUrls: [{label, url}]?}]

Each level, theme and competency keeps its id (`external_id`), so importing a newer
version of the file updates them in place.
"""

import uuid
from typing import Annotated, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator

from core.schemas import HttpUrl, Problem, Text, Tolerant, TolerantModel, check, problem, tolerant

from . import yamlfile
from .base import Converted, FrameworkImportError, Id, SourceModel, at_line, one_line, unique_slug

NAME = "FT engineering progression"
URL = "https://github.com/Financial-Times/engineering-progression"
PROFICIENCIES = ("Awareness", "Foundational", "Working knowledge", "Practitioner", "Expert")

NOT_AN_ID = {
    "levels": gettext_lazy("“%(id)s” is not the id of one of the file's levels"),
    "themes": gettext_lazy("“%(id)s” is not the id of one of the file's themes"),
}


def _uuid(value: str) -> str:
    try:
        uuid.UUID(value)
    except ValueError:
        raise problem("uuid", _("“%(value)s” is not a UUID") % {"value": value[:60]}) from None
    return value


def _proficiency(value: str) -> str:
    if value not in PROFICIENCIES:
        raise problem(
            "choice",
            _("“%(value)s” is not one of: %(choices)s")
            % {"value": value[:60], "choices": ", ".join(PROFICIENCIES)},
        )
    return value


Name = Annotated[str, Text(200, required=True)]
ShortId = Annotated[Id, Text(100, required=True)]


class FtLevel(SourceModel):
    id: ShortId
    name: Name


class FtTheme(SourceModel):
    id: ShortId
    name: Name
    summary: Annotated[str, Text()] = ""


class FtLink(SourceModel):
    label: Annotated[str, Text(200)] = ""
    url: Annotated[str, HttpUrl(500)]


class FtCompetency(SourceModel):
    id: Annotated[Id, AfterValidator(_uuid)]
    level: ShortId
    theme: ShortId
    summary: Annotated[str, Text(required=True)]
    proficiency: Annotated[str, AfterValidator(_proficiency)]
    examples: list[Annotated[str, Text(required=True)]] | None = None
    supportingUrls: list[FtLink] | None = None


class FtFile(SourceModel):
    name: Name
    summary: Annotated[str, Text()] = ""
    levels: list[FtLevel]
    themes: list[FtTheme]
    competencies: list[FtCompetency]


class _Ref(TolerantModel):
    id: Tolerant[Id] = None


class _CompetencyRef(_Ref):
    level: Tolerant[Id] = None
    theme: Tolerant[Id] = None


class _Refs(TolerantModel):
    levels: Tolerant[list[Tolerant[_Ref]]] = None
    themes: Tolerant[list[Tolerant[_Ref]]] = None
    competencies: Tolerant[list[Tolerant[_CompetencyRef]]] = None


def _relations(data: Any) -> list[Problem]:
    """Ids used twice; competencies of unknown levels or themes."""
    refs = tolerant(_Refs, data)
    problems: list[Problem] = []
    ids: dict[str, dict[str, str]] = {}
    for key in ("levels", "themes", "competencies"):
        seen = ids[key] = {}
        for i, item in enumerate(getattr(refs, key, None) or []):
            if item is None or item.id is None:
                continue
            if item.id in seen:
                problems.append(
                    Problem(
                        f"{key}[{i}].id",
                        _("the id “%(id)s” is used twice (first at %(first)s)")
                        % {"id": item.id[:60], "first": seen[item.id]},
                    )
                )
            else:
                seen[item.id] = f"{key}[{i}]"
    for i, item in enumerate((refs.competencies if refs else None) or []):
        for key, kind in (("level", "levels"), ("theme", "themes")):
            value = getattr(item, key, None) if item else None
            if value is not None and getattr(refs, kind) is not None and value not in ids[kind]:
                problems.append(
                    Problem(
                        f"competencies[{i}].{key}",
                        NOT_AN_ID[kind] % {"id": value[:60]},
                    )
                )
    return problems


def convert(text: str) -> Converted:
    """The file as a careerpath track; FrameworkImportError with every problem, each with
    its path and line."""
    data, lines = yamlfile.load(text)
    valid, problems = check(FtFile, data, _relations)
    if valid is None:
        raise FrameworkImportError([at_line(p, lines) for p in problems])
    out = Converted(data={}, lines=lines)
    taken: set[str] = set()
    theme_slugs = {}
    themes = []
    for k, theme in enumerate(valid.themes):
        theme_slugs[theme.id] = unique_slug(theme.id, taken, "theme")
        themes.append(
            {
                "slug": theme_slugs[theme.id],
                "name": theme.name,
                "summary": theme.summary.strip(),
                "id": theme.id,
            }
        )
        for key, source in (("", ""), (".name", ".name"), (".summary", ".summary"), (".id", ".id")):
            out.came_from(f"tracks[0].themes[{k}]{key}", f"themes[{k}]{source}")
    by_level: dict[str, list[tuple[int, FtCompetency]]] = {lv.id: [] for lv in valid.levels}
    for i, competency in enumerate(valid.competencies):
        by_level[competency.level].append((i, competency))
    taken = set()
    levels = []
    for j, level in enumerate(valid.levels):
        path = f"tracks[0].levels[{j}]"
        for key, source in (("", ""), (".name", ".name"), (".id", ".id"), (".slug", ".id")):
            out.came_from(f"{path}{key}", f"levels[{j}]{source}")
        competencies = []
        for c, (i, competency) in enumerate(by_level[level.id]):
            competencies.append(_competency(competency, theme_slugs))
            where, source = f"{path}.competencies[{c}]", f"competencies[{i}]"
            for key, field in (
                ("", ""),
                (".criterion", ".summary"),
                (".examples", ".examples"),
                (".links", ".supportingUrls"),
                (".proficiency", ".proficiency"),
                (".id", ".id"),
            ):
                out.came_from(f"{where}{key}", f"{source}{field}")
        levels.append(
            {
                "slug": unique_slug(level.id, taken, "level"),
                "name": level.name,
                "rank": j + 1,
                "id": level.id,
                "competencies": competencies,
            }
        )
    out.came_from("tracks[0].name", "name")
    out.came_from("tracks[0]", "levels")  # ranks held by levels the file no longer has
    out.came_from("tracks[0].summary", "summary")
    out.data = {
        "name": valid.name,
        "summary": valid.summary.strip(),
        "source": {"name": NAME, "url": URL},
        "themes": themes,
        "levels": levels,
    }
    return out


def _competency(competency: FtCompetency, theme_slugs: dict[str, str]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "theme": theme_slugs[competency.theme],
        "criterion": competency.summary.strip(),
        "id": competency.id,
        "proficiency": competency.proficiency,
    }
    examples = [one_line(e) for e in competency.examples or [] if one_line(e)]
    if examples:
        row["examples"] = examples
    if competency.supportingUrls:
        row["links"] = [
            {"label": one_line(link.label), "url": link.url} for link in competency.supportingUrls
        ]
    return row

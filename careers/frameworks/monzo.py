"""Monzo's progression-framework Markdown, read as a careerpath track.

    ---
    title: Backend Engineering
    levels: 6
    topics:
      - name: technical_skills            (an id)
        title: Technical skills
        content:
          - level: 1
            criteria: ["...", ...]
            exampleCriteria: [{criteria: "...", examples: ["...", ...]}]
    ---
    Free Markdown text (kept as the track's summary when it is short).

Levels become "Level 1" … "Level N" (ids 1 … N), topics become themes (their `name` is
the id), and each criterion a competency of its level, in the file's order; criteria
have no ids of their own, so a re-import matches them by position.
"""

from typing import Annotated, Any

from django.utils.translation import gettext as _

from core.schemas import Problem, Text, Tolerant, TolerantModel, Whole, check, tolerant

from . import yamlfile
from .base import Converted, FrameworkImportError, Id, SourceModel, at_line, one_line, unique_slug

NAME = "Monzo progression framework"
URL = "https://github.com/monzo/progression-framework"
SHORT_BODY = 1000  # characters: a longer body is the framework's page, not a summary

Criterion = Annotated[str, Text(required=True)]


class MonzoExample(SourceModel):
    criteria: Criterion
    examples: list[Criterion] = []


class MonzoContent(SourceModel):
    level: Annotated[int, Whole(1, 100)]
    criteria: list[Criterion] = []
    exampleCriteria: list[MonzoExample] = []


class MonzoTopic(SourceModel):
    name: Annotated[Id, Text(100, required=True)]
    title: Annotated[str, Text(200, required=True)]
    content: list[MonzoContent] = []


class MonzoFile(SourceModel):
    title: Annotated[str, Text(200, required=True)]
    levels: Annotated[int, Whole(1, 100)]
    topics: list[MonzoTopic]


class _ContentRef(TolerantModel):
    level: Tolerant[int] = None


class _TopicRef(TolerantModel):
    name: Tolerant[Id] = None
    content: Tolerant[list[Tolerant[_ContentRef]]] = None


class _Refs(TolerantModel):
    levels: Tolerant[int] = None
    topics: Tolerant[list[Tolerant[_TopicRef]]] = None


def _relations(data: Any) -> list[Problem]:
    """Topic names used twice; content for a level beyond `levels`."""
    refs = tolerant(_Refs, data)
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for t, topic in enumerate((refs.topics if refs else None) or []):
        if topic is None:
            continue
        if topic.name is not None:
            if topic.name in seen:
                problems.append(
                    Problem(
                        f"topics[{t}].name",
                        _("the topic “%(name)s” is listed twice (first at %(first)s)")
                        % {"name": topic.name[:60], "first": seen[topic.name]},
                    )
                )
            else:
                seen[topic.name] = f"topics[{t}]"
        for c, content in enumerate(topic.content or []):
            level = content.level if content else None
            if level is not None and isinstance(refs.levels, int) and level > refs.levels:
                problems.append(
                    Problem(
                        f"topics[{t}].content[{c}].level",
                        _("level %(level)d is beyond the file's %(levels)d levels")
                        % {"level": level, "levels": refs.levels},
                    )
                )
    return problems


def split(text: str) -> tuple[str, str]:
    """(front matter, body) of a Markdown file that starts with a `---` line."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise FrameworkImportError([Problem("", _("the file does not start with a “---” line"))])
    for n, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "".join(lines[1:n]), "".join(lines[n + 1 :])
    raise FrameworkImportError([Problem("", _("the front matter has no closing “---” line"))])


def convert(text: str) -> Converted:
    """The file as a careerpath track; FrameworkImportError with every problem, each with
    its path and line."""
    front, body = split(text)
    data, lines = yamlfile.load(front, first_line=2)
    valid, problems = check(MonzoFile, data, _relations)
    if valid is None:
        raise FrameworkImportError([at_line(p, lines) for p in problems])
    out = Converted(data={}, lines=lines)
    taken: set[str] = set()
    themes = []
    slugs = []
    for t, topic in enumerate(valid.topics):
        slugs.append(unique_slug(topic.name, taken, "theme"))
        themes.append({"slug": slugs[t], "name": topic.title, "id": topic.name})
        out.came_from(f"tracks[0].themes[{t}]", f"topics[{t}]")
        out.came_from(f"tracks[0].themes[{t}].name", f"topics[{t}].title")
        out.came_from(f"tracks[0].themes[{t}].id", f"topics[{t}].name")
    levels = []
    for n in range(1, valid.levels + 1):
        path = f"tracks[0].levels[{n - 1}]"
        competencies: list[dict[str, Any]] = []
        for t, topic in enumerate(valid.topics):
            for c, content in enumerate(topic.content):
                if content.level != n:
                    continue
                source = f"topics[{t}].content[{c}]"
                for i, criterion in enumerate(content.criteria):
                    where = f"{path}.competencies[{len(competencies)}]"
                    out.came_from(where, f"{source}.criteria[{i}]")
                    competencies.append({"theme": slugs[t], "criterion": criterion.strip()})
                for i, example in enumerate(content.exampleCriteria):
                    where = f"{path}.competencies[{len(competencies)}]"
                    out.came_from(where, f"{source}.exampleCriteria[{i}]")
                    out.came_from(f"{where}.criterion", f"{source}.exampleCriteria[{i}].criteria")
                    out.came_from(f"{where}.examples", f"{source}.exampleCriteria[{i}].examples")
                    row: dict[str, Any] = {"theme": slugs[t], "criterion": example.criteria.strip()}
                    if example.examples:
                        row["examples"] = [one_line(e) for e in example.examples]
                    competencies.append(row)
        level = {"slug": f"level-{n}", "name": _("Level %(n)d") % {"n": n}, "rank": n, "id": str(n)}
        levels.append(level | {"competencies": competencies})
    out.came_from("tracks[0].name", "title")
    out.came_from("tracks[0]", "levels")  # ranks held by levels the file no longer has
    body = body.strip()
    out.data = {
        "name": valid.title,
        "summary": body if len(body) <= SHORT_BODY else "",
        "source": {"name": NAME, "url": URL},
        "themes": themes,
        "levels": levels,
    }
    return out

"""Career frameworks from other projects' files, imported as tracks.

One module per format turns a file into the careerpath track dict (`ft`, `monzo`; the
careerpath JSON is that dict already), and everything then goes through the one writer,
`careers.tracks_io.import_tracks`, so every format shares its rules, its all-or-nothing
transaction and its dry run. A problem found by the writer is told at its place in the
source file (path, and line for YAML and Markdown).

An imported track records its source (name, URL, version) and licence (an SPDX
identifier: the file's own, or the one given on import; a file with neither is refused).
Its slug comes from its name; importing the same framework again (same name, same
source) finds that track and updates it in place by the framework's own ids.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from careers.models import Track
from careers.tracks_io import FORMAT, LoadResult, TracksImportError, import_tracks
from core.schemas import InvalidFile, Problem, parse_json

from . import ft, monzo
from .base import Converted, FrameworkImportError, licence_problem, unique_slug

FORMATS = ("ft", "monzo", "careerpath")
READERS = {"ft": ft, "monzo": monzo}

__all__ = ["FORMATS", "FrameworkImport", "FrameworkImportError", "detect", "import_framework"]


@dataclass
class FrameworkImport:
    format: str
    result: LoadResult
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)  # the file's levels, themes, …

    def summary(self) -> str:
        lines = [
            _("Track “%(slug)s”: %(levels)d levels, %(themes)d themes, %(comps)d competencies.")
            % {
                "slug": slug,
                "levels": self.counts.get(f"{slug}:levels", 0),
                "themes": self.counts.get(f"{slug}:themes", 0),
                "comps": self.counts.get(f"{slug}:competencies", 0),
            }
            for slug in self.result.slugs
        ]
        lines.append(self.result.summary())
        if self.dry_run:
            lines.insert(0, _("Dry run: nothing was written."))
        return "\n".join(lines)


def detect(text: str) -> str:
    """The format of a file's text: Markdown front matter is Monzo's, a JSON object ours,
    anything else the FT's YAML."""
    start = text.lstrip()
    if text.startswith("---"):
        return "monzo"
    if start.startswith("{"):
        return "careerpath"
    return "ft"


def import_framework(
    raw: bytes,
    *,
    fmt: str | None = None,
    licence: str = "",
    source_name: str = "",
    source_url: str = "",
    source_version: str = "",
    dry_run: bool = False,
) -> FrameworkImport:
    """Read, check and write one framework file, all or nothing; FrameworkImportError
    lists every problem, with its place."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FrameworkImportError([Problem("", _("the file is not UTF-8 text"))]) from None
    fmt = fmt or detect(text)
    problems: list[Problem] = []
    if licence and (message := licence_problem(licence)):
        problems.append(Problem("--licence", message))
    if fmt == "careerpath":
        data = _careerpath(text, licence, problems)
    else:
        try:
            converted = READERS[fmt].convert(text)
        except FrameworkImportError as exc:
            if not licence:  # their files carry none: say so with the rest
                problems.append(_no_licence(""))
            raise FrameworkImportError(exc.problems + problems) from None
        data = _one_track(converted, licence, source_name, source_url, source_version)
        _require_licence(data, problems)
    if problems:
        raise FrameworkImportError(problems)
    try:
        result = import_tracks(data, dry_run=dry_run)
    except TracksImportError as exc:
        if fmt == "careerpath":
            raise FrameworkImportError(exc.problems) from None
        raise FrameworkImportError([converted.locate(p) for p in exc.problems]) from None
    counts = {}
    for track in data["tracks"]:
        counts[f"{track['slug']}:levels"] = len(track["levels"])
        counts[f"{track['slug']}:themes"] = len(track.get("themes", []))
        counts[f"{track['slug']}:competencies"] = sum(
            len(level.get("competencies", [])) for level in track["levels"]
        )
    return FrameworkImport(format=fmt, result=result, dry_run=dry_run, counts=counts)


def _careerpath(text: str, licence: str, problems: list[Problem]) -> Any:
    """The file's tracks, each with the licence given when it has none of its own."""
    try:
        data = parse_json(text)
    except InvalidFile as exc:
        raise FrameworkImportError(exc.problems) from None
    if isinstance(data, dict) and isinstance(data.get("tracks"), list):
        for i, track in enumerate(data["tracks"]):
            if not isinstance(track, dict):
                continue
            source = track.get("source") or {}
            if not isinstance(source, dict) or source.get("licence"):
                continue  # the file's own licence (or a problem the format reports)
            if licence:
                track["source"] = {**source, "licence": licence}
            else:
                problems.append(_no_licence(f"tracks[{i}].source.licence"))
    return data


def _one_track(
    converted: Converted, licence: str, name: str, url: str, version: str
) -> dict[str, Any]:
    """The careerpath file of a converted track: its slug (from its name, or the track
    this framework was imported as before), source and licence."""
    track = converted.data
    source = track["source"]
    source["name"] = name or source["name"]
    source["url"] = url or source["url"]
    if version:
        source["version"] = version
    if licence and not source.get("licence"):
        source["licence"] = licence
    existing = _existing(track["name"], source["name"])
    if existing is None:
        taken = set(Track.objects.values_list("slug", flat=True))
        slug = unique_slug(track["name"], taken, "framework")
        values = {"kind": "ic", "published": True}
    else:
        slug = existing.slug
        # Staff's choices survive a re-import: kind, place, publication.
        values = {
            "kind": existing.kind,
            "position": existing.position,
            "published": existing.published,
        }
    track = {"slug": slug, "name": track["name"], **values} | {
        k: v for k, v in track.items() if k != "name"
    }
    for key, option in (("name", "--source"), ("url", "--source-url"), ("licence", "--licence")):
        converted.origin.setdefault(f"tracks[0].source.{key}", option)
    converted.origin["tracks[0].source.version"] = "--source-version"
    return {"format": FORMAT, "tracks": [track]}


def _existing(name: str, source_name: str) -> Track | None:
    """The track this framework was imported as before: same source, slug from the
    same name."""
    taken: set[str] = set()
    base = unique_slug(name, taken, "framework")
    candidates = Track.objects.filter(slug__startswith=base, source_name=source_name)
    by_slug = {t.slug: t for t in candidates}
    for slug in [base, *(f"{base}-{n}" for n in range(2, 100))]:
        if slug in by_slug:
            return by_slug[slug]
    return None


def _require_licence(data: dict[str, Any], problems: list[Problem]) -> None:
    if not data["tracks"][0]["source"].get("licence"):
        problems.append(_no_licence(""))


def _no_licence(path: str) -> Problem:
    return Problem(
        path,
        _("the file gives no licence: give the framework's licence with --licence SPDX-ID "
          "(e.g. --licence CC-BY-4.0) once you know it allows reuse"),
    )  # fmt: skip

"""A roadmap drawn as a map: sections as bands, skills as nodes, prerequisites as arrows.

Two steps, both plain Python (no graph library: the roadmap's own order is the layout):

- `layout(tree, choose)` places things. Sections are horizontal bands, top to bottom in
  the roadmap's order; a band's skills fill rows of `COLUMNS` nodes, in their order. A
  prerequisite is a curve from the bottom of the skill learnt first to the top of the
  skill that needs it (the other way round when the prerequisite sits lower); within one
  row it arcs above the row. A prerequisite that is not on the roadmap is left out. The
  layout depends on content only, so it is cached with it (`roadmap_layout`).
- `draw(layout, ...)` writes the SVG, each node a link to its skill's page coloured by
  the person's status with its icon and word in the link's name (never colour alone).
  The page's map takes its colours from site.css (light and dark); the downloadable SVG
  (`standalone`) carries the same rules, from site.css's map section, with its light
  colours, so the file stands on its own.

The SVG is written here rather than by a template for the reason tracking/rows.py gives:
a map has hundreds of nodes and edges. Every value is escaped with `html.escape`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path

from django.contrib.staticfiles import finders
from django.utils.translation import gettext, ngettext

from core.cache import cached
from core.versions import CONTENT
from skills.models import Roadmap, Section
from skills.tree import SectionNode, roadmap_tree
from tracking.models import Status

WIDTH = 960  # viewBox units; site.css keeps the map at least 50rem wide, scrolling on phones
PAD = 16  # around the map and inside bands
COLUMNS = 5
NODE_W = 168
NODE_H = 46  # two lines of a name
GAP_X = (WIDTH - 2 * PAD - COLUMNS * NODE_W) / (COLUMNS - 1)
ROW_GAP = 26  # between rows of a band: room for the curves
TITLE_H = 36  # a band's title, above its nodes
BAND_GAP = 22  # between bands
LEGEND_H = 44  # the legend, above the first band
LINE_CHARS = 19  # a line of a node's name; a longer name wraps onto a second line, then "…"
LONG_WORD = 27  # a word up to this long has a line to itself, squeezed to fit; longer, cut
TEXT_W = 128  # the width a node's name may take (beside its icon)
ICONS = {  # as the status chips of site.css
    Status.NOT_STARTED: "○",
    Status.LEARNING: "◐",
    Status.DONE: "●",
    Status.SKIPPED: "⊘",
}


@dataclass(frozen=True, slots=True)
class Node:
    """A skill's box, its top-left corner at (x, y)."""

    skill_id: int
    slug: str
    name: str
    band: int  # its band's index
    x: float
    y: float

    @property
    def centre(self) -> float:
        return self.x + NODE_W / 2


@dataclass(slots=True)
class Band:
    """A section's band: from y, `height` high, its title and its nodes."""

    slug: str
    title: str
    choose: int | None  # Section.choose_at_least
    y: float
    height: float
    nodes: list[Node] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Edge:
    """A prerequisite: SVG path data from the skill learnt first to the skill needing it.
    `far` when it crosses a band: drawn lighter, so the near links read first."""

    path: str
    far: bool


@dataclass(slots=True)
class MapLayout:
    width: int
    height: float
    bands: list[Band]
    edges: list[Edge]  # the far ones first (drawn under the near ones)

    @property
    def skill_count(self) -> int:
        return sum(len(band.nodes) for band in self.bands)


def layout(tree: list[SectionNode], choose: dict[int, int | None]) -> MapLayout:
    """Where each band, node and edge of the map goes. `choose` gives a section's
    `choose_at_least` by its id."""
    bands: list[Band] = []
    first: dict[str, Node] = {}  # a skill placed twice is pointed at where it first is
    y = float(LEGEND_H)
    for index, section in enumerate(tree):
        rows = -(-len(section.skills) // COLUMNS)  # ceiling
        height = TITLE_H + rows * NODE_H + max(rows - 1, 0) * ROW_GAP + PAD
        band = Band(section.slug, section.title, choose.get(section.id), y, height)
        for place, skill in enumerate(section.skills):
            row, column = divmod(place, COLUMNS)
            x = PAD + column * (NODE_W + GAP_X)
            top = y + TITLE_H + row * (NODE_H + ROW_GAP)
            node = Node(skill.skill_id, skill.slug, skill.name, index, x, top)
            band.nodes.append(node)
            first.setdefault(skill.slug, node)
        bands.append(band)
        y += height + BAND_GAP
    edges = []
    seen: set[tuple[str, str]] = set()
    for section in tree:
        for skill in section.skills:
            for needed in skill.prerequisites:
                if needed.slug in first and (needed.slug, skill.slug) not in seen:
                    seen.add((needed.slug, skill.slug))
                    start, end = first[needed.slug], first[skill.slug]
                    edges.append(Edge(curve(start, end), abs(start.band - end.band) > 1))
    edges.sort(key=lambda edge: not edge.far)  # stable: in roadmap order otherwise
    height = y - BAND_GAP + PAD if bands else y
    return MapLayout(WIDTH, height, bands, edges)


def curve(start: Node, end: Node) -> str:
    """A path from `start` (learnt first) to `end`, ending where its arrow points in."""
    if start.y < end.y:  # down: bottom to top
        y1, y2 = start.y + NODE_H, end.y
        bend = max((y2 - y1) / 2, ROW_GAP)
        return cubic(start.centre, y1, y1 + bend, end.centre, y2 - bend, y2)
    if start.y > end.y:  # up: top to bottom
        y1, y2 = start.y, end.y + NODE_H
        bend = max((y1 - y2) / 2, ROW_GAP)
        return cubic(start.centre, y1, y1 - bend, end.centre, y2 + bend, y2)
    top = start.y  # one row: an arc above it, from top to top
    lift = top - ROW_GAP * 0.9
    return cubic(start.centre, top, lift, end.centre, lift, top)


def cubic(x1: float, y1: float, bend1: float, x2: float, bend2: float, y2: float) -> str:
    """From (x1, y1) to (x2, y2), leaving and arriving vertically (control points at the
    heights `bend1` and `bend2`)."""
    return f"M{x1:.1f} {y1:.1f}C{x1:.1f} {bend1:.1f} {x2:.1f} {bend2:.1f} {x2:.1f} {y2:.1f}"


def roadmap_layout(roadmap: Roadmap) -> MapLayout:
    """The roadmap's map layout, cached until content changes (no query while cached)."""

    def compute() -> MapLayout:
        choose = dict(
            Section.objects.filter(roadmap=roadmap).order_by().values_list("id", "choose_at_least")
        )
        return layout(roadmap_tree(roadmap), choose)

    return cached("tracking:roadmap-map", roadmap.pk, [CONTENT], compute)


# Drawing ---------------------------------------------------------------------------------

STYLE_START = "/* map: start */"
STYLE_END = "/* map: end */"


@cache
def standalone_style() -> str:
    """The map's rules from site.css (between its map markers), for the SVG file: there
    the site's custom properties are undefined, so each `var()` falls back to its light
    colour."""
    path = finders.find("css/site.css")
    text = Path(path).read_text(encoding="utf-8") if path else ""
    start, end = text.find(STYLE_START), text.find(STYLE_END)
    if start < 0 or end < start:
        return ""
    rules = text[start + len(STYLE_START) : end]
    rules = re.sub(r"/\*.*?\*/", "", rules, flags=re.S)  # comments out, rules as they are
    return re.sub(r"\n\s*\n+", "\n", rules).strip()


def style_hash() -> str:
    """The CSP source allowing the SVG file's <style> (and nothing else inline)."""
    digest = hashlib.sha256(standalone_style().encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def name_lines(name: str) -> list[str]:
    """A node's name in one or two lines of whole words; a name that does not fit ends
    with "…" after a whole word (its full name is in the node's <title> and link name),
    before an aside in brackets that would be cut (the words shown are the start of the
    link's name, as screen readers and voice control expect)."""
    lines = wrap(name)
    shown = " ".join(lines)
    if shown.endswith("…") and shown.count("(") > shown.count(")"):
        lines = wrap(shown[: shown.rindex("(")].rstrip())
        lines[-1] += "…"
    return lines


def wrap(name: str) -> list[str]:
    words = name.split()
    lines: list[str] = []
    while words and len(lines) < 2:
        line = words.pop(0)
        if len(line) > LONG_WORD:  # a very long word: cut, there is no better place
            lines.append(line[: LINE_CHARS - 1] + "…")
            return lines
        while words and len(line) + 1 + len(words[0]) <= LINE_CHARS:
            line += " " + words.pop(0)
        lines.append(line)
    if words:  # more than fits: the last line ends with "…" after a whole word
        last = lines[-1].split()
        while len(last) > 1 and len(" ".join(last)) + 1 > LINE_CHARS:
            last.pop()
        lines[-1] = " ".join(last) + "…"
    return lines


def draw(
    plan: MapLayout,
    *,
    title: str,
    statuses: dict[int, str] | None,
    skill_url: str,
    standalone: bool = False,
) -> str:
    """The map as SVG. `statuses` holds the person's status by skill id (None: nobody
    signed in, every node neutral). `skill_url` is a skill page's URL with "{slug}" for
    the slug (absolute in the SVG file, so its links work wherever it is opened)."""
    words = {value: str(label) for value, label in Status.choices}
    tracking = statuses is not None
    height = f"{plan.height:.0f}"
    desc = ngettext(
        "%(skills)d skill in %(sections)d sections, top to bottom in the roadmap's order.",
        "%(skills)d skills in %(sections)d sections, top to bottom in the roadmap's order.",
        plan.skill_count,
    ) % {"skills": plan.skill_count, "sections": len(plan.bands)}
    desc += " " + gettext("Arrows point from a skill to the skills that build on it.")
    if tracking:
        desc += " " + gettext("Each skill shows your status with its colour and an icon.")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {plan.width} {height}"'
        f' width="{plan.width}" height="{height}" aria-labelledby="map-title"'
        ' aria-describedby="map-desc">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<desc id="map-desc">{escape(desc)}</desc>',
    ]
    if standalone:
        out.append(f"<style>{standalone_style()}</style>")
        out.append(f'<rect class="map-paper" width="{plan.width}" height="{height}"/>')
    out.append(
        '<defs><marker id="map-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"'
        ' markerHeight="7" orient="auto"><path class="map-arrowhead" d="M0 0L10 5L0 10z"/>'
        "</marker></defs>"
    )
    out.append(legend(words if tracking else None))
    out.extend(
        f'<rect class="map-band" x="{PAD / 2:.0f}" y="{band.y:.1f}" width="{plan.width - PAD}"'
        f' height="{band.height:.1f}" rx="8"/>'
        for band in plan.bands
    )
    out.append('<g class="map-edges" aria-hidden="true">')
    out.extend(
        f'<path class="map-edge{" far" if edge.far else ""}" d="{edge.path}"'
        ' marker-end="url(#map-arrow)"/>'
        for edge in plan.edges
    )
    out.append("</g>")
    # Each section: its title (over the edges) as a heading, then its skills.
    name_of = gettext("%(name)s — %(status)s")
    for band in plan.bands:
        label = escape(band.title)
        if band.choose:  # as the roadmap page's section header says it
            choose = gettext("choose %(n)s of %(count)s") % {
                "n": band.choose,
                "count": len(band.nodes),
            }
            label += f'<tspan class="map-choose"> · {escape(choose)}</tspan>'
        heading = f"map-band-{escape(band.slug)}"
        out.append(
            f'<g class="map-section" role="group" aria-labelledby="{heading}">'
            f'<text class="map-band-title" id="{heading}" role="heading" aria-level="2"'
            f' x="{PAD:.0f}" y="{band.y + 24:.1f}">{label}</text>'
        )
        out.extend(node_svg(node, statuses, words, name_of, skill_url) for node in band.nodes)
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def node_svg(
    node: Node,
    statuses: dict[int, str] | None,
    words: dict[str, str],
    name_of: str,
    skill_url: str,
) -> str:
    """One skill: a link around a rounded box, its status icon and (part of) its name."""
    x, y = node.x, node.y
    if statuses is None:
        status, name, icon = "none", node.name, ""
        text_x = x + 12
    else:
        status = statuses.get(node.skill_id, Status.NOT_STARTED)
        name = name_of % {"name": node.name, "status": words.get(status, status)}
        icon = (
            f'<text class="map-icon" x="{x + 12:.1f}" y="{y + 28:.1f}" aria-hidden="true">'
            f"{ICONS.get(status, '')}</text>"
        )
        text_x = x + 32
    url = escape(skill_url.replace("{slug}", node.slug))
    return (
        f'<a class="map-node status-{escape(status)}" href="{url}" aria-label="{escape(name)}">'
        f"<title>{escape(name)}</title>"
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{NODE_H}" rx="8"/>{icon}'
        f'<text class="map-name" aria-hidden="true">{name_svg(node.name, text_x, y)}</text></a>'
    )


def name_svg(name: str, x: float, y: float) -> str:
    """The lines of a node's name: one in the middle of the node, or two. A line longer
    than most (one long word) is squeezed to the node's width."""
    lines = name_lines(name)
    tops = [y + 28] if len(lines) == 1 else [y + 20, y + 36]
    return " ".join(  # the space keeps the words apart in the text (the link's visible name)
        f'<tspan x="{x:.1f}" y="{top:.1f}"'
        + (
            f' textLength="{TEXT_W}" lengthAdjust="spacingAndGlyphs"'
            if len(line) > LINE_CHARS
            else ""
        )
        + f">{escape(line)}</tspan>"
        for top, line in zip(tops, lines, strict=True)
    )


def legend(words: dict[str, str] | None) -> str:
    """What the colours, icons and arrows mean (the statuses only when signed in)."""
    parts = ['<g class="map-legend" aria-hidden="true">']
    x = float(PAD)
    if words is not None:
        for status, icon in ICONS.items():
            word = words[status]
            width = 40 + 7.5 * len(word)
            parts.append(
                f'<g class="map-node status-{status}">'
                f'<rect x="{x:.1f}" y="8" width="{width:.1f}" height="26" rx="6"/>'
                f'<text class="map-icon" x="{x + 9:.1f}" y="26">{icon}</text>'
                f'<text class="map-name" x="{x + 27:.1f}" y="26">{escape(word)}</text></g>'
            )
            x += width + 10
    arrow = gettext("an arrow leads from a skill to one that builds on it")
    parts.append(
        f'<path class="map-edge" d="M{x + 4:.1f} 21H{x + 40:.1f}" marker-end="url(#map-arrow)"/>'
        f'<text class="map-legend-text" x="{x + 48:.1f}" y="26">{escape(arrow)}</text>'
    )
    parts.append("</g>")
    return "".join(parts)

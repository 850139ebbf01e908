"""YAML read safely, with the line of every path (`competencies[3].summary` → 41)."""

from typing import Any

import yaml
from django.utils.translation import gettext as _

from core.schemas import Problem, join_path

from .base import FrameworkImportError


def load(text: str, first_line: int = 1) -> tuple[Any, dict[str, int]]:
    """The YAML document in `text` and the line of each path in it; `first_line` is the
    line of the file where `text` starts. Anchors and aliases are refused (a few lines
    could otherwise stand for millions of values)."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + first_line
                message = _("line %(line)d: YAML aliases are not supported") % {"line": line}
                raise FrameworkImportError([Problem("", message)])
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (
            _(" at line %(line)d, column %(col)d")
            % {"line": mark.line + first_line, "col": mark.column + 1}
            if mark
            else ""
        )
        message = _("not valid YAML: %(msg)s%(where)s") % {"msg": exc.problem, "where": where}
        raise FrameworkImportError([Problem("", message)]) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        message = _("not valid YAML: %(msg)s") % {"msg": str(exc)[:200]}
        raise FrameworkImportError([Problem("", message)]) from None
    lines: dict[str, int] = {}
    if node is not None:
        _walk(node, "", lines, first_line)
    return data, lines


def _walk(node: yaml.Node, path: str, lines: dict[str, int], first_line: int) -> None:
    stack = [(node, path)]
    while stack:
        node, path = stack.pop()
        lines.setdefault(path, node.start_mark.line + first_line)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    child = join_path(path, key.value)
                    lines[child] = key.start_mark.line + first_line
                    stack.append((value, child))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, join_path(path, i)) for i, item in enumerate(node.value))

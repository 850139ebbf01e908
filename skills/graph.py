"""The prerequisite graph: cycle detection and topological order.

The graph is small (hundreds of skills), so it is read whole in one query.
"""

from collections import defaultdict
from collections.abc import Iterable


def find_cycle_in(edges: Iterable[tuple], names: dict | None = None) -> list[str] | None:
    """Return one cycle as [a, b, ..., a] (by name where given) in skill → requires edges."""
    graph: dict = defaultdict(list)
    for skill, requires in edges:
        graph[skill].append(requires)
    white, grey, black = 0, 1, 2
    colour: dict = defaultdict(int)
    for start in list(graph):
        if colour[start] != white:
            continue
        stack = [(start, iter(graph[start]))]
        path = [start]
        colour[start] = grey
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = black
                stack.pop()
                path.pop()
            elif colour[child] == grey:
                cycle = [*path[path.index(child) :], child]
                return [str((names or {}).get(n, n)) for n in cycle]
            elif colour[child] == white:
                colour[child] = grey
                stack.append((child, iter(graph[child])))
                path.append(child)
    return None


def rotate_to(cycle: list[str], start: str) -> list[str]:
    """The same cycle [a, b, ..., a], starting (and ending) at `start` when it is on it."""
    nodes = cycle[:-1]
    if start not in nodes:
        return cycle
    i = nodes.index(start)
    nodes = nodes[i:] + nodes[:i]
    return [*nodes, nodes[0]]


def find_cycle(
    extra_edge: tuple[int, int] | None = None, replacing: int | None = None
) -> list[str] | None:
    """Look for a cycle in the stored graph, plus one edge about to be added.

    `replacing` is the id of a stored Prerequisite that the new edge replaces (an edit).
    Returns the skills' names along the cycle, each requiring the next.
    """
    from skills.models import Prerequisite, Skill

    stored = Prerequisite.objects.all()
    if replacing is not None:
        stored = stored.exclude(pk=replacing)
    edges = list(stored.values_list("skill_id", "requires_id"))
    if extra_edge:
        edges.append(extra_edge)
    cycle = find_cycle_in(edges)
    if not cycle:
        return None
    if extra_edge:
        cycle = rotate_to(cycle, str(extra_edge[0]))
    names = dict(Skill.objects.filter(pk__in=cycle).values_list("pk", "name"))
    return [names.get(int(pk), str(pk)) for pk in cycle]

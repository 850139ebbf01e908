"""The prerequisite graph's algorithms, on plain edges: no models, no queries.

`Prerequisite.objects.find_cycle()` (skills.models) reads the stored graph whole, in one
query (it is small: hundreds of skills), and calls these; so does the roadmap import.
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

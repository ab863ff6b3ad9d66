"""Give each node of the call graph a column and an order within it: the combinatorial half.

The first three steps of a layered (Sugiyama) drawing: break the cycles, put each node in a
column by its longest path from the start, add waypoints to edges that skip columns, then
order each column to cut crossings. `analysts.layout` turns the result into coordinates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

START, END = "__start__", "__end__"

Pair = tuple[str, str]


def back_edges(nodes: Sequence[str], succ: dict[str, list[str]], loop: Pair | None) -> set[Pair]:
    """Cut `loop`, then any edge that still closes a cycle (depth-first from the start)."""
    back = {loop} if loop and loop[1] in succ.get(loop[0], []) else set()
    state: dict[str, int] = {}

    def visit(node: str) -> None:
        state[node] = 1
        for target in succ[node]:
            if (node, target) in back:
                continue
            if state.get(target) == 1:
                back.add((node, target))
            elif target not in state:
                visit(target)
        state[node] = 2

    for node in sorted(nodes, key=lambda n: n != START):
        if node not in state:
            visit(node)
    return back


def columns(nodes: Sequence[str], dag: dict[str, list[str]]) -> dict[str, int]:
    """Put each node one column right of its furthest predecessor (longest path)."""
    indegree = Counter(t for n in nodes for t in dag[n])
    ready = [n for n in nodes if not indegree[n]]
    column = dict.fromkeys(nodes, 0)
    while ready:
        node = ready.pop(0)
        for target in dag[node]:
            column[target] = max(column[target], column[node] + 1)
            indegree[target] -= 1
            if not indegree[target]:
                ready.append(target)
    return column


def with_waypoints(
    nodes: Sequence[str], dag: dict[str, list[str]], column: dict[str, int]
) -> tuple[dict[Pair, list[str]], list[list[str]]]:
    """Split edges that skip columns into chains through waypoint nodes, one per column."""
    order: list[list[str]] = [[] for _ in range(max(column.values()) + 1)]
    for node in nodes:
        order[column[node]].append(node)
    chains: dict[Pair, list[str]] = {}
    for source in nodes:
        for target in dag[source]:
            chain = [source]
            for col in range(column[source] + 1, column[target]):
                waypoint = f"~{source}>{target}~{col}"
                order[col].append(waypoint)
                chain.append(waypoint)
            chains[source, target] = [*chain, target]
    return chains, order


def fewer_crossings(order: list[list[str]], chains: dict[Pair, list[str]]) -> list[list[str]]:
    """Reorder each column by the mean position of its neighbours, sweeping both ways."""
    left: dict[str, list[str]] = {}
    right: dict[str, list[str]] = {}
    for chain in chains.values():
        for a, b in pairwise(chain):
            right.setdefault(a, []).append(b)
            left.setdefault(b, []).append(a)
    best, best_cost = [list(col) for col in order], _crossings(order, right)
    for sweep in range(12):
        forward = sweep % 2 == 0
        cols = range(1, len(order)) if forward else range(len(order) - 2, -1, -1)
        for c in cols:
            fixed = {node: i for i, node in enumerate(order[c - 1] if forward else order[c + 1])}
            near = left if forward else right
            keyed: list[tuple[float, int, str]] = []
            for i, node in enumerate(order[c]):
                seen = [fixed[n] for n in near.get(node, []) if n in fixed]
                keyed.append((sum(seen) / len(seen) if seen else float(i), i, node))
            order[c] = [node for _, _, node in sorted(keyed)]
        cost = _crossings(order, right)
        if cost < best_cost:
            best, best_cost = [list(col) for col in order], cost
    return best


def _crossings(order: list[list[str]], right: dict[str, list[str]]) -> int:
    """Count the pairs of edges that cross between neighbouring columns."""
    total = 0
    for c in range(len(order) - 1):
        where = {node: i for i, node in enumerate(order[c + 1])}
        pairs = [(i, where[t]) for i, n in enumerate(order[c]) for t in right.get(n, [])]
        total += sum(1 for a, b in pairs for x, y in pairs if a < x and b > y)
    return total

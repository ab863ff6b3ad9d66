"""Lay the call graph out in columns, left to right: node boxes and edge paths, pure geometry.

`analysts.layers` picks each node's column and its order within it; this module places
them close to their neighbours and draws every edge as a curve. The turn loop is cut on
purpose where a turn ends (`respond` → `listen`: the reply is spoken and the graph waits),
so one caller turn reads as one sweep from left to right and that single edge is drawn as
a loop back underneath ("next caller turn").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from analysts.layers import Pair, back_edges, columns, fewer_crossings, with_waypoints

TURN_EDGE = ("respond", "listen")
"""The edge a turn ends on; the layout cuts the loop there."""

ROW, GAP, DUMMY_GAP, COLUMN_GAP, MARGIN, ARC = 28, 9, 6, 44, 14, 40


@dataclass(frozen=True)
class Shape:
    """The nodes and edges of a graph, as `compiled.get_graph()` gives them."""

    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str, bool], ...]
    """(source, target, conditional) for every edge."""


@dataclass(frozen=True)
class Box:
    """Where one node is drawn."""

    x: float
    y: float
    width: float


@dataclass(frozen=True)
class Layout:
    """Node boxes and edge paths of a drawing, in SVG user units."""

    width: float
    height: float
    boxes: dict[str, Box]
    paths: dict[Pair, tuple[str, str]]
    """(curve, arrowhead) path data per edge."""
    conditional: frozenset[Pair]
    notes: tuple[tuple[float, float, str], ...] = ()
    """(x, y, text) of labels on the drawing."""


def shape_of(drawable: Any) -> Shape:
    """Return the shape of a `langchain_core` drawable graph (`compiled.get_graph()`)."""
    nodes = tuple(str(node.id) for node in drawable.nodes.values())
    edges = tuple((str(e.source), str(e.target), bool(e.conditional)) for e in drawable.edges)
    return Shape(nodes=nodes, edges=edges)


def _label_width(name: str) -> float:
    return max(64.0, 7.2 * len(name) + 26)


@lru_cache(maxsize=8)
def layout(shape: Shape, *, loop: Pair | None = TURN_EDGE) -> Layout:
    """Lay the graph out in columns, left to right, cutting cycles at `loop` first."""
    succ: dict[str, list[str]] = {node: [] for node in shape.nodes}
    for source, target, _ in shape.edges:
        if source != target:
            succ[source].append(target)
    back = back_edges(shape.nodes, succ, loop)
    # Edges against the flow are left out of the columns and drawn as arcs.
    dag = {n: [t for t in succ[n] if (n, t) not in back] for n in shape.nodes}
    column = columns(shape.nodes, dag)
    chains, order = with_waypoints(shape.nodes, dag, column)
    order = fewer_crossings(order, chains)
    return _place(shape, order, chains, column, back)


def _place(
    shape: Shape,
    order: list[list[str]],
    chains: dict[Pair, list[str]],
    column: dict[str, int],
    back: set[Pair],
) -> Layout:
    """Give every node and waypoint a position and turn every edge into a curve."""
    widths = [
        max((_label_width(n) for n in col if not n.startswith("~")), default=0.0) for col in order
    ]
    xs: list[float] = []
    x = float(MARGIN)
    for width in widths:
        xs.append(x)
        x += width + COLUMN_GAP
    ys = _rows(order, chains)
    top = MARGIN - min(ys.values())
    ys = {node: y + top for node, y in ys.items()}
    boxes = {
        node: Box(
            x=xs[column[node]] + (widths[column[node]] - _label_width(node)) / 2,
            y=ys[node],
            width=_label_width(node),
        )
        for node in shape.nodes
    }
    paths: dict[Pair, tuple[str, str]] = {}
    below = max(ys.values()) + ROW + ARC / 2
    notes: list[tuple[float, float, str]] = []
    for source, target in back:
        paths[source, target] = _arc(boxes[source], boxes[target], below=below)
        if (source, target) == TURN_EDGE:
            mid = (boxes[source].x + boxes[target].x + boxes[target].width) / 2
            notes.append((mid, below - 6, "next caller turn"))
    for (source, target), chain in chains.items():
        points = [(boxes[source].x + boxes[source].width, ys[source] + ROW / 2)]
        for col, waypoint in enumerate(chain[1:-1], start=column[source] + 1):
            points += [(xs[col], ys[waypoint]), (xs[col] + widths[col], ys[waypoint])]
        points.append((boxes[target].x - 1, ys[target] + ROW / 2))
        paths[source, target] = _curve(points)
    conditional = frozenset((s, t) for s, t, c in shape.edges if c)
    height = below + MARGIN
    return Layout(
        width=x - COLUMN_GAP + MARGIN,
        height=height,
        boxes=boxes,
        paths=paths,
        conditional=conditional,
        notes=tuple(notes),
    )


def _rows(order: list[list[str]], chains: dict[Pair, list[str]]) -> dict[str, float]:
    """Place each column's items in their order, each close to the mean of its neighbours.

    Waypoints pull hardest on each other, so an edge that skips columns runs straight.
    """
    near: dict[str, list[tuple[str, float]]] = {}
    for chain in chains.values():
        for a, b in pairwise(chain):
            weight = 8.0 if a.startswith("~") and b.startswith("~") else 1.0
            near.setdefault(a, []).append((b, weight))
            near.setdefault(b, []).append((a, weight))
    ys: dict[str, float] = {}
    for col in order:
        y = 0.0
        for node in col:
            ys[node] = y
            y += _step(node)
    for sweep in range(40):
        for col in order if sweep % 2 == 0 else order[::-1]:
            wanted = []
            for node in col:
                pulls = near.get(node) or [(node, 1.0)]
                total = sum(weight for _, weight in pulls)
                wanted.append(sum(ys[n] * weight for n, weight in pulls) / total)
            ys.update(zip(col, _closest_in_order(wanted, [_step(n) for n in col]), strict=True))
    return ys


def _step(node: str) -> float:
    return DUMMY_GAP if node.startswith("~") else ROW + GAP


def _closest_in_order(wanted: list[float], steps: list[float]) -> list[float]:
    """Return positions nearest `wanted` (least squares) that keep order and spacing.

    With z_i = y_i - offset_i the spacing rule becomes "z never decreases": isotonic
    regression, solved by pooling adjacent violators.
    """
    offsets = [sum(steps[:i]) for i in range(len(wanted))]
    blocks: list[list[float]] = []  # [mean, count]
    for w, off in zip(wanted, offsets, strict=True):
        blocks.append([w - off, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            blocks[-1] = [
                (blocks[-1][0] * blocks[-1][1] + mean * count) / (blocks[-1][1] + count),
                blocks[-1][1] + count,
            ]
    z = [mean for mean, count in blocks for _ in range(int(count))]
    return [value + off for value, off in zip(z, offsets, strict=True)]


def _curve(points: list[tuple[float, float]]) -> tuple[str, str]:
    """Join points with horizontal-tangent cubic curves, ending in a right-pointing arrow."""
    (x0, y0), *rest = points
    d = f"M{x0:.1f},{y0:.1f}"
    for x1, y1 in rest:
        if abs(y1 - y0) < 0.5:
            d += f" L{x1:.1f},{y1:.1f}"
        else:
            mid = (x1 - x0) / 2
            d += f" C{x0 + mid:.1f},{y0:.1f} {x1 - mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
        x0, y0 = x1, y1
    head = f"M{x0:.1f},{y0:.1f} l-7,-3.5 v7 z"
    return d, head


def _arc(source: Box, target: Box, *, below: float) -> tuple[str, str]:
    """Draw an edge against the flow as a rounded loop under the drawing, arrow pointing up."""
    sx, sy = source.x + source.width / 2, source.y + ROW
    tx, ty = target.x + target.width / 2, target.y + ROW + 1
    r = 12
    d = (
        f"M{sx:.1f},{sy:.1f} V{below - r:.1f} Q{sx:.1f},{below:.1f} {sx - r:.1f},{below:.1f} "
        f"H{tx + r:.1f} Q{tx:.1f},{below:.1f} {tx:.1f},{below - r:.1f} V{ty:.1f}"
    )
    return d, f"M{tx:.1f},{ty:.1f} l-3.5,7 h7 z"

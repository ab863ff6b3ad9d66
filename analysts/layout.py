"""Lay the call graph out in columns, left to right: node boxes and edge paths, pure geometry.

grandalf's Sugiyama layout (the one `langchain_core`'s `draw_ascii` uses) ranks the nodes,
orders each rank to cut crossings and places them; grandalf draws ranks top to bottom, so
this module hands it nodes turned on their side and swaps the axes back. The turn loop is
cut on purpose where a turn ends (every edge back into `listen`: the reply is spoken and
the graph waits), so one caller turn reads as one sweep from left to right, and those
edges are drawn as loops back underneath, along one line ("next caller turn").
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# grandalf ships no type hints, so its objects are Any here.
from grandalf.graphs import Edge, Vertex, graph_core  # type: ignore[import-untyped]
from grandalf.layouts import SugiyamaLayout, VertexViewer  # type: ignore[import-untyped]

START, END = "__start__", "__end__"
Pair = tuple[str, str]

TURN = "listen"
"""The node every turn starts at; the layout cuts the loop at the edges coming back to it."""

ROW, GAP, DUMMY_GAP, COLUMN_GAP, MARGIN, ARC = 28, 9, 6, 44, 14, 40

_GRANDALF = threading.Lock()
"""grandalf's cycle finder keeps a counter on its Vertex class, so one layout at a time."""


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
def layout(shape: Shape, *, loop: str | None = TURN) -> Layout:
    """Lay the graph out in columns, left to right, cutting cycles back into `loop` first."""
    with _GRANDALF:
        return _layout(shape, loop)


def turn_ends(pairs: Sequence[Pair], loop: str | None) -> set[Pair]:
    """Return the edges back into `loop` from the nodes it leads to: where a turn ends."""
    after: set[str] = set()
    ahead = [loop] if loop is not None else []
    while ahead:
        node = ahead.pop()
        for source, target in pairs:
            if source == node and target not in after:
                after.add(target)
                ahead.append(target)
    return {(s, t) for s, t in pairs if t == loop and s in after}


def _layout(shape: Shape, loop: str | None) -> Layout:
    pairs = list(dict.fromkeys((s, t) for s, t, _ in shape.edges if s != t))
    ends = turn_ends(pairs, loop)
    sugiyama, vertices, edges = _sugiyama(shape.nodes, [p for p in pairs if p not in ends])
    # Edges against the flow are left out of the columns and drawn as arcs underneath.
    inverted = {e.data for e in sugiyama.alt_e}
    back = [p for p in pairs if p in ends or p in inverted]
    # grandalf's (x, y) is the centre of a node: x along its rank, y the rank's centre.
    placed = [v for layer in sugiyama.layers for v in layer]
    top = MARGIN - min(v.view.xy[0] - v.view.w / 2 for v in placed)
    left = MARGIN - min(v.view.xy[1] - v.view.h / 2 for v in sugiyama.layers[0])
    columns = [
        (layer[0].view.xy[1] + left - half, layer[0].view.xy[1] + left + half)
        for layer in sugiyama.layers
        for half in [max(v.view.h for v in layer) / 2]
    ]
    boxes = {
        node: Box(
            x=v.view.xy[1] + left - v.view.h / 2, y=v.view.xy[0] + top - ROW / 2, width=v.view.h
        )
        for node, v in vertices.items()
    }
    paths: dict[Pair, tuple[str, str]] = {}
    for edge in edges:
        if edge.data not in back:
            tail, head = (boxes[name] for name in edge.data)
            points = [(tail.x + tail.width, tail.y + ROW / 2)]
            for rank, waypoint in sorted(sugiyama.ctrls.get(edge, {}).items()):
                if waypoint not in edge.v:  # the ends are in ctrls too
                    y = waypoint.view.xy[0] + top
                    points += [(columns[rank][0], y), (columns[rank][1], y)]
            points.append((head.x - 1, head.y + ROW / 2))
            paths[edge.data] = _curve(points)
    below = max(v.view.xy[0] + v.view.w / 2 for v in placed) + top + ARC / 2
    notes: list[tuple[float, float, str]] = []
    for source, target in back:
        paths[source, target] = _arc(boxes[source], boxes[target], below=below)
    if ends:  # one label, on the longest of the loops back to where a turn starts
        source, target = max(ends, key=lambda pair: boxes[pair[0]].x)
        mid = (boxes[source].x + boxes[target].x + boxes[target].width) / 2
        notes.append((mid, below - 6, "next caller turn"))
    return Layout(
        width=columns[-1][1] + MARGIN,
        height=below + MARGIN,
        boxes=boxes,
        paths=paths,
        conditional=frozenset((s, t) for s, t, c in shape.edges if c),
        notes=tuple(notes),
    )


def _sugiyama(nodes: Sequence[str], pairs: list[Pair]) -> tuple[Any, dict[str, Any], list[Any]]:
    """Rank, order and place the nodes with grandalf, top to bottom; return its layout."""
    vertices: dict[str, Any] = {}
    for node in nodes:
        vertex = vertices[node] = Vertex(node)
        # Sideways: grandalf's width is our row height (plus the gap beyond DUMMY_GAP), its
        # height our column width.
        vertex.view = VertexViewer(w=ROW + GAP - DUMMY_GAP, h=_label_width(node))
    edges = [Edge(vertices[s], vertices[t], data=(s, t)) for s, t in pairs]
    # graph_core keeps our order (grandalf's Graph orders edges by memory address, so the
    # picture would change from run to run); it refuses a graph in pieces, and a compiled
    # LangGraph graph is in one.
    sugiyama = SugiyamaLayout(graph_core(list(vertices.values()), edges))
    sugiyama.xspace, sugiyama.yspace = DUMMY_GAP, COLUMN_GAP
    sugiyama.dw = sugiyama.dh = 0  # edges that skip columns run DUMMY_GAP apart
    # optimize pulls nodes towards their targets: half the crossings of plain longest-path.
    sugiyama.init_all(roots=[vertices[START]] if START in vertices else None, optimize=True)
    sugiyama.draw()
    return sugiyama, vertices, edges


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

"""Draw the call graph with the path a call took, and its latency per turn, as inline SVG.

The graph is laid out here, in Python, as layered drawings usually are (Sugiyama): break
the cycles, put each node in a column by its longest path from the start, add waypoints to
edges that skip columns, order each column to cut crossings, then place the nodes close to
their neighbours. The turn loop is cut on purpose where a turn ends (`respond` → `listen`:
the reply is spoken and the graph waits), so one caller turn reads as one sweep from left
to right and that single edge is drawn as a loop back underneath ("next caller turn").

Every text is escaped here; the SVG carries classes and `data-turns` only, its looks live in
the served stylesheet and the turn picker in the served script.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from itertools import pairwise
from typing import Any

from analysts.data import Step

START, END = "__start__", "__end__"
TURN_EDGE = ("respond", "listen")
"""The edge a turn ends on; the layout cuts the loop there."""

ROW, GAP, DUMMY_GAP, COLUMN_GAP, MARGIN, ARC = 28, 9, 6, 44, 14, 40
KIND = {
    "respond": "turn",
    "listen": "turn",
    "understand": "turn",
    **dict.fromkeys(("search", "select", "confirm", "retrieve"), "task"),
    **dict.fromkeys(("book", "cancel", "reschedule"), "write"),
    **dict.fromkeys(("repeat", "clarify", "never_mind", "help", "decline"), "repair"),
    **dict.fromkeys(("offer_handoff", "take_message"), "repair"),
}
"""Colour family of each node in the latency chart; the rest is opening and closing."""

Pair = tuple[str, str]


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


@dataclass
class Walk:
    """The path one call took: how often each node ran and each edge was taken, and when."""

    visits: Counter[str] = field(default_factory=Counter)
    taken: Counter[Pair] = field(default_factory=Counter)
    node_turns: dict[str, set[int]] = field(default_factory=dict)
    edge_turns: dict[Pair, set[int]] = field(default_factory=dict)


def shape_of(drawable: Any) -> Shape:
    """Return the shape of a `langchain_core` drawable graph (`compiled.get_graph()`)."""
    nodes = tuple(str(node.id) for node in drawable.nodes.values())
    edges = tuple((str(e.source), str(e.target), bool(e.conditional)) for e in drawable.edges)
    return Shape(nodes=nodes, edges=edges)


def walk(history: Sequence[Step], shape: Shape) -> Walk:
    """Follow a call's checkpoints through the graph, counting nodes and edges per turn."""
    known = {(source, target) for source, target, _ in shape.edges}
    out = Walk()
    previous: list[str] = []
    turn = 0
    for step in history:
        if not step.values or step.nodes == ["input"]:
            continue
        turn = int(step.values.get("turn") or 0)
        _visit(out, step.nodes, previous, turn, known)
        previous = step.nodes
    if history and history[-1].values and not history[-1].next:
        _visit(out, [END], previous, turn, known)
    return out


def _visit(out: Walk, nodes: list[str], previous: list[str], turn: int, known: set[Pair]) -> None:
    for node in nodes:
        out.visits[node] += 1
        out.node_turns.setdefault(node, set()).add(turn)
        for before in previous:
            if (before, node) in known:
                out.taken[before, node] += 1
                out.edge_turns.setdefault((before, node), set()).add(turn)


def _label_width(name: str) -> float:
    return max(64.0, 7.2 * len(name) + 26)


@lru_cache(maxsize=8)
def layout(shape: Shape, *, loop: Pair | None = TURN_EDGE) -> Layout:
    """Lay the graph out in columns, left to right, cutting cycles at `loop` first."""
    succ: dict[str, list[str]] = {node: [] for node in shape.nodes}
    for source, target, _ in shape.edges:
        if source != target:
            succ[source].append(target)
    back = _back_edges(shape.nodes, succ, loop)
    # Edges against the flow are left out of the columns and drawn as arcs.
    dag = {n: [t for t in succ[n] if (n, t) not in back] for n in shape.nodes}
    column = _columns(shape.nodes, dag)
    chains, order = _with_waypoints(shape.nodes, dag, column)
    order = _fewer_crossings(order, chains)
    return _place(shape, order, chains, column, back)


def _back_edges(nodes: Sequence[str], succ: dict[str, list[str]], loop: Pair | None) -> set[Pair]:
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


def _columns(nodes: Sequence[str], dag: dict[str, list[str]]) -> dict[str, int]:
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


def _with_waypoints(
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


def _fewer_crossings(order: list[list[str]], chains: dict[Pair, list[str]]) -> list[list[str]]:
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


def _turns(turns: Iterable[int] | None) -> str:
    return " ".join(str(t) for t in sorted(turns or ()))


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def graph_svg(drawing: Layout, path: Walk) -> str:
    """Return the graph as an SVG element, the call's nodes and edges marked `visited`."""
    out = [
        f'<svg class="callgraph" viewBox="0 0 {drawing.width:.0f} {drawing.height:.0f}" '
        f'role="img" aria-label="Call graph with the path this call took">',
        '<g class="edges">',
    ]
    for pair, (curve, head) in sorted(drawing.paths.items(), key=lambda kv: kv[0] in path.taken):
        count = path.taken.get(pair, 0)
        classes = ["edge"]
        if pair in drawing.conditional:
            classes.append("conditional")
        if count:
            classes += ["visited", f"w{min(count, 4)}"]
        title = f"{pair[0]} → {pair[1]}: " + (f"taken {_times(count)}" if count else "not taken")
        out.append(
            f'<g class="{" ".join(classes)}" data-edge="{escape(pair[0])}&gt;{escape(pair[1])}" '
            f'data-turns="{_turns(path.edge_turns.get(pair))}">'
            f"<title>{escape(title)}</title>"
            f'<path class="line" d="{curve}"/><path class="head" d="{head}"/></g>'
        )
    out.append('</g><g class="nodes">')
    for x, y, text in drawing.notes:
        out.append(f'<text class="note" x="{x:.1f}" y="{y:.1f}">{escape(text)}</text>')
    for node, box in drawing.boxes.items():
        count = path.visits.get(node, 0)
        special = node in (START, END)
        label = {START: "start", END: "end"}.get(node, node)
        classes = ["node"] + (["terminal"] if special else []) + (["visited"] if count else [])
        title = f"{label}: ran {_times(count)}" if count else f"{label}: not run"
        mid_x, mid_y = box.x + box.width / 2, box.y + ROW / 2
        radius = ROW / 2 if special else 7
        parts = [
            f'<g class="{" ".join(classes)}" data-node="{escape(node)}" '
            f'data-turns="{_turns(path.node_turns.get(node))}">',
            f"<title>{escape(title)}</title>",
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" height="{ROW}" '
            f'rx="{radius}"/>',
            f'<text x="{mid_x:.1f}" y="{mid_y + 4:.1f}">{escape(label)}</text>',
        ]
        if count:
            bx, by = box.x + box.width - 3, box.y + 1
            parts += [
                f'<circle class="badge" cx="{bx:.1f}" cy="{by:.1f}" r="8.5"/>',
                f'<text class="count" x="{bx:.1f}" y="{by + 3.5:.1f}">{count}</text>',
            ]
        out.append("".join(parts) + "</g>")
    out.append("</g></svg>")
    return "\n".join(out)


def segments(history: Sequence[Step]) -> dict[int, list[tuple[str, float]]]:
    """Return turn → (node, milliseconds) for each step after the turn's first.

    A turn's first step is where the caller's words arrived (the wait for them is not the
    agent's time), so the segments add up to the turn's latency in `data.turns`.
    """
    grouped: dict[int, list[Step]] = {}
    for step in history:
        if step.values:
            grouped.setdefault(int(step.values.get("turn") or 0), []).append(step)
    return {
        turn: [(" + ".join(step.nodes), step.latency_ms) for step in group[1:]]
        for turn, group in grouped.items()
    }


def _ticks(top: float) -> list[float]:
    """Return 3 to 7 round tick values (steps of 1, 2 or 5 times a power of ten) up to `top`."""
    if top <= 0:
        return [0.0, 1.0]
    unit = 10 ** (math.floor(math.log10(top)) - 1)
    step = next(unit * f for f in (1, 2, 5, 10, 20, 50, 100) if math.ceil(top / (unit * f)) <= 6)
    return [step * i for i in range(max(math.ceil(top / step), 1) + 1)]


def ms(value: float) -> str:
    """Return milliseconds as people read them: 0.8 ms, 12 ms."""
    if value == 0 or value >= 10:
        return f"{value:.0f} ms"
    return f"{value:.1f} ms"


def latency_svg(rows: Sequence[tuple[int, Sequence[tuple[str, float]]]]) -> str:
    """Return one horizontal bar per turn, split into its steps, as an SVG element."""
    label, right, row, bar, axis = 44, 64, 22, 13, 20
    plot = 600.0
    ticks = _ticks(max((sum(took for _, took in parts) for _, parts in rows), default=0.0))
    scale = plot / (ticks[-1] or 1.0)
    height = axis + row * len(rows) + 6
    out = [
        f'<svg class="latency" viewBox="0 0 {label + plot + right:.0f} {height}" role="img" '
        f'aria-label="Latency per turn, split by step">'
    ]
    for tick in ticks:
        x = label + tick * scale
        out.append(
            f'<line class="grid" x1="{x:.1f}" y1="{axis - 4}" x2="{x:.1f}" y2="{height - 4}"/>'
            f'<text class="tick" x="{x:.1f}" y="{axis - 8}">{tick:g} ms</text>'
        )
    for i, (turn, parts) in enumerate(rows):
        y = axis + i * row + (row - bar) / 2
        out.append(
            f'<a href="#turn-{turn}" class="bar" data-turn="{turn}">'
            f'<text class="turn" x="{label - 8}" y="{y + bar - 2:.1f}">T{turn}</text>'
        )
        x = float(label)
        for node, took in parts:
            width = max(took * scale, 0.0)
            kind = KIND.get(node, "other")
            out.append(
                f'<rect class="k-{kind}" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
                f'height="{bar}"><title>{escape(node)}: {ms(took)}</title></rect>'
            )
            x += width
        total = sum(took for _, took in parts)
        out.append(
            f'<text class="total" x="{x + 6:.1f}" y="{y + bar - 2:.1f}">{ms(total)}</text></a>'
        )
    out.append("</svg>")
    return "\n".join(out)

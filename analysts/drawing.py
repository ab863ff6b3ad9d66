"""Draw the call graph with the path a call took, and its latency per turn, as inline SVG.

The graph's boxes and curves come from `analysts.layout`; this module follows a call through
them (`walk`) and writes the markup. Every text is escaped here; the SVG carries classes and
`data-turns` only, its looks live in the served stylesheet and the turn picker in the served
script.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

from analysts.data import Step
from analysts.layout import END, ROW, START, Layout, Pair, Shape

KIND = {
    "listen": "turn",
    **dict.fromkeys(("search", "select", "confirm", "retrieve"), "task"),
    **dict.fromkeys(("book", "cancel", "reschedule"), "write"),
    **dict.fromkeys(("repeat", "clarify", "never_mind", "help", "decline"), "repair"),
    **dict.fromkeys(("offer_handoff", "take_message"), "repair"),
}
"""Colour family of each node in the latency chart; the rest is opening and closing."""


@dataclass
class Walk:
    """The path one call took: how often each node ran and each edge was taken, and when."""

    visits: Counter[str] = field(default_factory=Counter)
    taken: Counter[Pair] = field(default_factory=Counter)
    node_turns: dict[str, set[int]] = field(default_factory=dict)
    edge_turns: dict[Pair, set[int]] = field(default_factory=dict)


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

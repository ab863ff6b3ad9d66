"""The call graph's layout: grandalf places it, the turn loop is cut, the picture is stable."""

from __future__ import annotations

from itertools import combinations

from analysts.layout import ROW, TURN, Shape, layout, shape_of, turn_ends
from graph.builder import build_graph


def call_graph() -> Shape:
    """Return the shape of the agent's own graph, as the web page draws it."""
    return shape_of(build_graph().compile().get_graph())


def test_every_node_and_edge_is_drawn_without_overlaps() -> None:
    """Each node has a box inside the drawing, no two overlap, each edge has a path."""
    shape = call_graph()
    drawn = layout(shape)
    assert set(drawn.boxes) == set(shape.nodes)
    assert set(drawn.paths) == {(s, t) for s, t, _ in shape.edges if s != t}
    for box in drawn.boxes.values():
        assert 0 < box.x < box.x + box.width < drawn.width and 0 < box.y < drawn.height
    for a, b in combinations(drawn.boxes.values(), 2):
        apart = a.x + a.width <= b.x or b.x + b.width <= a.x
        assert apart or a.y + ROW <= b.y or b.y + ROW <= a.y, (a, b)


def test_turns_loop_back_to_listen_underneath_and_the_flow_runs_left_to_right() -> None:
    """Only the edges back into `listen` (where a turn ends) run back, under the drawing,
    with one label; every other edge runs right."""
    shape = call_graph()
    drawn = layout(shape)
    ends = turn_ends([(s, t) for s, t, _ in shape.edges if s != t], TURN)
    assert {"book", "search", "confirm", "clarify"} <= {source for source, _ in ends}
    assert [text for _, _, text in drawn.notes] == ["next caller turn"]
    for (source, target), (curve, _) in drawn.paths.items():
        if (source, target) in ends:
            assert " V" in curve, (source, target)
        else:
            assert drawn.boxes[source].x < drawn.boxes[target].x, (source, target)
            assert "V" not in curve


def test_the_picture_is_the_same_every_time() -> None:
    """Two fresh layouts of the same graph agree to the coordinate."""
    shape = call_graph()
    first = layout(shape)
    layout.cache_clear()
    assert layout(shape) == first


def test_another_cycle_is_drawn_back_underneath() -> None:
    """A cycle that is not the turn loop is cut by grandalf and drawn as an arc too."""
    shape = Shape(
        nodes=("a", "b", "c"),
        edges=(("a", "b", False), ("b", "c", True), ("c", "a", False), ("b", "b", False)),
    )
    drawn = layout(shape)
    assert set(drawn.paths) == {("a", "b"), ("b", "c"), ("c", "a")}
    assert drawn.boxes["a"].x < drawn.boxes["b"].x < drawn.boxes["c"].x
    assert " V" in drawn.paths["c", "a"][0] and drawn.notes == ()

"""The dispatch states: one enum, and the code stores and compares nothing else.

The code is read, not run: every place that writes a message's state (`state=...`,
`x.state = ...`, or the state handed to the function that records it) and every
comparison with `.state` is found in the syntax tree of core, webapp, adapters and wismo.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from core.domain.states import DUE, MessageState

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("core", "webapp", "adapters", "wismo")
# functions that take the state to record as a positional argument (core/services/delivery.py)
RECORDERS = {"finish": 0, "give_up": 0, "Unsent": 0, "take_claim": 4}
# the strings `notifications.state` holds in databases today: a new value needs no
# migration, a changed one does (and these rows would then be unreadable)
STORED = {"pending", "sending", "sent", "retry", "dead", "superseded", "skipped", "failed_over"}


def sources() -> Iterator[tuple[Path, ast.Module]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:  # frozen history: it writes the strings of its day
                continue
            yield path, ast.parse(path.read_text(), str(path))


def members(node: ast.expr) -> Iterator[ast.expr]:
    """The values an expression can take: both arms of `a if c else b`, else itself."""
    if isinstance(node, ast.IfExp):
        yield from members(node.body)
        yield from members(node.orelse)
    else:
        yield node


def stored_values(tree: ast.Module) -> Iterator[ast.expr]:
    """Every expression written as a message's state."""
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "state":
            yield from members(node.value)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                targets = target.elts if isinstance(target, ast.Tuple) else [target]
                values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                for t, v in zip(targets, values, strict=False):
                    if isinstance(t, ast.Attribute) and t.attr == "state":
                        yield from members(v)
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            at = RECORDERS.get(name or "")
            if at is not None and len(node.args) > at:
                yield from members(node.args[at])


def compared_values(tree: ast.Module) -> Iterator[ast.expr]:
    """Every value a `.state` is compared with (==, !=, in, in_(), not_in())."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and _is_state(node.left):
            for right in node.comparators:
                yield from right.elts if isinstance(right, ast.Tuple | ast.Set) else [right]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("in_", "not_in")
            and _is_state(node.func.value)
        ):
            for arg in node.args:
                yield from arg.elts if isinstance(arg, ast.Tuple | ast.List) else [arg]


def _is_state(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "state"


def _member(node: ast.expr) -> str | None:
    """`MessageState.X` -> "X"."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "MessageState"
    ):
        return node.attr
    return None


def test_the_values_are_the_strings_the_database_already_holds() -> None:
    assert {s.value for s in MessageState} == STORED
    assert MessageState.FAILED_OVER == "failed_over"  # compares equal to a stored row's str
    assert set(DUE) == {MessageState.PENDING, MessageState.RETRY}


def test_the_code_stores_exactly_the_enums_members_and_no_bare_string() -> None:
    stored: set[str] = set()
    bare: list[str] = []
    for path, tree in sources():
        for value in stored_values(tree):
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                bare.append(f"{path.relative_to(ROOT)}:{value.lineno} stores {value.value!r}")
            elif (name := _member(value)) is not None:
                stored.add(name)
    assert bare == [], "write MessageState members, not strings"
    assert stored == {s.name for s in MessageState}  # each member is stored somewhere


def test_states_are_compared_with_members_only() -> None:
    bare = [
        f"{path.relative_to(ROOT)}:{value.lineno} compares .state with {value.value!r}"
        for path, tree in sources()
        for value in compared_values(tree)
        if isinstance(value, ast.Constant) and value.value in STORED
    ]
    assert bare == []


def test_the_scan_sees_what_it_looks_for() -> None:
    sample = ast.parse(
        "update(N).values(state='dead')\n"
        "n.state, n.last_error = 'retry', 'x'\n"
        "finish(MessageState.SENT, None)\n"
        "ending.give_up('dead' if a else MessageState.DEAD, r)\n"
        "N.state.in_(('pending', MessageState.RETRY))\n"
        "if n.state == 'sent': pass\n"
    )
    constants = [v.value for v in stored_values(sample) if isinstance(v, ast.Constant)]
    assert sorted(constants) == ["dead", "dead", "retry"]
    assert {_member(v) for v in stored_values(sample)} >= {"SENT", "DEAD"}
    compared = [v.value for v in compared_values(sample) if isinstance(v, ast.Constant)]
    assert sorted(compared) == ["pending", "sent"]

"""The render budget: how much work one merchant template may do (issue 16, item 7).

A template renders in Jinja's sandbox, which stops it reaching Python's internals but not
from working for minutes: `{% for i in range(99999) %}{% for j in range(900) %}` passed
the old save check and held a worker for 18 s. Here every operation the sandbox sees (a
call, an attribute or item lookup, an arithmetic operator, a loop turn) counts against a
budget of operations and wall time, and what a template builds (a string, a list, the
output) against a size limit. Exceeding it raises `RenderBudgetError`: at save time a
clear refusal, at send time a recorded failure (a dead letter), never a stuck worker.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from core.errors import TemplateError

# the limits a reason names, for the editor's translated message
OPERATIONS, SECONDS, OUTPUT = "operations", "seconds", "output"


@dataclass(frozen=True)
class Budget:
    """What one message's rendering may spend (all its parts and includes together).

    The shipped email of any status uses under 2,000 operations and a few milliseconds
    (`tests/unit/rendering/test_budget.py` measures it), so the defaults leave a merchant
    ample room while a runaway loop stops within a fraction of a second.
    """

    operations: int = 100_000
    seconds: float = 2.0
    output: int = 500_000  # characters in any one string a template builds, or its output


DEFAULT_BUDGET = Budget()


class RenderBudgetError(TemplateError):
    """A template did more work than its render budget allows; `limit` names which."""

    def __init__(self, limit: str, amount: float, message: str) -> None:
        super().__init__(f"this template does too much work: {message}")
        self.limit, self.amount = limit, amount


class _Meter:
    """The running count of one render against its budget."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.operations = 0
        self.deadline = time.perf_counter() + budget.seconds

    def tick(self, n: int = 1) -> None:
        self.operations += n
        if self.operations > self.budget.operations:
            most = self.budget.operations
            raise RenderBudgetError(
                OPERATIONS, most, f"more than {most:,} operations (loops, lookups)"
            )
        if self.operations % 64 == 0 and time.perf_counter() > self.deadline:
            seconds = self.budget.seconds
            raise RenderBudgetError(SECONDS, seconds, f"longer than {seconds:g} s to render")

    def size(self, value: Any) -> Any:
        if isinstance(value, Sized) and not isinstance(value, dict | range):
            if len(value) > self.budget.output:
                raise _too_long(self.budget)
        return value


def _too_long(budget: Budget) -> RenderBudgetError:
    n = budget.output
    return RenderBudgetError(OUTPUT, n, f"it builds or writes more than {n:,} characters")


_meter: ContextVar[_Meter | None] = ContextVar("wismo_render_meter", default=None)


@contextmanager
def metered(budget: Budget = DEFAULT_BUDGET) -> Iterator[None]:
    """Count the rendering done inside against `budget` (a nested call keeps the outer count)."""
    if _meter.get() is not None:
        yield
        return
    token = _meter.set(_Meter(budget))
    try:
        yield
    finally:
        _meter.reset(token)


def _tick() -> _Meter | None:
    meter = _meter.get()
    if meter is not None:
        meter.tick()
    return meter


def _sized(value: Any) -> Any:
    meter = _meter.get()
    return meter.size(value) if meter is not None else value


def _metered_loop(iterable: Iterable[Any]) -> Iterator[Any]:
    """A loop's iterable, counting one operation per turn."""
    for item in iterable:
        _tick()
        yield item


def output(chunks: Iterable[str]) -> str:
    """Join a template's output, stopping as soon as it outgrows the budget."""
    meter, total, parts = _meter.get(), 0, []
    for chunk in chunks:
        total += len(chunk)
        if meter is not None and total > meter.budget.output:
            raise _too_long(meter.budget)
        parts.append(chunk)
    return "".join(parts)


def _too_big(operator: str, left: Any, right: Any, limit: int) -> bool:
    """Whether `left <operator> right` would build something over `limit` before it is built."""
    if operator == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(n, int):
                return len(seq) * n > limit
    if operator == "**" and isinstance(left, int | float) and isinstance(right, int | float):
        # 9**9**9 would compute for minutes; anything past 10**300 is no shop's number
        return abs(right) > 64 and abs(left) > 1
    return False


class BudgetedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox merchant templates render in, with every operation counted."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    intercepted_unops = frozenset({"-", "+"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["_wismo_loop"] = _metered_loop
        self.filters["_wismo_sized"] = _sized

    def call(
        __self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any
    ) -> Any:  # noqa: N805
        _tick()
        return _sized(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj: Any, attribute: str) -> Any:
        _tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _tick()
        return super().getitem(obj, argument)

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        meter = _tick()
        if meter is not None and _too_big(operator, left, right, meter.budget.output):
            raise _too_long(meter.budget)
        return _sized(super().call_binop(context, operator, left, right))

    def call_unop(self, context: jinja2.runtime.Context, operator: str, arg: Any) -> Any:
        _tick()
        return super().call_unop(context, operator, arg)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        # loops and `~` joins never pass through call/getattr: count and size them here
        for loop in tree.find_all(nodes.For):
            loop.iter = _filtered(loop.iter, "_wismo_loop")
        for concat in list(tree.find_all(nodes.Concat)):
            _wrap_in_place(concat, "_wismo_sized")
        return tree


def _filtered(node: nodes.Node, name: str) -> nodes.Filter:
    return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)


def _wrap_in_place(concat: nodes.Concat, name: str) -> None:
    """Make `concat` check its result's size, keeping it where it is in the tree."""
    inner = nodes.Concat(concat.nodes, lineno=concat.lineno)
    # a Concat node becomes Concat([Filter(Concat(...))]): the same value, sized once
    concat.nodes = [_filtered(inner, name)]

"""One node execution over a list of inputs: every item's tasks go through one Runner.

ComfyUI calls a node once per list item unless the node declares ``INPUT_IS_LIST`` (every pack node does, see
``base.PackNode``); then the node gets every input as a list and ``base`` splits them into one input set per item.
Each item runs the node's own ``run()`` as a task of its own, unchanged: it checks its inputs, encodes its
pictures and builds its jobs. When it calls ``Runner.run`` (or ``Runner.fetch``) it is parked here instead of
sending anything. Once every item is parked (or done), the jobs of all items run as one Runner run: the spending
guard counts them all before the first request, one status line and one progress bar count them, and results
come back in the items' order. Each item then resumes with its own results and builds its outputs.

An item whose checks fail before it parks fails the whole execution before any request. With "continue with the
images that succeeded", an item whose tasks all failed raises ``ItemFailed`` and is left out of the outputs (its
lines are in ``failures``).
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


class ItemFailed(Exception):
    """Every task of this list item failed; the node continues with the other items."""


@dataclass
class _Parked:
    runner: Any  # the item's runner.Runner: its node name and node id serve the whole list
    work: list[Any]  # Jobs, or task ids to fetch
    collect: Any
    fetch: bool
    future: asyncio.Future


class _ListRun:
    def __init__(self) -> None:
        self.parked: dict[int, _Parked] = {}
        self.changed = asyncio.Event()

    async def park(self, index: int, parked: _Parked) -> list[Any]:
        self.parked[index] = parked
        self.changed.set()
        return await parked.future


_CURRENT: ContextVar[tuple[_ListRun, int] | None] = ContextVar("dashscope_list_run", default=None)


async def park(runner: Any, work: Sequence[Any], collect: Any, fetch: bool) -> list[Any] | None:
    """Inside a list execution: hand the item's work over and wait for its results. Outside: None (run it now)."""
    current = _CURRENT.get()
    if current is None:
        return None
    group, index = current
    future = asyncio.get_running_loop().create_future()
    return await group.park(index, _Parked(runner, list(work), collect, fetch, future))


async def run_items(run: Callable[..., Awaitable[Any]], items: list[dict[str, Any]]) -> list[Any | None]:
    """``run(**item)`` for every item with their tasks run together; each item's outputs in order (None for an item
    left out by ItemFailed)."""
    group = _ListRun()

    async def item(index: int) -> Any:
        _CURRENT.set((group, index))  # each task has its own copy of the context
        return await run(**items[index])

    tasks = [asyncio.ensure_future(item(index)) for index in range(len(items))]
    try:
        while True:
            group.changed.clear()
            for task in tasks:  # the first item (in order) that failed outside its tasks ends everything
                if task.done() and not task.cancelled() and not isinstance(task.exception(), (ItemFailed, type(None))):
                    raise task.exception()
            live = [index for index, task in enumerate(tasks) if not task.done()]
            if not live:
                break
            if all(index in group.parked for index in live):
                await _flush(group)
                continue
            waiter = asyncio.ensure_future(group.changed.wait())
            await asyncio.wait([waiter, *(tasks[i] for i in live)], return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return [None if isinstance(task.exception(), ItemFailed) else task.result() for task in tasks]


async def _flush(group: _ListRun) -> None:
    """Run the parked items' work as one Runner run and hand each item its share of the results."""
    parked = [group.parked.pop(index) for index in sorted(group.parked)]
    work = [piece for p in parked for piece in p.work]
    collects = [p.collect for p in parked for _ in p.work]
    # A copy of the first item's runner (its node name, node id, client and options): the run's status lives on
    # the copy, so an item that writes to its own runner's status afterwards cannot overwrite the whole run's.
    runner = copy.copy(parked[0].runner)
    if parked[0].fetch:
        results = await runner.fetch_all(work, collects)
    else:
        results = await runner.run_all(work, collects)
    start = 0
    for p in parked:
        share = results[start : start + len(p.work)]
        start += len(p.work)
        if share and all(r.error is not None for r in share):
            p.future.set_exception(ItemFailed())
        else:
            p.future.set_result(share)

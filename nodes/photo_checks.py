"""Picture inputs of the portrait, FaceChain and e-commerce nodes: two picture batches paired into one task each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from .models import ModelSpec
from .runner import Job
from .validation import Check

T = TypeVar("T")


def task_count(*batches: Sequence[object]) -> int:
    """How many tasks a node runs for inputs that each hold 1 item (used by every task) or N items (one each)."""
    return max(len(batch) for batch in batches)


def spread(check: Check, name: str, items: Sequence[T], count: int) -> list[T]:
    """``count`` items from a batch of 1 (repeated for every task) or of exactly ``count``."""
    if len(items) == 1:
        return [items[0]] * count
    if len(items) != count:
        raise check.fail(
            name, f"holds {len(items)} pictures but another input holds {count}; give 1 (used for all) or {count}."
        )
    return list(items)


def paired_jobs(
    check: Check,
    spec: ModelSpec,
    pictures: dict[str, Sequence[Any]],
    values: dict[str, Any],
    count: int | None = None,
) -> list[Job]:
    """One job per task: each picture input (keyed by field name) gives 1 item for every task or one per task;
    ``values`` (by field name) are the same for all. ``count`` defaults to the largest picture batch."""
    count = count if count is not None else task_count(*pictures.values())
    paired = {name: spread(check, name, items, count) for name, items in pictures.items()}
    return [
        Job(spec, spec.request({**values, **{name: items[index] for name, items in paired.items()}}))
        for index in range(count)
    ]

"""Input checks shared by the portrait, FaceChain and e-commerce nodes: resolution ranges written the way the
service documents them ("256x256 to 5760x3240"), and pairing two picture batches into one task each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import torch

from .validation import Check

T = TypeVar("T")


def check_resolution(
    check: Check,
    name: str,
    image: torch.Tensor,
    *,
    low: int,
    long_max: int,
    short_max: int | None = None,
    max_ratio: float | None = None,
) -> None:
    """A range like "256x256 to 5760x3240" holds in either orientation (portrait photos are taller than wide):
    each side at least ``low``, the long side at most ``long_max``, the short side at most ``short_max``."""
    height, width = int(image.shape[0]), int(image.shape[1])
    check.sides(name, height, width, low, long_max, max_ratio=max_ratio)
    if short_max is not None and min(height, width) > short_max:
        raise check.fail(
            name,
            f"is {width}x{height} px; the largest size accepted is {long_max}x{short_max} px (short side at most "
            f"{short_max} px). Downscale it first.",
        )


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

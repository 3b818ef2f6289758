"""Picture inputs of the portrait, FaceChain and e-commerce nodes: one field's pictures checked against its row
(count, sides, aspect, file size) and encoded, and two picture batches paired into one task each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from .images import image_batch
from .jobs import encoded_batch
from .models import Field, ModelSpec
from .runner import ImageRef, Job
from .validation import Check
from .widgets import tooltip_for

T = TypeVar("T")


def image_tooltip(spec_field: Field, lead: str) -> str:
    """An IMAGE / MASK input's tooltip: the lead, the field's note and count, and its image rule in words."""
    rule = spec_field.image.describe() if spec_field.image is not None else ""
    return tooltip_for(spec_field, f"{lead}. {rule[:1].upper()}{rule[1:]}" if rule else lead)


async def image_refs(check: Check, spec_field: Field, images: Any) -> list[ImageRef]:
    """One ImageRef per picture of the batch fed to ``spec_field``'s input, after every check its row states.
    For an array field (``image[]``) the row's ``high`` is the most pictures one request may carry."""
    batch = image_batch(images)
    most = int(spec_field.high) if spec_field.type == "image[]" and spec_field.high is not None else None
    check.batch(spec_field.name, batch, most)
    return [ImageRef(e) for e in await encoded_batch(check, spec_field.name, batch, spec_field.image)]


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

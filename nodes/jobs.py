"""Turning a node's image inputs into what a request carries: batch and size checks against the model's image
rule, encoding on the pack's workers, and the file-size check — one helper for every node family; and an image
input's tooltip from its row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from .images import Encoded, encode_image, image_batch, picture_size
from .models import Field, ImageRule
from .runner import ImageRef, encode_all
from .validation import Check
from .widgets import tooltip_for


def check_images(check: Check, name: str, images: torch.Tensor, rule: ImageRule | None) -> torch.Tensor:
    """[B, H, W, C] after checking the batch is not empty and each picture's sides and aspect fit the rule."""
    batch = image_batch(images)
    check.batch(name, batch)
    if rule is not None and (rule.min_side is not None or rule.max_side is not None or rule.max_aspect):
        low = rule.min_side if rule.min_side is not None else 1
        high = rule.max_side if rule.max_side is not None else 1 << 30
        for picture in batch:
            check.sides(name, *picture_size(picture), low, high, max_ratio=rule.max_aspect, strict=rule.strict)
            if rule.max_short_side is not None:
                check.short_side(name, *picture_size(picture), high, rule.max_short_side)
    return batch


async def encoded_batch(
    check: Check,
    name: str,
    images: torch.Tensor,
    rule: ImageRule | None,
    encode: Callable[[torch.Tensor], Encoded] = encode_image,
) -> list[Encoded]:
    """Check, encode in parallel, and check each encoded file's size: one Encoded per picture of the batch."""
    batch = check_images(check, name, images, rule)
    encoded = await encode_all(list(batch), encode)
    if rule is not None and rule.max_mb is not None:
        for item in encoded:
            check.file_size(name, item, rule.max_mb)
    return encoded


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


def image_input(spec_field: Field, lead: str, kind: str = "IMAGE") -> tuple[str, dict[str, Any]]:
    """A node's IMAGE (or MASK) input for a row's image field, with ``image_tooltip``."""
    return kind, {"tooltip": image_tooltip(spec_field, lead)}

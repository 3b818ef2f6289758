"""Turning a node's image inputs into what a request carries: batch and size checks against the model's image
rule, encoding on the pack's workers, and the file-size check — one helper for every node family."""

from __future__ import annotations

from collections.abc import Callable

import torch

from .images import Encoded, encode_image, image_batch, picture_size
from .models import ImageRule
from .runner import encode_all
from .validation import Check


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

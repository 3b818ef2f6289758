"""Mask pairing for the e-commerce nodes, kept out of nodes/editing.py so node families never import each other.

The editing family is moving the same helper to a shared module (planned: nodes/masks.py ``checked_masks``);
when both are merged, this module goes and commerce imports that one."""

from __future__ import annotations

import torch

from .images import mask_batch
from .validation import Check


def checked_masks(check: Check, name: str, mask: torch.Tensor, images: torch.Tensor) -> list[torch.Tensor]:
    """One mask per image (a single mask serves every image), each the image's size and not empty."""
    masks = mask_batch(mask)
    picked = []
    for index, image in enumerate(images):
        item = check.pick(name, masks, index, images.shape[0])
        check.same_size(name, tuple(item.shape), (image.shape[0], image.shape[1]))
        if not bool((item >= 0.5).any()):
            raise check.fail(name, "is empty (no pixel is selected); paint the area to keep in white.")
        picked.append(item)
    return picked

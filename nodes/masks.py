"""Masks shared by node families (editing, image-to-image, commerce): one checked mask per image of a batch, and
pasting a result back inside a mask. Family modules import these from here, never from each other."""

from __future__ import annotations

import torch

from .images import binary_mask, encode_mask, image_batch, mask_batch, picture_size, resize_image, to_float
from .runner import ImageRef, encode_all
from .validation import Check


def checked_masks(
    check: Check, name: str, mask: torch.Tensor, images: torch.Tensor, required: bool = True
) -> list[torch.Tensor]:
    """One binary-ready mask per image (a single mask is used for every image), sized like its image."""
    masks = mask_batch(mask)
    picked = []
    for index, image in enumerate(images):
        item = check.pick(name, masks, index, images.shape[0])
        check.same_size(name, picture_size(item), picture_size(image))
        if required and not bool((item >= 0.5).any()):
            raise check.fail(name, "is empty (no pixel is selected); paint the area to change in white.")
        picked.append(item)
    return picked


def paste_inside_mask(result: torch.Tensor, original: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Put the service's result back at the original resolution, inside the mask only: every pixel outside
    the (binarised) mask is exactly the original."""
    resized = resize_image(to_float(result), *picture_size(original))
    keep = torch.from_numpy(binary_mask(mask) == 0)[..., None]
    return torch.where(keep, original[..., :3], resized)


async def encoded_masks(
    check: Check, name: str, mask: torch.Tensor, images: torch.Tensor, required: bool = True
) -> list[ImageRef]:
    """The masks checked against their images (size, not empty), encoded as exact black-and-white PNGs."""
    masks = checked_masks(check, name, mask, image_batch(images), required=required)
    return [ImageRef(encoded) for encoded in await encode_all(masks, encode_mask)]

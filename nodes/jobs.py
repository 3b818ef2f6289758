"""Turning a node's image inputs into what a request carries: batch and size checks against the model's image
rule, encoding (deferred to when the request is sent), and the file-size check — one helper for every node
family; and an image input's tooltip from its row."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import torch

from .images import Encoded, encode_image, image_batch, picture_size
from .models import Field, ImageRule
from .runner import ImageRef, encode_all
from .validation import Check
from .widgets import tooltip_for

# The most bytes a picture's PNG or JPEG can take, per pixel, with room to spare (PNG of RGBA: 4 bytes and a
# filter byte per row; JPEG q95 of noise stays under raw size): a picture whose bound fits the model's file
# limit cannot exceed it, so it need not be encoded to be checked.
_BOUND_BYTES_PER_PIXEL = 8
_BOUND_SLACK = 64 * 1024


class Deferred:
    """An input picture encoded when a request first needs its bytes, not when the node checks its inputs: a list
    of hundreds of photos starts sending at once while later photos are encoded alongside the service's pace
    (the Runner encodes each job's pictures just before its upload, on the pack's encoder threads). ``release``
    drops the bytes and the picture once the request is sent. Reads like ``images.Encoded``."""

    def __init__(self, picture: torch.Tensor, encode: Callable[[torch.Tensor], Encoded]):
        self.width, self.height = picture_size(picture)
        self._picture: torch.Tensor | None = picture
        self._encode = encode
        self._encoded: Encoded | None = None
        self._lock = threading.Lock()

    def encoded(self) -> Encoded:
        with self._lock:
            if self._encoded is None:
                if self._picture is None:
                    raise RuntimeError("this input picture was already sent and released")
                self._encoded = self._encode(self._picture)
            return self._encoded

    @property
    def data(self) -> bytes:
        return self.encoded().data

    @property
    def ext(self) -> str:
        return self.encoded().ext

    @property
    def mime(self) -> str:
        return self.encoded().mime

    def release(self) -> None:
        with self._lock:
            self._encoded = self._picture = None


def _may_exceed(picture: torch.Tensor, max_mb: float) -> bool:
    width, height = picture_size(picture)
    return width * height * _BOUND_BYTES_PER_PIXEL + _BOUND_SLACK > max_mb * 1024 * 1024


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
    defer: bool = True,
) -> list[Encoded | Deferred]:
    """Check the batch and each picture's encoded size; one Encoded (or Deferred: encoded when sent) per picture.
    Only a picture that could exceed the model's file limit is encoded now, to be checked before any request."""
    batch = check_images(check, name, images, rule)
    if not defer:
        encoded: list[Encoded | Deferred] = list(await encode_all(list(batch), encode))
    else:
        encoded = [Deferred(picture, encode) for picture in batch]
        if rule is not None and rule.max_mb is not None:
            large = [item for item, picture in zip(encoded, batch, strict=True) if _may_exceed(picture, rule.max_mb)]
            await encode_all(large, Deferred.encoded)  # on the encoder threads, as every other encoding
    if rule is not None and rule.max_mb is not None:
        for item, picture in zip(encoded, batch, strict=True):
            if not defer or _may_exceed(picture, rule.max_mb):
                check.file_size(name, item, rule.max_mb)
    return encoded


def image_tooltip(spec_field: Field, lead: str) -> str:
    """An IMAGE / MASK input's tooltip: the lead, the field's note and count, and its image rule in words."""
    rule = spec_field.image.describe() if spec_field.image is not None else ""
    return tooltip_for(spec_field, f"{lead}. {rule[:1].upper()}{rule[1:]}" if rule else lead)


async def image_refs(check: Check, spec_field: Field, images: Any, defer: bool = True) -> list[ImageRef]:
    """One ImageRef per picture of the batch fed to ``spec_field``'s input, after every check its row states.
    For an array field (``image[]``) the row's ``high`` is the most pictures one request may carry. ``defer``
    False: encoded now (for a node that reads the bytes itself)."""
    batch = image_batch(images)
    most = int(spec_field.high) if spec_field.type == "image[]" and spec_field.high is not None else None
    check.batch(spec_field.name, batch, most)
    return [ImageRef(e) for e in await encoded_batch(check, spec_field.name, batch, spec_field.image, defer=defer)]


def image_input(spec_field: Field, lead: str, kind: str = "IMAGE") -> tuple[str, dict[str, Any]]:
    """A node's IMAGE (or MASK) input for a row's image field, with ``image_tooltip``."""
    return kind, {"tooltip": image_tooltip(spec_field, lead)}

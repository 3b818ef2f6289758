"""Reference pictures: the ordered pictures of a node's IMAGE inputs (every item of a batch is one picture), checked
against the row's picture field (how many the model takes, each picture's rule) and encoded; and the request body
that carries them where the row puts them (one messages content item per picture, or a list in ``input``).

The order is the order the prompt names them in ("image 1", "图1"): the inputs in their order (image, image_2,
image_3, ...), a batch's items in batch order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from .images import encode_image, image_batch, picture_size
from .models import Field, ModelSpec
from .runner import ImageRef, encode_all
from .validation import Check
from .widgets import models_documenting

PICTURES = "image"  # the name of a row's picture field, and of a node's first picture input


@dataclass(frozen=True)
class Picture:
    tensor: torch.Tensor  # [H, W, C]
    source: str  # the node input it came from
    item: int  # its place in that input's batch (0-based)
    batch: int  # how many pictures that input's batch holds

    @property
    def size(self) -> tuple[int, int]:
        return picture_size(self.tensor)

    def where(self, number: int) -> str:
        """E.g. "item 2 of its batch, picture 3" (number: its place among all the node's pictures, from 1)."""
        return (f"item {self.item + 1} of its batch, " if self.batch > 1 else "") + f"picture {number}"

    def label(self, number: int) -> str:
        """How errors name it, e.g. "image_2 (item 2 of its batch, picture 3)"."""
        return f"{self.source} ({self.where(number)})"


def picture_inputs(count: int) -> list[str]:
    """The names of a node's picture inputs: image, image_2, ..., image_<count>."""
    return [PICTURES, *(f"{PICTURES}_{k}" for k in range(2, count + 1))]


def only_some(specs: Sequence[ModelSpec], field_name: str, what: str) -> str:
    """A tooltip's note naming the offered models whose row has ``field_name``; empty when every offered model does."""
    taking = models_documenting(specs, field_name)
    if len(taking) == len(specs):
        return ""
    verb = "takes" if len(taking) == 1 else "take"
    return f" Only {', '.join(taking)} {verb} {what}; with another model a connected one is refused before paying."


def more_pictures(names: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """The optional picture inputs after the first. They stay visible whatever the model: the pictures are counted
    over the connected inputs (image_5 alone after image holds picture 2), so a model that takes 4 pictures can use
    any input; more pictures than it takes are refused before paying, naming the input that holds the first extra."""
    tooltip = (
        "More pictures, after those of the inputs above (each item of a batch is one picture, in order). How many "
        "pictures each model takes: see 'image'; more are refused before anything is paid."
    )
    return {name: ("IMAGE", {"tooltip": tooltip}) for name in names[1:]}


def gather(inputs: Sequence[tuple[str, Any]]) -> list[Picture]:
    """Every picture of the connected inputs, in order."""
    found = []
    for name, images in inputs:
        if images is None:
            continue
        batch = image_batch(images)
        found += [Picture(picture, name, index, int(batch.shape[0])) for index, picture in enumerate(batch)]
    return found


def picture_field(spec: ModelSpec) -> Field | None:
    return spec.field(PICTURES) if spec.has_field(PICTURES) else None


def check_count(check: Check, spec: ModelSpec, pictures: Sequence[Picture], first: str = PICTURES) -> None:
    """As many pictures as the model takes: none where it takes none, its low-high where it takes them."""
    field = picture_field(spec)
    if field is None:
        if pictures:
            raise check.fail(pictures[0].source, f"is connected, but {spec.name} takes no pictures.")
        return
    low, high = int(field.low or 1), int(field.high or 1)
    taken = f"{spec.name} takes {low}-{high} pictures (each item of a batch is one picture)"
    if not pictures:
        if field.required:
            raise check.fail(first, f"is not connected; {taken}.")
        return
    if len(pictures) > high:
        extra = pictures[high]
        raise check.fail(extra.source, f"holds {extra.where(high + 1)}; {taken}.")
    if len(pictures) < low:
        raise check.fail(first, f"and the other picture inputs hold {len(pictures)} picture(s); {taken}.")


async def encoded(check: Check, spec: ModelSpec, pictures: Sequence[Picture]) -> list[ImageRef]:
    """The pictures checked against the row's image rule (naming each) and encoded, in order. How many one call
    takes is ``check_count``'s business (a node may spread the pictures over several calls)."""
    field = picture_field(spec)
    rule = field.image if field is not None else None
    if rule is not None and (rule.min_side is not None or rule.max_side is not None):
        for number, picture in enumerate(pictures, start=1):
            low, high = rule.min_side or 1, rule.max_side or 1 << 30
            check.sides(picture.label(number), *picture.size, low, high, max_ratio=rule.max_aspect, strict=rule.strict)
    files = await encode_all([p.tensor for p in pictures], encode_image)
    if rule is not None and rule.max_mb is not None:
        for number, (picture, item) in enumerate(zip(pictures, files, strict=True), start=1):
            check.file_size(picture.label(number), item, rule.max_mb)
    return [ImageRef(item) for item in files]


def request(spec: ModelSpec, values: dict[str, Any], refs: Sequence[ImageRef]) -> dict[str, Any]:
    """The body with the pictures where the row puts them: a list field gets the list; a messages body gets one
    content item per picture, beside the text (before or after it, as the page's examples do)."""
    field = picture_field(spec)
    if not refs or field is None:
        return spec.request(values)
    if field.type == "image[]":
        return spec.request({**values, field.name: list(refs)})
    text = {"text": values.get("prompt")}
    parts = [{"image": ref} for ref in refs]
    content = [text, *parts] if spec.prompt_first else [*parts, text]
    rest = {name: value for name, value in values.items() if name != "prompt"}
    return spec.request(rest, extra={"input.messages": [{"role": "user", "content": content}]})

"""Input checks that run before any paid request: each failure names the node, the input and the limit."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import torch

from .client import InputError
from .images import Encoded
from .models import Field, ModelSpec
from .models.schema import CJK_AND_WORDS
from .models.sizes import parse_size
from .text_rules import characters_and_words

# Length units counted otherwise than by characters (tokens are counted as characters: never fewer).
_COUNTERS = {"words": lambda text: len(text.split()), CJK_AND_WORDS: characters_and_words}

# Control characters other than tab and line breaks (C0, DEL, C1): invisible, meaningless to the models, and
# refused by some gateways. Every text input is sent without them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A surrogate code point on its own (half of a cut emoji, or "\ud800" typed into an API-format workflow) cannot
# be encoded as UTF-8, so no request could carry it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def without_controls(text: str) -> str:
    """The text without control characters (tab, line feed and carriage return stay)."""
    return _CONTROL.sub("", text)


def tensor_kind(kind: Any) -> str:
    """ "IMAGE" or "MASK" for an input declared with that type, else ""."""
    return kind if kind in ("IMAGE", "MASK") else ""


class Check:
    """``Check("DashScope Inpainting").text("prompt", value, 75)`` raises InputError on a bad value."""

    def __init__(self, node: str):
        self.node = node

    def fail(self, name: str, problem: str) -> InputError:
        return InputError(self.node, name, problem)

    def encodable(self, name: str, value: str) -> str:
        """The text without control characters; refused when it holds a character no request can carry."""
        bad = _SURROGATE.search(value)
        if bad:
            raise self.fail(
                name,
                f"holds a character that cannot be sent: an unpaired surrogate (U+{ord(bad.group()):04X}) at "
                f"position {bad.start() + 1}, usually half of a cut emoji. Delete it and type the text again.",
            )
        return without_controls(value)

    def text(self, name: str, value: str, max_chars: int, required: bool = False) -> str:
        value = self.encodable(name, value or "").strip()
        if required and not value:
            raise self.fail(name, "is empty; this model needs it.")
        if len(value) > max_chars:
            raise self.fail(
                name,
                f"is {len(value)} characters long; the limit is {max_chars} ({len(value) - max_chars} too many).",
            )
        return value

    def choice(self, name: str, value: str, options: Iterable[str]) -> str:
        options = list(options)
        if value not in options:
            shown = ", ".join(str(o) for o in options[:12]) + (" …" if len(options) > 12 else "")
            raise self.fail(name, f"is {value!r}; allowed values: {shown}.")
        return value

    def number(self, name: str, value: float, low: float, high: float) -> float:
        if not (low <= value <= high):
            raise self.fail(name, f"is {value}; it must be between {low} and {high}.")
        return value

    def batch(self, name: str, tensor: torch.Tensor | None, max_items: int | None = None) -> int:
        if tensor is None or tensor.shape[0] == 0:
            raise self.fail(name, "is an empty batch; connect at least one image.")
        count = int(tensor.shape[0])
        if max_items is not None and count > max_items:
            raise self.fail(name, f"holds {count} images; at most {max_items} are allowed.")
        return count

    def sides(
        self,
        name: str,
        width: int,
        height: int,
        low: int,
        high: int,
        *,
        max_ratio: float | None = None,
        strict: bool = False,
    ) -> None:
        """Each side within [low, high] (or (low, high) when ``strict``), and optionally long:short <= max_ratio."""
        for side in (width, height):
            outside = (side <= low or side >= high) if strict else (side < low or side > high)
            if outside:
                bounds = f"more than {low} and less than {high}" if strict else f"between {low} and {high}"
                raise self.fail(name, f"is {width}x{height} px; each side must be {bounds} px.")
        if max_ratio is not None:
            ratio = max(width, height) / max(min(width, height), 1)
            if ratio > max_ratio + 1e-9:
                raise self.fail(
                    name,
                    f"is {width}x{height} px (ratio {ratio:.2f}:1); the aspect may be at most {max_ratio:g}:1.",
                )

    def short_side(self, name: str, width: int, height: int, long_max: int, short_max: int) -> None:
        """A range like "256x256 to 5760x3240" holds in either orientation: the short side at most ``short_max``."""
        if min(height, width) > short_max:
            raise self.fail(
                name,
                f"is {width}x{height} px; the largest size accepted is {long_max}x{short_max} px (short side at most "
                f"{short_max} px). Downscale it first.",
            )

    def file_size(self, name: str, encoded: Encoded, max_mb: float) -> Encoded:
        size_mb = len(encoded.data) / (1024 * 1024)
        if size_mb > max_mb:
            raise self.fail(
                name, f"encodes to {size_mb:.1f} MB; the model accepts at most {max_mb:g} MB. Downscale it first."
            )
        return encoded

    def same_size(self, name: str, size: Sequence[int], image_size: Sequence[int], image_name: str = "image") -> None:
        """Sizes as (width, height), e.g. ``images.picture_size`` of a mask and of its image."""
        if tuple(size) != tuple(image_size):
            raise self.fail(
                name,
                f"is {size[0]}x{size[1]} px but {image_name} is {image_size[0]}x{image_size[1]} px; they must match.",
            )

    def image(self, name: str, value: Any) -> torch.Tensor:
        """An IMAGE input as [B, H, W, C] float with C = 3 or 4 (a 1-channel gray picture becomes RGB); refused when
        it is no float tensor of that shape or holds NaN or infinite values."""
        tensor = self._float_tensor(name, value, "IMAGE", "an IMAGE holds floats from 0 to 1")
        if tensor.dim() == 3:
            tensor = tensor.unsqueeze(0)
        if tensor.dim() != 4:
            raise self.fail(name, f"has shape {list(tensor.shape)}; an IMAGE is [batch, height, width, channels].")
        channels = int(tensor.shape[-1])
        if channels not in (1, 3, 4):
            raise self.fail(
                name,
                f"has {channels} colour channels (shape {list(tensor.shape)}); an IMAGE has 3 (RGB), 4 (RGBA) or 1 "
                "(gray).",
            )
        self._has_pixels(name, tensor, tensor.shape[1:3])
        self._finite(name, tensor)
        return tensor.repeat(1, 1, 1, 3) if channels == 1 else tensor

    def mask(self, name: str, value: Any) -> torch.Tensor:
        """A MASK input as [B, H, W] float; [H, W], [B, 1, H, W] and [B, H, W, 1] (which other packs produce) are
        accepted, a bool mask is read as 0/1. Refused when it is no such tensor or holds NaN or infinite values."""
        if isinstance(value, torch.Tensor) and value.dtype == torch.bool:
            value = value.float()
        tensor = self._float_tensor(name, value, "MASK", "a MASK holds floats from 0 to 1 (1 = selected)")
        if tensor.dim() == 2:
            tensor = tensor.unsqueeze(0)
        elif tensor.dim() == 4 and tensor.shape[-1] == 1:
            tensor = tensor[..., 0]
        elif tensor.dim() == 4 and tensor.shape[1] == 1:
            tensor = tensor[:, 0]
        if tensor.dim() != 3:
            raise self.fail(name, f"has shape {list(tensor.shape)}; a MASK is [batch, height, width].")
        self._has_pixels(name, tensor, tensor.shape[1:3])
        self._finite(name, tensor)
        return tensor

    def _float_tensor(self, name: str, value: Any, kind: str, values: str) -> torch.Tensor:
        if not isinstance(value, torch.Tensor):
            raise self.fail(name, f"is a {type(value).__name__}, not an {kind} tensor; connect an {kind} output.")
        if not value.is_floating_point():
            raise self.fail(
                name,
                f"holds {str(value.dtype).removeprefix('torch.')} values; {values}. Convert it first (8-bit "
                "values: divide by 255).",
            )
        return value

    def _has_pixels(self, name: str, tensor: torch.Tensor, sides: Sequence[int]) -> None:
        if tensor.shape[0] and 0 in tuple(sides):
            raise self.fail(name, f"has shape {list(tensor.shape)}: no pixels.")

    def _finite(self, name: str, tensor: torch.Tensor) -> None:
        """No NaN or infinity (a broken upstream node): sent as they are, they would become a flat picture."""
        for index, item in enumerate(tensor):  # one picture at a time: no temporary as large as the batch
            bad = int((~torch.isfinite(item)).sum())
            if bad:
                where = f" in picture {index + 1} of the batch" if tensor.shape[0] > 1 else ""
                raise self.fail(
                    name,
                    f"holds {bad} NaN or infinite values{where}; the node that made it is broken. Nothing was sent.",
                )

    def pick(self, name: str, tensor: torch.Tensor, index: int, batch: int) -> torch.Tensor:
        """Item ``index`` of a batch that is either 1 (broadcast) or the same length as the image batch."""
        if tensor.shape[0] == 1:
            return tensor[0]
        if tensor.shape[0] != batch:
            raise self.fail(
                name, f"holds {tensor.shape[0]} items but the image batch holds {batch}; give 1 or {batch}."
            )
        return tensor[index]


def check_field(check: Check, spec_field: Field, value: Any, name: str = "") -> Any:
    """Check one widget value against its model field (required, enum, range, length); returns it cleaned."""
    name = name or spec_field.name
    if value is None or (isinstance(value, str) and not value.strip() and spec_field.type == "string"):
        if spec_field.required:
            raise check.fail(name, "is empty; this model needs it.")
        return None
    if spec_field.type == "string" and isinstance(value, str):
        limit = spec_field.max_length if spec_field.max_length is not None else 1_000_000
        count = _COUNTERS.get(spec_field.length_unit)
        if count is not None:
            value = check.text(name, value, 1_000_000, required=spec_field.required)
            if count(value) > limit:
                unit = spec_field.length_unit
                raise check.fail(name, f"is {count(value)} {unit} long; the limit is {limit} {unit}.")
        else:
            value = check.text(name, value, limit, required=spec_field.required)
    if spec_field.size is not None and value not in spec_field.size.presets:
        width, height = parse_size(value) or (0, 0)
        problem = spec_field.size.problem(width, height) if width and height else f"is {value!r}; write W*H."
        if problem and spec_field.size.presets and not (width and height):
            problem = f"is {value!r}; this model takes {spec_field.size.text()}."
        if problem:
            raise check.fail(name, problem)
    if spec_field.enum is not None:
        check.choice(name, value, spec_field.enum)
    if spec_field.low is not None or spec_field.high is not None:
        low = spec_field.low if spec_field.low is not None else float("-inf")
        high = spec_field.high if spec_field.high is not None else float("inf")
        if isinstance(value, list):  # a list field's range is its number of items (a palette's 3-10 colours)
            if not low <= len(value) <= high:
                raise check.fail(name, f"holds {len(value)} items; this model takes {_count(low, high)}.")
        else:
            check.number(name, value, low, high)
    return value


def _count(low: float, high: float) -> str:
    if high == float("inf"):
        return f"at least {low:g}"
    return f"{low:g}-{high:g}" if low > float("-inf") else f"at most {high:g}"


def check_fields(
    check: Check,
    spec: ModelSpec,
    values: Mapping[str, Any],
    names: Iterable[str] | None = None,
    *,
    leave_out: Collection[str] = (),
) -> dict[str, Any]:
    """``check_field`` for each value (of ``names``, or all) that feeds a field of ``spec``: the cleaned values, keyed
    by field name, ready for ``spec.request``. A choice in ``leave_out`` (such as AUTO or "none") of a field with
    options becomes None: not sent. A value that is missing (fed by a link, at queue time) is not checked."""
    cleaned: dict[str, Any] = {}
    for name in values if names is None else names:
        if name not in values or not spec.has_field(name):
            continue
        value, spec_field = values[name], spec.field(name)
        choice = spec_field.enum is not None and isinstance(value, str)  # a typed text "none" is still text
        cleaned[name] = None if choice and value in leave_out else check_field(check, spec_field, value)
    return cleaned


def check_declared(check: Check, input_types: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    """The checks ComfyUI itself skips once a node has a ``VALIDATE_INPUTS(**kwargs)``: a combo value must be one
    of its options, a number within its widget's min and max."""
    declared: dict[str, Any] = {}
    for section in ("required", "optional"):
        declared.update(input_types.get(section) or {})
    for name, value in values.items():
        spec = declared.get(name)
        if spec is None or value is None:
            continue
        kind, options = spec[0], (spec[1] if len(spec) > 1 else {})
        if isinstance(kind, (list, tuple)):
            check.choice(name, value, kind)
        elif kind in ("INT", "FLOAT") and isinstance(value, (int, float)):
            check.number(name, value, options.get("min", float("-inf")), options.get("max", float("inf")))


def sound_input(check: Check, kind: Any, name: str, value: Any, is_list: bool = False) -> Any:
    """One node input as ``run`` may take it: text without control characters (refused when it cannot be
    encoded), IMAGE and MASK tensors checked and brought to their standard shapes. A list input (``INPUT_IS_LIST``)
    is checked item by item."""
    if is_list and isinstance(value, list):
        return [sound_input(check, kind, name, item) for item in value]
    if isinstance(value, str):
        return check.encodable(name, value)
    if value is None:
        return None
    if tensor_kind(kind) == "IMAGE":
        return check.image(name, value)
    if tensor_kind(kind) == "MASK":
        return check.mask(name, value)
    return value

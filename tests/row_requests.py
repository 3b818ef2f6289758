"""A minimal valid request for any row of the pack's model table, built from the row itself: every required field
filled (an image field with a picture that fits its rule, an enum with its default or first value, a number with its
default or lower bound, text with a short prompt), and one image asked for.

Used by the async-first test and benchmark 8c to drive every asynchronous model through the same fault, so a model
added as a row is covered without a test of its own. A few models need a value the row cannot tell (a mode that
works without a trained LoRA, an RGBA cut-out): those are in ``HINTS``, by widget name.
"""

from __future__ import annotations

import io
from types import ModuleType
from typing import Any

import numpy as np
from PIL import Image

from tests.conftest import submodule

PROMPT = "a red fox"
# Values the row cannot tell; "picture" / "rgba" / "pictures" are filled with pictures.
HINTS: dict[str, dict[str, Any]] = {
    # Train-free mode: the preset styles need a trained LoRA (a FaceChain training first).
    "facechain-generation": {"style": "train_free_portrait_url_template", "template": "picture", "photos": "pictures"},
    # The foreground must be an RGBA cut-out, and the page wants a reference prompt or image.
    "wanx-background-generation-v2": {"foreground": "rgba", "ref_prompt": "a beach"},
    "wordart-texture": {"text": "文字", "prompt": "gold"},  # text or a text picture; fewer than 6 characters
    "wordart-surnames": {"surname": "王", "style": "fantasy_pavilion"},  # "diy" needs a prompt or a reference
}


def task_rows(pack: ModuleType) -> dict[str, Any]:
    """Every row of the table that creates a /tasks task (asynchronous, not a FaceChain training job)."""
    models = submodule(pack, "nodes.models")
    return {name: spec for name, spec in models.MODELS.items() if not spec.sync and spec.path.startswith("/services/")}


def minimal_request(pack: ModuleType, spec: Any) -> dict[str, Any]:
    """The body (input pictures as the pack's ImageRef placeholders) of a one-image call to ``spec``."""
    side = _side(spec)
    hints = HINTS.get(spec.name, {})
    values: dict[str, Any] = {}
    for field in spec.fields:
        if field.name in hints:
            values[field.name] = _value_of_hint(pack, hints[field.name], side)
        elif field.required:
            values[field.name] = _value(pack, field, side)
    for name in ("n", "generate_num"):
        if spec.has_field(name) and name not in values:
            values[name] = 1  # one billed image, whatever the service default
    return spec.request(values)


def _value(pack: ModuleType, field: Any, side: int) -> Any:
    if field.type == "image":
        return _picture(pack, side)
    if field.type == "image[]":
        return [_picture(pack, side) for _ in range(max(int(field.low or 1), 1))]
    if field.enum is not None:
        return field.default if field.has_default and field.default in field.enum else field.enum[0]
    if field.type in ("integer", "number"):
        if field.has_default:
            return field.default
        return field.low if field.low is not None else 1
    if field.type == "boolean":
        return bool(field.default) if field.has_default else False
    if field.type == "object":
        return {}
    if field.type in ("array", "string[]"):
        return []
    return PROMPT


def _value_of_hint(pack: ModuleType, hint: Any, side: int) -> Any:
    if hint == "picture":
        return _picture(pack, side)
    if hint == "pictures":
        return [_picture(pack, side)]
    if hint == "rgba":
        return _picture(pack, side, alpha=True)
    return hint


def _side(spec: Any) -> int:
    """One square size every image field of the row accepts (512 px where the rules allow it), so that pictures
    that must match in size (an image and its mask) do."""
    low, high = 0, 1 << 30
    for rule in (field.image for field in spec.fields if field.image is not None):
        if rule.min_side is not None:
            low = max(low, rule.min_side + (1 if rule.strict else 0))
        if rule.max_side is not None:
            high = min(high, rule.max_side - (1 if rule.strict else 0))
    return min(max(512, low), high)


def _picture(pack: ModuleType, side: int, alpha: bool = False) -> Any:
    """A gradient picture (not flat: a mask made of it selects something), as the pack encodes inputs."""
    images = submodule(pack, "nodes.images")
    ramp = np.linspace(0, 255, side, dtype=np.float32)
    rgb = np.stack([np.add.outer(ramp, ramp) / 2, np.tile(ramp, (side, 1)), np.tile(ramp[:, None], (1, side))], -1)
    array = rgb.astype(np.uint8)
    if alpha:
        opaque = np.zeros((side, side, 1), np.uint8)
        opaque[side // 4 : 3 * side // 4, side // 4 : 3 * side // 4] = 255
        pil = Image.fromarray(np.concatenate([array, opaque], -1), "RGBA")
    else:
        pil = Image.fromarray(array, "RGB")
    buffer = io.BytesIO()
    pil.save(buffer, "PNG" if alpha else "JPEG", quality=90)
    encoded = images.Encoded(buffer.getvalue(), "png" if alpha else "jpg", side, side)
    return submodule(pack, "nodes.runner").ImageRef(encoded)

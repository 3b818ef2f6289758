"""The model table: every DashScope image model the pack speaks to, its protocol as cited data.

Rows live in one module per node family (text_to_image, editing, portrait, design); the shape of a row is in
``schema``. A new, retired or re-limited model is a change to one row (plus the emulator's own catalog row).
"""

from __future__ import annotations

from . import design, editing, portrait, text_to_image
from .endpoints import (
    BACKGROUND,
    FACE_DETECT,
    FACECHAIN_GENERATION,
    FINE_TUNES,
    I2I,
    IMAGE_GENERATION,
    MULTIMODAL,
    OUT_PAINTING,
    T2I,
    VIRTUAL_MODEL,
    WORDART,
)
from .schema import UNCONFIRMED, Field, ImageRule, ModelSpec, is_confirmed, unconfirmed

MODELS: dict[str, ModelSpec] = {
    **text_to_image.MODELS,
    **editing.MODELS,
    **portrait.MODELS,
    **design.MODELS,
}


def model(name: str) -> ModelSpec:
    return MODELS[name]


def guess_spec(name: str) -> ModelSpec:
    """A model typed by the user that is not in the table (a newer release): infer its protocol from the name.

    wan2.6+/qwen-image*/z-image* speak the sync multimodal protocol; older wan/wanx t2i the async text2image one.
    The fields are those of the nearest known model, so the request carries only documented fields."""
    if name in MODELS:
        return MODELS[name]
    lowered = name.lower()
    guessed = unconfirmed(f"{name} is not in the pack's table; protocol inferred from its name")
    if lowered.startswith(("qwen-image", "z-image")) or _wan_version(lowered) >= 2.6:
        like = MODELS["qwen-image-2.0"] if lowered.startswith("qwen") else MODELS["wan2.6-t2i"]
        return ModelSpec(name, MULTIMODAL, guessed, fields=like.fields, sync=True, data_uri=True)
    return ModelSpec(name, T2I, guessed, fields=MODELS["wan2.5-t2i-preview"].fields, concurrency=2)


def _wan_version(name: str) -> float:
    for prefix in ("wanx", "wan"):
        if name.startswith(prefix):
            digits = name[len(prefix) :].split("-", 1)[0]
            try:
                return float(digits)
            except ValueError:
                return 0.0
    return 0.0


__all__ = [
    "BACKGROUND",
    "FACECHAIN_GENERATION",
    "FACE_DETECT",
    "FINE_TUNES",
    "Field",
    "I2I",
    "IMAGE_GENERATION",
    "ImageRule",
    "MODELS",
    "MULTIMODAL",
    "ModelSpec",
    "OUT_PAINTING",
    "T2I",
    "UNCONFIRMED",
    "VIRTUAL_MODEL",
    "WORDART",
    "guess_spec",
    "is_confirmed",
    "model",
    "unconfirmed",
]

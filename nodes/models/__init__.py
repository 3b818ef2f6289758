"""The model table: every DashScope image model the pack speaks to, its protocol as cited data.

Rows live in one module per node family (text_to_image, qwen_image, wan_image, editing, portrait, design); the shape
of a row is in ``schema``. A new, retired or re-limited model is a change to one row (plus the emulator's own catalog row).
"""

from __future__ import annotations

from . import design, editing, portrait, qwen_image, text_to_image, wan_image
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
from .schema import EDIT_MODE, TEXT_MODE, UNCONFIRMED, Field, ImageRule, Mode, ModelSpec, is_confirmed, unconfirmed
from .snapshots import snapshot_of
from .text_to_image import guess_spec

MODELS: dict[str, ModelSpec] = {
    **text_to_image.MODELS,
    **qwen_image.MODELS,
    **wan_image.MODELS,
    **editing.MODELS,
    **portrait.MODELS,
    **design.MODELS,
}


def model(name: str) -> ModelSpec:
    return MODELS[name]


__all__ = [
    "BACKGROUND",
    "EDIT_MODE",
    "FACECHAIN_GENERATION",
    "FACE_DETECT",
    "FINE_TUNES",
    "Field",
    "I2I",
    "IMAGE_GENERATION",
    "ImageRule",
    "MODELS",
    "MULTIMODAL",
    "Mode",
    "ModelSpec",
    "OUT_PAINTING",
    "T2I",
    "TEXT_MODE",
    "UNCONFIRMED",
    "VIRTUAL_MODEL",
    "WORDART",
    "guess_spec",
    "is_confirmed",
    "model",
    "snapshot_of",
    "unconfirmed",
]

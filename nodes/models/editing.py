"""Rows of the editing models: sketch, inpainting, Wan image edit, segmentation, erase, out-painting, background,
Qwen image edit."""

from __future__ import annotations

from . import pages
from .endpoints import BACKGROUND, I2I, MULTIMODAL, OUT_PAINTING
from .schema import ModelSpec, rows

EDIT_SUCCESSOR = "wanx2.1-imageedit or qwen-image-2.0 (nodes 'DashScope Image Edit (Wan)' and '(Qwen)')"
QWEN_SUCCESSOR = "qwen-image-2.0"
LIFECYCLE = {"lifecycle": pages.LIFECYCLE}

# TODO(fidelity): fields, result shapes and prices from official-reference.md
MODELS = rows(
    ModelSpec("wanx-sketch-to-image-lite", I2I, pages.SKETCH),
    ModelSpec("wanx-x-painting", I2I, pages.X_PAINTING, status="trial", successor=EDIT_SUCCESSOR),
    ModelSpec("wanx2.1-imageedit", I2I, pages.IMAGE_EDIT, concurrency=2, data_uri=True),
    ModelSpec("image-instance-segmentation", I2I, pages.SEGMENTATION, status="trial"),
    ModelSpec(
        "image-erase-completion", I2I, pages.ERASE, status="trial", data_inspection=True, successor=EDIT_SUCCESSOR
    ),
    ModelSpec(
        "image-out-painting",
        OUT_PAINTING,
        pages.OUT_PAINTING,
        concurrency=5,
        data_uri=True,
        retired_on="2026-10-10",
        successor="wanx2.1-imageedit with function 'expand'",
        data_inspection=True,
        sources=LIFECYCLE,
    ),
    ModelSpec(
        "wanx-background-generation-v2",
        BACKGROUND,
        pages.BACKGROUND,
        retired_on="2026-10-10",
        successor="model_version v3 of this node, or qwen-image-2.0 editing",
        sources=LIFECYCLE,
    ),
    *(
        ModelSpec(
            name,
            MULTIMODAL,
            pages.QWEN_IMAGE_EDIT,
            sync=True,
            data_uri=True,
            retired_on="2026-10-10",
            successor=QWEN_SUCCESSOR,
            sources=LIFECYCLE,
        )
        for name in ("qwen-image-edit", "qwen-image-edit-plus", "qwen-image-edit-max")
    ),
)

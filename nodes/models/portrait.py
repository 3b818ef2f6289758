"""Rows of the portrait and e-commerce models: style repaint, cosplay, FaceChain, virtual model, shoe model."""

from __future__ import annotations

from . import pages
from .endpoints import FACE_DETECT, FACECHAIN_GENERATION, FINE_TUNES, IMAGE_GENERATION, VIRTUAL_MODEL
from .schema import ModelSpec, rows, unconfirmed

EDIT_SUCCESSOR = "wanx2.1-imageedit or qwen-image-2.0 (nodes 'DashScope Image Edit (Wan)' and '(Qwen)')"
LIFECYCLE = {"lifecycle": pages.LIFECYCLE}

# TODO(fidelity): fields, result shapes and prices from official-reference.md
MODELS = rows(
    ModelSpec("wanx-style-repaint-v1", IMAGE_GENERATION, pages.STYLE_REPAINT, data_uri=True),
    ModelSpec(
        "wanx-style-cosplay-v1",
        IMAGE_GENERATION,
        unconfirmed("retired 2025-07-02; no official page survives, request shape from third-party copies"),
        status="retired",
        retired_on="2025-07-02",
        successor="wanx-style-repaint-v1 (node 'DashScope Portrait Style Repaint')",
        sources=LIFECYCLE,
    ),
    ModelSpec("facechain-facedetect", FACE_DETECT, pages.FACE_DETECT, sync=True, qps=5.0, concurrency=5),
    ModelSpec("facechain-finetune", FINE_TUNES, pages.FACECHAIN_FINETUNE),
    ModelSpec(
        "facechain-generation",
        FACECHAIN_GENERATION,
        pages.FACECHAIN_GENERATION,
        retired_on="2026-10-10",
        successor="wanx-style-repaint-v1 or qwen-image-2.0 editing",
        sources=LIFECYCLE,
    ),
    ModelSpec("wanx-virtualmodel", VIRTUAL_MODEL, pages.VIRTUAL_MODEL, status="trial", successor=EDIT_SUCCESSOR),
    ModelSpec("virtualmodel-v2", VIRTUAL_MODEL, pages.VIRTUAL_MODEL, status="trial", successor=EDIT_SUCCESSOR),
    ModelSpec("shoemodel-v1", VIRTUAL_MODEL, pages.SHOE_MODEL, status="trial", successor=EDIT_SUCCESSOR),
)

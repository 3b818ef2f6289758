"""Rows of the design models: creative poster and WordArt (texture, semantic, surnames)."""

from __future__ import annotations

from . import pages
from .endpoints import T2I, WORDART
from .schema import ModelSpec, rows, unconfirmed

QWEN_SUCCESSOR = "qwen-image-2.0"
LIFECYCLE = {"lifecycle": pages.LIFECYCLE}

# TODO(fidelity): fields, result shapes and prices from official-reference.md
MODELS = rows(
    ModelSpec("wanx-poster-generation-v1", T2I, pages.POSTER, status="trial", successor=QWEN_SUCCESSOR),
    ModelSpec(
        "wordart-texture",
        WORDART + "texture",
        pages.WORDART_TEXTURE,
        retired_on="2026-10-10",
        successor=QWEN_SUCCESSOR,
        sources=LIFECYCLE,
    ),
    ModelSpec(
        "wordart-semantic",
        WORDART + "semantic",
        pages.WORDART_SEMANTIC,
        retired_on="2026-10-10",
        successor=QWEN_SUCCESSOR,
        sources=LIFECYCLE,
    ),
    ModelSpec(
        "wordart-surnames",
        WORDART + "surnames",
        unconfirmed("retired 2025-07-02; no official page survives, fields from third-party copies"),
        status="retired",
        retired_on="2025-07-02",
        successor=QWEN_SUCCESSOR,
        sources=LIFECYCLE,
    ),
)

"""Rows of the Wan image models that draw and edit from pictures: wan2.7-image(-pro), wan2.6-image, wan2.5-i2i-preview
(../shared/official-reference-2026-12.md sections 1, 3 and 4).

Only the head of each official page was readable: its model table, endpoints, first request examples and a few
rules. Every other fact comes from the official mirror (docs.qwencloud.com, Alibaba's API reference for the same
endpoints), or from Alibaba's skill repo (a summary of those docs, cited UNCONFIRMED), or from third-party gateways
(UNCONFIRMED). A field whose service default is not official has no default here, so it is sent as the node sets it.
Each model's async protocol is the one the pack uses: every paid image gets a task id.
"""

from __future__ import annotations

import dataclasses

from . import pages
from .endpoints import I2I, IMAGE_GENERATION
from .schema import EDIT_MODE, TEXT_MODE, Field, ImageRule, Mode, ModelSpec, rows, unconfirmed
from .sizes import SizeRule

CHOICES = ("choices[].message.content[].image",)
SEED = dict(low=0, high=2147483647)
SKILL = unconfirmed(f"Alibaba's skill repo ({pages.SKILL_REPO}); the official field table is not readable")
GATEWAYS = "third-party gateways"
IMAGE_SET = "enable_sequential"  # wan2.7's mode switch: an image set (组图)
NO_LIMITS = unconfirmed("no rate limits on the page; the pack's defaults")


def _message(page: str, text: Field) -> tuple[Field, ...]:
    return (Field("input.messages[].role", "string", page, required=True, enum=("user",)), text)


# --- wan2.7-image-pro / wan2.7-image ------------------------------------------------------------------------------
WAN27 = pages.WAN27
_WAN27_PICTURES = Field(
    "input.messages[].content[].image",
    "image",
    pages.WAN27_GUIDE,
    widget="image",
    low=1,
    high=9,
    image=ImageRule(("JPEG", "PNG", "BMP", "WEBP"), 240, 8000, max_mb=10, source=pages.WAN27_GUIDE),
    note="one content item per picture, in the order the prompt names them ('image 1', '图1'); PNG without alpha; "
    "10 MB per the skill repo, gateways say 20 MB (UNCONFIRMED)",
)
_WAN27_SIZE_NOTE = (
    "4K only for wan2.7-image-pro text-to-image (the page); image sets and edits at most 2K (the zh page); the "
    f"W*H bounds and the 8:1 aspect from {GATEWAYS} (UNCONFIRMED); service default 2K (skill repo)"
)


def _wan27_size(presets: tuple[str, ...], most: int) -> Field:
    return Field(
        "parameters.size",
        "string",
        WAN27,
        size=SizeRule(min_pixels=768, max_pixels=most, max_aspect=8.0, named=presets),
        note=_WAN27_SIZE_NOTE,
    )


def _wan27_n(most: int) -> Field:
    return Field(
        "parameters.n",
        "integer",
        WAN27,
        low=1,
        high=most,
        note="1-4; 1-12 in an image set (range from the skill repo, UNCONFIRMED); the sources disagree on the "
        "default (4 or 1), so the node always sends n",
    )


def _wan27(name: str, pro: bool, price: float, lifecycle: str = "") -> ModelSpec:
    """The page's one messages body for every use: text-to-image, editing with 1-9 pictures, interactive (box) editing,
    image sets; sync on multimodal-generation, async (used here) on image-generation with the same body."""
    two_k = _wan27_size(("1K", "2K"), 2048)
    fields = (
        *_message(WAN27, Field("input.messages[].content[].text", "string", WAN27, required=True, widget="prompt")),
        _WAN27_PICTURES,
        _wan27_size(("1K", "2K", "4K"), 4096) if pro else two_k,
        _wan27_n(12),
        Field("parameters.watermark", "boolean", WAN27, note="'AI生成' mark; service default false (skill repo)"),
        Field(
            "parameters.thinking_mode",
            "boolean",
            WAN27,
            note="only effective for text-to-image without pictures and outside image sets (skill repo); service "
            "default true",
        ),
        Field("parameters.enable_sequential", "boolean", SKILL, note="image set (组图): n related images"),
        Field(
            "parameters.bbox_list",
            "array",
            SKILL,
            note="interactive editing: one list of boxes [x1, y1, x2, y2] per input picture, in picture order, [] for a "
            "picture without boxes; pixel coordinates of that picture (the page's example: [[], [[989, 515, 1138, 681]]] "
            "for a 1104x1472 and a 1696x960 picture); x2, y2 one past the last pixel (UNCONFIRMED)",
        ),
        Field(
            "parameters.color_palette",
            "array",
            SKILL,
            low=3,
            high=10,
            note='colours {"hex": "#C2D1E6", "ratio": "23.51%"}, ratios as percentage strings adding up to 100%; not '
            "with enable_sequential",
        ),
        Field("parameters.negative_prompt", "string", SKILL, max_length=500),
        Field("parameters.seed", "integer", SKILL, **SEED),
    )
    # Edits and image sets: at most 2K (the zh page), and thinking_mode has no effect (the skill repo).
    at_most_2k = dict(no_effect=("thinking_mode",), source=pages.WAN27_ZH)
    return ModelSpec(
        name,
        IMAGE_GENERATION,
        WAN27,
        fields=fields,
        results=CHOICES,
        data_uri=True,
        prompt_first=True,
        price_cny=price,
        modes={
            TEXT_MODE: Mode(fields=(_wan27_n(4),)),
            EDIT_MODE: Mode(fields=(_wan27_n(4), two_k), **at_most_2k),  # type: ignore[arg-type]
            IMAGE_SET: Mode(fields=(two_k,), refuses=("color_palette",), **at_most_2k),  # type: ignore[arg-type]
        },
        sources={
            "endpoint": pages.WAN27_ASYNC,
            "results": pages.WAN27_ASYNC,
            "data_uri": pages.WAN27_GUIDE,
            "limits": NO_LIMITS,
            **({"lifecycle": lifecycle} if lifecycle else {}),
            "price": unconfirmed(
                "no official price page read; the mainland list price as a third-party gateway quotes it "
                "(international: $0.075 pro, $0.03 per image, Alibaba skill repo)"
            ),
        },
    )


# --- wan2.6-image: editing with 1-4 pictures (its interleaved text-and-image mode is not offered by the nodes) ----
WAN26 = pages.WAN26_IMAGE_ASYNC
_WAN26_PICTURES = Field(
    "input.messages[].content[].image",
    "image",
    WAN26,
    widget="image",
    low=1,
    high=4,
    image=ImageRule(("JPEG", "PNG", "BMP", "WEBP"), 240, 8000, max_mb=10, source=WAN26),
    note="editing: 1-4 pictures, one content item each (interleaved output: 0-1); PNG without alpha",
)
WAN26_IMAGE = ModelSpec(
    "wan2.6-image",
    IMAGE_GENERATION,
    WAN26,
    fields=(
        *_message(
            WAN26,
            Field(
                "input.messages[].content[].text",
                "string",
                WAN26,
                required=True,
                widget="prompt",
                max_length=2000,
                note="exactly one; longer text is cut",
            ),
        ),
        _WAN26_PICTURES,
        Field(
            "parameters.enable_interleave",
            "boolean",
            WAN26,
            default=False,
            note="interleaved text-and-image output (n must be 1, max_images 1-5); not offered by the nodes",
        ),
        Field(
            "parameters.size",
            "string",
            SKILL,
            size=SizeRule(min_pixels=768, max_pixels=2048, named=("1K", "2K")),
            note="editing: 1K (about 1280*1280, service default) or 2K; interleaved output: W*H up to 1280*1280",
        ),
        Field("parameters.n", "integer", SKILL, low=1, high=4, note="editing 1-4 (interleaved: 1); always sent"),
        Field("parameters.max_images", "integer", SKILL, low=1, high=5, note="interleaved output only; default 5 or 3"),
        Field("parameters.prompt_extend", "boolean", SKILL, note="editing only; service default true"),
        Field("parameters.negative_prompt", "string", SKILL, max_length=500),
        Field("parameters.watermark", "boolean", SKILL, note="'AI生成' mark; service default false"),
        Field("parameters.seed", "integer", SKILL, **SEED),
    ),
    results=CHOICES,
    data_uri=True,
    prompt_first=True,
    # The nodes use the editing mode only: it needs pictures, and max_images belongs to the interleaved mode.
    modes=dict.fromkeys(
        (TEXT_MODE, EDIT_MODE),
        Mode(fields=(dataclasses.replace(_WAN26_PICTURES, required=True),), refuses=("max_images",)),
    ),
    sources={"endpoint": WAN26, "results": WAN26, "data_uri": WAN26, "limits": NO_LIMITS},
)

# --- wan2.5-i2i-preview: async only, the image-synthesis body -------------------------------------------------------
WAN25 = pages.WAN25_I2I
_WAN25_3P = unconfirmed(f"{GATEWAYS} and the skill repo; the official field table is not readable")
WAN25_I2I = ModelSpec(
    "wan2.5-i2i-preview",
    I2I,
    WAN25,
    fields=(
        Field(
            "input.prompt",
            "string",
            WAN25,
            required=True,
            max_length=2000,
            note=f"limit from {GATEWAYS}, UNCONFIRMED",
        ),
        Field(
            "input.images",
            "image[]",
            pages.WAN25_I2I_ASYNC,
            required=True,
            widget="image",
            low=1,
            high=3,
            image=ImageRule(("JPEG", "PNG", "BMP", "WEBP"), 384, 5000, max_mb=10, source=pages.WAN25_I2I_ASYNC),
            note="the order is 'image 1/2/3' of the prompt; alpha is ignored",
        ),
        Field("input.negative_prompt", "string", _WAN25_3P, max_length=500),
        Field("parameters.size", "string", _WAN25_3P, size=SizeRule(min_pixels=768, max_pixels=1280, max_aspect=4.0)),
        Field(
            "parameters.n", "integer", _WAN25_3P, low=1, high=4, note="default 4 or 1 (sources disagree): always sent"
        ),
        Field("parameters.prompt_extend", "boolean", WAN25, note="in the official example; service default true"),
        Field("parameters.watermark", "boolean", _WAN25_3P, note="service default false"),
        Field("parameters.seed", "integer", _WAN25_3P, **SEED, note="image i uses seed + i"),
    ),
    sources={"endpoint": pages.WAN25_I2I_ASYNC, "limits": NO_LIMITS},
)

# The Wan Image node offers these, in this order.
WAN_IMAGE = (
    _wan27("wan2.7-image-pro", pro=True, price=0.5),
    _wan27(
        "wan2.7-image",
        pro=False,
        price=0.2,
        lifecycle=unconfirmed(
            "the lifecycle table of official-reference.md lists wan2.7-image for retirement on 2026-10-10 (successor "
            "qwen-image-2.0) while the page of Nov 20, 2026 documents it: the newer page wins; the service may answer "
            "'Model not exist.'"
        ),
    ),
    WAN26_IMAGE,
    WAN25_I2I,
)

MODELS = rows(*WAN_IMAGE)

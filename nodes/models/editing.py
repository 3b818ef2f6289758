"""Rows of the editing models: sketch, inpainting, Wan image edit, segmentation, erase, out-painting, background,
Qwen image edit."""

from __future__ import annotations

import dataclasses
from typing import Any

from . import pages
from .endpoints import BACKGROUND, I2I, MULTIMODAL, OUT_PAINTING
from .schema import NO_DEFAULT, Field, ImageRule, ModelSpec, rows, unconfirmed
from .sizes import SizeRule
from .text_to_image import MODELS as TEXT_TO_IMAGE
from .text_to_image import QWEN_EDIT_IMAGE, WANX_STYLES

EDIT_SUCCESSOR = "wanx2.1-imageedit or qwen-image-2.0 (nodes 'DashScope Image Edit (Wan)' and '(Qwen)')"
QWEN_SUCCESSOR = "qwen-image-2.0"
LIFECYCLE = {"lifecycle": pages.LIFECYCLE}

# The sketch page lists wanx-v1's styles without <photography> and <portrait> (checked value by value against both
# pages: same spelling, same order).
PAINT_STYLES = tuple(style for style in WANX_STYLES if style not in ("<photography>", "<portrait>"))
SEED = dict(low=0, high=2147483647)

# --- wanx-sketch-to-image-lite --------------------------------------------------------------------
SKETCH = ModelSpec(
    "wanx-sketch-to-image-lite",
    I2I,
    pages.SKETCH,
    fields=(
        Field("input.prompt", "string", pages.SKETCH, required=True, max_length=75, note="excess is truncated"),
        Field(
            "input.sketch_image_url",
            "image",
            pages.SKETCH,
            required=True,
            widget="sketch",
            image=ImageRule(("JPEG", "PNG", "TIFF", "WEBP"), 256, 2048, max_mb=10, source=pages.SKETCH),
            note="aspect should match the 768*768 output",
        ),
        Field("parameters.style", "string", pages.SKETCH, enum=PAINT_STYLES, default="<auto>"),
        Field("parameters.size", "string", pages.SKETCH, enum=("768*768",), default="768*768"),
        Field("parameters.n", "integer", pages.SKETCH, low=1, high=4, default=4),
        Field("parameters.sketch_weight", "integer", pages.SKETCH, low=0, high=10, default=10),
        Field("parameters.sketch_extraction", "boolean", pages.SKETCH, default=False),
        Field(
            "parameters.sketch_color",
            "array",
            pages.SKETCH,
            default=[],
            note="RGB pen colours, e.g. [[134,134,134],[0,0,0]]; not used by the node",
        ),
    ),
    price_cny=0.06,
)

# --- wanx-x-painting: only the head of the page is official ----------------------------------------
_X_PAINTING_PARAMS = unconfirmed("the official page's parameter table is not in any stored copy; SDK samples and notes")
X_PAINTING = ModelSpec(
    "wanx-x-painting",
    I2I,
    pages.X_PAINTING,
    fields=(
        Field(
            "input.prompt",
            "string",
            unconfirmed("the field is in the official example; its 75-character limit is from secondary notes"),
            required=True,
            max_length=75,
        ),
        Field(
            "input.base_image_url",
            "image",
            pages.X_PAINTING,
            required=True,
            widget="image",
            image=ImageRule(("JPEG", "PNG", "BMP"), 256, 4096, strict=True, max_mb=10, source=pages.X_PAINTING_OLD),
        ),
        Field(
            "input.mask_image_url",
            "image",
            pages.X_PAINTING,
            required=True,
            widget="mask",
            note="white = repaint; same size as the image",
        ),
        Field("parameters.style", "string", _X_PAINTING_PARAMS, enum=PAINT_STYLES, default="<auto>"),
        Field(
            "parameters.size",
            "string",
            _X_PAINTING_PARAMS,
            enum=("1024*1024", "720*1280", "1280*720"),
            default="1024*1024",
        ),
        Field("parameters.n", "integer", _X_PAINTING_PARAMS, low=1, high=4, default=1),
    ),
    status="trial",
    successor=EDIT_SUCCESSOR,
    sources={
        "results": unconfirmed("presumed results[].url like the other image2image models; not in the stored head")
    },
)

# --- wanx2.1-imageedit ---------------------------------------------------------------------------
_EDIT_IMAGE = ImageRule(("JPEG", "PNG", "BMP", "TIFF", "WEBP"), 512, 4096, max_mb=10, source=pages.IMAGE_EDIT)
WAN_FUNCTIONS = (
    "description_edit",
    "description_edit_with_mask",
    "stylization_all",
    "stylization_local",
    "remove_watermark",
    "expand",
    "super_resolution",
    "colorization",
    "doodle",
    "control_cartoon_feature",
)
WAN_EDIT = ModelSpec(
    "wanx2.1-imageedit",
    I2I,
    pages.IMAGE_EDIT,
    fields=(
        Field("input.function", "string", pages.IMAGE_EDIT, required=True, enum=WAN_FUNCTIONS),
        Field("input.prompt", "string", pages.IMAGE_EDIT, required=True, max_length=800),
        Field("input.base_image_url", "image", pages.IMAGE_EDIT, required=True, widget="image", image=_EDIT_IMAGE),
        Field(
            "input.mask_image_url",
            "image",
            pages.IMAGE_EDIT,
            widget="mask",
            note="description_edit_with_mask only: white = edit; same size as the image",
        ),
        Field("parameters.n", "integer", pages.IMAGE_EDIT, low=1, high=4, default=1),
        Field("parameters.seed", "integer", pages.IMAGE_EDIT, **SEED),
        Field("parameters.watermark", "boolean", pages.IMAGE_EDIT, default=False, note="'AI生成' mark"),
        Field(
            "parameters.strength",
            "number",
            pages.IMAGE_EDIT,
            low=0.0,
            high=1.0,
            default=0.5,
            note="stylization_all and description_edit only",
        ),
        *(
            Field(
                f"parameters.{side}_scale",
                "number",
                pages.IMAGE_EDIT,
                low=1.0,
                high=2.0,
                default=1.0,
                note="expand only",
            )
            for side in ("top", "bottom", "left", "right")
        ),
        Field(
            "parameters.upscale_factor",
            "integer",
            pages.IMAGE_EDIT,
            low=1,
            high=4,
            default=1,
            note="super_resolution only; 1 = enhance only",
        ),
        Field("parameters.is_sketch", "boolean", pages.IMAGE_EDIT, default=False, note="doodle only"),
    ),
    concurrency=2,
    data_uri=True,
    price_cny=0.14,
)
# Which parameters each function takes (the page: "only for ..."); the rest are left out of its request.
WAN_FUNCTION_PARAMETERS = {
    "stylization_all": ("strength",),
    "description_edit": ("strength",),
    "expand": ("top_scale", "bottom_scale", "left_scale", "right_scale"),
    "super_resolution": ("upscale_factor",),
    "doodle": ("is_sketch",),
}

# --- image-instance-segmentation -----------------------------------------------------------------
SEGMENTATION = ModelSpec(
    "image-instance-segmentation",
    I2I,
    pages.SEGMENTATION,
    fields=(
        Field(
            "input.image_url",
            "image",
            pages.SEGMENTATION,
            required=True,
            widget="image",
            image=ImageRule(("JPEG", "PNG", "BMP", "WEBP"), 512, 4096, max_mb=10, source=pages.SEGMENTATION),
        ),
    ),
    results=("output_image_url+output_vis_image_url",),
    status="trial",
)

# --- image-erase-completion: request fields from the official guide's examples --------------------
_ERASE_IMAGE = ImageRule(("JPEG", "PNG", "BMP", "WEBP"), 512, 4096, max_mb=10, source=pages.ERASE)
ERASE = ModelSpec(
    "image-erase-completion",
    I2I,
    pages.ERASE,
    fields=(
        Field("input.image_url", "image", pages.ERASE, required=True, widget="image", image=_ERASE_IMAGE),
        Field("input.mask_url", "image", pages.ERASE, required=True, widget="mask", note="non-zero = erase"),
        Field("input.foreground_url", "image", pages.ERASE, widget="keep_mask", note="non-zero = keep"),
        Field(
            "parameters.dilate_flag",
            "boolean",
            pages.ERASE,
            widget="dilate",
            note="grow the mask; recommended with segmentation masks (service default not stated)",
        ),
        Field("parameters.fast_mode", "boolean", pages.ERASE, default=False, note="faster, less detail"),
        Field(
            "parameters.add_watermark",
            "boolean",
            unconfirmed("not in the official guide's fields; secondary notes only"),
        ),
    ),
    results=("output_image_url",),
    status="trial",
    data_inspection=True,
    successor=EDIT_SUCCESSOR,
)

# --- image-out-painting ---------------------------------------------------------------------------
OUTPUT_RATIOS = ("", "1:1", "3:4", "4:3", "9:16", "16:9")
OUT_PAINTING_MODEL = ModelSpec(
    "image-out-painting",
    OUT_PAINTING,
    pages.OUT_PAINTING,
    fields=(
        Field(
            "input.image_url",
            "image",
            pages.OUT_PAINTING,
            required=True,
            widget="image",
            image=ImageRule(("JPEG", "PNG", "HEIF", "WEBP"), 512, 4096, max_mb=10, source=pages.OUT_PAINTING),
            note="URL or Base64",
        ),
        Field(
            "parameters.angle",
            "integer",
            pages.OUT_PAINTING,
            low=0,
            high=359,
            default=0,
            note="counter-clockwise, applied first; rotation alone may not be 0, 90, 180 or 270",
        ),
        Field(
            "parameters.output_ratio",
            "string",
            pages.OUT_PAINTING,
            enum=OUTPUT_RATIOS,
            default="",
            note="priority 1 of the expansion modes",
        ),
        *(
            Field(f"parameters.{axis}_scale", "number", pages.OUT_PAINTING, low=1.0, high=3.0, default=1.0)
            for axis in ("x", "y")
        ),
        Field(
            "parameters.top_offset", "integer", pages.OUT_PAINTING, low=0, default=0, note="top + bottom < 3x height"
        ),
        Field("parameters.bottom_offset", "integer", pages.OUT_PAINTING, low=0, default=0),
        Field(
            "parameters.left_offset", "integer", pages.OUT_PAINTING, low=0, default=0, note="left + right < 3x width"
        ),
        Field("parameters.right_offset", "integer", pages.OUT_PAINTING, low=0, default=0),
        Field("parameters.best_quality", "boolean", pages.OUT_PAINTING, default=False, note="better, much slower"),
        Field(
            "parameters.limit_image_size",
            "boolean",
            pages.OUT_PAINTING,
            default=True,
            note="keeps the result under 5 MB",
        ),
        Field("parameters.add_watermark", "boolean", pages.OUT_PAINTING, default=True, note="'Generated by AI' mark"),
    ),
    results=("output_image_url",),
    concurrency=5,  # "QPS 2; concurrency 5" on the page (official MD export); the emulator's catalog agrees
    data_uri=True,
    price_cny=0.18,
    retired_on="2026-10-10",
    successor="wanx2.1-imageedit with function 'expand'",
    data_inspection=True,
    sources=LIFECYCLE,
)
OUT_PAINTING_MAX_FACTOR = 3  # each pair of offsets less than 3x the side (the page)
OUT_PAINTING_MAX_ASPECT = 4.0  # the result's aspect within 1:4 to 4:1 (the page)

# --- wanx-background-generation-v2 ----------------------------------------------------------------
GUIDE_WORDS = 150  # ref_prompt / neg_ref_prompt: about 150 English words ...
GUIDE_CJK = 120  # ... or about 100-120 Chinese characters (the rest is ignored)
_GUIDE = f"at most about {GUIDE_WORDS} English words or {GUIDE_CJK} Chinese characters; the rest is ignored"
BACKGROUND_MODEL = ModelSpec(
    "wanx-background-generation-v2",
    BACKGROUND,
    pages.BACKGROUND,
    fields=(
        Field(
            "input.base_image_url",
            "image",
            pages.BACKGROUND,
            required=True,
            widget="foreground",
            image=ImageRule(
                ("PNG",),
                max_side=2048,
                max_mb=10,
                source=unconfirmed("RGBA PNG, long side at most 2048 px: the page; the 10 MB cap is the pack's own"),
            ),
            note="RGBA PNG with a transparent background; the result has its size",
        ),
        Field("input.ref_image_url", "image", pages.BACKGROUND, widget="reference", note="transparent areas ignored"),
        Field("input.ref_prompt", "string", pages.BACKGROUND, note=_GUIDE),
        Field("input.neg_ref_prompt", "string", pages.BACKGROUND, note=_GUIDE),
        Field("input.reference_edge.foreground_edge", "image[]", pages.BACKGROUND, note="RGBA line art"),
        Field("input.reference_edge.background_edge", "image[]", pages.BACKGROUND, note="RGBA line art"),
        Field("input.reference_edge.foreground_edge_prompt", "string[]", pages.BACKGROUND),
        Field("input.reference_edge.background_edge_prompt", "string[]", pages.BACKGROUND),
        # Deprecated by the page (弃用): documented so the row is whole; no node offers them.
        Field("input.title", "string", pages.BACKGROUND, max_length=8, note="deprecated by the service; not empty"),
        Field(
            "input.sub_title",
            "string",
            pages.BACKGROUND,
            max_length=10,
            note="deprecated by the service; not empty, only with title",
        ),
        Field("parameters.n", "integer", pages.BACKGROUND, low=1, high=4, default=1),
        Field("parameters.model_version", "string", pages.BACKGROUND, enum=("v2", "v3"), default="v2"),
        Field(
            "parameters.noise_level",
            "integer",
            pages.BACKGROUND,
            low=0,
            high=999,
            default=300,
            note="only with a reference image",
        ),
        Field(
            "parameters.ref_prompt_weight",
            "number",
            pages.BACKGROUND,
            low=0.0,
            high=1.0,
            default=0.5,
            note="only with a reference image and ref_prompt",
        ),
        Field(
            "parameters.scene_type",
            "string",
            pages.BACKGROUND,
            enum=("GENERAL", "ROOM", "COSMETIC"),
            default="GENERAL",
            note="deprecated by the service",
        ),
    ),
    price_cny=0.08,
    retired_on="2026-10-10",
    successor="model_version v3 of this node, or qwen-image-2.0 editing",
    sources=LIFECYCLE,
)


# --- Qwen image edit --------------------------------------------------------------------------------
def _qwen_edit_fields(prompt_tokens: int, max_n: int, options: bool) -> tuple[Field, ...]:
    """The editing request of one Qwen model: 1-3 pictures and one instruction, then its parameters.
    ``options``: size and prompt_extend (plain qwen-image-edit takes neither)."""
    page = pages.QWEN_IMAGE_EDIT
    fields = [
        Field("input.messages[].role", "string", page, required=True, enum=("user",)),
        dataclasses.replace(QWEN_EDIT_IMAGE, required=True),
        Field(
            "input.messages[].content[].text",
            "string",
            page,
            required=True,
            widget="prompt",
            max_length=prompt_tokens,
            length_unit="tokens",
        ),
        Field("parameters.n", "integer", page, low=1, high=max_n, default=1),
        Field("parameters.negative_prompt", "string", page, max_length=500),
        Field("parameters.watermark", "boolean", page, default=False, note="'Qwen-Image' mark"),
        Field("parameters.seed", "integer", page, **SEED),
    ]
    if options:
        fields += [
            Field(
                "parameters.size",
                "string",
                page,
                size=SizeRule(min_side=512, max_side=2048),
                note="width*height, rounded to multiples of 16",
            ),
            Field("parameters.prompt_extend", "boolean", page, default=True),
        ]
    return tuple(fields)


def _qwen_edit(name: str, fields: tuple[Field, ...], **lifecycle: Any) -> ModelSpec:
    return ModelSpec(
        name,
        MULTIMODAL,
        pages.QWEN_IMAGE_EDIT,
        fields=fields,
        sync=True,
        data_uri=True,
        results=("choices[].message.content[].image",),
        **lifecycle,
    )


_RETIRING: dict[str, Any] = dict(retired_on="2026-10-10", successor=QWEN_SUCCESSOR, sources=LIFECYCLE)
QWEN_EDIT = {
    "qwen-image-edit": _qwen_edit("qwen-image-edit", _qwen_edit_fields(800, 1, options=False), **_RETIRING),
    **{
        name: _qwen_edit(name, _qwen_edit_fields(800, 6, options=True), **_RETIRING)
        for name in ("qwen-image-edit-plus", "qwen-image-edit-max")
    },
}


def _editing_view(spec: ModelSpec) -> ModelSpec:
    """qwen-image-2.0(-pro) as the Qwen edit node calls it: their one row (text_to_image.py, which documents the
    picture field too), with the pictures required and no size default (an edit's size follows the last picture,
    about 1024*1024, where a text-to-image call's default is 2048*2048)."""

    def for_editing(item: Field) -> Field:
        if item.path == QWEN_EDIT_IMAGE.path:
            return dataclasses.replace(item, required=True)
        if item.path == "parameters.size":
            return dataclasses.replace(
                item, default=NO_DEFAULT, note="default: about 1024*1024, aspect of the last picture"
            )
        return item

    return dataclasses.replace(spec, page=pages.QWEN_IMAGE_EDIT, fields=tuple(map(for_editing, spec.fields)))


QWEN_EDIT_20 = {name: _editing_view(TEXT_TO_IMAGE[name]) for name in ("qwen-image-2.0", "qwen-image-2.0-pro")}

MODELS = rows(
    SKETCH,
    X_PAINTING,
    WAN_EDIT,
    SEGMENTATION,
    ERASE,
    OUT_PAINTING_MODEL,
    BACKGROUND_MODEL,
    *(spec for spec in QWEN_EDIT.values()),
)

"""Rows of the text-to-image models: wanx-v1, Wan 2.x, Qwen-Image, Z-Image, Stable Diffusion, FLUX."""

from __future__ import annotations

from . import pages
from .endpoints import MULTIMODAL, T2I
from .schema import Field, ImageRule, ModelSpec, rows, unconfirmed

T2I_SUCCESSOR = "wan2.6-t2i or z-image-turbo (node 'DashScope Wan / Qwen Text to Image')"
QWEN_SUCCESSOR = "qwen-image-2.0"

WANX_STYLES = (
    "<auto>",
    "<photography>",
    "<portrait>",
    "<3d cartoon>",
    "<anime>",
    "<oil painting>",
    "<watercolor>",
    "<sketch>",
    "<chinese painting>",
    "<flat illustration>",
)

WANX_V1 = ModelSpec(
    "wanx-v1",
    T2I,
    pages.WANX_V1,
    fields=(
        Field("input.prompt", "string", pages.WANX_V1, required=True, max_length=800),
        Field("input.negative_prompt", "string", pages.WANX_V1, max_length=500),
        Field(
            "input.ref_img",
            "image",
            pages.WANX_V1,
            widget="reference",
            image=ImageRule(("JPEG", "PNG", "BMP", "TIFF", "WEBP"), 256, 4096, max_mb=10, source=pages.WANX_V1),
            note="reference image (垫图); URL only",
        ),
        Field("parameters.style", "string", pages.WANX_V1, enum=WANX_STYLES, default="<auto>"),
        Field(
            "parameters.size",
            "string",
            pages.WANX_V1,
            enum=("1024*1024", "720*1280", "768*1152", "1280*720"),
            default="1024*1024",
        ),
        Field("parameters.n", "integer", pages.WANX_V1, low=1, high=4, default=4),
        Field("parameters.seed", "integer", pages.WANX_V1, low=0, high=2147483647, note="image i uses seed + i"),
        Field("parameters.ref_strength", "number", pages.WANX_V1, low=0.0, high=1.0, note="higher = closer"),
        Field("parameters.ref_mode", "string", pages.WANX_V1, enum=("repaint", "refonly"), default="repaint"),
    ),
    price_cny=0.16,
    sources={"price": "https://help.aliyun.com/en/model-studio/text-to-image-api-reference"},
)

_WAN_V2 = (
    "wanx2.0-t2i-turbo",
    "wanx2.1-t2i-turbo",
    "wanx2.1-t2i-plus",
    "wan2.2-t2i-flash",
    "wan2.2-t2i-plus",
    "wan2.5-t2i-preview",
)

MODELS = rows(
    WANX_V1,
    # TODO(fidelity): fields, from official-reference.md
    *(ModelSpec(name, T2I, pages.WAN_T2I_V2, concurrency=2) for name in _WAN_V2),
    ModelSpec("wan2.6-t2i", MULTIMODAL, pages.WAN_T2I_V2, sync=True, concurrency=2),
    ModelSpec("qwen-image-2.0", MULTIMODAL, pages.QWEN_IMAGE, sync=True, data_uri=True),
    ModelSpec("qwen-image-2.0-pro", MULTIMODAL, pages.QWEN_IMAGE, sync=True, data_uri=True),
    ModelSpec(
        "z-image-turbo",
        MULTIMODAL,
        unconfirmed("no official Z-Image page in the stored copies; secondary notes say multimodal-generation, sync"),
        sync=True,
    ),
    *(
        ModelSpec(
            name,
            MULTIMODAL,
            pages.QWEN_IMAGE,
            sync=True,
            retired_on="2026-10-10",
            successor=QWEN_SUCCESSOR,
            sources={"lifecycle": pages.LIFECYCLE},
        )
        for name in ("qwen-image", "qwen-image-plus", "qwen-image-max")
    ),
    *(
        ModelSpec(
            name,
            T2I,
            pages.STABLE_DIFFUSION,
            status="retired",
            retired_on="2026-03-30",
            successor=T2I_SUCCESSOR,
            sources={"lifecycle": pages.LIFECYCLE},
        )
        for name in (
            "stable-diffusion-v1.5",
            "stable-diffusion-xl",
            "stable-diffusion-3.5-large",
            "stable-diffusion-3.5-large-turbo",
        )
    ),
    *(
        ModelSpec(
            name,
            T2I,
            unconfirmed("no official FLUX page survives; endpoint from third-party routing tables"),
            status="retired",
            retired_on="2026-03-30",
            successor=T2I_SUCCESSOR,
            sources={"lifecycle": pages.LIFECYCLE},
        )
        for name in ("flux-schnell", "flux-dev", "flux-merged")
    ),
)

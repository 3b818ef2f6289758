"""Rows of the text-to-image models: wanx-v1, Wan 2.x, Qwen-Image, Z-Image, Stable Diffusion, FLUX."""

from __future__ import annotations

import dataclasses

from . import pages
from .endpoints import IMAGE_GENERATION, MULTIMODAL, T2I
from .qwen_image import QWEN_IMAGE_3
from .schema import Field, ImageRule, ModelSpec, rows, unconfirmed
from .sizes import SizeRule
from .snapshots import snapshot_of

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


SYNC_RESULTS = ("choices[].message.content[].image",)
SEED_RANGE = {"low": 0, "high": 2147483647}

# --- Wan text-to-image V2 ------------------------------------------------------------------------------
# The official page survives only as its head: the model table, the protocols with their field names, and the
# size rules. The official mirror's "Wan v2" page adds each model's size rule and prompt length (official-reference-
# 2026-12.md §5, which corrects the older file). Limits and service defaults of the other fields come from
# third-party schemas: they are notes (UNCONFIRMED), and a field whose default is only third-party has no default
# here, so the pack always sends it.
WAN = pages.WAN_T2I_V2
WAN_TASK = pages.WAN_T2I_V2_TASK
_WAN_3P = "from third-party schemas, UNCONFIRMED"
# "Longer prompts are cut, not refused" at the service: a cut prompt draws an image the user did not describe, and
# is paid for, so the pack refuses a longer prompt before anything is sent.
_CUT = "the service silently cuts a longer prompt; the pack refuses it before paying"
_WAN_PARAMETERS = (
    Field("parameters.n", "integer", WAN, low=1, high=4, note=f"range 1-4 and service default 4 {_WAN_3P}"),
    Field("parameters.seed", "integer", WAN, **SEED_RANGE, note=f"range {_WAN_3P}"),
    Field("parameters.prompt_extend", "boolean", WAN, note=f"LLM prompt rewrite; service default true {_WAN_3P}"),
    Field("parameters.watermark", "boolean", WAN, note="'AI生成' mark; service default false " + _WAN_3P),
)
# wan2.6-t2i and wan2.5-t2i-preview: total pixels 1280*1280-1440*1440, aspect 1:4-4:1 (mirror table). The same
# official material recommends 1696*960 and 960*1696, 0.6 % under 1280*1280: those two are allowed by name.
WAN_PIXELS = SizeRule(min_pixels=1280, max_pixels=1440, max_aspect=4.0, named=("1696*960", "960*1696"))
WAN_SIDES = SizeRule(min_side=512, max_side=1440)  # wan2.2 and older: each side 512-1440 (at most 1440*1440)


def _wan_async(name: str, prompt_chars: int, size: SizeRule) -> ModelSpec:
    """wanx2.0 to wan2.5: the text2image protocol (input.prompt, input.negative_prompt, parameters.*)."""
    return ModelSpec(
        name,
        T2I,
        WAN,
        fields=(
            Field(
                "input.prompt",
                "string",
                WAN,
                required=True,
                max_length=prompt_chars,
                note=f"limit from the official mirror's model table ({WAN_TASK}); {_CUT}",
            ),
            Field("input.negative_prompt", "string", WAN, max_length=500, note=f"limit {_WAN_3P}"),
            Field("parameters.size", "string", WAN, size=size, note=f"size rule from {WAN_TASK}"),
            *_WAN_PARAMETERS,
        ),
        concurrency=2,
    )


# wan2.6-t2i: async first. The mirror's async example posts the sync call's messages body to image-generation with
# X-DashScope-Async (and the official SDK's ImageGeneration.async_call does the same); the task answer holds the
# sync call's choices (official-reference-2026-12.md §5 and quick map).
WAN26 = ModelSpec(
    "wan2.6-t2i",
    IMAGE_GENERATION,
    WAN,
    fields=(
        Field("input.messages[].role", "string", WAN, required=True, enum=("user",)),
        Field(
            "input.messages[].content[].text",
            "string",
            WAN_TASK,
            required=True,
            max_length=2100,
            widget="prompt",
            note=_CUT,
        ),
        Field(
            "parameters.negative_prompt",
            "string",
            WAN_TASK,
            max_length=500,
            note=f"in parameters, as in the mirror's async example; limit {_WAN_3P}",
        ),
        Field("parameters.size", "string", WAN, size=WAN_PIXELS, note=f"size rule from {WAN_TASK}"),
        *_WAN_PARAMETERS,
    ),
    concurrency=2,
    results=SYNC_RESULTS,
    sync_path=MULTIMODAL,
    sources={"endpoint": WAN_TASK, "results": WAN_TASK, "sync_path": WAN},
)

# --- Qwen-Image (official MD export: every field, limit and default below is official) ----------------------
QWEN = pages.QWEN_IMAGE
QWEN_FIXED = ("1664*928", "1472*1104", "1328*1328", "1104*1472", "928*1664")


def _qwen(name: str, text_limit: int, size: Field, n: Field, **model: object) -> ModelSpec:
    """The sync multimodal protocol, as the Qwen-Image page tabulates it for every model."""
    return ModelSpec(
        name,
        MULTIMODAL,
        QWEN,
        fields=(
            Field("input.messages[].role", "string", QWEN, required=True, enum=("user",)),
            Field(
                "input.messages[].content[].text",
                "string",
                QWEN,
                required=True,
                max_length=text_limit,
                length_unit="tokens",
                widget="prompt",
            ),
            Field("parameters.negative_prompt", "string", QWEN, max_length=500),
            size,
            n,
            Field("parameters.prompt_extend", "boolean", QWEN, default=True, note="LLM prompt rewrite"),
            Field("parameters.watermark", "boolean", QWEN, default=False, note="'Qwen-Image' mark"),
            Field("parameters.seed", "integer", QWEN, **SEED_RANGE),
        ),
        sync=True,
        results=SYNC_RESULTS,
        **model,  # type: ignore[arg-type]
    )


# The pictures of an editing call (qwen-image-edit page): qwen-image-2.0(-pro) edit through the same call as they
# draw, so their rows hold this field too (optional: a text-to-image call has none); the edit rows require it.
QWEN_EDIT_IMAGE = Field(
    "input.messages[].content[].image",
    "image",
    pages.QWEN_IMAGE_EDIT,
    widget="image",
    low=1,
    high=3,
    image=ImageRule(("JPEG", "PNG", "BMP", "TIFF", "WEBP", "GIF"), 384, 3072, max_mb=10, source=pages.QWEN_IMAGE_EDIT),
    note="editing: one content item per picture; the result takes the last one's aspect",
)


def _qwen2(name: str) -> ModelSpec:
    """qwen-image-2.0(-pro): draws from text and edits 1-3 pictures through the same call (see QWEN_EDIT_IMAGE)."""
    spec = _qwen(
        name,
        1300,
        Field("parameters.size", "string", QWEN, size=SizeRule(min_pixels=512, max_pixels=2048), default="2048*2048"),
        Field("parameters.n", "integer", QWEN, low=1, high=6, default=1),
        data_uri=True,
    )
    return dataclasses.replace(spec, fields=(*spec.fields[:2], QWEN_EDIT_IMAGE, *spec.fields[2:]))


_QWEN_RETIRING: dict[str, object] = dict(
    retired_on="2026-10-10", successor=QWEN_SUCCESSOR, sources={"lifecycle": pages.LIFECYCLE}
)
_QWEN1_PARAMETERS = (
    Field("parameters.size", "string", QWEN, enum=QWEN_FIXED, default="1664*928"),
    Field("parameters.n", "integer", QWEN, low=1, high=1, default=1, note="fixed 1"),
    Field("parameters.prompt_extend", "boolean", QWEN, default=True, note="LLM prompt rewrite"),
    Field("parameters.watermark", "boolean", QWEN, default=False, note="'Qwen-Image' mark"),
    Field("parameters.seed", "integer", QWEN, **SEED_RANGE),
)


def _qwen1(name: str) -> ModelSpec:
    """qwen-image-max: the page documents only the sync protocol for it."""
    return _qwen(name, 800, *_QWEN1_PARAMETERS[:2], **_QWEN_RETIRING)


def _qwen1_async(name: str) -> ModelSpec:
    """qwen-image-plus and qwen-image: async first. The page's asynchronous variant ("only qwen-image-plus and
    qwen-image") on text2image, with the prompt and negative prompt in input and the image in results[].url (beside
    orig_prompt / actual_prompt, kept with the result)."""
    return ModelSpec(
        name,
        T2I,
        QWEN,
        fields=(
            Field("input.prompt", "string", QWEN, required=True, max_length=800),
            Field("input.negative_prompt", "string", QWEN, max_length=500, note="in input here (sync: in parameters)"),
            *_QWEN1_PARAMETERS,
        ),
        sync_path=MULTIMODAL,
        **_QWEN_RETIRING,  # type: ignore[arg-type]
    )


# --- Z-Image: no official page in the stored copies; secondary notes quoting it name these fields only --------
_Z = unconfirmed("no official Z-Image page in the stored copies; from secondary notes quoting it")
Z_IMAGE_TURBO = ModelSpec(
    "z-image-turbo",
    MULTIMODAL,
    _Z,
    fields=(
        Field("input.messages[].role", "string", _Z, required=True, enum=("user",)),
        Field("input.messages[].content[].text", "string", _Z, required=True, widget="prompt"),
        Field("parameters.size", "string", _Z, size=SizeRule(min_pixels=512, max_pixels=2048)),
        Field("parameters.prompt_extend", "boolean", _Z, note="LLM prompt rewrite"),
    ),
    sync=True,
    results=SYNC_RESULTS,
)

# The Wan / Qwen node offers these, in this order: adding a model to it is one row here.
WAN_QWEN = (
    WAN26,
    _qwen2("qwen-image-2.0"),
    _qwen2("qwen-image-2.0-pro"),
    *QWEN_IMAGE_3,
    Z_IMAGE_TURBO,
    _wan_async("wan2.5-t2i-preview", 2000, WAN_PIXELS),
    _wan_async("wan2.2-t2i-flash", 500, WAN_SIDES),
    _wan_async("wan2.2-t2i-plus", 500, WAN_SIDES),
    _wan_async("wanx2.1-t2i-turbo", 500, WAN_SIDES),
    _wan_async("wanx2.1-t2i-plus", 500, WAN_SIDES),
    _wan_async("wanx2.0-t2i-turbo", 800, WAN_SIDES),
    _qwen1_async("qwen-image-plus"),
    _qwen1("qwen-image-max"),
    _qwen1_async("qwen-image"),
)
# The page documents the asynchronous variant for the names qwen-image-plus and qwen-image only: a dated snapshot
# of qwen-image-plus (qwen-image-plus-2026-01-09) speaks the sync protocol, as qwen-image-max does.
_SNAPSHOT_PROTOCOL = {"qwen-image-plus": "qwen-image-max"}

# --- Stable Diffusion (retired 2026-03-30) --------------------------------------------------------------------
SD = pages.STABLE_DIFFUSION
_SD_RETIRED = dict(
    status="retired", retired_on="2026-03-30", successor=T2I_SUCCESSOR, sources={"lifecycle": pages.LIFECYCLE}
)


def _sd35(name: str) -> ModelSpec:
    """The official page's SD 3.5 table (a copy of the retired page)."""
    return ModelSpec(
        name,
        T2I,
        SD,
        fields=(
            Field("input.prompt", "string", SD, required=True, max_length=75, length_unit="words"),
            Field("input.negative_prompt", "string", SD, note="in the page's examples, not in its table"),
            Field(
                "input.init_image",
                "image",
                SD,
                image=ImageRule(("JPEG", "PNG", "TIFF", "WEBP"), source=SD),
                note="image-to-image start image; URL",
            ),
            Field(
                "parameters.size",
                "string",
                SD,
                size=SizeRule(min_side=512, max_side=1024, step=128),
                default="1024*1024",
            ),
            Field("parameters.n", "integer", SD, low=1, high=4, note="the page says default 1 and 4 in two places"),
            Field("parameters.steps", "integer", SD, low=1, high=500, default=40),
            Field("parameters.cfg", "number", SD, default=4.5, widget="guidance", note="4-5 suggested"),
            Field("parameters.shift", "number", SD, default=3.0),
            Field("parameters.seed", "integer", SD, note="image i uses seed + i"),
        ),
        **_SD_RETIRED,  # type: ignore[arg-type]
    )


_SD_3P = unconfirmed("no official SDXL / v1.5 table found; fields from a third-party SDK (dashscope-api.md 11.19)")


def _sd_old(name: str, size: Field) -> ModelSpec:
    return ModelSpec(
        name,
        T2I,
        _SD_3P,
        fields=(
            Field("input.prompt", "string", _SD_3P, required=True),
            Field("input.negative_prompt", "string", _SD_3P),
            size,
            # Sent although unconfirmed: without it the service picks the count, and each image is billed.
            Field("parameters.n", "integer", _SD_3P, low=1, high=4, note="always sent"),
            Field("parameters.steps", "integer", _SD_3P, low=1, high=500),
            Field("parameters.scale", "number", _SD_3P, low=1, high=15, widget="guidance"),
            Field("parameters.seed", "integer", _SD_3P, note="image i uses seed + i"),
        ),
        **{**_SD_RETIRED, "sources": {"lifecycle": pages.LIFECYCLE, "endpoint": SD}},  # type: ignore[arg-type]
    )


STABLE_DIFFUSION = (
    _sd_old("stable-diffusion-xl", Field("parameters.size", "string", _SD_3P, size=SizeRule(512, 1024, step=128))),
    _sd_old("stable-diffusion-v1.5", Field("parameters.size", "string", _SD_3P, enum=("512*512",))),
    _sd35("stable-diffusion-3.5-large"),
    _sd35("stable-diffusion-3.5-large-turbo"),
)

# --- FLUX (retired 2026-03-30): no official page survives, every field is a third-party guess -----------------
_FLUX = unconfirmed("no official FLUX page survives; fields from a third-party proxy listing (dashscope-api.md 11.20)")
FLUX_SIZES = ("1024*1024", "512*1024", "768*512", "768*1024", "1024*576", "576*1024")


def _flux(name: str) -> ModelSpec:
    return ModelSpec(
        name,
        T2I,
        _FLUX,
        fields=(
            Field("input.prompt", "string", _FLUX, required=True),
            Field("parameters.size", "string", _FLUX, enum=FLUX_SIZES),
            Field("parameters.steps", "integer", _FLUX, low=1, high=100, note="schnell about 4, dev / merged about 50"),
            Field("parameters.guidance", "number", _FLUX, low=0.1, high=20, note="about 3.5"),
            Field("parameters.seed", "integer", _FLUX, **SEED_RANGE),
        ),
        **_SD_RETIRED,  # type: ignore[arg-type]
    )


FLUX = tuple(_flux(name) for name in ("flux-schnell", "flux-dev", "flux-merged"))

MODELS = rows(WANX_V1, *WAN_QWEN, *STABLE_DIFFUSION, *FLUX)


def guess_spec(name: str) -> ModelSpec:
    """A text-to-image model typed by the user that is not in the table (a newer release or a dated snapshot):
    the row of the known model it most likely follows, under its own name and with every fact UNCONFIRMED.

    A dated snapshot follows its model (qwen-image-max-2025-12-30 → qwen-image-max); otherwise wan2.6+ speaks like
    wan2.6-t2i, qwen-image* like qwen-image-2.0, z-image* like z-image-turbo, older wan/wanx like wan2.5."""
    if name in MODELS:
        return MODELS[name]
    dated = snapshot_of(name, MODELS.values(), _SNAPSHOT_PROTOCOL)
    if dated is not None:
        return dated
    lowered = name.lower()
    snapshot = max((known for known in MODELS if lowered.startswith(known + "-")), key=len, default="")
    if snapshot:
        like = MODELS[_SNAPSHOT_PROTOCOL.get(snapshot, snapshot)]
    elif lowered.startswith("qwen-image"):
        like = MODELS["qwen-image-2.0"]
    elif lowered.startswith("z-image"):
        like = Z_IMAGE_TURBO
    elif _wan_version(lowered) >= 2.6:
        like = WAN26
    else:
        like = MODELS["wan2.5-t2i-preview"]
    guessed = unconfirmed(f"{name} is not in the pack's table; protocol of {like.name} assumed")
    return dataclasses.replace(
        like, name=name, page=guessed, price_cny=None, status="active", retired_on="", successor="", sources={}
    )


def _wan_version(name: str) -> float:
    for prefix in ("wanx", "wan"):
        if name.startswith(prefix):
            try:
                return float(name[len(prefix) :].split("-", 1)[0])
            except ValueError:
                return 0.0
    return 0.0

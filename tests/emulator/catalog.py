"""The emulator's own knowledge of the service's models: each model's routes, limits and every request field.

Written from ../shared/official-reference.md (the official API pages), and from ../shared/dashscope-api.md only
where the official file finds no page (labelled "third-party" or "unconfirmed"). Deliberately independent of the
pack's model table (nodes/models): a test double that imported the code under test would agree with it by
construction, and two tables written separately from the same pages catch the mistakes one of them makes
(tests/test_model_tables.py compares them field by field).

A field's ``path`` is its place in the request body: "input.prompt", "parameters.n", "resources[].resource_id"
(top level), "input.text.font_name" (nested object), "input.messages[].content[].text" ("[]" = every item of a
list of objects). ``also`` holds the other places a page leaves open (shoemodel ``scale``), all accepted.
Paths of routes are kept without a trailing slash: the pages show some with one (background generation, virtual
model) and their curl examples sometimes without; the emulator's router drops it, so both forms are served.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OFFICIAL, THIRD_PARTY, UNCONFIRMED = "official", "third-party", "unconfirmed"
CONFIDENCES = (OFFICIAL, THIRD_PARTY, UNCONFIRMED)
TYPES = ("string", "integer", "number", "boolean", "string[]", "array", "object")


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()

T2I = "/services/aigc/text2image/image-synthesis"
I2I = "/services/aigc/image2image/image-synthesis"
OUT_PAINTING = "/services/aigc/image2image/out-painting"
BACKGROUND = "/services/aigc/background-generation/generation"
IMAGE_GENERATION = "/services/aigc/image-generation/generation"
VIRTUAL_MODEL = "/services/aigc/virtualmodel/generation"
FACECHAIN = "/services/aigc/album/gen_potrait"  # sic: "potrait" is the real path
FACE_DETECT = "/services/vision/facedetection/detect"
MULTIMODAL = "/services/aigc/multimodal-generation/generation"
WORDART = "/services/aigc/wordart/"
FINE_TUNES = "/fine-tunes"

# Documented result locations (under ``output``), by the emulator's answer shape (dashscope-api.md section 4.4).
URLS = "results[].url"
OUTPUT_IMAGE = "output_image_url"
CHOICES = "choices[].message.content[].image"


@dataclass(frozen=True)
class Field:
    path: str
    type: str
    confidence: str
    required: bool = False
    enum: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    max_length: int | None = None
    default: Any = NO_DEFAULT
    image: bool = False  # holds image URL(s)
    also: tuple[str, ...] = ()  # other places the page leaves open for the same field
    limits: str = ""  # confidence of enum / range / length / default when weaker than the field's own
    note: str = ""

    def __post_init__(self) -> None:
        assert self.type in TYPES, (self.path, self.type)
        assert self.confidence in CONFIDENCES and (not self.limits or self.limits in CONFIDENCES), self.path

    @property
    def places(self) -> tuple[str, ...]:
        return (self.path, *self.also)

    @property
    def limits_confidence(self) -> str:
        return self.limits or self.confidence

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT


@dataclass(frozen=True)
class Route:
    """One way to call a model: endpoint, sync or async, its request fields and its answer."""

    path: str
    sync: bool
    fields: tuple[Field, ...]
    shape: str = "A"  # what the emulator answers (dashscope-api.md 4.4): A..G
    results: tuple[tuple[str, str], ...] = ((URLS, OFFICIAL),)  # documented result locations, with confidence
    confidence: str = OFFICIAL  # of the endpoint and mode

    def field(self, path: str) -> Field | None:
        return next((f for f in self.fields if path in f.places), None)

    @property
    def n_max(self) -> int:
        n = self.field("parameters.n")
        return int(n.high) if n is not None and n.high is not None else 4

    @property
    def image_fields(self) -> tuple[str, ...]:
        """Image fields directly under ``input`` (nested ones are read by name in the service)."""
        return tuple(
            f.path.split(".", 1)[1] for f in self.fields if f.image and f.path.count(".") == 1 and "[" not in f.path
        )


@dataclass(frozen=True)
class Model:
    name: str
    routes: tuple[Route, ...]
    qps: float = 2.0
    concurrency: int = 1
    limits: str = OFFICIAL  # confidence of qps / concurrency
    data_uri: bool = False  # the page documents Base64 data URIs for its image fields
    data_uri_confidence: str = OFFICIAL
    retired: bool = False  # retired before today (2026-11-25) per the official lifecycle page
    metrics: bool = True  # task_metrics in the answer (multi-image models)
    confidence: str = OFFICIAL  # of the model's page as a whole

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(r.path for r in self.routes)

    @property
    def sync(self) -> bool:
        return self.routes[0].sync

    @property
    def shape(self) -> str:
        return self.routes[0].shape

    @property
    def n_max(self) -> int:
        return self.routes[0].n_max

    @property
    def image_fields(self) -> tuple[str, ...]:
        return self.routes[0].image_fields

    def route(self, path: str) -> Route | None:
        path = path.rstrip("/")
        return next((r for r in self.routes if r.path == path), None)


def _f(path: str, type: str = "string", conf: str = OFFICIAL, **kw: Any) -> Field:
    return Field(path, type, conf, **kw)


def _img(path: str, conf: str = OFFICIAL, **kw: Any) -> Field:
    return Field(path, "string", conf, image=True, **kw)


SEED = dict(low=0, high=2147483647)
BOOL_FALSE = dict(default=False)


def _messages(
    text_max: int | None, conf: str = OFFICIAL, images: bool = False, image_required: bool = False, limits: str = ""
) -> tuple:
    """The sync multimodal protocol's single user message: one text part (and image parts for editing)."""
    out = [
        _f("input.messages[].role", conf=conf, required=True, enum=("user",)),
        _f(
            "input.messages[].content[].text",
            conf=conf,
            required=True,
            max_length=text_max,
            limits=limits,
            note="tokens",
        ),
    ]
    if images:
        out.append(_img("input.messages[].content[].image", conf, required=image_required, low=1, high=3))
    return tuple(out)


# ---- text to image -------------------------------------------------------------------------------------------
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

_WANX_V1 = Model(
    "wanx-v1",
    (
        Route(
            T2I,
            False,
            (
                _f("input.prompt", required=True, max_length=800),
                _f("input.negative_prompt", max_length=500),
                _img("input.ref_img"),
                _f("parameters.style", enum=WANX_STYLES, default="<auto>"),
                _f("parameters.size", enum=("1024*1024", "720*1280", "768*1152", "1280*720"), default="1024*1024"),
                _f("parameters.n", "integer", low=1, high=4, default=4),
                _f("parameters.seed", "integer", **SEED),
                _f("parameters.ref_strength", "number", low=0.0, high=1.0),
                _f("parameters.ref_mode", enum=("repaint", "refonly"), default="repaint"),
            ),
        ),
    ),
)

# Wan V2 (<= wan2.5): the official page heads name the text2image body; the official mirror's model table (Qwen Cloud
# "Wan v2 — Generate an image", official-reference-2026-12.md §5) gives each model's prompt length: 2,000 characters
# for wan2.5-t2i-preview, 500 for wan2.2 / wan2.1, 800 for wanx2.0 (longer prompts are cut, not refused). Other
# ranges and defaults are third-party. A default only third-party schemas state is a note, not a default
# (official-reference.md "Wan text-to-image V2": n 4, prompt_extend true, watermark false, size 1280*1280 are
# "Third-party (Comfy Router schema)"): leaving the field out is then no documented behaviour, and the pack always
# sends it.
_WAN_3P_DEFAULTS = dict(limits=THIRD_PARTY)


def _v2_fields(prompt_max: int) -> tuple[Field, ...]:
    return (
        _f("input.prompt", required=True, max_length=prompt_max, note="longer prompts are cut"),
        _f("input.negative_prompt", max_length=500, limits=UNCONFIRMED),
        _f("parameters.size", note="<= wan2.2: each side 512-1440; wan2.5: pixels 1280*1280-1440*1440, 1:4-4:1"),
        _f("parameters.n", "integer", low=1, high=4, note="third-party default 4", **_WAN_3P_DEFAULTS),
        _f("parameters.seed", "integer", **SEED, limits=THIRD_PARTY),
        _f("parameters.prompt_extend", "boolean", note="third-party default true", **_WAN_3P_DEFAULTS),
        _f("parameters.watermark", "boolean", note="third-party default false", **_WAN_3P_DEFAULTS),
    )


_V2 = tuple(
    Model(name, (Route(T2I, False, _v2_fields(prompt_max)),), concurrency=2, limits=UNCONFIRMED)
    for name, prompt_max in (
        ("wanx2.0-t2i-turbo", 800),
        ("wanx2.1-t2i-turbo", 500),
        ("wanx2.1-t2i-plus", 500),
        ("wan2.2-t2i-flash", 500),
        ("wan2.2-t2i-plus", 500),
        ("wan2.5-t2i-preview", 2000),
    )
)

# wan2.6-t2i: sync over multimodal-generation (official head), and async over image-generation with the same
# messages body (official mirror's create-task example, and the official SDK's ImageGeneration.async_call); the
# task answer carries the sync answer's choices. text2image/image-synthesis is no longer documented for wan2.6
# (addendum correction 1), so it is not served here. The example body puts negative_prompt in parameters; the
# other parameter details are third-party. Prompt length 2,100 characters (mirror table).
_WAN26_PARAMS = (
    _f("parameters.negative_prompt", max_length=500, limits=THIRD_PARTY),
    _f(
        "parameters.size", note="pixels 1280*1280-1440*1440, 1:4-4:1; third-party default 1280*1280", **_WAN_3P_DEFAULTS
    ),
    _f("parameters.n", "integer", low=1, high=4, note="third-party default 4", **_WAN_3P_DEFAULTS),
    _f("parameters.prompt_extend", "boolean", note="third-party default true", **_WAN_3P_DEFAULTS),
    _f("parameters.watermark", "boolean", note="third-party default false", **_WAN_3P_DEFAULTS),
    _f("parameters.seed", "integer", **SEED, limits=THIRD_PARTY),
)
_WAN26 = Model(
    "wan2.6-t2i",
    (
        Route(MULTIMODAL, True, _messages(2100) + _WAN26_PARAMS, shape="F", results=((CHOICES, OFFICIAL),)),
        Route(IMAGE_GENERATION, False, _messages(2100) + _WAN26_PARAMS, shape="F", results=((CHOICES, OFFICIAL),)),
    ),
    concurrency=2,
    limits=UNCONFIRMED,
)

QWEN_FIXED_SIZES = ("1664*928", "1472*1104", "1328*1328", "1104*1472", "928*1664")


def _qwen_t2i(name: str, *, two: bool, async_route: bool, retired: bool) -> Model:
    """qwen-image text-to-image (qwen-image-api page). The 2.0 series also edits on the same route."""
    params = (
        _f("parameters.negative_prompt", max_length=500),
        _f("parameters.size", default="2048*2048", note="pixels 512*512-2048*2048")
        if two
        else _f("parameters.size", enum=QWEN_FIXED_SIZES, default="1664*928"),
        _f("parameters.n", "integer", low=1, high=6 if two else 1, default=1),
        _f("parameters.prompt_extend", "boolean", default=True),
        _f("parameters.watermark", "boolean", default=False),
        _f("parameters.seed", "integer", **SEED),
    )
    routes = [
        Route(MULTIMODAL, True, _messages(1300 if two else 800, images=two) + params, "F", ((CHOICES, OFFICIAL),))
    ]
    if async_route:
        routes.append(
            Route(
                T2I,
                False,
                (
                    _f("input.prompt", required=True, max_length=800),
                    _f("input.negative_prompt", max_length=500),  # in input here; the sync API has it in parameters
                    *(f for f in params if f.path != "parameters.negative_prompt"),
                ),
            )
        )
    return Model(name, tuple(routes), limits=UNCONFIRMED, data_uri=two, retired=retired)


_QWEN_T2I = (
    *(
        _qwen_t2i(n, two=True, async_route=False, retired=False)
        for n in (
            "qwen-image-2.0",
            "qwen-image-2.0-2026-03-03",
            "qwen-image-2.0-pro",
            "qwen-image-2.0-pro-2026-04-22",
            "qwen-image-2.0-pro-2026-03-03",
        )
    ),
    *(
        _qwen_t2i(n, two=False, async_route=False, retired=True)
        for n in ("qwen-image-max", "qwen-image-max-2025-12-30", "qwen-image-plus-2026-01-09")
    ),
    *(_qwen_t2i(n, two=False, async_route=True, retired=True) for n in ("qwen-image-plus", "qwen-image")),
)

# z-image-turbo: no official page found; secondary notes only.
_Z_IMAGE = Model(
    "z-image-turbo",
    (
        Route(
            MULTIMODAL,
            True,
            _messages(None, UNCONFIRMED)  # no source states a prompt limit for Z-Image
            + (
                _f("parameters.size", conf=UNCONFIRMED, note="pixels 512*512-2048*2048"),
                _f("parameters.prompt_extend", "boolean", UNCONFIRMED),
            ),
            "F",
            ((CHOICES, UNCONFIRMED),),
            confidence=UNCONFIRMED,
        ),
    ),
    limits=UNCONFIRMED,
    confidence=UNCONFIRMED,
)

# Stable Diffusion 3.5: official copy of the page. SDXL / v1.5: not found (dashscope-api.md 11.19, third-party).
_SD35_FIELDS = (
    _f("input.prompt", required=True, max_length=75, note="words"),
    _f("input.negative_prompt", note="in the official examples, not in the table"),
    _img("input.init_image"),
    _f("parameters.size", default="1024*1024", note="each side 512-1024 in steps of 128"),
    # The page's HTTP table says default 1, its SDK table 4: no default is recorded, the pack always sends n.
    _f("parameters.n", "integer", low=1, high=4, note="default 1 (HTTP table) or 4 (SDK table)"),
    _f("parameters.steps", "integer", low=1, high=500, default=40),
    _f("parameters.cfg", "number", default=4.5),
    _f("parameters.seed", "integer"),
    _f("parameters.shift", "number", default=3.0),
)


# Third-party defaults (n 1, steps 50, scale 10) are notes: the pack always sends these (a guessed default would
# let a request leave out a value the service may read differently).
def _sd_old_fields(v15: bool) -> tuple[Field, ...]:
    return (
        _f("input.prompt", conf=UNCONFIRMED, required=True),
        _f("input.negative_prompt", conf=UNCONFIRMED),
        _f("parameters.size", conf=UNCONFIRMED, enum=("512*512",))
        if v15
        else _f("parameters.size", conf=UNCONFIRMED, note="sides 512-1024 in steps of 128"),
        _f("parameters.n", "integer", UNCONFIRMED, low=1, high=4, note="third-party default 1"),
        _f("parameters.steps", "integer", UNCONFIRMED, low=1, high=500, note="third-party default 50"),
        _f("parameters.scale", "number", UNCONFIRMED, low=1, high=15, note="third-party default 10"),
        _f("parameters.seed", "integer", UNCONFIRMED),
    )


_SD = (
    *(
        Model(n, (Route(T2I, False, _SD35_FIELDS),), retired=True, limits=UNCONFIRMED)
        for n in ("stable-diffusion-3.5-large", "stable-diffusion-3.5-large-turbo")
    ),
    *(
        Model(
            n,
            (
                Route(
                    T2I,
                    False,
                    _sd_old_fields(n == "stable-diffusion-v1.5"),
                    results=((URLS, UNCONFIRMED),),
                    confidence=UNCONFIRMED,
                ),
            ),
            retired=True,
            limits=UNCONFIRMED,
            confidence=UNCONFIRMED,
        )
        for n in ("stable-diffusion-xl", "stable-diffusion-v1.5")
    ),
)

# FLUX: no official parameter table (dashscope-api.md 11.20, all unconfirmed); routing from third-party tables.
_FLUX_FIELDS = (
    _f("input.prompt", conf=UNCONFIRMED, required=True),
    _f(
        "parameters.size",
        conf=UNCONFIRMED,
        enum=("1024*1024", "512*1024", "768*512", "768*1024", "1024*576", "576*1024"),
        note="recalled default 1024*1024 (the pack always sends a size)",
    ),
    # Guessed bounds, the same as the pack's guards (never a reason to refuse: unconfirmed).
    _f("parameters.seed", "integer", UNCONFIRMED, **SEED),
    _f("parameters.steps", "integer", UNCONFIRMED, low=1, high=100, note="schnell about 4, dev / merged about 50"),
    _f("parameters.guidance", "number", UNCONFIRMED, low=0.1, high=20, note="about 3.5"),
    _f("parameters.offload", "boolean", UNCONFIRMED),
    _f("parameters.add_sampling_metadata", "boolean", UNCONFIRMED),
)
_FLUX = tuple(
    Model(
        n,
        (Route(T2I, False, _FLUX_FIELDS, results=((URLS, THIRD_PARTY),), confidence=THIRD_PARTY),),
        retired=True,
        limits=UNCONFIRMED,
        confidence=UNCONFIRMED,
    )
    for n in ("flux-schnell", "flux-dev", "flux-merged")
)

# ---- editing -------------------------------------------------------------------------------------------------
SKETCH_STYLES = tuple(s for s in WANX_STYLES if s not in ("<photography>", "<portrait>"))

_SKETCH = Model(
    "wanx-sketch-to-image-lite",
    (
        Route(
            I2I,
            False,
            (
                _f("input.prompt", required=True, max_length=75),
                _img("input.sketch_image_url", required=True),
                _f("parameters.style", enum=SKETCH_STYLES, default="<auto>"),
                _f("parameters.size", enum=("768*768",), default="768*768"),
                _f("parameters.n", "integer", low=1, high=4, default=4),
                _f("parameters.sketch_weight", "integer", low=0, high=10, default=10),
                _f("parameters.sketch_extraction", "boolean", default=False),
                _f("parameters.sketch_color", "array", default=[], note="list of [R, G, B]"),
            ),
        ),
    ),
)

# wanx-x-painting: the official page head shows only the curl's input fields; the parameters are third-party
# (an SDK sample: size, n, mask_color) or unconfirmed (dashscope-api.md: style, the size list, 75 characters).
_X_PAINTING = Model(
    "wanx-x-painting",
    (
        Route(
            I2I,
            False,
            (
                _f("input.prompt", required=True, max_length=75, limits=UNCONFIRMED),
                _img("input.base_image_url", required=True),
                _img("input.mask_image_url", required=True),
                _f("parameters.style", conf=UNCONFIRMED, enum=SKETCH_STYLES, default="<auto>"),
                _f(
                    "parameters.size",
                    conf=THIRD_PARTY,
                    enum=("1024*1024", "720*1280", "1280*720"),
                    default="1024*1024",
                    limits=UNCONFIRMED,
                ),
                _f("parameters.n", "integer", THIRD_PARTY, low=1, high=4, default=1, limits=UNCONFIRMED),
                _f("parameters.mask_color", "array", THIRD_PARTY),
            ),
            results=((URLS, UNCONFIRMED),),
        ),
    ),
)

IMAGEEDIT_FUNCTIONS = (
    "stylization_all",
    "stylization_local",
    "description_edit",
    "description_edit_with_mask",
    "remove_watermark",
    "expand",
    "super_resolution",
    "colorization",
    "doodle",
    "control_cartoon_feature",
)
_IMAGEEDIT = Model(
    "wanx2.1-imageedit",
    (
        Route(
            I2I,
            False,
            (
                _f("input.prompt", required=True, max_length=800),
                _f("input.function", required=True, enum=IMAGEEDIT_FUNCTIONS),
                _img("input.base_image_url", required=True),
                _img("input.mask_image_url", note="required for description_edit_with_mask"),
                _f("parameters.n", "integer", low=1, high=4, default=1),
                _f("parameters.seed", "integer", **SEED),
                _f("parameters.watermark", "boolean", default=False),
                _f("parameters.strength", "number", low=0.0, high=1.0, default=0.5),
                *(
                    _f(f"parameters.{side}_scale", "number", low=1.0, high=2.0, default=1.0)
                    for side in ("top", "bottom", "left", "right")
                ),
                _f("parameters.upscale_factor", "integer", low=1, high=4, default=1),
                _f("parameters.is_sketch", "boolean", default=False),
            ),
        ),
    ),
    concurrency=2,
    data_uri=True,
)

_SEGMENTATION = Model(
    "image-instance-segmentation",
    (
        Route(
            I2I,
            False,
            (_img("input.image_url", required=True),),  # parameters: {} (none documented)
            shape="C",
            results=((OUTPUT_IMAGE, OFFICIAL), ("output_vis_image_url", OFFICIAL)),
        ),
    ),
    metrics=False,
)

# image-erase-completion: the official guide's examples (no full field table). add_watermark is on no official page;
# the protocol notes (dashscope-api.md) name it with an unconfirmed default, so it is accepted as UNCONFIRMED.
_ERASE = Model(
    "image-erase-completion",
    (
        Route(
            I2I,
            False,
            (
                _img("input.image_url", required=True),
                _img("input.mask_url", required=True),
                _img("input.foreground_url"),
                _f("parameters.dilate_flag", "boolean"),
                _f("parameters.fast_mode", "boolean", default=False),
                _f("parameters.add_watermark", "boolean", UNCONFIRMED),
            ),
            shape="B",
            results=((OUTPUT_IMAGE, OFFICIAL),),
        ),
    ),
    metrics=False,
)

_OUT_PAINTING = Model(
    "image-out-painting",
    (
        Route(
            OUT_PAINTING,
            False,
            (
                _img("input.image_url", required=True),
                _f("parameters.angle", "integer", low=0, high=359, default=0),
                _f("parameters.output_ratio", enum=("", "1:1", "3:4", "4:3", "9:16", "16:9"), default=""),
                _f("parameters.x_scale", "number", low=1.0, high=3.0, default=1.0),
                _f("parameters.y_scale", "number", low=1.0, high=3.0, default=1.0),
                *(  # the page bounds the sums only: top + bottom < 3 x height, left + right < 3 x width; that an
                    # offset (pixels added on a side) is at least 0 is implied, not stated: an unconfirmed bound.
                    _f(f"parameters.{side}_offset", "integer", low=0, default=0, limits=UNCONFIRMED)
                    for side in ("top", "bottom", "left", "right")
                ),
                _f("parameters.best_quality", "boolean", default=False),
                _f("parameters.limit_image_size", "boolean", default=True),
                _f("parameters.add_watermark", "boolean", default=True),
            ),
            shape="B",
            results=((OUTPUT_IMAGE, OFFICIAL),),
        ),
    ),
    concurrency=5,
    data_uri=True,
    data_uri_confidence=UNCONFIRMED,  # "URL or base64": the data-URI form itself is not spelled out
    retired=True,
    metrics=False,
)

_BACKGROUND = Model(
    "wanx-background-generation-v2",
    (
        Route(
            BACKGROUND,
            False,
            (
                _img("input.base_image_url", required=True),
                _img("input.ref_image_url"),
                _f("input.ref_prompt"),
                _f("input.neg_ref_prompt"),
                Field("input.reference_edge.foreground_edge", "string[]", OFFICIAL, image=True),
                Field("input.reference_edge.background_edge", "string[]", OFFICIAL, image=True),
                _f("input.reference_edge.foreground_edge_prompt", "string[]"),
                _f("input.reference_edge.background_edge_prompt", "string[]"),
                _f("input.title", max_length=8, note="deprecated"),
                _f("input.sub_title", max_length=10, note="deprecated"),
                _f("parameters.n", "integer", low=1, high=4, default=1),
                _f("parameters.model_version", enum=("v2", "v3"), default="v2"),
                _f("parameters.noise_level", "integer", low=0, high=999, default=300),
                _f("parameters.ref_prompt_weight", "number", low=0.0, high=1.0, default=0.5),
                _f("parameters.scene_type", enum=("GENERAL", "ROOM", "COSMETIC"), default="GENERAL", note="deprecated"),
            ),
        ),
    ),
    retired=True,
)


def _qwen_edit(name: str) -> Model:
    plain = name == "qwen-image-edit"
    fields = _messages(800, images=True, image_required=True) + (
        _f("parameters.n", "integer", low=1, high=1 if plain else 6, default=1),
        _f("parameters.negative_prompt", max_length=500),
        *(
            ()
            if plain  # "not supported by qwen-image-edit"
            else (
                _f("parameters.size", note="each side 512-2048"),
                _f("parameters.prompt_extend", "boolean", default=True),
            )
        ),
        _f("parameters.watermark", "boolean", default=False),
        _f("parameters.seed", "integer", **SEED),
    )
    return Model(
        name,
        (Route(MULTIMODAL, True, fields, "F", ((CHOICES, OFFICIAL),)),),
        limits=UNCONFIRMED,
        data_uri=True,
        retired=True,
    )


_QWEN_EDIT = tuple(
    _qwen_edit(n)
    for n in (
        "qwen-image-edit",
        "qwen-image-edit-plus",
        "qwen-image-edit-plus-2025-10-30",
        "qwen-image-edit-plus-2025-12-15",
        "qwen-image-edit-max",
        "qwen-image-edit-max-2026-01-16",
    )
)

# ---- the 2026-12 addendum (../shared/official-reference-2026-12.md) ------------------------------------------------
# Only the head of each official page was readable. "unconfirmed" marks what only Alibaba's skill repo (a summary of
# the official docs, not the reference) says; "third-party" what gateways say. Defaults none of the pages states are
# left out, so an emulated request without the field makes the emulator's own choice (n: 1).
_PICTURE_TYPES = "JPEG/PNG (no alpha)/BMP/WEBP"


def _user_message(text: Field, pictures: Field) -> tuple[Field, ...]:
    return (_f("input.messages[].role", conf=text.confidence, required=True, enum=("user",)), text, pictures)


# wan2.7-image(-pro): official head (both endpoints, the messages body; examples send n, size, watermark and
# thinking_mode; the 4K rule), official mirror (async create-task: the same body; the input-picture table).
def _wan27(name: str) -> Model:
    fields = (
        *_user_message(
            _f("input.messages[].content[].text", required=True, note="limit not found; gateways: 5,000"),
            _img("input.messages[].content[].image", low=1, high=9, note=f"0-9; {_PICTURE_TYPES}; 240-8000 px"),
        ),
        _f("parameters.size", note="1K / 2K / 4K (4K: pro text-to-image only; sets and edits at most 2K) or W*H"),
        _f("parameters.n", "integer", low=1, high=12, limits=UNCONFIRMED, note="1-4; 1-12 with enable_sequential"),
        _f("parameters.watermark", "boolean"),
        _f("parameters.thinking_mode", "boolean", note="text-to-image only"),
        _f("parameters.enable_sequential", "boolean", UNCONFIRMED),
        _f("parameters.bbox_list", "array", UNCONFIRMED, note="one list of [x1, y1, x2, y2] per picture"),
        _f("parameters.color_palette[].hex", conf=UNCONFIRMED),
        _f("parameters.color_palette[].ratio", conf=UNCONFIRMED, note="'23.51%'; 3-10 colours adding up to 100%"),
        _f("parameters.negative_prompt", conf=UNCONFIRMED, max_length=500),
        _f("parameters.seed", "integer", UNCONFIRMED, **SEED),
    )
    return Model(
        name,
        (
            Route(MULTIMODAL, True, fields, "F", ((CHOICES, OFFICIAL),)),
            Route(IMAGE_GENERATION, False, fields, "F", ((CHOICES, OFFICIAL),)),
        ),
        limits=UNCONFIRMED,
        data_uri=True,
    )


# wan2.6-image: official head (both endpoints), official mirror (the field text: messages, pictures, interleave);
# sizes, counts and the other parameters from the skill repo.
_WAN26_IMAGE_FIELDS = (
    *_user_message(
        _f("input.messages[].content[].text", required=True, max_length=2000, note="exactly one; longer is cut"),
        _img("input.messages[].content[].image", low=1, high=4, note=f"editing 1-4, interleave 0-1; {_PICTURE_TYPES}"),
    ),
    _f("parameters.enable_interleave", "boolean", default=False),
    _f("parameters.size", conf=UNCONFIRMED, note="editing 1K / 2K or W*H up to 2048*2048; interleave up to 1280*1280"),
    _f("parameters.n", "integer", UNCONFIRMED, low=1, high=4, note="interleave: 1"),
    _f("parameters.max_images", "integer", UNCONFIRMED, low=1, high=5, note="interleave only"),
    _f("parameters.prompt_extend", "boolean", UNCONFIRMED, note="editing only"),
    _f("parameters.negative_prompt", conf=UNCONFIRMED, max_length=500),
    _f("parameters.watermark", "boolean", UNCONFIRMED),
    _f("parameters.seed", "integer", UNCONFIRMED, **SEED),
)
_WAN26_IMAGE = Model(
    "wan2.6-image",
    (
        Route(MULTIMODAL, True, _WAN26_IMAGE_FIELDS, "F", ((CHOICES, OFFICIAL),)),
        Route(IMAGE_GENERATION, False, _WAN26_IMAGE_FIELDS, "F", ((CHOICES, OFFICIAL),)),
    ),
    limits=UNCONFIRMED,
    data_uri=True,
)

# wan2.5-i2i-preview: async only (official head and mirror); limits from gateways and the skill repo.
_WAN25_I2I = Model(
    "wan2.5-i2i-preview",
    (
        Route(
            I2I,
            False,
            (
                _f("input.prompt", required=True, max_length=2000, limits=THIRD_PARTY),
                Field(
                    "input.images", "string[]", OFFICIAL, required=True, low=1, high=3, image=True, note="384-5000 px"
                ),
                _f("input.negative_prompt", conf=THIRD_PARTY, max_length=500),
                _f("parameters.size", conf=THIRD_PARTY, note="pixels 768*768-1280*1280, aspect 1:4-4:1"),
                _f("parameters.n", "integer", THIRD_PARTY, low=1, high=4, note="default 4 or 1: sources disagree"),
                _f("parameters.prompt_extend", "boolean", note="in the official example"),
                _f("parameters.watermark", "boolean", THIRD_PARTY),
                _f("parameters.seed", "integer", UNCONFIRMED, **SEED),
            ),
        ),
    ),
    limits=UNCONFIRMED,
)


# qwen-image-3.0(-pro), qwen-image-2.1-pro: official head (endpoint, sync only, picture counts, sizes); the body's
# field names from a third-party schema; the answer's shape not found (presumed qwen-image-2.0's).
def _qwen3(name: str, pictures: int) -> Model:
    fields = (
        *_user_message(
            _f("input.messages[].content[].text", conf=THIRD_PARTY, required=True),
            _img("input.messages[].content[].image", low=1, high=pictures, note="text-to-image: none"),
        ),
        _f("parameters.size", note="pixels 512*512-2048*2048; left out: the model picks"),
        _f("parameters.n", "integer", THIRD_PARTY, low=1, high=6),
        _f("parameters.prompt_extend", "boolean", THIRD_PARTY),
        _f("parameters.prompt_extend_mode", conf=THIRD_PARTY, enum=("direct", "agent")),
        _f("parameters.negative_prompt", conf=THIRD_PARTY),
        _f("parameters.watermark", "boolean", THIRD_PARTY),
        _f("parameters.seed", "integer", THIRD_PARTY, **SEED),
    )
    return Model(
        name, (Route(MULTIMODAL, True, fields, "F", ((CHOICES, UNCONFIRMED),)),), limits=UNCONFIRMED, data_uri=True
    )


_ADDENDUM = (
    _wan27("wan2.7-image-pro"),
    _wan27("wan2.7-image"),
    _WAN26_IMAGE,
    _WAN25_I2I,
    _qwen3("qwen-image-3.0-pro", 3),
    _qwen3("qwen-image-3.0", 3),
    _qwen3("qwen-image-2.1-pro", 10),
)

# ---- portrait ------------------------------------------------------------------------------------------------
REPAINT_STYLES = (-1, *range(10), 14, 15, *range(30, 41))
_REPAINT = Model(
    "wanx-style-repaint-v1",
    (
        Route(
            IMAGE_GENERATION,
            False,
            (  # no parameters object at all: everything is in input
                _img("input.image_url", required=True),
                _f("input.style_index", "integer", required=True, enum=REPAINT_STYLES),
                _img("input.style_ref_url", note="required when style_index is -1"),
            ),
        ),
    ),
    data_uri=True,
    metrics=False,
)

# Retired 2025-07-02 with no surviving page: third-party request shape.
_COSPLAY = Model(
    "wanx-style-cosplay-v1",
    (
        Route(
            IMAGE_GENERATION,
            False,
            (
                _img("input.face_image_url", THIRD_PARTY, required=True),
                _img("input.template_image_url", THIRD_PARTY, required=True),
                _f("input.model_index", "integer", THIRD_PARTY, required=True, enum=(1,)),
            ),
            results=((URLS, UNCONFIRMED),),
            confidence=THIRD_PARTY,
        ),
    ),
    retired=True,
    metrics=False,
    limits=UNCONFIRMED,
    confidence=THIRD_PARTY,
)

_FACE_DETECT = Model(
    "facechain-facedetect",
    (
        Route(
            FACE_DETECT,
            True,
            (_f("input.images", "string[]", required=True, image=True),),  # parameters may be {}
            shape="G",
            results=(("is_face[]", OFFICIAL),),
        ),
    ),
    qps=5,
    concurrency=5,
    limits=UNCONFIRMED,  # QPS 5 is official; the concurrency is not stated
)

_FINETUNE = Model(
    "facechain-finetune",
    (
        Route(
            FINE_TUNES,
            False,
            (
                _f("training_file_ids", "string[]", required=True, low=1, high=10, note="URLs, file ids or both"),
                # The official SDK's FineTunes.call sends these two on every call (null and {}): fields of the
                # generic fine-tunes API, tolerated by the service for the SDK's sake, so accepted here too.
                _f("validation_file_ids", "string[]", UNCONFIRMED),
                _f("hyper_parameters", "object", UNCONFIRMED),
            ),
            shape="job",
            results=(("finetuned_output", OFFICIAL),),
        ),
    ),
)

FACECHAIN_STYLES = (
    "f_idcard_male",
    "f_business_male",
    "f_idcard_female",
    "f_business_female",
    "m_springflower_female",
    "f_summersport_female",
    "f_autumnleaf_female",
    "m_winterchinese_female",
    "f_hongkongvintage_female",
    "f_lightportray_female",
    "portrait_url_template",
    "train_free_portrait_url_template",
)
_FACECHAIN = Model(
    "facechain-generation",
    (
        Route(
            FACECHAIN,
            False,
            (
                _f("resources[].resource_id", note="required for LoRA modes"),
                _f("resources[].resource_type", enum=("facelora",)),
                _f("parameters.style", required=True, enum=FACECHAIN_STYLES),
                _f("parameters.size", enum=("768*1024",)),
                _f("parameters.n", "integer", low=1, high=5, default=4),
                _f("parameters.skin_retouch", "boolean", default=True),
                _img("input.template_url"),
                Field(
                    "input.user_urls", "string[]", OFFICIAL, image=True, low=1, high=5, note="photos, train-free mode"
                ),
            ),
            results=((URLS, OFFICIAL), ("result_url", OFFICIAL)),
        ),
    ),
    limits=UNCONFIRMED,
    retired=True,
)


def _virtual_model(name: str) -> Model:
    v2 = name == "virtualmodel-v2"
    fields = [
        _img("input.base_image_url", required=True),
        _img("input.mask_image_url", required=True),
        _f("input.prompt", required=True, max_length=99),
        _f("input.face_prompt", required=True, max_length=99),
        _img("input.face_image_url"),
        _img("input.background_image_url"),
        _f("parameters.n", "integer", low=1, high=4, default=1),
        _f("parameters.short_side_size", required=True, enum=("1024", "2048") if v2 else ("512", "1024")),
    ]
    if v2:  # the page lists these under input, not parameters
        fields += [
            _f("input.bgstyle_scale", "number", low=0.0, high=1.0, default=0.7),
            _f("input.realPerson", "boolean", default=True),
            _f("input.style", enum=("", "portrait"), default="portrait"),
            _f("input.seed", "integer", low=-1, high=10000000, default=-1),
            _f(
                "input.aspect_ratio",
                enum=("比例不变", "2:1", "16:9", "4:3", "1:1", "3:4", "9:16", "1:2"),
                default="比例不变",
            ),
        ]
    else:
        fields.append(_f("input.predefined_face_id", enum=("girl1", "girl2", "girl3", "boy1", "boy2", "boy3")))
    route = Route(VIRTUAL_MODEL, False, tuple(fields), results=((URLS, OFFICIAL), ("result_url", OFFICIAL)))
    return Model(name, (route,))


_SHOE = Model(
    "shoemodel-v1",
    (
        Route(
            VIRTUAL_MODEL,
            False,
            (
                _img("input.template_image_url", required=True),
                Field("input.shoe_image_url", "string[]", OFFICIAL, required=True, image=True, low=1, high=2),
                # Listed after the input attributes; the page does not settle input vs parameters: accept both.
                _f("input.scale", "number", low=2.0, high=8.0, default=5.0, also=("parameters.scale",)),
                # The field list literally says "parameters Integer 必选 — 图片生成的数量": n is required.
                _f("parameters.n", "integer", required=True, low=1, high=4, default=1),
            ),
        ),
    ),
)

# ---- design --------------------------------------------------------------------------------------------------
POSTER_LORAS = (
    "2D插画1",
    "2D插画2",
    "浩瀚星云",
    "浓郁色彩",
    "光线粒子",
    "透明玻璃",
    "剪纸工艺",
    "折纸工艺",
    "中国水墨",
    "中国刺绣",
    "真实场景",
    "2D卡通",
    "儿童水彩",
    "赛博背景",
    "浅蓝抽象",
    "深蓝抽象",
    "抽象点线",
    "童话油画",
)
_POSTER = Model(
    "wanx-poster-generation-v1",
    (
        Route(
            T2I,
            False,
            (  # every field in input; parameters must be present and empty
                _f("parameters", "object", required=True, note="must be {}"),
                _f("input.generate_mode", required=True, enum=("generate", "sr", "hrf"), default="generate"),
                _f("input.generate_num", "integer", low=1, high=4, default=1),
                # The field table puts it in input; the first curl example at the top level: both accepted.
                _f("input.auxiliary_parameters", also=("auxiliary_parameters",), note="required for sr / hrf"),
                _f("input.title", required=True, max_length=30),
                _f("input.sub_title", max_length=30),
                _f("input.body_text", max_length=50),
                _f("input.prompt_text_zh", max_length=50, note="zh or en required; combined <= 50"),
                _f("input.prompt_text_en", max_length=50, note="zh or en required; combined <= 50"),
                _f("input.wh_ratios", enum=("横版", "竖版"), default="横版"),
                _f("input.lora_name", enum=POSTER_LORAS, default=""),
                _f("input.lora_weight", "number", low=0.0, high=1.0, default=0.8),
                _f("input.ctrl_ratio", "number", low=0.0, high=1.0, default=0.7),
                _f("input.ctrl_step", "number", low=0.0, high=1.0, default=0.7, note="(0, 1]"),
                _f("input.creative_title_layout", "boolean", default=False),
            ),
            shape="D",
            # auxiliary_parameters: 1:1 with render_urls, what a later sr / hrf call takes.
            results=(("render_urls[]", OFFICIAL), ("bg_urls[]", OFFICIAL), ("auxiliary_parameters[]", OFFICIAL)),
        ),
    ),
    metrics=False,
)

WORDART_FONTS = (
    "dongfangdakai",
    "puhuiti_m",
    "shuheiti",
    "jinbuti",
    "kuheiti",
    "kuaileti",
    "wenyiti",
    "logoti",
    "cangeryuyangti_m",
    "siyuansongti_b",
    "siyuanheiti_m",
    "fangzhengkaiti",
)
TEXTURE_STYLES = (
    "material",
    "scene",
    "lighting",
    "waterfall",
    "snow_plateau",
    "forest",
    "sky",
    "chinese_building",
    "cartoon",
    "lego",
    "flower",
    "acrylic",
    "marble",
    "felt",
    "oil_painting",
    "watercolor_painting",
    "chinese_painting",
    "claborate_style_painting",
    "city_night",
    "mountain_lake",
    "autumn_leaves",
    "green_dragon",
    "red_dragon",
)
_TEXTURE = Model(
    "wordart-texture",
    (
        Route(
            WORDART + "texture",
            False,
            (
                # input.image or input.text (one of): the official page head names both and the limits.
                _img("input.image.image_url", THIRD_PARTY),
                _f("input.text.text_content", conf=THIRD_PARTY, max_length=5, limits=OFFICIAL, note="< 6 characters"),
                _f("input.text.ttf_url"),
                _f("input.text.font_name", enum=WORDART_FONTS, default="dongfangdakai", limits=THIRD_PARTY),
                _f("input.text.output_image_ratio", conf=THIRD_PARTY, enum=("1:1", "16:9", "9:16"), default="1:1"),
                _f("input.prompt", conf=THIRD_PARTY, max_length=199),
                _f("input.texture_style", conf=THIRD_PARTY, enum=TEXTURE_STYLES, default="material"),
                _img("input.ref_image_url"),
                _f("parameters.image_short_size", "integer", THIRD_PARTY, low=512, high=1024, default=704),
                _f("parameters.n", "integer", THIRD_PARTY, low=1, high=4, note="third-party default 1"),
                _f("parameters.alpha_channel", "boolean", THIRD_PARTY, default=False),
            ),
            results=((URLS, THIRD_PARTY),),
        ),
    ),
    limits=UNCONFIRMED,
    retired=True,
)

_SEMANTIC = Model(
    "wordart-semantic",
    (
        Route(
            WORDART + "semantic",
            False,
            (
                _f("input.text", required=True),
                _f("input.prompt", required=True, max_length=200),
                _f("parameters.steps", "integer", low=10, high=100, default=30),
                _f("parameters.n", "integer", low=1, high=4, default=4),
                # The first six fonts were seen on the official page, the rest in third-party copies.
                _f("parameters.font_name", enum=WORDART_FONTS, default="fangzhengkaiti", limits=THIRD_PARTY),
                _f("parameters.ttf_url", conf=THIRD_PARTY),
                _f(
                    "parameters.output_image_ratio",
                    conf=THIRD_PARTY,
                    enum=("1280x720", "720x1280", "1024x1024"),
                    default="1280x720",
                ),
            ),
            shape="E",
            results=(("results[].png_url", THIRD_PARTY), ("results[].svg_url", THIRD_PARTY)),
        ),
    ),
    limits=UNCONFIRMED,
    retired=True,
)

SURNAME_STYLES = (
    "diy",
    "fantasy_pavilion",
    "peerless_beauty",
    "landscape_pavilion",
    "traditional_buildings",
    "green_dragon_girl",
    "cherry_blossoms",
    "lovely_girl",
    "ink_hero",
    "anime_girl",
    "lake_pavilion",
    "tranquil_countryside",
    "dusk_splendor",
)
SURNAME_FONTS = tuple(f"gufeng{i}" for i in range(1, 6))  # "e.g. gufeng1": the numbered series, a guess
# Retired 2025-07-02; no official page survives: every fact third-party.
_SURNAMES = Model(
    "wordart-surnames",
    (
        Route(
            WORDART + "surnames",
            False,
            (
                _f("input.surname", conf=THIRD_PARTY, required=True, max_length=2),
                # Guesses aligned with the pack's (least risk: a style always sent, bounds as guards).
                _f("input.style", conf=THIRD_PARTY, required=True, enum=SURNAME_STYLES),
                _f("input.prompt", conf=THIRD_PARTY, max_length=200, note="as wordart-texture"),
                _img("input.ref_image_url", THIRD_PARTY),
                _f("input.text.font_name", conf=THIRD_PARTY, enum=SURNAME_FONTS),
                _f("input.text.ttf_url", conf=THIRD_PARTY),
                _f("input.text.text_strength", "number", THIRD_PARTY, low=0.0, high=1.0, default=0.5),
                _f("input.text.text_inverse", "boolean", THIRD_PARTY, default=False),
                _f("parameters.n", "integer", THIRD_PARTY, low=1, high=4),
            ),
            results=((URLS, UNCONFIRMED),),
            confidence=THIRD_PARTY,
        ),
    ),
    retired=True,
    limits=UNCONFIRMED,
    confidence=THIRD_PARTY,
)

MODELS: dict[str, Model] = {
    m.name: m
    for m in (
        _WANX_V1,
        *_V2,
        _WAN26,
        *_QWEN_T2I,
        _Z_IMAGE,
        *_SD,
        *_FLUX,
        _SKETCH,
        _X_PAINTING,
        _IMAGEEDIT,
        _SEGMENTATION,
        _ERASE,
        _OUT_PAINTING,
        _BACKGROUND,
        *_QWEN_EDIT,
        *_ADDENDUM,
        _REPAINT,
        _COSPLAY,
        _FACE_DETECT,
        _FINETUNE,
        _FACECHAIN,
        _virtual_model("wanx-virtualmodel"),
        _virtual_model("virtualmodel-v2"),
        _SHOE,
        _POSTER,
        _TEXTURE,
        _SEMANTIC,
        _SURNAMES,
    )
}


def find(name: str) -> Model | None:
    return MODELS.get(name)


NONE = "(none)"  # no default / no limit, in summaries


def summary(name: str, path: str) -> dict[str, Any] | None:
    """The catalog's normalised view of one model on one route, for tests/test_model_tables.py (which builds
    the same view of the pack's table): model-level facts, result places and fields, each with a confidence."""
    model = find(name)
    route = model.route(path) if model else None
    if model is None or route is None:
        return None
    return {
        "facts": {
            "path": (route.path, route.confidence),
            "sync": (route.sync, route.confidence),
            "qps": (float(model.qps), model.limits),
            "concurrency": (model.concurrency, model.limits),
            "data_uri": (model.data_uri, model.data_uri_confidence),
        },
        "results": {place.removesuffix("[]"): confidence for place, confidence in route.results},
        "fields": {
            f.path: {
                "places": f.places,
                "confidence": f.confidence,
                "limits_confidence": f.limits_confidence,  # of enum / range / length / default
                "type": f.type,
                "required": f.required,
                "enum": tuple(sorted(map(str, f.enum))) if f.enum is not None else NONE,
                "low": float(f.low) if f.low is not None else NONE,
                "high": float(f.high) if f.high is not None else NONE,
                "max_length": f.max_length if f.max_length is not None else NONE,
                "default": f.default if f.has_default else NONE,
            }
            for f in route.fields
        },
    }

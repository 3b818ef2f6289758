"""Rows of the portrait and e-commerce models: style repaint, cosplay, FaceChain, virtual model, shoe model.

Every fact is from ../shared/official-reference.md (the page each row cites), or says UNCONFIRMED and why.
A count of items in an array field (photos, shoe views) is written as the field's ``low``/``high``.
"""

from __future__ import annotations

from . import pages
from .endpoints import FACE_DETECT, FACECHAIN_GENERATION, FINE_TUNES, IMAGE_GENERATION, VIRTUAL_MODEL
from .schema import Field, ImageRule, ModelSpec, rows, unconfirmed

EDIT_SUCCESSOR = "wanx2.1-imageedit or qwen-image-2.0 (nodes 'DashScope Image Edit (Wan)' and '(Qwen)')"
LIFECYCLE = {"lifecycle": pages.LIFECYCLE}

# ---- wanx-style-repaint-v1 ----------------------------------------------------------------------------

# style_index -> a stable English id (translated in the zh UI) and the page's Chinese name. Indices 10-13 and
# 16-29 are not on the page. -1 means "the style of style_ref_url".
REPAINT_STYLES = {
    0: "retro comic (复古漫画)",
    1: "3D fairy tale (3D童话)",
    2: "anime (二次元)",
    3: "fresh (小清新)",
    4: "future tech (未来科技)",
    5: "Chinese ancient painting (国画古风)",
    6: "general (将军百战)",
    7: "colourful cartoon (炫彩卡通)",
    8: "elegant Chinese (清雅国风)",
    9: "New Year (喜迎新年)",
    14: "gongbi (国风工笔)",
    15: "New Year greeting (恭贺新禧)",
    30: "fairy tale world (童话世界)",
    31: "clay world (黏土世界)",
    32: "pixel world (像素世界)",
    33: "adventure world (冒险世界)",
    34: "Japanese manga world (日漫世界)",
    35: "3D world (3D世界)",
    36: "anime world (二次元世界)",
    37: "hand-drawn world (手绘世界)",
    38: "crayon world (蜡笔世界)",
    39: "fridge magnet world (冰箱贴世界)",
    40: "badge world (吧唧世界)",
}
CUSTOM_STYLE_INDEX = -1

_REPAINT_IMAGE = ImageRule(
    ("JPEG", "PNG", "BMP", "WEBP"),
    min_side=256,
    max_side=5760,
    max_short_side=3240,
    max_mb=10,
    max_aspect=2.0,
    source=pages.STYLE_REPAINT,
)

STYLE_REPAINT = ModelSpec(
    "wanx-style-repaint-v1",
    IMAGE_GENERATION,
    pages.STYLE_REPAINT,
    # The page documents no "parameters" object at all: every field is in input.
    fields=(
        Field(
            "input.image_url",
            "image",
            pages.STYLE_REPAINT,
            required=True,
            widget="portrait",
            image=_REPAINT_IMAGE,
            note="URL or Base64; a clear face",
        ),
        Field(
            "input.style_index",
            "integer",
            pages.STYLE_REPAINT,
            required=True,
            enum=(*REPAINT_STYLES, CUSTOM_STYLE_INDEX),
            note="-1 = the style of style_ref_url",
        ),
        Field(
            "input.style_ref_url",
            "image",
            pages.STYLE_REPAINT,
            widget="style_reference",
            image=_REPAINT_IMAGE,
            note="required when style_index is -1; URL or Base64",
        ),
    ),
    data_uri=True,
    price_cny=0.12,
)

# ---- wanx-style-cosplay-v1 (retired, third-party only) ------------------------------------------------

_COSPLAY_SOURCE = unconfirmed("retired 2025-07-02; no official page survives, request shape from third-party copies")
_COSPLAY_IMAGE = ImageRule(
    min_side=256, max_side=5760, max_short_side=3240, max_mb=10, max_aspect=1.8, source=_COSPLAY_SOURCE
)

COSPLAY = ModelSpec(
    "wanx-style-cosplay-v1",
    IMAGE_GENERATION,
    _COSPLAY_SOURCE,
    fields=(
        Field("input.face_image_url", "image", _COSPLAY_SOURCE, required=True, widget="face", image=_COSPLAY_IMAGE),
        Field(
            "input.template_image_url",
            "image",
            _COSPLAY_SOURCE,
            required=True,
            widget="template",
            image=_COSPLAY_IMAGE,
        ),
        Field("input.model_index", "integer", _COSPLAY_SOURCE, required=True, enum=(1,), note="1 = 3D cartoon"),
    ),
    results=("results[].url",),
    status="retired",
    retired_on="2025-07-02",
    successor="wanx-style-repaint-v1 (node 'DashScope Portrait Style Repaint')",
    sources={**LIFECYCLE, "results": _COSPLAY_SOURCE},
)

# ---- FaceChain ----------------------------------------------------------------------------------------

FACE_PHOTO = ImageRule(("JPEG", "PNG", "WEBP"), min_side=256, max_side=4096, max_mb=5, source=pages.FACE_DETECT)

FACE_DETECT_SPEC = ModelSpec(
    "facechain-facedetect",
    FACE_DETECT,
    pages.FACE_DETECT,
    fields=(
        Field(
            "input.images",
            "image[]",
            pages.FACE_DETECT,
            required=True,
            widget="photos",
            image=FACE_PHOTO,
            note="an array of photo URLs; the page states no count",
        ),
    ),
    sync=True,  # "本模型为同步接口": no X-DashScope-Async
    qps=5.0,
    concurrency=5,
    results=("is_face[]",),
)

_TRAIN_PHOTOS = unconfirmed("the fine-tune page states no per-photo limit; Face Check's limits are used")

FINETUNE = ModelSpec(
    "facechain-finetune",
    FINE_TUNES,
    pages.FACECHAIN_FINETUNE,
    fields=(
        Field(
            "training_file_ids",
            "image[]",
            pages.FACECHAIN_FINETUNE,
            required=True,
            widget="photos",
            image=ImageRule(("JPEG", "PNG"), min_side=256, max_side=4096, max_mb=5, source=_TRAIN_PHOTOS),
            low=1,
            high=10,
            note="1-10 face photos, sent as one zip through /files",
        ),
    ),
    results=("finetuned_output",),
)

FACECHAIN_PRESETS = (
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
)
LORA_TEMPLATE_STYLE = "portrait_url_template"
TRAIN_FREE_STYLE = "train_free_portrait_url_template"

# The page's head is on help.aliyun.com; its full field table is the official qianwenai mirror of it.
FACECHAIN = ModelSpec(
    "facechain-generation",
    FACECHAIN_GENERATION,
    pages.FACECHAIN_GENERATION,
    fields=(
        Field(
            "resources",
            "array",
            pages.FACECHAIN_GENERATION,
            note="[{resource_id, resource_type: facelora}] at the top level; LoRA modes only",
        ),
        Field(
            "parameters.style",
            "string",
            pages.FACECHAIN_GENERATION,
            required=True,
            enum=(*FACECHAIN_PRESETS, LORA_TEMPLATE_STYLE, TRAIN_FREE_STYLE),
        ),
        Field("parameters.size", "string", pages.FACECHAIN_GENERATION, enum=("768*1024",), note="preset styles only"),
        Field("parameters.n", "integer", pages.FACECHAIN_GENERATION, low=1, high=5, default=4),
        Field(
            "parameters.skin_retouch",
            "boolean",
            pages.FACECHAIN_GENERATION,
            default=True,
            note="train-free only: smooth the skin",
        ),
        Field(
            "input.template_url",
            "image",
            pages.FACECHAIN_GENERATION,
            widget="template",
            image=ImageRule(
                ("JPEG", "PNG"),
                min_side=512,
                max_side=1680,
                max_short_side=1260,
                max_mb=5,
                source=pages.FACECHAIN_GENERATION,
            ),
            note="template modes: one clear face",
        ),
        Field(
            "input.user_urls",
            "image[]",
            pages.FACECHAIN_GENERATION,
            widget="photos",
            image=ImageRule(("JPEG", "PNG"), min_side=256, max_side=2048, max_mb=3, source=pages.FACECHAIN_GENERATION),
            low=1,
            high=5,
            note="train-free: frontal single-face photos",
        ),
    ),
    results=("results[].url", "result_url"),
    retired_on="2026-10-10",
    successor="wanx-style-repaint-v1 or qwen-image-2.0 editing",
    sources=LIFECYCLE,
)

# ---- virtual model V1 / V2 ------------------------------------------------------------------------------

_VM = pages.VIRTUAL_MODEL
_VM_PHOTO = ImageRule(("JPEG", "PNG", "WEBP"), min_side=256, max_side=4096, max_mb=5, max_aspect=2.0, source=_VM)
ASPECT_KEEP = "比例不变"  # the page's value for "keep the photo's aspect" (the service default)
FACES = ("girl1", "girl2", "girl3", "boy1", "boy2", "boy3")  # predefined_face_id, V1 only


def _virtual_model_fields(v2: bool) -> tuple[Field, ...]:
    both = (
        Field("input.base_image_url", "image", _VM, required=True, widget="image", image=_VM_PHOTO),
        Field(
            "input.mask_image_url",
            "image",
            _VM,
            required=True,
            widget="mask",
            image=ImageRule(("PNG",), max_mb=5, source=_VM),
            note="white = the product to keep; the photo's size",
        ),
        Field("input.prompt", "string", _VM, required=True, max_length=99),  # "fewer than 100 characters"
        Field("input.face_prompt", "string", _VM, required=True, max_length=99),
        Field(
            "input.face_image_url",
            "image",
            _VM,
            widget="face_image",
            image=ImageRule(("JPEG", "PNG", "WEBP"), max_side=2048, max_mb=5, source=_VM),
            note="a face to use; a predefined face takes priority",
        ),
        Field(
            "input.background_image_url",
            "image",
            _VM,
            widget="background",
            image=ImageRule(("JPEG", "PNG", "WEBP"), max_side=4096, max_mb=5, max_aspect=2.0, source=_VM),
        ),
        Field("parameters.n", "integer", _VM, low=1, high=4, default=1),
        Field(
            "parameters.short_side_size",
            "string",
            _VM,
            required=True,
            enum=("1024", "2048") if v2 else ("512", "1024"),
            note="a string",
        ),
    )
    if not v2:
        return (*both, Field("input.predefined_face_id", "string", _VM, enum=tuple(FACES), widget="predefined_face"))
    return (
        *both,
        Field("input.bgstyle_scale", "number", _VM, low=0.0, high=1.0, default=0.7),
        Field("input.realPerson", "boolean", _VM, default=True, widget="real_person", note="off = a mannequin"),
        Field("input.style", "string", _VM, enum=("", "portrait"), default="portrait"),
        Field("input.seed", "integer", _VM, low=-1, high=10_000_000, default=-1, note="-1 = random"),
        Field(
            "input.aspect_ratio",
            "string",
            _VM,
            enum=(ASPECT_KEEP, "2:1", "16:9", "4:3", "1:1", "3:4", "9:16", "1:2"),
            default=ASPECT_KEEP,
        ),
    )


VIRTUAL_MODEL_V1 = ModelSpec(
    "wanx-virtualmodel",
    VIRTUAL_MODEL,
    _VM,
    fields=_virtual_model_fields(v2=False),
    results=("results[].url", "result_url"),
    status="trial",
    successor=EDIT_SUCCESSOR,
)
VIRTUAL_MODEL_V2 = ModelSpec(
    "virtualmodel-v2",
    VIRTUAL_MODEL,
    _VM,
    fields=_virtual_model_fields(v2=True),
    results=("results[].url", "result_url"),
    status="trial",
    successor=EDIT_SUCCESSOR,
)

# ---- shoemodel-v1 ---------------------------------------------------------------------------------------

_SHOE = pages.SHOE_MODEL
# The page states the aspect range and "< 5 MB"; its error example says the longest side must be under 4096.
_SHOE_PICTURE = ImageRule(("JPEG", "PNG", "BMP", "WEBP", "AVIF"), max_side=4096, max_mb=5, max_aspect=1.5, source=_SHOE)

SHOE_MODEL = ModelSpec(
    "shoemodel-v1",
    VIRTUAL_MODEL,
    _SHOE,
    fields=(
        Field("input.template_image_url", "image", _SHOE, required=True, widget="template", image=_SHOE_PICTURE),
        Field(
            "input.shoe_image_url",
            "image[]",
            _SHOE,
            required=True,
            widget="shoes",
            image=_SHOE_PICTURE,
            low=1,
            high=2,
            note="a list of views of one shoe, fewer than 3",
        ),
        # The page's field list says "parameters Integer 必选 — 图片生成的数量": the count is always sent.
        Field("parameters.n", "integer", _SHOE, required=True, low=1, high=4, default=1),
        Field(
            "parameters.scale",
            "number",
            unconfirmed("the page lists scale after the input fields without saying where it goes"),
            low=2.0,
            high=8.0,
            default=5.0,
            note="colour strength",
        ),
    ),
    status="trial",
    successor=EDIT_SUCCESSOR,
)

MODELS = rows(
    STYLE_REPAINT,
    COSPLAY,
    FACE_DETECT_SPEC,
    FINETUNE,
    FACECHAIN,
    VIRTUAL_MODEL_V1,
    VIRTUAL_MODEL_V2,
    SHOE_MODEL,
)

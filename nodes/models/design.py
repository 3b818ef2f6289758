"""Rows of the design models: creative poster and WordArt (texture, semantic, surnames).

Sources: the poster page is a word-for-word export (every field official). The WordArt pages were seen only in
part: what they do not show comes from third-party copies and is marked UNCONFIRMED, and the nodes send such a
field only when the user sets it (its widget's default is the service's own, which the request leaves out).
"""

from __future__ import annotations

from . import pages
from .endpoints import T2I, WORDART
from .schema import CJK_AND_WORDS, Field, ImageRule, ModelSpec, rows, unconfirmed

QWEN_SUCCESSOR = "qwen-image-2.0"
LIFECYCLE = {"lifecycle": pages.LIFECYCLE}

# ---- wanx-poster-generation-v1 --------------------------------------------------------------------------

POSTER_STYLES = (
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
POSTER_PROMPT_UNITS = 50  # the two prompts together, Chinese characters + English words
_PROMPTS_NOTE = "the limit counts both prompts together"

POSTER = ModelSpec(
    "wanx-poster-generation-v1",
    T2I,
    pages.POSTER,
    fields=(
        # The page: "parameters 只需要输入一个空对象即可" — required, and always {}.
        Field("parameters", "object", pages.POSTER, required=True, note="required, always an empty object {}"),
        Field(
            "input.generate_mode",
            "string",
            pages.POSTER,
            required=True,
            enum=("generate", "sr", "hrf"),
            default="generate",
        ),
        # Its first curl example puts auxiliary_parameters at the top level; the field table and the FAQ
        # example put it in input, which is where it goes.
        Field(
            "input.auxiliary_parameters",
            "string",
            pages.POSTER,
            note="required for sr / hrf: one value a generate run returned",
        ),
        Field(
            "input.generate_num",
            "integer",
            pages.POSTER,
            low=1,
            high=4,
            default=1,
            note="only for generate; more than 4 counts as 4",
        ),
        Field("input.title", "string", pages.POSTER, required=True, max_length=30),
        Field("input.sub_title", "string", pages.POSTER, max_length=30),
        Field("input.body_text", "string", pages.POSTER, max_length=50),
        *(
            Field(
                f"input.prompt_text_{language}",
                "string",
                pages.POSTER,
                max_length=POSTER_PROMPT_UNITS,
                length_unit=CJK_AND_WORDS,
                note="at least one of the two prompts; " + _PROMPTS_NOTE,
            )
            for language in ("zh", "en")
        ),
        Field("input.wh_ratios", "string", pages.POSTER, enum=("横版", "竖版"), default="横版"),
        Field("input.lora_name", "string", pages.POSTER, enum=POSTER_STYLES, default=""),
        Field("input.lora_weight", "number", pages.POSTER, low=0.0, high=1.0, default=0.8),
        Field("input.ctrl_ratio", "number", pages.POSTER, low=0.0, high=1.0, default=0.7),
        Field("input.ctrl_step", "number", pages.POSTER, low=0.0, high=1.0, default=0.7, note="more than 0"),
        Field("input.creative_title_layout", "boolean", pages.POSTER, default=False),
    ),
    results=("render_urls[]", "bg_urls[]", "auxiliary_parameters[]"),
    status="trial",
    successor=QWEN_SUCCESSOR,
)

# ---- WordArt 锦书 ----------------------------------------------------------------------------------------

# The fonts of wordart-texture's page; wordart-semantic's page shows the first six (the rest: third-party).
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
# wordart-surnames had fonts of its own (古风字体 1-5), seen only in third-party clients of the retired model.
SURNAME_FONTS = ("gufeng1", "gufeng2", "gufeng3", "gufeng4", "gufeng5")
CUSTOM_TEXTURES = ("material", "scene", "lighting")  # follow the prompt; the presets ignore prompt and font
TEXTURE_STYLES = (
    *CUSTOM_TEXTURES,
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
    "claborate_style_painting",  # sic, the service's spelling
    "city_night",
    "mountain_lake",
    "autumn_leaves",
    "green_dragon",
    "red_dragon",
)
SURNAME_STYLES = (
    "diy",  # the user's own scene: prompt and/or reference picture, font and text strength
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
TEXT_CHARSET = "Chinese characters, digits and letters only"  # wordart-texture's text (official page)
TEXTURE_SHORT_SIDE_STEP = 64  # the service rounds image_short_size down to a multiple of 64 (third-party)

_THIRD_PARTY = "in third-party clients and copies of the page only"
_TEXTURE_3P = unconfirmed(f"the official page's excerpt does not show this field; {_THIRD_PARTY}")
_SEMANTIC_3P = unconfirmed(f"the official excerpt ends at font_name; {_THIRD_PARTY}")
_SURNAMES_3P = unconfirmed("wordart-surnames was retired on 2025-07-02 and its page removed; " + _THIRD_PARTY)
_TTF = "a custom TrueType font (instead of font_name), under 30 MB"

TEXTURE = ModelSpec(
    "wordart-texture",
    WORDART + "texture",
    pages.WORDART_TEXTURE,
    fields=(
        Field(
            "input.text.text_content",
            "string",
            unconfirmed(
                "the limit is on the official page (fewer than 6 characters, " + TEXT_CHARSET + "); the "
                "field name text_content is " + _THIRD_PARTY
            ),
            widget="text",
            max_length=5,
            note="text mode: fewer than 6 characters, " + TEXT_CHARSET,
        ),
        Field(
            "input.text.font_name",
            "string",
            pages.WORDART_TEXTURE,
            enum=WORDART_FONTS,
            default="dongfangdakai",
            note="preset font, or ttf_url",
        ),
        Field("input.text.ttf_url", "string", pages.WORDART_TEXTURE, note=_TTF),
        Field(
            "input.text.output_image_ratio",
            "string",
            _TEXTURE_3P,
            enum=("1:1", "16:9", "9:16"),
            default="1:1",
            note="text mode only",
        ),
        Field(
            "input.image.image_url",
            "image",
            unconfirmed(
                "input.image and its limits are on the official page; the sub-field name image_url is " + _THIRD_PARTY
            ),
            widget="text_picture",
            image=ImageRule(
                ("JPEG", "PNG", "BMP"), max_side=2048, max_mb=5, max_aspect=2.0, source=pages.WORDART_TEXTURE
            ),
            note="image mode: white text on black",
        ),
        Field("input.prompt", "string", _TEXTURE_3P, max_length=199, note="fewer than 200 characters"),
        Field("input.texture_style", "string", _TEXTURE_3P, enum=TEXTURE_STYLES, default="material"),
        Field(
            "input.ref_image_url",
            "image",
            unconfirmed("the official page names the style reference image ref_image_url; its limits are not shown"),
            widget="texture_reference",
            note="style reference picture",
        ),
        Field(
            "parameters.image_short_size",
            "integer",
            _TEXTURE_3P,
            low=512,
            high=1024,
            default=704,
            note=f"short side of the result; rounded down to a multiple of {TEXTURE_SHORT_SIDE_STEP}",
        ),
        # Third-party copies say the default is 1; no default is declared here, so n is always sent and the
        # number of images billed is the number asked for.
        Field("parameters.n", "integer", _TEXTURE_3P, low=1, high=4, note="each image is billed"),
        Field("parameters.alpha_channel", "boolean", _TEXTURE_3P, default=False, note="transparent background"),
    ),
    results=("results[].url",),
    retired_on="2026-10-10",
    successor=QWEN_SUCCESSOR,
    data_inspection=True,  # as the official quick start's curl example sends it
    sources={
        **LIFECYCLE,
        "results": unconfirmed("results[].url is " + _THIRD_PARTY),
        "data_inspection": pages.WORDART_QUICK_START,
    },
)

SEMANTIC = ModelSpec(
    "wordart-semantic",
    WORDART + "semantic",
    pages.WORDART_SEMANTIC,
    fields=(
        Field(
            "input.text",
            "string",
            pages.WORDART_SEMANTIC,
            required=True,
            note="a plain string; the official page states no length limit",
        ),
        Field("input.prompt", "string", pages.WORDART_SEMANTIC, required=True, max_length=200),
        Field("parameters.steps", "integer", pages.WORDART_SEMANTIC, low=10, high=100, default=30),
        Field("parameters.n", "integer", pages.WORDART_SEMANTIC, low=1, high=4, default=4, note="each image is billed"),
        Field(
            "parameters.font_name",
            "string",
            pages.WORDART_SEMANTIC,
            enum=WORDART_FONTS,
            default="fangzhengkaiti",
            note="preset font, or ttf_url; the official page shows the first six, the other six are "
            + unconfirmed(_THIRD_PARTY),
        ),
        Field("parameters.ttf_url", "string", _SEMANTIC_3P, note=_TTF),
        Field(
            "parameters.output_image_ratio",
            "string",
            _SEMANTIC_3P,
            enum=("1280x720", "720x1280", "1024x1024"),
            default="1280x720",
            note="width x height",
        ),
    ),
    # Black background, white glyphs: a PNG and an SVG per image.
    results=("results[].png_url", "results[].svg_url"),
    retired_on="2026-10-10",
    successor=QWEN_SUCCESSOR,
    sources={**LIFECYCLE, "results": unconfirmed("png_url / svg_url are " + _THIRD_PARTY)},
)

SURNAMES = ModelSpec(
    "wordart-surnames",
    WORDART + "surnames",
    _SURNAMES_3P,
    fields=(
        Field("input.surname", "string", _SURNAMES_3P, required=True, max_length=2, note="a surname, 1-2 characters"),
        Field("input.style", "string", _SURNAMES_3P, required=True, enum=SURNAME_STYLES, note="diy = your own scene"),
        Field("input.prompt", "string", _SURNAMES_3P, max_length=200, note="diy: the scene (or a reference picture)"),
        Field("input.ref_image_url", "image", _SURNAMES_3P, widget="reference", note="diy: a reference picture"),
        Field("input.text.font_name", "string", _SURNAMES_3P, enum=SURNAME_FONTS, note="diy: font, or ttf_url"),
        Field("input.text.ttf_url", "string", _SURNAMES_3P, note="diy: " + _TTF),
        Field("input.text.text_strength", "number", _SURNAMES_3P, low=0.0, high=1.0, default=0.5),
        Field("input.text.text_inverse", "boolean", _SURNAMES_3P, default=False, note="invert light and dark"),
        Field("parameters.n", "integer", _SURNAMES_3P, low=1, high=4, note="each image is billed"),
    ),
    status="retired",
    retired_on="2025-07-02",
    successor=QWEN_SUCCESSOR,
    sources=LIFECYCLE,
)

MODELS = rows(POSTER, TEXTURE, SEMANTIC, SURNAMES)

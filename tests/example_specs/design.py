"""Example workflows of the design nodes."""

from __future__ import annotations

POSTER = {
    "title": "春季新品发布会",
    "sub_title": "焕新登场",
    "body_text": "全场八折 限时三天",
    "prompt_text_zh": "粉色樱花 清新 春天",
    "lora_name": "浓郁色彩",
    "generate_num": 2,
}

EXAMPLES = {
    "design_poster_generate_then_refine": {
        "nodes": {
            "poster": ("DashScopeImgPoster", POSTER),
            "refine": ("DashScopeImgPoster", {**POSTER, "generate_mode": "hrf"}),
            "preview": ("PreviewImage", {}),
            "save": ("SaveImage", {"filename_prefix": "dashscope/poster"}),
        },
        "links": [
            ("poster", "posters", "preview", "images"),
            ("poster", "auxiliary_parameters", "refine", "auxiliary_parameters"),
            ("refine", "posters", "save", "images"),
        ],
    },
    "design_wordart_texture": {
        "nodes": {
            "wordart": (
                "DashScopeImgWordArtTexture",
                {"text": "福", "prompt": "金色浮雕，红色丝绒背景", "alpha_channel": True},
            ),
            "save": ("SaveImage", {"filename_prefix": "dashscope/wordart"}),
        },
        "links": [("wordart", "images", "save", "images")],
    },
    "design_wordart_semantic": {
        "nodes": {
            "wordart": ("DashScopeImgWordArtSemantic", {"text": "春", "prompt": "盛开的樱花枝条"}),
            "save": ("SaveImage", {"filename_prefix": "dashscope/semantic"}),
        },
        "links": [("wordart", "images", "save", "images")],
    },
    "design_wordart_surnames": {
        "nodes": {
            "wordart": ("DashScopeImgWordArtSurnames", {"surname": "王", "style": "ink_hero"}),
            "save": ("SaveImage", {"filename_prefix": "dashscope/surname"}),
        },
        "links": [("wordart", "images", "save", "images")],
    },
    # A poster, then a WordArt title with a transparent background composited onto it.
    "pipeline_poster_plus_wordart": {
        "nodes": {
            "poster": ("DashScopeImgPoster", {**POSTER, "generate_num": 1}),
            "wordart": (
                "DashScopeImgWordArtTexture",
                {"text": "春", "prompt": "樱花花瓣组成的文字", "image_short_size": 512, "alpha_channel": True},
            ),
            "composite": ("ImageCompositeMasked", {"x": 40, "y": 32, "resize_source": False}),
            "save": ("SaveImage", {"filename_prefix": "dashscope/poster_wordart"}),
        },
        "links": [
            ("poster", "posters", "composite", "destination"),
            ("wordart", "images", "composite", "source"),
            ("wordart", "alpha", "composite", "mask"),
            ("composite", "IMAGE", "save", "images"),
        ],
    },
}

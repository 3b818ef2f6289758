"""Example workflows of the text-to-image nodes."""

from __future__ import annotations

EXAMPLES = {
    "text_to_image_wanx_v1": {
        "nodes": {
            "t2i": (
                "DashScopeImgWanxTextToImage",
                {
                    "prompt": "一只在樱花树下打盹的橘猫，柔和的午后阳光",
                    "style": "<watercolor>",
                    "n": 2,
                    "seed__control": "randomize",
                },
            ),
            "save": ("SaveImage", {"filename_prefix": "dashscope/wanx"}),
        },
        "links": [("t2i", "images", "save", "images")],
    },
    "text_to_image_wanx_similar": {
        "nodes": {
            "load": ("LoadImage", {"image": "example.png"}),
            "similar": (
                "DashScopeImgWanxSimilarImage",
                {"prompt": "the same scene in autumn", "ref_strength": 0.6, "ref_mode": "repaint"},
            ),
            "save": ("SaveImage", {"filename_prefix": "dashscope/similar"}),
        },
        "links": [("load", "IMAGE", "similar", "reference"), ("similar", "images", "save", "images")],
    },
    "text_to_image_wan_qwen": {
        "nodes": {
            "t2i": (
                "DashScopeImgModernTextToImage",
                {
                    "model": "wan2.6-t2i",
                    "prompt": "雨后的江南古镇，石板路倒映着灯笼，电影感",
                },
            ),
            "preview": ("PreviewImage", {}),
        },
        "links": [("t2i", "images", "preview", "images")],
    },
    "text_to_image_stable_diffusion": {
        "nodes": {
            "sd": ("DashScopeImgStableDiffusion", {"prompt": "a lighthouse on a cliff at dusk, oil painting"}),
            "save": ("SaveImage", {"filename_prefix": "dashscope/sd"}),
        },
        "links": [("sd", "images", "save", "images")],
    },
    "text_to_image_flux": {
        "nodes": {
            "flux": ("DashScopeImgFlux", {"prompt": "a neon city street in the rain, cinematic"}),
            "save": ("SaveImage", {"filename_prefix": "dashscope/flux"}),
        },
        "links": [("flux", "images", "save", "images")],
    },
}

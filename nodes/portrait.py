"""Portrait nodes: cosplay (retired model) and portrait style repaint. The FaceChain nodes live in facechain.py
and are listed here too, so the portrait family stays one entry in nodes/__init__.py."""

from __future__ import annotations

from typing import Any

from . import models
from .base import HIDDEN, PackNode, image_outputs, model_tooltip
from .facechain import NODES as FACECHAIN_NODES
from .images import encode_image, image_batch
from .photo_checks import check_resolution, spread, task_count
from .runner import ImageRef, Job, Runner, encode_all
from .validation import Check

# style_index -> stable English id (shown translated in the zh UI) and the service's Chinese name.
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
CUSTOM_STYLE = "custom: style reference image"
STYLE_CHOICES = [f"{index}: {name}" for index, name in REPAINT_STYLES.items()] + [CUSTOM_STYLE]


STYLE_INDEX = {choice: index for choice, index in zip(STYLE_CHOICES, [*REPAINT_STYLES, -1], strict=True)}

# Both models document "256x256 to 5760x3240"; the file limit is stated for style repaint only (10 MB), and is
# assumed for cosplay too (UNCONFIRMED).
LOW, LONG_MAX, SHORT_MAX, MAX_MB = 256, 5760, 3240, 10


class Cosplay(PackNode):
    NODE_ID = "DashScopeImgCosplay"
    DISPLAY_NAME = "DashScope Cosplay (retired)"
    CATEGORY = "DashScope/Portrait"
    DESCRIPTION = (
        "wanx-style-cosplay-v1: put a face into a character template (3D cartoon). Face and template: 256x256 to "
        "5760x3240 px, aspect at most 1.8:1. A batch of faces (or of templates) runs one task each. "
        + models.model("wanx-style-cosplay-v1").status_note()
        + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "face": (
                    "IMAGE",
                    {
                        "tooltip": "A clear photo of the face, 256x256 to 5760x3240 px, aspect at most 1.8:1. A batch "
                        "runs one task per face."
                    },
                ),
                "template": (
                    "IMAGE",
                    {
                        "tooltip": "The character picture to dress the face in (same limits). One template for every "
                        "face, or one per face."
                    },
                ),
                "model_index": (
                    [1],
                    {
                        "default": 1,
                        "tooltip": model_tooltip(
                            ["wanx-style-cosplay-v1"], "1 = 3D cartoon (the only documented value)."
                        ),
                    },
                ),
            },
            "hidden": HIDDEN,
        }

    async def run(self, face, template, model_index, unique_id=None):
        check = Check(self.DISPLAY_NAME)
        if model_index != 1:
            raise check.fail("model_index", f"is {model_index}; the only documented value is 1 (3D cartoon).")
        faces, templates = image_batch(face), image_batch(template)
        check.batch("face", faces)
        check.batch("template", templates)
        count = task_count(faces, templates)
        for name, batch in (("face", faces), ("template", templates)):
            for item in batch:
                check_resolution(check, name, item, low=LOW, long_max=LONG_MAX, short_max=SHORT_MAX, max_ratio=1.8)
        face_refs = [ImageRef(check.file_size("face", e, MAX_MB)) for e in await encode_all(list(faces), encode_image)]
        template_refs = [
            ImageRef(check.file_size("template", e, MAX_MB)) for e in await encode_all(list(templates), encode_image)
        ]
        pairs = zip(
            spread(check, "face", face_refs, count), spread(check, "template", template_refs, count), strict=True
        )
        spec = models.model("wanx-style-cosplay-v1")
        jobs = [
            Job(
                spec,
                {
                    "model": spec.name,
                    "input": {"face_image_url": f, "template_image_url": t, "model_index": int(model_index)},
                },
                label=f"face {index + 1}",
            )
            for index, (f, t) in enumerate(pairs)
        ]
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


class StyleRepaint(PackNode):
    NODE_ID = "DashScopeImgStyleRepaint"
    DISPLAY_NAME = "DashScope Portrait Style Repaint (人像风格重绘)"
    CATEGORY = "DashScope/Portrait"
    DESCRIPTION = (
        "wanx-style-repaint-v1: repaint a portrait in one of 23 preset styles, or in the style of your own reference "
        "picture. Portrait (and reference): 256x256 to 5760x3240 px, aspect at most 2:1, at most 10 MB, a clear face. "
        "The result's short side is 1536 px (JPEG). A batch runs one task per portrait (or per reference)."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "portrait": (
                    "IMAGE",
                    {
                        "tooltip": "The portrait with a clear face: 256x256 to 5760x3240 px, aspect at most 2:1, at "
                        "most 10 MB. A batch runs one task per picture."
                    },
                ),
                "style": (
                    STYLE_CHOICES,
                    {
                        "default": STYLE_CHOICES[2],
                        "tooltip": "A preset style (the number is the service's style_index), or 'custom' to follow "
                        "style_reference.",
                    },
                ),
            },
            "optional": {
                "style_reference": (
                    "IMAGE",
                    {
                        "tooltip": "With style 'custom': the picture whose style to take (limits as the portrait). "
                        "One for every portrait, or one per portrait. Ignored with a preset style."
                    },
                )
            },
            "hidden": HIDDEN,
        }

    async def run(self, portrait, style, style_reference=None, unique_id=None):
        check = Check(self.DISPLAY_NAME)
        check.choice("style", style, STYLE_CHOICES)
        pictures = image_batch(portrait)
        check.batch("portrait", pictures)
        batches = [("portrait", pictures)]
        if STYLE_INDEX[style] == -1:
            if style_reference is None:
                raise check.fail("style_reference", "is not connected; style 'custom' needs a style reference picture.")
            batches.append(("style_reference", image_batch(style_reference)))
            check.batch("style_reference", batches[-1][1])
        count = task_count(*(batch for _, batch in batches))
        refs: dict[str, list[ImageRef]] = {}
        for name, batch in batches:
            for item in batch:
                check_resolution(check, name, item, low=LOW, long_max=LONG_MAX, short_max=SHORT_MAX, max_ratio=2.0)
            encoded = await encode_all(list(batch), encode_image)
            refs[name] = spread(check, name, [ImageRef(check.file_size(name, e, MAX_MB)) for e in encoded], count)
        spec = models.model("wanx-style-repaint-v1")
        jobs = []
        for index in range(count):
            fields: dict[str, Any] = {"image_url": refs["portrait"][index], "style_index": STYLE_INDEX[style]}
            if "style_reference" in refs:
                fields["style_ref_url"] = refs["style_reference"][index]
            # No "parameters": the model documents none (spec 11.9).
            jobs.append(Job(spec, {"model": spec.name, "input": fields}, label=f"portrait {index + 1}"))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


NODES = [Cosplay, StyleRepaint, *FACECHAIN_NODES]

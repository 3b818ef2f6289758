"""Portrait nodes: cosplay (retired model) and portrait style repaint, rendered from their rows in
nodes/models/portrait.py. The FaceChain nodes are their own family (facechain.py)."""

from __future__ import annotations

from typing import Any

from . import models
from .base import HIDDEN, PackNode, image_outputs
from .jobs import image_input, image_refs
from .models.portrait import CUSTOM_STYLE_INDEX, REPAINT_STYLES
from .photo_checks import paired_jobs
from .runner import Runner
from .widgets import widget

COSPLAY = models.model("wanx-style-cosplay-v1")
REPAINT = models.model("wanx-style-repaint-v1")

# Combo values saved in workflows: "<style_index>: <name>", and one for the custom reference.
CUSTOM_STYLE = "custom: style reference image"
STYLE_CHOICES = [f"{index}: {name}" for index, name in REPAINT_STYLES.items()] + [CUSTOM_STYLE]
STYLE_INDEX = dict(zip(STYLE_CHOICES, [*REPAINT_STYLES, CUSTOM_STYLE_INDEX], strict=True))


class Cosplay(PackNode):
    NODE_ID = "DashScopeImgCosplay"
    DISPLAY_NAME = "DashScope Cosplay (retired)"
    CATEGORY = "DashScope/Portrait"
    DESCRIPTION = (
        "wanx-style-cosplay-v1: put a face into a character template (3D cartoon). A batch of faces (or of templates) "
        "runs one task each. No official page of this model survives: its request shape is from third-party copies. "
        + COSPLAY.status_note()
        + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = COSPLAY.field
        return {
            "required": {
                "face": image_input(field("face"), "A clear photo of the face; one task each"),
                "template": image_input(field("template"), "The character picture: one for all faces, or one each"),
                "model_index": widget(field("model_index"), f"1 = 3D cartoon. {COSPLAY.status_note()}"),
            },
            "hidden": HIDDEN,
        }

    async def run(self, face, template, model_index, unique_id=None):
        check = self.checked({"model_index": model_index})
        pictures = {
            "face": await image_refs(check, COSPLAY.field("face"), face),
            "template": await image_refs(check, COSPLAY.field("template"), template),
        }
        jobs = paired_jobs(check, COSPLAY, pictures, {"model_index": int(model_index)})
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


class StyleRepaint(PackNode):
    NODE_ID = "DashScopeImgStyleRepaint"
    DISPLAY_NAME = "DashScope Portrait Style Repaint (人像风格重绘)"
    CATEGORY = "DashScope/Portrait"
    DESCRIPTION = (
        f"wanx-style-repaint-v1: repaint a portrait in one of {len(REPAINT_STYLES)} preset styles, or in the style of "
        "your own reference picture. The portrait needs a clear face. The result's short side is 1536 px. A batch "
        f"runs one task per portrait (or per reference). {REPAINT.price_note()}."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = REPAINT.field
        return {
            "required": {
                "portrait": image_input(field("portrait"), "The portrait; one task each"),
                "style": widget(
                    field("style_index"),
                    "A preset style (the number is the service's style_index), or 'custom' to follow style_reference",
                    choices=STYLE_CHOICES,
                    default=STYLE_CHOICES[2],
                ),
            },
            "optional": {
                "style_reference": image_input(
                    field("style_reference"),
                    "With style 'custom': the picture whose style to take; one for all portraits, or one each",
                )
            },
            "hidden": HIDDEN,
        }

    async def run(self, portrait, style, style_reference=None, unique_id=None):
        check = self.checked({"style": style})
        index = STYLE_INDEX[style]
        pictures = {"portrait": await image_refs(check, REPAINT.field("portrait"), portrait)}
        if index == CUSTOM_STYLE_INDEX:
            if style_reference is None:
                raise check.fail("style_reference", "is not connected; style 'custom' needs a style reference picture.")
            pictures["style_reference"] = await image_refs(check, REPAINT.field("style_reference"), style_reference)
        jobs = paired_jobs(check, REPAINT, pictures, {"style_index": index})
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


NODES = [Cosplay, StyleRepaint]

"""Portrait nodes: cosplay, portrait style repaint, FaceChain face check / training / generation."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from . import models
from .base import HIDDEN, PackNode, image_outputs, model_tooltip
from .client import TaskOutcome
from .client.finetune import train
from .images import batch_images, encode_image, image_batch
from .runner import Fetch, ImageRef, Job, JobResult, Runner, encode_all
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


class Cosplay(PackNode):
    NODE_ID = "DashScopeImgCosplay"
    DISPLAY_NAME = "DashScope Cosplay (retired)"
    CATEGORY = "DashScope/Portrait"
    DESCRIPTION = (
        "wanx-style-cosplay-v1: put a face into a character template (3D cartoon). Face and template: 256-5760 px per "
        "side, aspect at most 1.8:1. " + models.model("wanx-style-cosplay-v1").status_note() + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "face": ("IMAGE", {"tooltip": "A clear photo of the face; a batch runs one task per face."}),
                "template": ("IMAGE", {"tooltip": "The character picture to dress the face in."}),
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
        faces = image_batch(face)
        check.batch("face", faces)
        character = image_batch(template)[0]
        for name, item in [("face", f) for f in faces] + [("template", character)]:
            check.sides(name, item.shape[0], item.shape[1], 256, 5760, max_ratio=1.8)
        template_ref = ImageRef(check.file_size("template", encode_image(character), 10))
        jobs = []
        for index, picture in enumerate(await encode_all(list(faces), encode_image)):
            body = {
                "model": "wanx-style-cosplay-v1",
                "input": {
                    "face_image_url": ImageRef(check.file_size("face", picture, 10)),
                    "template_image_url": template_ref,
                    "model_index": int(model_index),
                },
            }
            jobs.append(Job(models.model("wanx-style-cosplay-v1"), body, label=f"face {index + 1}"))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


class StyleRepaint(PackNode):
    NODE_ID = "DashScopeImgStyleRepaint"
    DISPLAY_NAME = "DashScope Portrait Style Repaint (人像风格重绘)"
    CATEGORY = "DashScope/Portrait"
    DESCRIPTION = (
        "wanx-style-repaint-v1: repaint a portrait in one of 23 preset styles, or in the style of your own reference "
        "picture. Portrait (and reference): 256x256 to 5760x3240 px, aspect at most 2:1, at most 10 MB, a clear face. "
        "The result's short side is 1536 px (JPEG)."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "portrait": ("IMAGE", {"tooltip": "The portrait; a batch runs one task per picture."}),
                "style": (
                    STYLE_CHOICES,
                    {"default": STYLE_CHOICES[2], "tooltip": "A preset style, or 'custom' to follow style_reference."},
                ),
            },
            "optional": {
                "style_reference": ("IMAGE", {"tooltip": "With style 'custom': the picture whose style to take."})
            },
            "hidden": HIDDEN,
        }

    async def run(self, portrait, style, style_reference=None, unique_id=None):
        check = Check(self.DISPLAY_NAME)
        check.choice("style", style, STYLE_CHOICES)
        pictures = image_batch(portrait)
        check.batch("portrait", pictures)
        for item in pictures:
            check.sides("portrait", item.shape[0], item.shape[1], 256, 5760, max_ratio=2.0)
        fields: dict[str, Any] = {}
        if style == CUSTOM_STYLE:
            if style_reference is None:
                raise check.fail("style_reference", "is not connected; style 'custom' needs a style reference picture.")
            reference = image_batch(style_reference)[0]
            check.sides("style_reference", reference.shape[0], reference.shape[1], 256, 5760, max_ratio=2.0)
            fields = {
                "style_index": -1,
                "style_ref_url": ImageRef(check.file_size("style_reference", encode_image(reference), 10)),
            }
        else:
            fields = {"style_index": int(style.split(":", 1)[0])}
        jobs = []
        for index, picture in enumerate(await encode_all(list(pictures), encode_image)):
            body = {
                "model": "wanx-style-repaint-v1",
                "input": {"image_url": ImageRef(check.file_size("portrait", picture, 10)), **fields},
            }
            jobs.append(Job(models.model("wanx-style-repaint-v1"), body, label=f"portrait {index + 1}"))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


# ---- FaceChain ---------------------------------------------------------------------------------------


def _face_photos(check: Check, name: str, photos: Any, most: int, max_side: int) -> list[Any]:
    batch = image_batch(photos)
    check.batch(name, batch, most)
    for item in batch:
        check.sides(name, item.shape[0], item.shape[1], 256, max_side)
    return list(batch)


def collect_face_check(outcome: TaskOutcome, fetch: Fetch) -> JobResult:
    """Shape G: is_face[] and failed_reason[] per photo, in order."""
    return JobResult(
        outcome,
        extra={
            "is_face": list(outcome.output.get("is_face") or []),
            "reasons": list(outcome.output.get("failed_reason") or []),
        },
    )


class FaceChainFaceCheck(PackNode):
    NODE_ID = "DashScopeImgFaceCheck"
    DISPLAY_NAME = "DashScope FaceChain Face Check (人脸检测)"
    CATEGORY = "DashScope/Portrait"
    DESCRIPTION = (
        "facechain-facedetect: check 1-5 photos before training or train-free generation: which show one usable face "
        "and why the others fail. Photos: 256-4096 px per side, at most 5 MB. Outputs the passing photos, a report and "
        "the count."
    )
    RETURN_TYPES = ("IMAGE", "STRING", "INT", "BOOLEAN")
    RETURN_NAMES = ("passed_photos", "report", "passed", "all_passed")
    OUTPUT_TOOLTIPS = (
        "The photos that passed, ready for training or train-free generation (one black image when none passed).",
        "One line per photo: ok, or why it failed.",
        "How many photos passed.",
        "True when every photo passed.",
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {"required": {"photos": ("IMAGE", {"tooltip": "1-5 photos of the person (a batch)."})}, "hidden": HIDDEN}

    async def run(self, photos, unique_id=None):
        check = Check(self.DISPLAY_NAME)
        items = _face_photos(check, "photos", photos, 5, 4096)
        refs = [ImageRef(check.file_size("photos", e, 5)) for e in await encode_all(items, encode_image)]
        body = {"model": "facechain-facedetect", "input": {"images": refs}, "parameters": {}}
        [result] = await Runner(self.DISPLAY_NAME, unique_id).run(
            [Job(models.model("facechain-facedetect"), body)], collect=collect_face_check
        )
        verdicts, reasons = result.extra["is_face"], result.extra["reasons"]
        lines = [
            f"photo {i + 1}: " + ("ok" if ok else (reasons[i] if i < len(reasons) and reasons[i] else "failed"))
            for i, ok in enumerate(verdicts)
        ]
        passed = [items[i] for i, ok in enumerate(verdicts) if ok]
        photos_out = batch_images(passed) if passed else image_batch(photos)[:1] * 0
        return photos_out, "\n".join(lines), len(passed), len(passed) == len(items)


class FaceChainTrain(PackNode):
    NODE_ID = "DashScopeImgFaceChainTrain"
    DISPLAY_NAME = "DashScope FaceChain Train (人物形象训练)"
    CATEGORY = "DashScope/Portrait"
    DESCRIPTION = (
        "facechain-finetune: train a person's likeness (LoRA) from their photos (run Face Check first). Returns a "
        "resource id: copy it into FaceChain Generate (LoRA modes) to re-use it in any workflow without training again. "
        "Training takes minutes; the node shows its progress. Photos: 1-20, 256-4096 px per side. Billed per training."
    )
    RETURN_TYPES = ("STRING",)
    RETURN_NAMES = ("resource_id",)
    OUTPUT_TOOLTIPS = ("The trained likeness's resource id (keep it: it can be re-used without re-training).",)

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "photos": ("IMAGE", {"tooltip": "Photos of one person, frontal, one face each (a batch of 1-20)."}),
                "timeout_minutes": (
                    "INT",
                    {
                        "default": 60,
                        "min": 5,
                        "max": 600,
                        "tooltip": "Give up waiting after this long (the job goes on at the service).",
                    },
                ),
            },
            "hidden": HIDDEN,
        }

    async def run(self, photos, timeout_minutes, unique_id=None):
        check = Check(self.DISPLAY_NAME)
        items = _face_photos(check, "photos", photos, 20, 4096)
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as bundle:
            for index, encoded in enumerate(await encode_all(items, encode_image)):
                bundle.writestr(f"photo_{index + 1:02d}.{encoded.ext}", check.file_size("photos", encoded, 5).data)
        data = archive.getvalue()

        def call(client, report, cancelled):
            return train(
                client.transport, data, timeout=timeout_minutes * 60.0, cancelled=cancelled, on_progress=report
            )

        resource = await Runner(self.DISPLAY_NAME, unique_id).run_call(call)
        return (resource,)


FACECHAIN_PRESETS = [
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
]
FACECHAIN_MODES = ["train-free (photos + template)", "LoRA + preset style", "LoRA + template"]


class FaceChainGenerate(PackNode):
    NODE_ID = "DashScopeImgFaceChainGenerate"
    DISPLAY_NAME = "DashScope FaceChain Generate (人物写真)"
    CATEGORY = "DashScope/Portrait"
    DESCRIPTION = (
        "facechain-generation: portraits of a person. Train-free: 1-5 photos (256-2048 px, at most 3 MB each) plus a "
        "template picture (512-1680 px, at most 5 MB). LoRA modes: a resource id from FaceChain Train with a preset "
        "style (768x1024) or a template. n 1-5. " + models.model("facechain-generation").status_note() + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "mode": (
                    FACECHAIN_MODES,
                    {
                        "default": FACECHAIN_MODES[0],
                        "tooltip": model_tooltip(["facechain-generation"], "Where the likeness comes from."),
                    },
                ),
                "preset_style": (
                    FACECHAIN_PRESETS,
                    {"default": "f_business_female", "tooltip": "'LoRA + preset style' only."},
                ),
                "resource_id": (
                    "STRING",
                    {"default": "", "tooltip": "LoRA modes: the resource id from FaceChain Train (re-usable)."},
                ),
                "n": ("INT", {"default": 1, "min": 1, "max": 5, "tooltip": "Portraits to make (1-5); each is billed."}),
                "skin_retouch": ("BOOLEAN", {"default": True, "tooltip": "Train-free only: smooth the skin."}),
            },
            "optional": {
                "photos": ("IMAGE", {"tooltip": "Train-free: 1-5 frontal photos of the person."}),
                "template": ("IMAGE", {"tooltip": "Template modes: the portrait to put the face into."}),
            },
            "hidden": HIDDEN,
        }

    async def run(self, mode, preset_style, resource_id, n, skin_retouch, photos=None, template=None, unique_id=None):
        check = Check(self.DISPLAY_NAME)
        check.choice("mode", mode, FACECHAIN_MODES)
        check.number("n", n, 1, 5)
        body: dict[str, Any] = {"model": "facechain-generation", "input": {}, "parameters": {"n": int(n)}}
        if mode != FACECHAIN_MODES[1]:
            if template is None:
                raise check.fail("template", f"is not connected; mode '{mode}' needs a template picture.")
            picture = image_batch(template)[0]
            check.sides("template", picture.shape[0], picture.shape[1], 512, 1680)
            body["input"]["template_url"] = ImageRef(check.file_size("template", encode_image(picture), 5))
        if mode == FACECHAIN_MODES[0]:
            if photos is None:
                raise check.fail("photos", "is not connected; train-free mode needs 1-5 photos of the person.")
            items = _face_photos(check, "photos", photos, 5, 2048)
            body["input"]["user_urls"] = [
                ImageRef(check.file_size("photos", e, 3)) for e in await encode_all(items, encode_image)
            ]
            body["parameters"].update(style="train_free_portrait_url_template", skin_retouch=bool(skin_retouch))
        else:
            resource = (resource_id or "").strip()
            if not resource:
                raise check.fail("resource_id", "is empty; LoRA modes need the resource id from FaceChain Train.")
            body["resources"] = [{"resource_id": resource, "resource_type": "facelora"}]
            if mode == FACECHAIN_MODES[1]:
                body["parameters"].update(
                    style=check.choice("preset_style", preset_style, FACECHAIN_PRESETS), size="768*1024"
                )
            else:
                body["parameters"]["style"] = "portrait_url_template"
        return image_outputs(
            await Runner(self.DISPLAY_NAME, unique_id).run([Job(models.model("facechain-generation"), body)])
        )


NODES = [Cosplay, StyleRepaint, FaceChainFaceCheck, FaceChainTrain, FaceChainGenerate]

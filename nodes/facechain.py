"""FaceChain nodes: face check (facechain-facedetect), likeness training (facechain-finetune) and portrait
generation (facechain-generation), spec 11.11."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from . import models
from .base import HIDDEN, PackNode, image_outputs, model_tooltip
from .client import TaskOutcome
from .images import Encoded, batch_images, encode_image, image_batch
from .photo_checks import check_resolution
from .runner import Fetch, ImageRef, Job, JobResult, Runner, encode_all
from .validation import Check

# Training photo count: the spec gives none (UNCONFIRMED); FaceChain's own guidance is a handful of clear photos.
MAX_TRAINING_PHOTOS = 20


def _photos(check: Check, name: str, photos: Any, most: int, max_side: int) -> list[Any]:
    batch = image_batch(photos)
    check.batch(name, batch, most)
    for item in batch:
        check_resolution(check, name, item, low=256, long_max=max_side)
    return list(batch)


async def _encoded(check: Check, name: str, items: list[Any], max_mb: float) -> list[Encoded]:
    return [check.file_size(name, e, max_mb) for e in await encode_all(items, encode_image)]


# ---- face check -----------------------------------------------------------------------------


def collect_face_check(outcome: TaskOutcome, fetch: Fetch) -> JobResult:
    """Shape G: is_face[] and failed_reason[] per photo, in order (no images to download)."""
    return JobResult(
        outcome,
        extra={
            "is_face": [bool(v) for v in outcome.output.get("is_face") or []],
            "reasons": [str(v or "") for v in outcome.output.get("failed_reason") or []],
        },
    )


def face_report(count: int, is_face: list[bool], reasons: list[str]) -> tuple[list[int], str]:
    """Indices of the photos that passed and one line per photo. A photo the service gave no verdict for fails."""
    passed, lines = [], []
    for index in range(count):
        ok = index < len(is_face) and is_face[index]
        reason = reasons[index] if index < len(reasons) and reasons[index] else "failed"
        if index >= len(is_face):
            reason = "no verdict from the service"
        lines.append(f"photo {index + 1}: " + ("ok" if ok else reason))
        if ok:
            passed.append(index)
    return passed, "\n".join(lines)


class FaceChainFaceCheck(PackNode):
    NODE_ID = "DashScopeImgFaceCheck"
    DISPLAY_NAME = "DashScope FaceChain Face Check (人脸检测)"
    CATEGORY = "DashScope/Portrait"
    DESCRIPTION = (
        "facechain-facedetect: check 1-5 photos before training or train-free generation: which show one usable face "
        "and why the others fail. Photos: 256-4096 px per side, at most 5 MB. Outputs the passing photos, a report and "
        "the count. When no photo passes (or, with require_all, any fails) the node stops the workflow, so no paid "
        "training or generation starts on unusable photos."
    )
    RETURN_TYPES = ("IMAGE", "STRING", "INT", "BOOLEAN")
    RETURN_NAMES = ("passed_photos", "report", "passed", "all_passed")
    OUTPUT_TOOLTIPS = (
        "The photos that passed, ready for training or train-free generation.",
        "One line per photo: ok, or why it failed.",
        "How many photos passed.",
        "True when every photo passed.",
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "photos": (
                    "IMAGE",
                    {"tooltip": "1-5 photos of the person (a batch), 256-4096 px per side, at most 5 MB each."},
                ),
                "require_all": (
                    "BOOLEAN",
                    {
                        "default": False,
                        "tooltip": "On: stop the workflow when any photo fails. Off: pass the good photos on (the "
                        "workflow stops only when none passes).",
                    },
                ),
            },
            "hidden": HIDDEN,
        }

    async def run(self, photos, require_all=False, unique_id=None):
        check = Check(self.DISPLAY_NAME)
        items = _photos(check, "photos", photos, 5, 4096)
        refs = [ImageRef(e) for e in await _encoded(check, "photos", items, 5)]
        spec = models.model("facechain-facedetect")
        body = {"model": spec.name, "input": {"images": refs}, "parameters": {}}
        [result] = await Runner(self.DISPLAY_NAME, unique_id).run([Job(spec, body)], collect=collect_face_check)
        passed, report = face_report(len(items), result.extra["is_face"], result.extra["reasons"])
        if not passed or (require_all and len(passed) < len(items)):
            # The service answered; the photos are the problem. Stopping here keeps a paid step from running on them.
            raise check.fail("photos", f"did not pass the face check ({len(passed)} of {len(items)} ok):\n{report}")
        return batch_images([items[i] for i in passed]), report, len(passed), len(passed) == len(items)


# ---- training -------------------------------------------------------------------------------


def photo_zip(encoded: list[Encoded]) -> bytes:
    """The training archive: the photos at its root, numbered (the service reads images from the zip)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as bundle:  # JPEG/PNG do not compress further
        for index, picture in enumerate(encoded):
            bundle.writestr(f"photo_{index + 1:02d}.{picture.ext}", picture.data)
    return archive.getvalue()


class FaceChainTrain(PackNode):
    NODE_ID = "DashScopeImgFaceChainTrain"
    DISPLAY_NAME = "DashScope FaceChain Train (人物形象训练)"
    CATEGORY = "DashScope/Portrait"
    DESCRIPTION = (
        "facechain-finetune: train a person's likeness (LoRA) from their photos (run Face Check first). Returns a "
        "resource id, also shown on the node: copy it into FaceChain Generate's resource_id (LoRA modes) to re-use "
        "it in any workflow without training again. Training takes minutes; the node shows its progress. Photos: "
        "1-20, 256-4096 px per side, at most 5 MB each. Billed per training."
    )
    RETURN_TYPES = ("STRING",)
    RETURN_NAMES = ("resource_id",)
    OUTPUT_TOOLTIPS = ("The trained likeness's resource id (keep it: it can be re-used without re-training).",)

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "photos": (
                    "IMAGE",
                    {"tooltip": "Photos of one person, frontal, one face each (a batch of 1-20), sent as one zip."},
                ),
                "timeout_minutes": (
                    "INT",
                    {
                        "default": 60,
                        "min": 5,
                        "max": 600,
                        "tooltip": "Give up waiting after this long (the training goes on at the service; resume it "
                        "with job_id).",
                    },
                ),
            },
            "optional": {
                "job_id": (
                    "STRING",
                    {
                        "default": "",
                        "tooltip": "Leave empty to train. To pick up a training that was stopped or timed out (it "
                        "goes on at the service and is billed), paste its job id from the error: the node waits for "
                        "it instead of training again, and the photos are not sent.",
                    },
                )
            },
            "hidden": HIDDEN,
        }

    async def run(self, photos, timeout_minutes, job_id="", unique_id=None):
        check = Check(self.DISPLAY_NAME)
        check.number("timeout_minutes", timeout_minutes, 5, 600)
        resume = (job_id or "").strip()
        archive = b""
        if not resume:
            items = _photos(check, "photos", photos, MAX_TRAINING_PHOTOS, 4096)
            archive = photo_zip(await _encoded(check, "photos", items, 5))

        def call(client, report, cancelled) -> str:
            job = resume or client.create_fine_tune(archive, cancelled=cancelled, on_progress=report)
            return client.wait_fine_tune(job, timeout=timeout_minutes * 60.0, cancelled=cancelled, on_progress=report)

        runner = Runner(self.DISPLAY_NAME, unique_id)
        resource = await runner.run_call(call)
        if runner.status is not None:
            runner.status.text(f"trained · resource id:\n{resource}")  # visible on the node, to copy
        return (resource,)


# ---- generation -----------------------------------------------------------------------------

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
TRAIN_FREE, LORA_PRESET, LORA_TEMPLATE = FACECHAIN_MODES = [
    "train-free (photos + template)",
    "LoRA + preset style",
    "LoRA + template",
]


class FaceChainGenerate(PackNode):
    NODE_ID = "DashScopeImgFaceChainGenerate"
    DISPLAY_NAME = "DashScope FaceChain Generate (人物写真)"
    CATEGORY = "DashScope/Portrait"
    DESCRIPTION = (
        "facechain-generation: portraits of a person. Train-free: 1-5 photos (256-2048 px, at most 3 MB each) plus a "
        "template picture (512x512 to 1680x1260 px, at most 5 MB). LoRA modes: a resource id from FaceChain Train with "
        "a preset style (768x1024) or a template. A batch of templates runs one task each. n 1-5 per task. "
        + models.model("facechain-generation").status_note()
        + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "mode": (
                    FACECHAIN_MODES,
                    {
                        "default": TRAIN_FREE,
                        "tooltip": model_tooltip(
                            ["facechain-generation"],
                            "Where the likeness comes from: the photos input (no training), or a trained resource id.",
                        ),
                    },
                ),
                "preset_style": (
                    FACECHAIN_PRESETS,
                    {"default": "f_business_female", "tooltip": "'LoRA + preset style' only."},
                ),
                "resource_id": (
                    "STRING",
                    {
                        "default": "",
                        "tooltip": "LoRA modes: the resource id from FaceChain Train. Paste a saved id to re-use a "
                        "likeness without training again.",
                    },
                ),
                "n": (
                    "INT",
                    {"default": 1, "min": 1, "max": 5, "tooltip": "Portraits per task (1-5); each is billed."},
                ),
                "skin_retouch": ("BOOLEAN", {"default": True, "tooltip": "Train-free only: smooth the skin."}),
            },
            "optional": {
                "photos": (
                    "IMAGE",
                    {"tooltip": "Train-free: 1-5 frontal single-face photos, 256-2048 px per side, at most 3 MB each."},
                ),
                "template": (
                    "IMAGE",
                    {
                        "tooltip": "Template modes: the portrait to put the face into, 512x512 to 1680x1260 px, one "
                        "clear face, at most 5 MB. A batch runs one task per template."
                    },
                ),
            },
            "hidden": HIDDEN,
        }

    async def run(self, mode, preset_style, resource_id, n, skin_retouch, photos=None, template=None, unique_id=None):
        check = Check(self.DISPLAY_NAME)
        check.choice("mode", mode, FACECHAIN_MODES)
        check.number("n", n, 1, 5)
        body: dict[str, Any] = {"model": "facechain-generation", "input": {}, "parameters": {"n": int(n)}}
        if mode == TRAIN_FREE:
            if photos is None:
                raise check.fail("photos", "is not connected; train-free mode needs 1-5 photos of the person.")
            # The spec says "ignored there" of resources: none are sent in train-free mode.
            body["parameters"].update(style="train_free_portrait_url_template", skin_retouch=bool(skin_retouch))
        else:
            resource = (resource_id or "").strip()
            if not resource:
                raise check.fail("resource_id", "is empty; LoRA modes need the resource id from FaceChain Train.")
            body["resources"] = [{"resource_id": resource, "resource_type": "facelora"}]
            if mode == LORA_PRESET:
                style = check.choice("preset_style", preset_style, FACECHAIN_PRESETS)
                body["parameters"].update(style=style, size="768*1024")
            else:
                body["parameters"]["style"] = "portrait_url_template"
        templates: list[ImageRef | None] = [None]
        if mode != LORA_PRESET:
            if template is None:
                raise check.fail("template", f"is not connected; mode '{mode}' needs a template picture.")
            pictures = image_batch(template)
            check.batch("template", pictures)
            for picture in pictures:
                check_resolution(check, "template", picture, low=512, long_max=1680, short_max=1260)
            templates = [ImageRef(e) for e in await _encoded(check, "template", list(pictures), 5)]
        if mode == TRAIN_FREE:
            items = _photos(check, "photos", photos, 5, 2048)
            body["input"]["user_urls"] = [ImageRef(e) for e in await _encoded(check, "photos", items, 3)]
        spec = models.model("facechain-generation")
        jobs = []
        for index, picture in enumerate(templates):
            job_body = {**body, "input": {**body["input"]}}
            if picture is not None:
                job_body["input"]["template_url"] = picture
            jobs.append(Job(spec, job_body, label=f"template {index + 1}"))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


NODES = [FaceChainFaceCheck, FaceChainTrain, FaceChainGenerate]

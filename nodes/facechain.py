"""FaceChain nodes: face check (facechain-facedetect), likeness training (facechain-finetune) and portrait
generation (facechain-generation), spec 11.11."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from . import models
from .base import HIDDEN, PackNode, image_outputs, model_tooltip
from .client import TaskOutcome
from .client.ids import is_plain_id
from .images import Encoded, batch_images, image_batch
from .jobs import image_input, image_refs
from .models.portrait import FACECHAIN_PRESETS, LORA_TEMPLATE_STYLE, TRAIN_FREE_STYLE
from .photo_checks import paired_jobs
from .runner import Fetch, Job, JobResult, Runner
from .validation import Check, check_field
from .widgets import widget

DETECT = models.model("facechain-facedetect")
FINETUNE = models.model("facechain-finetune")
GENERATION = models.model("facechain-generation")


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
        "facechain-facedetect: check photos before training or train-free generation: which show one usable face "
        "and why the others fail. Outputs the passing photos, a report and the count. When no photo passes (or, with "
        "require_all, any fails) the node stops the workflow, so no paid training or generation starts on unusable "
        "photos."
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
                "photos": image_input(
                    DETECT.field("photos"),
                    f"Photos of the person (a batch of at most {int(FINETUNE.field('photos').high)}, the "
                    "most training takes)",
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
        check = self.checked({"require_all": require_all})
        # The detect page states no count: the node takes at most what the next step (training) may use.
        check.batch("photos", image_batch(photos), int(FINETUNE.field("photos").high))
        refs = await image_refs(check, DETECT.field("photos"), photos)
        items = list(image_batch(photos))
        # The page shows "parameters" as {} for this model: sent as shown.
        job = Job(DETECT, DETECT.request({"photos": refs}, extra={"parameters": {}}))
        [result] = await Runner(self.DISPLAY_NAME, unique_id).run([job], collect=collect_face_check)
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
        "it in any workflow without training again. Training takes minutes; the node shows its progress. Billed "
        "per training."
    )
    RETURN_TYPES = ("STRING",)
    RETURN_NAMES = ("resource_id",)
    INPUT_IS_LIST = False  # one training per photo set: ComfyUI calls it once per list item
    OUTPUT_TOOLTIPS = ("The trained likeness's resource id (keep it: it can be re-used without re-training).",)

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "photos": image_input(FINETUNE.field("photos"), "Photos of one person, frontal, one face each"),
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

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        job_id = (values.get("job_id") or "").strip()
        if job_id and not is_plain_id(job_id):
            raise check.fail("job_id", "is not a job id: it holds only letters, digits, '-' and '_' (e.g. ft-1a2b…).")

    async def run(self, photos, timeout_minutes, job_id="", unique_id=None):
        check = self.checked({"timeout_minutes": timeout_minutes, "job_id": job_id})
        resume = (job_id or "").strip()
        archive = b""
        if not resume:
            refs = await image_refs(check, FINETUNE.field("photos"), photos, defer=False)  # zipped here, now
            archive = photo_zip([ref.encoded for ref in refs])

        def call(client, report, cancelled) -> str:
            job = resume or client.create_fine_tune(archive, cancelled=cancelled, on_progress=report)
            return client.wait_fine_tune(job, timeout=timeout_minutes * 60.0, cancelled=cancelled, on_progress=report)

        runner = Runner(self.DISPLAY_NAME, unique_id)
        resource = await runner.run_call(call)
        if runner.status is not None:
            runner.status.text(f"trained · resource id:\n{resource}")  # visible on the node, to copy
        return (resource,)


# ---- generation -----------------------------------------------------------------------------

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
        "facechain-generation: portraits of a person. Train-free: photos of the person plus a template picture. LoRA "
        "modes: a resource id from FaceChain Train with a preset style (768x1024) or a template. A batch of templates "
        f"runs one task each. {GENERATION.status_note()}."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = GENERATION.field
        return {
            "required": {
                "mode": (
                    FACECHAIN_MODES,
                    {
                        "default": TRAIN_FREE,
                        "tooltip": model_tooltip(
                            [GENERATION.name],
                            "Where the likeness comes from: the photos input (no training), or a trained resource id.",
                        ),
                    },
                ),
                "preset_style": (
                    list(FACECHAIN_PRESETS),
                    {
                        "default": "f_business_female",
                        "tooltip": "'LoRA + preset style' only: one of the page's preset styles (the template modes "
                        "set parameters.style themselves).",
                    },
                ),
                "resource_id": (
                    "STRING",
                    {
                        "default": "",
                        "tooltip": "LoRA modes: the resource id from FaceChain Train. Paste a saved id to re-use a "
                        "likeness without training again.",
                    },
                ),
                # The service's default is 4 portraits; the node defaults to 1 so a first run bills one.
                "n": widget(field("n"), "Portraits per task; each is billed", default=1),
                "skin_retouch": widget(field("skin_retouch")),
            },
            "optional": {
                "photos": image_input(field("photos"), "Train-free: photos of the person"),
                "template": image_input(field("template"), "Template modes: the portrait to put the face into"),
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        if "n" in values:
            check_field(check, GENERATION.field("n"), values["n"])
        lora = values.get("mode") in (LORA_PRESET, LORA_TEMPLATE)
        if lora and "resource_id" in values and not (values["resource_id"] or "").strip():
            raise check.fail("resource_id", "is empty; LoRA modes need the resource id from FaceChain Train.")

    @staticmethod
    def values(mode: str, preset_style: str, resource_id: str, n: int, skin_retouch: bool) -> dict[str, Any]:
        """Field values of one mode: LoRA modes send resources, train-free sends skin_retouch (and no resources)."""
        if mode == TRAIN_FREE:
            return {"n": n, "style": TRAIN_FREE_STYLE, "skin_retouch": bool(skin_retouch)}
        lora = {"n": n, "resources": [{"resource_id": resource_id.strip(), "resource_type": "facelora"}]}
        if mode == LORA_PRESET:
            # The page lists size for the preset styles only, with the one value they produce.
            return {**lora, "style": preset_style, "size": GENERATION.field("size").enum[0]}
        return {**lora, "style": LORA_TEMPLATE_STYLE}

    async def run(self, mode, preset_style, resource_id, n, skin_retouch, photos=None, template=None, unique_id=None):
        widgets = dict(mode=mode, preset_style=preset_style, resource_id=resource_id, n=n, skin_retouch=skin_retouch)
        check = self.checked(widgets)
        if mode == TRAIN_FREE and photos is None:
            raise check.fail("photos", "is not connected; train-free mode needs photos of the person.")
        if mode != LORA_PRESET and template is None:
            raise check.fail("template", f"is not connected; mode '{mode}' needs a template picture.")
        values = self.values(**widgets)
        pictures = {}
        if mode != LORA_PRESET:
            pictures["template"] = await image_refs(check, GENERATION.field("template"), template)
        if mode == TRAIN_FREE:
            values["photos"] = await image_refs(check, GENERATION.field("photos"), photos)
        jobs = paired_jobs(check, GENERATION, pictures, values, count=len(pictures.get("template", [None])))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


NODES = [FaceChainFaceCheck, FaceChainTrain, FaceChainGenerate]

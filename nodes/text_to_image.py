"""Text-to-image nodes: wanx-v1 (and its similar-image mode), Wan 2.x / Qwen-Image / Z-Image, Stable Diffusion, FLUX."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import models
from .base import HIDDEN, SEED_MAX, PackNode, image_outputs, seed_input
from .jobs import encoded_batch, image_input
from .models import text_to_image as t2i_rows
from .rows import (
    CUSTOM_MODEL,
    RowNode,
    auto_input,
    checked_values,
    confirmed_seed,
    custom_model_input,
    highest,
    images_per_call,
    per_model_input,
    picked_size,
    text_input,
)
from .runner import ImageRef, Job, Runner
from .validation import Check, check_field
from .widgets import AUTO, model_widget, widget

WANX_V1 = models.model("wanx-v1")


def _wanx_v1_inputs() -> dict[str, Any]:
    field = WANX_V1.field
    return {
        "prompt": widget(field("prompt"), "What to draw, Chinese or English"),
        "negative_prompt": widget(field("negative_prompt"), "What to avoid in the image. Optional"),
        "style": widget(field("style"), "Painting style; <auto> lets the model choose"),
        "size": widget(field("size"), "Output width*height in pixels"),
        # The service's default is 4 images; the node defaults to 1 so a first run bills one image.
        "n": widget(field("n"), "Images in this task; each is billed", default=1),
        "seed": seed_input("Image i of the task uses seed + i."),
    }


class WanxV1TextToImage(PackNode):
    NODE_ID = "DashScopeImgWanxTextToImage"
    DISPLAY_NAME = "DashScope wanx-v1 Text to Image"
    CATEGORY = "DashScope/Text to Image"
    DESCRIPTION = (
        "通义万相 wanx-v1: text to image in ten styles, 1-4 images per run at 1024x1024, 720x1280, 768x1152 or 1280x720. "
        f"Takes the seed: same seed = same images. {WANX_V1.price_note()}."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {"required": _wanx_v1_inputs(), "hidden": HIDDEN}

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        for name in ("prompt", "negative_prompt", "style", "size", "n", "ref_strength", "ref_mode"):
            if name in values:
                check_field(check, WANX_V1.field(name), values[name])

    @classmethod
    def job(cls, values: dict[str, Any], reference: Any = None) -> Job:
        return Job(WANX_V1, WANX_V1.request({**values, "reference": reference}))

    async def run(self, prompt, negative_prompt, style, size, n, seed, unique_id=None):
        values = dict(prompt=prompt, negative_prompt=negative_prompt, style=style, size=size, n=n, seed=seed)
        self.checked(values)
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run([self.job(values)]))


class WanxV1SimilarImage(WanxV1TextToImage):
    NODE_ID = "DashScopeImgWanxSimilarImage"
    DISPLAY_NAME = "DashScope wanx-v1 Similar Image"
    CATEGORY = "DashScope/Text to Image"
    DESCRIPTION = (
        "通义万相 wanx-v1 with a reference image: new images that follow the reference's content (repaint) or only "
        f"its style (refonly). Reference: {WANX_V1.field('reference').image.describe()}. A batch of B references runs B "
        f"tasks. {WANX_V1.price_note()}."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = WANX_V1.field
        inputs = {"reference": image_input(field("reference"), "One task per picture of the batch")}
        inputs.update(_wanx_v1_inputs())
        inputs["ref_strength"] = widget(field("ref_strength"), "How close to the reference", default=0.5)
        inputs["ref_mode"] = widget(field("ref_mode"), "repaint: follow the content. refonly: follow only the style")
        return {"required": inputs, "hidden": HIDDEN}

    async def run(
        self, reference, prompt, negative_prompt, style, size, n, seed, ref_strength, ref_mode, unique_id=None
    ):
        values = dict(prompt=prompt, negative_prompt=negative_prompt, style=style, size=size, n=n, seed=seed)
        values.update(ref_strength=ref_strength, ref_mode=ref_mode)
        check = self.checked(values)
        references = await encoded_batch(check, "reference", reference, WANX_V1.field("reference").image)
        jobs = [self.job(values, ImageRef(encoded)) for encoded in references]
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


# --- Wan 2.x / Qwen-Image / Z-Image ------------------------------------------------------------------------------


class WanQwenTextToImage(RowNode):
    NODE_ID = "DashScopeImgModernTextToImage"
    DISPLAY_NAME = "DashScope Wan / Qwen Text to Image"
    CATEGORY = "DashScope/Text to Image"
    DESCRIPTION = (
        "The current DashScope text-to-image models: Wan 2.x, Qwen-Image (2.0, 3.0, 2.1-pro) and Z-Image. Each model's "
        "prompt limit, "
        "size rule and images per call are in the input tooltips (from the model table, see docs/models.md). "
        "width = height = 0 uses the model's own default size. A newer model, or a dated snapshot, can be typed into "
        "'custom_model' without updating the pack."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        specs = cls.offered()
        side = dict(default=0, min=0, max=4096, step=16)
        return {
            "required": {
                "model": model_widget(specs, "Which model draws.", default="wan2.6-t2i"),
                "prompt": text_input(specs, "prompt", "What to draw, Chinese or English. Required."),
                "negative_prompt": text_input(specs, "negative_prompt", "What to avoid. Optional."),
                "width": per_model_input(
                    "INT", specs, "size", "Output width in px; 0 with height 0 = auto (the model's default).", **side
                ),
                "height": ("INT", {**side, "tooltip": "Output height in px; 0 with width 0 = auto. Rules: see width."}),
                "n": per_model_input(
                    "INT",
                    specs,
                    "n",
                    "Images to make, each billed. A model that returns fewer per call is called several times.",
                    default=1,
                    min=1,
                    max=int(highest(specs, "n")),
                ),
                "seed": seed_input("Call k of a run uses seed + k x images per call; not sent where undocumented."),
                "prompt_extend": per_model_input(
                    "BOOLEAN",
                    specs,
                    "prompt_extend",
                    "Let the service rewrite the prompt with an LLM (slower). Always sent as set.",
                    default=False,
                ),
                "watermark": per_model_input(
                    "BOOLEAN", specs, "watermark", "Add the service's mark to each image.", default=False
                ),
            },
            "optional": {
                "custom_model": (
                    "STRING",
                    {
                        "default": "",
                        "tooltip": "Overrides 'model' with any DashScope text-to-image model name (a newer wan2.x or "
                        "qwen-image release, a dated snapshot). Its protocol is assumed from the nearest known model "
                        "(UNCONFIRMED). Leave empty to use the list.",
                    },
                ),
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def offered(cls) -> Sequence[models.ModelSpec]:
        return t2i_rows.WAN_QWEN  # read at call time: the node offers exactly the rows

    @classmethod
    def spec(cls, values: dict[str, Any]) -> models.ModelSpec | None:
        name = str(values.get(CUSTOM_MODEL) or "").strip() or values.get("model")
        offered = {spec.name: spec for spec in cls.offered()}
        return offered.get(name) or models.guess_spec(name) if name else None

    @classmethod
    def check_custom(cls, check: Check, values: dict[str, Any]) -> None:
        """Any name goes: a newer release is guessed from its name (guess_spec), a dated snapshot is its family."""

    @classmethod
    def wire_values(cls, check: Check, spec: models.ModelSpec, values: dict[str, Any]) -> dict[str, Any]:
        """The checked values of one run that go to the service (n and seed are set per call)."""
        picked = {k: values[k] for k in ("prompt", "negative_prompt", "prompt_extend", "watermark") if k in values}
        if "width" in values and "height" in values:
            picked["size"] = picked_size(check, values["width"], values["height"])
        return checked_values(check, spec, picked)

    async def run(
        self,
        model,
        prompt,
        negative_prompt,
        width,
        height,
        n,
        seed,
        prompt_extend,
        watermark,
        custom_model="",
        unique_id=None,
    ):
        values = dict(model=model, prompt=prompt, negative_prompt=negative_prompt, width=width, height=height, n=n)
        values.update(seed=seed, prompt_extend=prompt_extend, watermark=watermark, custom_model=custom_model)
        check = self.checked(values)
        spec = self.spec(values)
        wire, per_call, jobs = self.wire_values(check, spec, values), images_per_call(spec), []
        for call, first in enumerate(range(0, int(n), per_call)):
            call_seed = confirmed_seed(spec, (int(seed) + call * per_call) % (SEED_MAX + 1))
            jobs.append(Job(spec, spec.request({**wire, "n": min(per_call, int(n) - first), "seed": call_seed})))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


# --- Stable Diffusion and FLUX (retired at the service on 2026-03-30) -------------------------------------------

SD_MODELS = t2i_rows.STABLE_DIFFUSION
FLUX_MODELS = t2i_rows.FLUX
RETIRED_NOTE = "Retired at the service on 2026-03-30: kept for seed-era workflows; the error names the successor."


def side_choices(specs: Sequence[models.ModelSpec]) -> list[str]:
    """auto, then every side length some model's size field allows (from its rule or its list of sizes)."""
    sides: set[int] = set()
    for spec in specs:
        size = spec.field("size")
        if size.size is not None and size.size.step:
            sides.update(range(size.size.min_side or size.size.step, (size.size.max_side or 0) + 1, size.size.step))
        for text in size.enum or ():
            sides.update(int(v) for v in text.split("*"))
    return [AUTO, *(str(v) for v in sorted(sides))]


class StableDiffusion(RowNode):
    NODE_ID = "DashScopeImgStableDiffusion"
    LATE_INPUTS = (CUSTOM_MODEL,)
    DISPLAY_NAME = "DashScope Stable Diffusion (retired)"
    CATEGORY = "DashScope/Text to Image"
    DESCRIPTION = (
        "Stable Diffusion 1.5 / XL / 3.5 hosted on DashScope. " + RETIRED_NOTE + " Only 3.5 has an official field "
        "table: size, steps, guidance and shift are sent only when set (auto = the model's default); the limits per "
        "model are in the input tooltips."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        sides = side_choices(SD_MODELS)
        return {
            "required": {
                "model": model_widget(SD_MODELS, "Which Stable Diffusion model.", default="stable-diffusion-xl"),
                "prompt": text_input(SD_MODELS, "prompt", "What to draw (English works best). Required."),
                "negative_prompt": text_input(SD_MODELS, "negative_prompt", "What to avoid. Optional."),
                "width": per_model_input(
                    sides, SD_MODELS, "size", "Width in px; auto = the model's default.", default=AUTO
                ),
                "height": (
                    sides,
                    {"default": AUTO, "tooltip": "Height in px; auto = the model's default. Rules: see width."},
                ),
                "n": per_model_input(
                    "INT",
                    SD_MODELS,
                    "n",
                    "Images in this task, each billed.",
                    default=1,
                    min=1,
                    max=int(highest(SD_MODELS, "n")),
                ),
                "steps": auto_input(
                    "INT",
                    SD_MODELS,
                    "steps",
                    "Denoising steps.",
                    default=0,
                    min=0,
                    max=int(highest(SD_MODELS, "steps")),
                ),
                "guidance": auto_input(
                    "FLOAT",
                    SD_MODELS,
                    "guidance",
                    "Prompt guidance (3.5: cfg; XL / 1.5: scale).",
                    default=0.0,
                    min=0.0,
                    max=highest(SD_MODELS, "guidance"),
                    step=0.5,
                ),
                "seed": seed_input("Image i uses seed + i; sent only where a page documents the seed (3.5)."),
            },
            "optional": {
                # The page states no range for shift: the widget's bound is the UI's only.
                "shift": auto_input(
                    "FLOAT", SD_MODELS, "shift", "Sampling shift (3.5 only).", default=0.0, min=0.0, max=20.0, step=0.5
                ),
                CUSTOM_MODEL: custom_model_input(SD_MODELS),
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def offered(cls) -> Sequence[models.ModelSpec]:
        return SD_MODELS

    @classmethod
    def wire_values(cls, check: Check, spec: models.ModelSpec, values: dict[str, Any]) -> dict[str, Any]:
        picked = {k: values[k] for k in ("prompt", "negative_prompt", "n") if k in values}
        picked.update({k: values[k] or None for k in ("steps", "guidance", "shift") if k in values})
        if "width" in values and "height" in values:
            picked["size"] = picked_size(check, values["width"], values["height"])
        return checked_values(check, spec, picked)

    async def run(
        self,
        model,
        prompt,
        negative_prompt,
        width,
        height,
        n,
        steps,
        guidance,
        seed,
        shift=0.0,
        custom_model="",
        unique_id=None,
    ):
        values = dict(model=model, prompt=prompt, negative_prompt=negative_prompt, width=width, height=height, n=n)
        values.update(steps=steps, guidance=guidance, shift=shift, custom_model=custom_model)
        check = self.checked(values)
        spec = self.spec(values)
        wire = self.wire_values(check, spec, values)
        body = spec.request({**wire, "seed": confirmed_seed(spec, seed)})
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run([Job(spec, body)]))


class Flux(RowNode):
    NODE_ID = "DashScopeImgFlux"
    LATE_INPUTS = (CUSTOM_MODEL,)
    DISPLAY_NAME = "DashScope FLUX (retired)"
    CATEGORY = "DashScope/Text to Image"
    DESCRIPTION = (
        "FLUX schnell / dev / merged hosted on DashScope. " + RETIRED_NOTE + " One image per task. No official page "
        "survives: only the prompt is sent unless you set size, steps or guidance (auto = the model's own default, "
        "e.g. about 4 steps for schnell and 50 for dev / merged)."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        sizes = [AUTO, *FLUX_MODELS[0].field("size").enum]
        return {
            "required": {
                "model": model_widget(FLUX_MODELS, "Which FLUX model.", default="flux-schnell"),
                "prompt": text_input(FLUX_MODELS, "prompt", "What to draw. Required."),
                "size": per_model_input(
                    sizes, FLUX_MODELS, "size", "Output width*height; auto = the model's default.", default=AUTO
                ),
                "steps": auto_input(
                    "INT",
                    FLUX_MODELS,
                    "steps",
                    "Sampling steps.",
                    default=0,
                    min=0,
                    max=int(highest(FLUX_MODELS, "steps")),
                ),
                "guidance": auto_input(
                    "FLOAT",
                    FLUX_MODELS,
                    "guidance",
                    "Guidance strength.",
                    default=0.0,
                    min=0.0,
                    max=highest(FLUX_MODELS, "guidance"),
                    step=0.1,
                ),
                "seed": seed_input("Not sent: no page documents FLUX's seed; changing it still asks for a new image."),
            },
            "optional": {CUSTOM_MODEL: custom_model_input(FLUX_MODELS)},
            "hidden": HIDDEN,
        }

    @classmethod
    def offered(cls) -> Sequence[models.ModelSpec]:
        return FLUX_MODELS

    @classmethod
    def wire_values(cls, check: Check, spec: models.ModelSpec, values: dict[str, Any]) -> dict[str, Any]:
        picked = {k: values[k] for k in ("prompt",) if k in values}
        picked.update(
            {k: values[k] if values[k] not in (0, AUTO) else None for k in ("size", "steps", "guidance") if k in values}
        )
        return checked_values(check, spec, picked)

    async def run(self, model, prompt, size, steps, guidance, seed, custom_model="", unique_id=None):
        values = dict(model=model, prompt=prompt, size=size, steps=steps, guidance=guidance, custom_model=custom_model)
        check = self.checked(values)
        spec = self.spec(values)
        body = spec.request({**self.wire_values(check, spec, values), "seed": confirmed_seed(spec, seed)})
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run([Job(spec, body)]))


NODES = [WanxV1TextToImage, WanxV1SimilarImage, WanQwenTextToImage, StableDiffusion, Flux]

"""Text-to-image nodes: wanx-v1 (and its similar-image mode), Wan 2.x / Qwen-Image / Z-Image, Stable Diffusion, FLUX."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import models
from .base import HIDDEN, PackNode, image_outputs, model_tooltip, prompt_input, seed_input
from .jobs import encoded_batch
from .runner import ImageRef, Job, Runner
from .validation import Check, check_field
from .widgets import widget

NEGATIVE_LIMIT = 500
WANX_V1 = models.model("wanx-v1")


def _negative_input() -> tuple[str, dict[str, Any]]:
    return (
        "STRING",
        {
            "multiline": True,
            "default": "",
            "tooltip": f"What to avoid in the image. Optional, at most {NEGATIVE_LIMIT} characters.",
        },
    )


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
        "its style (refonly). Reference: 256-4096 px per side, at most 10 MB. A batch of B references runs B tasks. "
        f"{WANX_V1.price_note()}."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = WANX_V1.field
        inputs = {"reference": ("IMAGE", {"tooltip": "Reference image(s); each side 256-4096 px, at most 10 MB."})}
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


# --- Wan 2.x / Qwen-Image / Z-Image ------------------------------------------------------------


@dataclass(frozen=True)
class SizeRule:
    """How a model family bounds the output size and the images per call (spec 11.2, 11.3)."""

    kind: str  # "sides" (each side in range) | "pixels" (total pixel range + aspect) | "fixed" (a list)
    low: int = 512
    high: int = 1440
    max_aspect: float = 4.0
    fixed: tuple[str, ...] = ()
    max_n: int = 4  # images one call may return; more are split over several calls
    prompt_limit: int = 800

    def check(self, check: Check, width: int, height: int) -> None:
        if self.kind == "fixed":
            check.choice("size", f"{width}*{height}", self.fixed)
        elif self.kind == "sides":
            check.sides("size", height, width, self.low, self.high)
        else:
            pixels = width * height
            if not (self.low**2 <= pixels <= self.high**2):
                raise check.fail(
                    "size",
                    f"is {width}x{height} = {pixels} pixels; this model needs between {self.low}x{self.low} and "
                    f"{self.high}x{self.high} pixels in total.",
                )
            if max(width, height) / min(width, height) > self.max_aspect:
                raise check.fail("size", f"is {width}x{height}; the aspect ratio may be at most {self.max_aspect:g}:1.")


QWEN_FIXED = ("1664*928", "1472*1104", "1328*1328", "1104*1472", "928*1664")
SIZE_RULES: dict[str, SizeRule] = {
    "wan2.5": SizeRule("pixels", 768, 1440, prompt_limit=2000),  # wan2.5 prompt limit from [3P], UNCONFIRMED
    "wan2.6": SizeRule("pixels", 768, 1440, prompt_limit=2100),
    "qwen-image-2.0": SizeRule("pixels", 512, 2048, max_aspect=8.0, max_n=6, prompt_limit=1300),
    "z-image": SizeRule("pixels", 512, 2048, max_aspect=8.0, max_n=1),  # UNCONFIRMED: assumed like qwen-image-2.0
    "qwen-image": SizeRule("fixed", fixed=QWEN_FIXED, max_n=1),
    "wan": SizeRule("sides", 512, 1440),
}


def size_rule(model_name: str) -> SizeRule:
    for prefix, rule in SIZE_RULES.items():
        if model_name.startswith(prefix) or model_name.startswith(prefix.replace("wan", "wanx")):
            return rule
    return SIZE_RULES["wan"]


NEW_T2I_MODELS = [
    "wan2.6-t2i",
    "qwen-image-2.0",
    "qwen-image-2.0-pro",
    "z-image-turbo",
    "wan2.5-t2i-preview",
    "wan2.2-t2i-flash",
    "wan2.2-t2i-plus",
    "wanx2.1-t2i-turbo",
    "wanx2.1-t2i-plus",
    "wanx2.0-t2i-turbo",
    "qwen-image-plus",
    "qwen-image-max",
    "qwen-image",
]


def modern_t2i_body(
    spec: models.ModelSpec,
    prompt: str,
    negative: str,
    width: int,
    height: int,
    n: int,
    seed: int,
    extras: dict[str, Any],
) -> dict[str, Any]:
    """The request body for one call: the sync multimodal protocol (spec 5) or the async text2image one (11.2)."""
    parameters: dict[str, Any] = {"size": f"{width}*{height}", "n": n, "seed": seed, **extras}
    if spec.path == models.MULTIMODAL:
        if negative:
            parameters["negative_prompt"] = negative
        return {
            "model": spec.name,
            "input": {"messages": [{"role": "user", "content": [{"text": prompt}]}]},
            "parameters": parameters,
        }
    body: dict[str, Any] = {"model": spec.name, "input": {"prompt": prompt}, "parameters": parameters}
    if negative:
        # qwen's async docs put it in parameters, wan's in input (spec 11.3); the service reads either.
        (parameters if spec.name.startswith("qwen") else body["input"])["negative_prompt"] = negative
    return body


class WanQwenTextToImage(PackNode):
    NODE_ID = "DashScopeImgModernTextToImage"
    DISPLAY_NAME = "DashScope Wan / Qwen Text to Image"
    CATEGORY = "DashScope/Text to Image"
    DESCRIPTION = (
        "The current DashScope text-to-image models: Wan 2.x (wan2.6-t2i, wan2.5, wan2.2, wanx2.1/2.0), Qwen-Image "
        "(qwen-image-2.0, -pro, and the older qwen-image/-plus/-max) and z-image-turbo. Size rules differ by model: "
        "wan2.2 and older take 512-1440 px per side; wan2.5/2.6 768x768 to 1440x1440 pixels in total; qwen-image-2.0 "
        "512x512 to 2048x2048 in total; qwen-image/-plus/-max one of five fixed sizes. A newer model can be typed into "
        "'custom_model' without updating the pack."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "model": (
                    NEW_T2I_MODELS,
                    {"default": "wan2.6-t2i", "tooltip": model_tooltip(NEW_T2I_MODELS, "Which model draws.")},
                ),
                "prompt": prompt_input(
                    2100, what="What to draw (wan2.2 and older: 800 characters; qwen-image-2.0: 1300)"
                ),
                "negative_prompt": _negative_input(),
                "width": (
                    "INT",
                    {
                        "default": 1280,
                        "min": 256,
                        "max": 4096,
                        "step": 16,
                        "tooltip": "Output width in pixels (see the model's size rule in the node description).",
                    },
                ),
                "height": (
                    "INT",
                    {"default": 1280, "min": 256, "max": 4096, "step": 16, "tooltip": "Output height in pixels."},
                ),
                "n": (
                    "INT",
                    {
                        "default": 1,
                        "min": 1,
                        "max": 6,
                        "tooltip": "Images to make (each billed). Models that return one image per call are called n times.",
                    },
                ),
                "seed": seed_input(),
                "prompt_extend": (
                    "BOOLEAN",
                    {"default": False, "tooltip": "Let the service rewrite the prompt with an LLM (adds 3-4 s)."},
                ),
                "watermark": (
                    "BOOLEAN",
                    {"default": False, "tooltip": "Add the service's 'AI生成' / 'Qwen-Image' mark."},
                ),
            },
            "optional": {
                "custom_model": (
                    "STRING",
                    {
                        "default": "",
                        "tooltip": "Overrides 'model' with any model name DashScope offers (e.g. a newer wan2.x or qwen-image release). Leave empty to use the list.",
                    },
                ),
            },
            "hidden": HIDDEN,
        }

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
        check = Check(self.DISPLAY_NAME)
        name = (custom_model or "").strip() or check.choice("model", model, NEW_T2I_MODELS)
        spec = models.guess_spec(name)
        rule = size_rule(name)
        prompt = check.text("prompt", prompt, rule.prompt_limit, required=True)
        negative = check.text("negative_prompt", negative_prompt, NEGATIVE_LIMIT)
        rule.check(check, int(width), int(height))
        check.number("n", n, 1, 6)
        extras = {"prompt_extend": bool(prompt_extend), "watermark": bool(watermark)}
        jobs = []
        remaining, call = int(n), 0
        while remaining > 0:
            count = min(remaining, rule.max_n)
            body = modern_t2i_body(
                spec,
                prompt,
                negative,
                int(width),
                int(height),
                count,
                (int(seed) + call * rule.max_n) % 2147483648,
                extras,
            )
            jobs.append(Job(spec, body, label=f"call {call + 1}"))
            remaining -= count
            call += 1
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


# --- Stable Diffusion and FLUX (retired at the service on 2026-03-30) -------------------------

SD_MODELS = [
    "stable-diffusion-xl",
    "stable-diffusion-v1.5",
    "stable-diffusion-3.5-large",
    "stable-diffusion-3.5-large-turbo",
]
SD_SIDES = [str(v) for v in range(512, 1025, 128)]
FLUX_MODELS = ["flux-schnell", "flux-dev", "flux-merged"]
FLUX_SIZES = ["1024*1024", "512*1024", "768*512", "768*1024", "1024*576", "576*1024"]
RETIRED_NOTE = "Retired at the service on 2026-03-30: kept for seed-era workflows; the error names the successor."


class StableDiffusion(PackNode):
    NODE_ID = "DashScopeImgStableDiffusion"
    DISPLAY_NAME = "DashScope Stable Diffusion (retired)"
    CATEGORY = "DashScope/Text to Image"
    DESCRIPTION = (
        "Stable Diffusion 1.5 / XL / 3.5 hosted on DashScope. " + RETIRED_NOTE + " Sizes: v1.5 512x512 only; XL and "
        "3.5 512-1024 px per side in steps of 128. steps 1-500, scale 1-15, 1-4 images."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "model": (
                    SD_MODELS,
                    {
                        "default": "stable-diffusion-xl",
                        "tooltip": model_tooltip(SD_MODELS, "Which Stable Diffusion model."),
                    },
                ),
                "prompt": prompt_input(800, what="What to draw (English works best)"),
                "negative_prompt": _negative_input(),
                "width": (SD_SIDES, {"default": "1024", "tooltip": "Width in px (v1.5: 512 only)."}),
                "height": (SD_SIDES, {"default": "1024", "tooltip": "Height in px (v1.5: 512 only)."}),
                "n": ("INT", {"default": 1, "min": 1, "max": 4, "tooltip": "Images in this task (1-4)."}),
                "steps": ("INT", {"default": 50, "min": 1, "max": 500, "tooltip": "Denoising steps (1-500)."}),
                "scale": (
                    "FLOAT",
                    {"default": 10.0, "min": 1.0, "max": 15.0, "step": 0.5, "tooltip": "Prompt guidance scale (1-15)."},
                ),
                "seed": seed_input("Image i uses seed + i."),
            },
            "hidden": HIDDEN,
        }

    async def run(self, model, prompt, negative_prompt, width, height, n, steps, scale, seed, unique_id=None):
        check = Check(self.DISPLAY_NAME)
        check.choice("model", model, SD_MODELS)
        check.choice("width", str(width), SD_SIDES)
        check.choice("height", str(height), SD_SIDES)
        if model == "stable-diffusion-v1.5" and (str(width), str(height)) != ("512", "512"):
            raise check.fail("width", f"is {width}x{height}; stable-diffusion-v1.5 only makes 512x512.")
        body = {
            "model": model,
            "input": {"prompt": check.text("prompt", prompt, 800, required=True)},
            "parameters": {
                "size": f"{width}*{height}",
                "n": int(check.number("n", n, 1, 4)),
                "steps": int(check.number("steps", steps, 1, 500)),
                "scale": float(check.number("scale", scale, 1, 15)),
                "seed": int(seed),
            },
        }
        negative = check.text("negative_prompt", negative_prompt, NEGATIVE_LIMIT)
        if negative:
            body["input"]["negative_prompt"] = negative
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run([Job(models.model(model), body)]))


class Flux(PackNode):
    NODE_ID = "DashScopeImgFlux"
    DISPLAY_NAME = "DashScope FLUX (retired)"
    CATEGORY = "DashScope/Text to Image"
    DESCRIPTION = "FLUX schnell / dev / merged hosted on DashScope. " + RETIRED_NOTE + " One image per task."

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "model": (
                    FLUX_MODELS,
                    {"default": "flux-schnell", "tooltip": model_tooltip(FLUX_MODELS, "Which FLUX model.")},
                ),
                "prompt": prompt_input(800),
                "size": (FLUX_SIZES, {"default": "1024*1024", "tooltip": "Output width*height in pixels."}),
                "steps": (
                    "INT",
                    {"default": 4, "min": 1, "max": 100, "tooltip": "Sampling steps (schnell ~4, dev/merged ~50)."},
                ),
                "guidance": (
                    "FLOAT",
                    {"default": 3.5, "min": 0.0, "max": 20.0, "step": 0.1, "tooltip": "Guidance strength (about 3.5)."},
                ),
                "seed": seed_input(),
            },
            "hidden": HIDDEN,
        }

    async def run(self, model, prompt, size, steps, guidance, seed, unique_id=None):
        check = Check(self.DISPLAY_NAME)
        check.choice("model", model, FLUX_MODELS)
        body = {
            "model": model,
            "input": {"prompt": check.text("prompt", prompt, 800, required=True)},
            # Field names from a third-party listing (spec 11.20, UNCONFIRMED); offload and
            # add_sampling_metadata are left at the service's defaults.
            "parameters": {
                "size": check.choice("size", size, FLUX_SIZES),
                "steps": int(check.number("steps", steps, 1, 100)),
                "guidance": float(check.number("guidance", guidance, 0, 20)),
                "seed": int(seed),
            },
        }
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run([Job(models.model(model), body)]))


NODES = [WanxV1TextToImage, WanxV1SimilarImage, WanQwenTextToImage, StableDiffusion, Flux]

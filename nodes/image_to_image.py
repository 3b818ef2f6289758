"""Image-to-image nodes: background generation, sketch to image, instruction editing (Wan and Qwen)."""

from __future__ import annotations

import re
from typing import Any

import torch

from . import models
from .base import HIDDEN, PackNode, image_outputs, model_tooltip, prompt_input, seed_input
from .editing import PAINT_STYLES, checked_masks
from .images import encode_image, encode_mask, encode_pil, encode_rgba, image_batch, to_uint8
from .runner import ImageRef, Job, Runner, encode_all
from .validation import Check

SCENE_TYPES = ["none", "GENERAL", "ROOM", "COSMETIC"]
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def check_guide_text(check: Check, name: str, text: str) -> str:
    """Background prompts: at most ~120 Chinese characters or 150 English words (the rest is ignored)."""
    text = (text or "").strip()
    chinese = len(_CJK.findall(text))
    words = len(_CJK.sub(" ", text).split())
    if chinese > 120 or words > 150:
        raise check.fail(
            name,
            f"holds {chinese} Chinese characters and {words} English words; the limit is about 120 Chinese characters or 150 English words.",
        )
    return text


class BackgroundGeneration(PackNode):
    NODE_ID = "DashScopeImgBackground"
    DISPLAY_NAME = "DashScope Background Generation (背景生成)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "wanx-background-generation-v2: a new background around a product or person. Give the foreground as an image "
        "with transparency (RGBA), or an image plus a MASK (1 = foreground) to cut it out. Describe the background with "
        "ref_prompt and/or a reference image (at least one). Long side at most 2048 px; the result has the same size. "
        "model_version v3 is slower and better. " + models.model("wanx-background-generation-v2").status_note() + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "foreground": (
                    "IMAGE",
                    {"tooltip": "The product or person; RGBA, or RGB with 'mask'. Long side at most 2048 px."},
                ),
                "ref_prompt": (
                    "STRING",
                    {
                        "multiline": True,
                        "default": "",
                        "tooltip": "The background to make (about 120 Chinese characters or 150 English words at most).",
                    },
                ),
                "neg_ref_prompt": (
                    "STRING",
                    {"multiline": True, "default": "", "tooltip": "What the background should not have. Optional."},
                ),
                "model_version": (
                    ["v2", "v3"],
                    {
                        "default": "v2",
                        "tooltip": model_tooltip(["wanx-background-generation-v2"], "v2: fast. v3: slower, better."),
                    },
                ),
                "n": (
                    "INT",
                    {"default": 1, "min": 1, "max": 4, "tooltip": "Images per foreground (1-4); each is billed."},
                ),
                "noise_level": (
                    "INT",
                    {
                        "default": 300,
                        "min": 0,
                        "max": 999,
                        "tooltip": "With a reference image: higher = less like the reference (0-999).",
                    },
                ),
                "ref_prompt_weight": (
                    "FLOAT",
                    {
                        "default": 0.5,
                        "min": 0.0,
                        "max": 1.0,
                        "step": 0.05,
                        "tooltip": "With both a reference image and ref_prompt: the weight of the text (0-1).",
                    },
                ),
                "scene_type": (
                    SCENE_TYPES,
                    {"default": "none", "tooltip": "Deprecated by the service; 'none' sends nothing."},
                ),
            },
            "optional": {
                "mask": ("MASK", {"tooltip": "1 = foreground to keep; needed when 'foreground' has no transparency."}),
                "reference": ("IMAGE", {"tooltip": "A background to take after (transparent areas are ignored)."}),
                "foreground_edge": ("IMAGE", {"tooltip": "Optional edge guide for the foreground (RGBA line art)."}),
                "foreground_edge_prompt": (
                    "STRING",
                    {"default": "", "tooltip": "What the foreground edge guide shows."},
                ),
                "background_edge": ("IMAGE", {"tooltip": "Optional edge guide for the background (RGBA line art)."}),
                "background_edge_prompt": (
                    "STRING",
                    {"default": "", "tooltip": "What the background edge guide shows."},
                ),
            },
            "hidden": HIDDEN,
        }

    async def run(
        self,
        foreground,
        ref_prompt,
        neg_ref_prompt,
        model_version,
        n,
        noise_level,
        ref_prompt_weight,
        scene_type,
        mask=None,
        reference=None,
        foreground_edge=None,
        foreground_edge_prompt="",
        background_edge=None,
        background_edge_prompt="",
        unique_id=None,
    ):
        check = Check(self.DISPLAY_NAME)
        images = image_batch(foreground)
        check.batch("foreground", images)
        ref_prompt = check_guide_text(check, "ref_prompt", ref_prompt)
        neg_ref_prompt = check_guide_text(check, "neg_ref_prompt", neg_ref_prompt)
        if not ref_prompt and reference is None:
            raise check.fail(
                "ref_prompt", "is empty and no reference image is connected; the service needs at least one of them."
            )
        check.choice("model_version", model_version, ["v2", "v3"])
        check.choice("scene_type", scene_type, SCENE_TYPES)
        check.number("n", n, 1, 4)
        check.number("noise_level", noise_level, 0, 999)
        check.number("ref_prompt_weight", ref_prompt_weight, 0.0, 1.0)
        if mask is None and images.shape[-1] != 4:
            raise check.fail(
                "mask",
                "is not connected and the foreground has no transparency; connect a MASK (1 = foreground) or an RGBA image.",
            )
        for item in images:
            check.sides("foreground", item.shape[0], item.shape[1], 64, 2048)
        alphas = checked_masks(check, "mask", mask, images) if mask is not None else [item[..., 3] for item in images]
        fields: dict[str, Any] = {}
        if ref_prompt:
            fields["ref_prompt"] = ref_prompt
        if neg_ref_prompt:
            fields["neg_ref_prompt"] = neg_ref_prompt
        parameters: dict[str, Any] = {"model_version": model_version, "n": int(n)}
        if reference is not None:
            fields["ref_image_url"] = ImageRef(
                encode_image(image_batch(reference)[0], keep_alpha=image_batch(reference).shape[-1] == 4)
            )
            parameters["noise_level"] = int(noise_level)
            if ref_prompt:
                parameters["ref_prompt_weight"] = float(ref_prompt_weight)
        if scene_type != "none":
            parameters["scene_type"] = scene_type
        edges: dict[str, list[Any]] = {}
        for kind, guide, text in (
            ("foreground", foreground_edge, foreground_edge_prompt),
            ("background", background_edge, background_edge_prompt),
        ):
            if guide is not None:
                edges[f"{kind}_edge"] = [ImageRef(encode_image(image_batch(guide)[0], keep_alpha=True))]
                edges[f"{kind}_edge_prompt"] = [(text or "").strip()]
        if edges:
            fields["reference_edge"] = edges
        jobs = []
        for index, (item, alpha) in enumerate(zip(images, alphas, strict=True)):
            cutout = check.file_size("foreground", encode_rgba(item[..., :3], alpha), 10)
            body = {
                "model": "wanx-background-generation-v2",
                "input": {"base_image_url": ImageRef(cutout), **fields},
                "parameters": parameters,
            }
            jobs.append(Job(models.model("wanx-background-generation-v2"), body, label=f"image {index + 1}"))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


def clean_sketch(image: torch.Tensor, invert: bool, binarize: bool, threshold: float) -> torch.Tensor:
    """A sketch as the service wants it: dark lines on white, optionally exactly black and white."""
    gray = image[..., :3].mean(dim=-1)
    if invert:
        gray = 1.0 - gray
    if binarize:
        gray = (gray >= threshold).float()
    return gray


class SketchToImage(PackNode):
    NODE_ID = "DashScopeImgSketch"
    DISPLAY_NAME = "DashScope Sketch to Image (涂鸦作画)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "wanx-sketch-to-image-lite: a painting from a line sketch (dark lines on white). 'invert' turns white-on-black "
        "line art around; 'binarize' makes the lines exactly black on white. Sketch: each side 256-2048 px, at most "
        "10 MB; the result is 768x768."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "sketch": (
                    "IMAGE",
                    {
                        "tooltip": "Line drawing, dark lines on white; each side 256-2048 px. A batch runs one task per sketch."
                    },
                ),
                "prompt": prompt_input(75, what="What the sketch shows"),
                "style": (PAINT_STYLES, {"default": "<auto>", "tooltip": "Painting style."}),
                "n": ("INT", {"default": 1, "min": 1, "max": 4, "tooltip": "Images per sketch (1-4); each is billed."}),
                "sketch_weight": (
                    "INT",
                    {"default": 10, "min": 0, "max": 10, "tooltip": "How strictly to follow the lines (0-10)."},
                ),
                "sketch_extraction": (
                    "BOOLEAN",
                    {
                        "default": False,
                        "tooltip": "The input is a photo: let the service extract its edges (then invert/binarize are skipped).",
                    },
                ),
                "invert": ("BOOLEAN", {"default": False, "tooltip": "The input is light lines on dark: swap them."}),
                "binarize": ("BOOLEAN", {"default": True, "tooltip": "Send exactly black lines on white."}),
                "threshold": (
                    "FLOAT",
                    {
                        "default": 0.5,
                        "min": 0.05,
                        "max": 0.95,
                        "step": 0.05,
                        "tooltip": "With binarize: brightness below this becomes a black line.",
                    },
                ),
            },
            "hidden": HIDDEN,
        }

    async def run(
        self, sketch, prompt, style, n, sketch_weight, sketch_extraction, invert, binarize, threshold, unique_id=None
    ):
        check = Check(self.DISPLAY_NAME)
        images = image_batch(sketch)
        check.batch("sketch", images)
        prompt = check.text("prompt", prompt, 75, required=True)
        check.choice("style", style, PAINT_STYLES)
        check.number("n", n, 1, 4)
        check.number("sketch_weight", sketch_weight, 0, 10)
        check.number("threshold", threshold, 0.05, 0.95)
        for item in images:
            check.sides("sketch", item.shape[0], item.shape[1], 256, 2048)

        def encode(item: torch.Tensor):
            if sketch_extraction:
                return encode_image(item)
            from PIL import Image

            return encode_pil(
                Image.fromarray(to_uint8(clean_sketch(item, invert, binarize, threshold)), "L"), lossless=True
            )

        jobs = []
        for index, picture in enumerate(await encode_all(list(images), encode)):
            check.file_size("sketch", picture, 10)
            body = {
                "model": "wanx-sketch-to-image-lite",
                "input": {"sketch_image_url": ImageRef(picture), "prompt": prompt},
                "parameters": {
                    "size": "768*768",
                    "n": int(n),
                    "style": style,
                    "sketch_weight": int(sketch_weight),
                    "sketch_extraction": bool(sketch_extraction),
                },
            }
            jobs.append(Job(models.model("wanx-sketch-to-image-lite"), body, label=f"sketch {index + 1}"))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


WAN_FUNCTIONS = [
    "description_edit",
    "description_edit_with_mask",
    "stylization_all",
    "stylization_local",
    "remove_watermark",
    "expand",
    "super_resolution",
    "colorization",
    "doodle",
    "control_cartoon_feature",
]


class WanImageEdit(PackNode):
    NODE_ID = "DashScopeImgWanEdit"
    DISPLAY_NAME = "DashScope Image Edit (Wan, 指令编辑)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "wanx2.1-imageedit: edit a picture by instruction. Functions: description_edit (change what the prompt says), "
        "description_edit_with_mask (only inside the MASK), stylization_all / _local, remove_watermark, expand (scale "
        "each side 1-2x), super_resolution (upscale 1-4x), colorization, doodle, control_cartoon_feature. Image: each "
        "side 512-4096 px, at most 10 MB. Also the successor of inpainting and outpainting."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        side = {"default": 1.0, "min": 1.0, "max": 2.0, "step": 0.05}
        return {
            "required": {
                "image": (
                    "IMAGE",
                    {"tooltip": "The picture to edit; each side 512-4096 px. A batch runs one task per image."},
                ),
                "function": (
                    WAN_FUNCTIONS,
                    {"default": "description_edit", "tooltip": "What kind of edit; only its own settings are sent."},
                ),
                "prompt": prompt_input(800, what="The instruction, e.g. 'make it snow'"),
                "n": (
                    "INT",
                    {"default": 1, "min": 1, "max": 4, "tooltip": "Images per input image (1-4); each is billed."},
                ),
                "seed": seed_input(),
                "strength": (
                    "FLOAT",
                    {
                        "default": 0.5,
                        "min": 0.0,
                        "max": 1.0,
                        "step": 0.05,
                        "tooltip": "stylization_all and description_edit: how strongly to change (0-1).",
                    },
                ),
                "top_scale": ("FLOAT", {**side, "tooltip": "expand: grow the top by this factor (1-2)."}),
                "bottom_scale": ("FLOAT", {**side, "tooltip": "expand: grow the bottom (1-2)."}),
                "left_scale": ("FLOAT", {**side, "tooltip": "expand: grow the left side (1-2)."}),
                "right_scale": ("FLOAT", {**side, "tooltip": "expand: grow the right side (1-2)."}),
                "upscale_factor": (
                    "INT",
                    {"default": 2, "min": 1, "max": 4, "tooltip": "super_resolution: 1 = enhance only, up to 4x."},
                ),
                "is_sketch": ("BOOLEAN", {"default": False, "tooltip": "doodle: the input already is a line drawing."}),
                "watermark": ("BOOLEAN", {"default": False, "tooltip": "Add the service's 'AI生成' mark."}),
            },
            "optional": {
                "mask": (
                    "MASK",
                    {"tooltip": "description_edit_with_mask only: white (1) = edit. Same size as the image."},
                )
            },
            "hidden": HIDDEN,
        }

    async def run(
        self,
        image,
        function,
        prompt,
        n,
        seed,
        strength,
        top_scale,
        bottom_scale,
        left_scale,
        right_scale,
        upscale_factor,
        is_sketch,
        watermark,
        mask=None,
        unique_id=None,
    ):
        check = Check(self.DISPLAY_NAME)
        images = image_batch(image)
        check.batch("image", images)
        check.choice("function", function, WAN_FUNCTIONS)
        prompt = check.text("prompt", prompt, 800, required=True)
        check.number("n", n, 1, 4)
        parameters: dict[str, Any] = {"n": int(n), "seed": int(seed), "watermark": bool(watermark)}
        if function in ("stylization_all", "description_edit"):
            parameters["strength"] = float(check.number("strength", strength, 0.0, 1.0))
        elif function == "expand":
            for name, value in (
                ("top_scale", top_scale),
                ("bottom_scale", bottom_scale),
                ("left_scale", left_scale),
                ("right_scale", right_scale),
            ):
                parameters[name] = float(check.number(name, value, 1.0, 2.0))
        elif function == "super_resolution":
            parameters["upscale_factor"] = int(check.number("upscale_factor", upscale_factor, 1, 4))
        elif function == "doodle":
            parameters["is_sketch"] = bool(is_sketch)
        for item in images:
            check.sides("image", item.shape[0], item.shape[1], 512, 4096)
        masks = []
        if function == "description_edit_with_mask":
            if mask is None:
                raise check.fail("mask", "is not connected; description_edit_with_mask needs a MASK (white = edit).")
            masks = checked_masks(check, "mask", mask, images)
        jobs = []
        for index, picture in enumerate(await encode_all(list(images), encode_image)):
            check.file_size("image", picture, 10)
            fields: dict[str, Any] = {"function": function, "prompt": prompt, "base_image_url": ImageRef(picture)}
            if masks:
                fields["mask_image_url"] = ImageRef(encode_mask(masks[index]))
            body = {"model": "wanx2.1-imageedit", "input": fields, "parameters": dict(parameters)}
            jobs.append(Job(models.model("wanx2.1-imageedit"), body, label=f"image {index + 1}"))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


QWEN_EDIT_MODELS = [
    "qwen-image-2.0",
    "qwen-image-2.0-pro",
    "qwen-image-edit-plus",
    "qwen-image-edit-max",
    "qwen-image-edit",
]


class QwenImageEdit(PackNode):
    NODE_ID = "DashScopeImgQwenEdit"
    DISPLAY_NAME = "DashScope Image Edit (Qwen, 指令编辑)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "Qwen-Image editing by instruction, with 1-3 pictures (the result takes the last picture's aspect), e.g. "
        "'put the product from picture 1 on the table of picture 2'. qwen-image-2.0(-pro) is current; the qwen-image-edit "
        "models were retired on 2026-10-10. Pictures: at most 10 MB, 384-3072 px per side. plain qwen-image-edit makes 1 "
        "image and takes no size; the others 1-6 images and an optional size (0 = follow the last picture)."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "image": ("IMAGE", {"tooltip": "Picture 1 (a batch runs one call per image). 384-3072 px per side."}),
                "model": (
                    QWEN_EDIT_MODELS,
                    {
                        "default": "qwen-image-2.0",
                        "tooltip": model_tooltip(QWEN_EDIT_MODELS, "Which Qwen model edits."),
                    },
                ),
                "prompt": prompt_input(
                    1300, what="The instruction (qwen-image-edit*: 800 characters; qwen-image-2.0: 1300)"
                ),
                "negative_prompt": (
                    "STRING",
                    {"multiline": True, "default": "", "tooltip": "What to avoid. Optional, at most 500 characters."},
                ),
                "n": (
                    "INT",
                    {
                        "default": 1,
                        "min": 1,
                        "max": 6,
                        "tooltip": "Images to make (1-6; plain qwen-image-edit: 1). Each is billed.",
                    },
                ),
                "width": (
                    "INT",
                    {
                        "default": 0,
                        "min": 0,
                        "max": 2048,
                        "step": 16,
                        "tooltip": "0 = follow the last picture. Otherwise 512-2048 (qwen-image-2.0: by total pixels).",
                    },
                ),
                "height": (
                    "INT",
                    {"default": 0, "min": 0, "max": 2048, "step": 16, "tooltip": "0 = follow the last picture."},
                ),
                "seed": seed_input(),
                "prompt_extend": (
                    "BOOLEAN",
                    {
                        "default": False,
                        "tooltip": "Let the service rewrite the instruction (not for plain qwen-image-edit).",
                    },
                ),
                "watermark": ("BOOLEAN", {"default": False, "tooltip": "Add the 'Qwen-Image' mark."}),
            },
            "optional": {
                "image_2": ("IMAGE", {"tooltip": "Optional picture 2."}),
                "image_3": ("IMAGE", {"tooltip": "Optional picture 3."}),
            },
            "hidden": HIDDEN,
        }

    async def run(
        self,
        image,
        model,
        prompt,
        negative_prompt,
        n,
        width,
        height,
        seed,
        prompt_extend,
        watermark,
        image_2=None,
        image_3=None,
        unique_id=None,
    ):
        check = Check(self.DISPLAY_NAME)
        check.choice("model", model, QWEN_EDIT_MODELS)
        plain = model == "qwen-image-edit"
        limit = 1300 if model.startswith("qwen-image-2.0") else 800
        prompt = check.text("prompt", prompt, limit, required=True)
        negative = check.text("negative_prompt", negative_prompt, 500)
        check.number("n", n, 1, 1 if plain else 6)
        images = image_batch(image)
        check.batch("image", images)
        extras = [
            (name, image_batch(tensor)[0])
            for name, tensor in (("image_2", image_2), ("image_3", image_3))
            if tensor is not None
        ]
        for name, item in [("image", i) for i in images] + extras:
            check.sides(name, item.shape[0], item.shape[1], 384, 3072)
        parameters: dict[str, Any] = {"n": int(n), "seed": int(seed), "watermark": bool(watermark)}
        if negative:
            parameters["negative_prompt"] = negative
        if not plain:
            parameters["prompt_extend"] = bool(prompt_extend)
            if width or height:
                if not (width and height):
                    raise check.fail("width", "and height must both be 0 (follow the picture) or both be set.")
                if model.startswith("qwen-image-2.0"):
                    if not 512**2 <= width * height <= 2048**2:
                        raise check.fail(
                            "width",
                            f"x height = {width * height} pixels; qwen-image-2.0 needs 512x512 to 2048x2048 in total.",
                        )
                else:
                    check.sides("width", height, width, 512, 2048)
                parameters["size"] = f"{int(width)}*{int(height)}"
        elif width or height:
            raise check.fail("width", "must be 0: plain qwen-image-edit takes no size (it follows the last picture).")
        extra_refs = []
        for name, item in extras:
            extra_refs.append(ImageRef(check.file_size(name, encode_image(item), 10)))
        jobs = []
        spec = models.model(model)
        for index, picture in enumerate(await encode_all(list(images), encode_image)):
            check.file_size("image", picture, 10)
            content = [{"image": ImageRef(picture)}, *({"image": ref} for ref in extra_refs), {"text": prompt}]
            body = {
                "model": model,
                "input": {"messages": [{"role": "user", "content": content}]},
                "parameters": dict(parameters),
            }
            jobs.append(Job(spec, body, label=f"image {index + 1}"))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


NODES = [BackgroundGeneration, SketchToImage, WanImageEdit, QwenImageEdit]

"""Region editing nodes: inpainting (wanx-x-painting), erase and complete, outpainting."""

from __future__ import annotations

from typing import Any

import torch

from . import models
from .base import HIDDEN, PackNode, image_outputs, model_tooltip, prompt_input
from .images import binary_mask, encode_image, encode_mask, image_batch, mask_batch, resize_image, to_float
from .runner import ImageRef, Job, Runner, encode_all
from .validation import Check

PAINT_STYLES = [
    "<auto>",
    "<3d cartoon>",
    "<anime>",
    "<oil painting>",
    "<watercolor>",
    "<sketch>",
    "<chinese painting>",
    "<flat illustration>",
]
X_PAINTING_SIZES = ["1024*1024", "720*1280", "1280*720"]
OUTPAINT_MODES = ["ratio", "scale", "offsets", "rotate only"]
OUTPUT_RATIOS = ["1:1", "3:4", "4:3", "9:16", "16:9"]


def checked_masks(
    check: Check, name: str, mask: torch.Tensor, images: torch.Tensor, required: bool = True
) -> list[torch.Tensor]:
    """One binary-ready mask per image (a single mask is used for every image), sized like its image."""
    masks = mask_batch(mask)
    picked = []
    for index, image in enumerate(images):
        item = check.pick(name, masks, index, images.shape[0])
        check.same_size(name, tuple(item.shape), (image.shape[0], image.shape[1]))
        if required and not bool((item >= 0.5).any()):
            raise check.fail(name, "is empty (no pixel is selected); paint the area to change in white.")
        picked.append(item)
    return picked


def paste_inside_mask(result: torch.Tensor, original: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Put the service's result back at the original resolution, inside the mask only: every pixel outside
    the (binarised) mask is exactly the original."""
    resized = resize_image(to_float(result), original.shape[0], original.shape[1])
    keep = torch.from_numpy(binary_mask(mask) == 0)[..., None]
    return torch.where(keep, original[..., :3], resized)


class Inpainting(PackNode):
    NODE_ID = "DashScopeImgInpainting"
    DISPLAY_NAME = "DashScope Inpainting (局部重绘)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "通义万相 wanx-x-painting: repaint the white area of a mask from a prompt. Image and mask: each side more than "
        "256 and less than 4096 px, at most 10 MB, the mask the same size as the image. The service answers at the "
        "chosen size; 'composite' (on by default) puts the result back at your image's size inside the mask only. "
        + models.model("wanx-x-painting").status_note()
        + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "image": ("IMAGE", {"tooltip": "The picture to edit; a batch runs one task per image."}),
                "mask": (
                    "MASK",
                    {
                        "tooltip": "White (1) = repaint, black = keep. Same size as the image; one mask for all, or one per image."
                    },
                ),
                "prompt": prompt_input(75, what="What to paint in the masked area"),
                "style": (
                    PAINT_STYLES,
                    {"default": "<auto>", "tooltip": model_tooltip(["wanx-x-painting"], "Painting style.")},
                ),
                "size": (
                    X_PAINTING_SIZES,
                    {"default": "1024*1024", "tooltip": "The size the service paints at (width*height)."},
                ),
                "n": (
                    "INT",
                    {"default": 1, "min": 1, "max": 4, "tooltip": "Images per input image (1-4); each is billed."},
                ),
                "composite": (
                    "BOOLEAN",
                    {
                        "default": True,
                        "tooltip": "Paste the result back onto the original, inside the mask only, at the original size.",
                    },
                ),
            },
            "hidden": HIDDEN,
        }

    async def run(self, image, mask, prompt, style, size, n, composite, unique_id=None):
        check = Check(self.DISPLAY_NAME)
        images = image_batch(image)
        check.batch("image", images)
        prompt = check.text("prompt", prompt, 75, required=True)
        check.choice("style", style, PAINT_STYLES)
        check.choice("size", size, X_PAINTING_SIZES)
        check.number("n", n, 1, 4)
        for item in images:
            check.sides("image", item.shape[0], item.shape[1], 256, 4096, strict=True)
        masks = checked_masks(check, "mask", mask, images)
        encoded = await encode_all(list(images), encode_image)
        encoded_masks = await encode_all(masks, encode_mask)
        jobs = []
        for index, (picture, region) in enumerate(zip(encoded, encoded_masks, strict=True)):
            check.file_size("image", picture, 10)
            body = {
                "model": "wanx-x-painting",
                "input": {"prompt": prompt, "base_image_url": ImageRef(picture), "mask_image_url": ImageRef(region)},
                "parameters": {"style": style, "size": size, "n": int(n)},
            }
            jobs.append(Job(models.model("wanx-x-painting"), body, label=f"image {index + 1}"))
        results = await Runner(self.DISPLAY_NAME, unique_id).run(jobs)
        if composite:
            for result, original, region in zip(results, images, masks, strict=True):
                result.images = [(paste_inside_mask(rgb, original, region), None) for rgb, _ in result.images]
        return image_outputs(results)


class EraseAndComplete(PackNode):
    NODE_ID = "DashScopeImgErase"
    DISPLAY_NAME = "DashScope Erase and Complete (消除)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "image-erase-completion: remove what the mask covers and fill it in naturally. Optional keep mask protects a "
        "foreground. Image and masks: each side 512-4096 px, at most 10 MB, masks the same size as the image. Chains "
        "after 'DashScope Person Segmentation' + 'DashScope Pick Person Masks' to erase people. "
        + models.model("image-erase-completion").status_note()
        + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "image": ("IMAGE", {"tooltip": "The picture; a batch runs one task per image. Each side 512-4096 px."}),
                "mask": ("MASK", {"tooltip": "White (1) = erase. Same size as the image."}),
                "dilate": (
                    "BOOLEAN",
                    {"default": False, "tooltip": "Grow the mask a little first; recommended with segmentation masks."},
                ),
                "fast_mode": (
                    "BOOLEAN",
                    {"default": False, "tooltip": "Faster, less detailed; the keep mask is then not needed."},
                ),
                "add_watermark": ("BOOLEAN", {"default": False, "tooltip": "Add the service's AI-generated mark."}),
            },
            "optional": {
                "keep_mask": (
                    "MASK",
                    {
                        "tooltip": "Optional: white (1) = must stay untouched (e.g. the person to keep). Same size as the image."
                    },
                ),
            },
            "hidden": HIDDEN,
        }

    async def run(self, image, mask, dilate, fast_mode, add_watermark, keep_mask=None, unique_id=None):
        check = Check(self.DISPLAY_NAME)
        images = image_batch(image)
        check.batch("image", images)
        for item in images:
            check.sides("image", item.shape[0], item.shape[1], 512, 4096)
        masks = checked_masks(check, "mask", mask, images)
        keeps = checked_masks(check, "keep_mask", keep_mask, images, required=False) if keep_mask is not None else []
        encoded = await encode_all(list(images), encode_image)
        jobs = []
        for index, picture in enumerate(encoded):
            check.file_size("image", picture, 10)
            fields: dict[str, Any] = {"image_url": ImageRef(picture), "mask_url": ImageRef(encode_mask(masks[index]))}
            if keeps:
                fields["foreground_url"] = ImageRef(encode_mask(keeps[index]))
            body = {
                "model": "image-erase-completion",
                "input": fields,
                "parameters": {
                    "dilate_flag": bool(dilate),
                    "fast_mode": bool(fast_mode),
                    "add_watermark": bool(add_watermark),
                },
            }
            jobs.append(Job(models.model("image-erase-completion"), body, label=f"image {index + 1}"))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


class Outpainting(PackNode):
    NODE_ID = "DashScopeImgOutpainting"
    DISPLAY_NAME = "DashScope Outpainting (扩图)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "image-out-painting: extend the canvas beyond the picture's edges. Choose one mode: a target ratio, scale "
        "factors (1-3x per axis), pixel offsets per side (each pair less than 3x the side), or a rotation. Image: each "
        "side 512-4096 px, at most 10 MB; the result's aspect must stay within 1:4 to 4:1. "
        + models.model("image-out-painting").status_note()
        + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        offset = {"default": 0, "min": 0, "max": 12288, "step": 8}
        scale = {"default": 1.0, "min": 1.0, "max": 3.0, "step": 0.05}
        return {
            "required": {
                "image": (
                    "IMAGE",
                    {"tooltip": "The picture to extend; each side 512-4096 px. A batch runs one task per image."},
                ),
                "mode": (
                    OUTPAINT_MODES,
                    {
                        "default": "ratio",
                        "tooltip": model_tooltip(
                            ["image-out-painting"], "Which way to extend; only that mode's inputs are sent."
                        ),
                    },
                ),
                "output_ratio": (
                    OUTPUT_RATIOS,
                    {"default": "16:9", "tooltip": "mode 'ratio': the width:height of the result."},
                ),
                "x_scale": ("FLOAT", {**scale, "tooltip": "mode 'scale': widen by this factor (1-3), centred."}),
                "y_scale": ("FLOAT", {**scale, "tooltip": "mode 'scale': heighten by this factor (1-3), centred."}),
                "top_offset": (
                    "INT",
                    {**offset, "tooltip": "mode 'offsets': pixels added above; top + bottom less than 3x the height."},
                ),
                "bottom_offset": ("INT", {**offset, "tooltip": "mode 'offsets': pixels added below."}),
                "left_offset": (
                    "INT",
                    {**offset, "tooltip": "mode 'offsets': pixels added left; left + right less than 3x the width."},
                ),
                "right_offset": ("INT", {**offset, "tooltip": "mode 'offsets': pixels added right."}),
                "angle": (
                    "INT",
                    {
                        "default": 0,
                        "min": 0,
                        "max": 359,
                        "tooltip": "Rotate counter-clockwise first (0-359 degrees); 'rotate only' may not use 0, 90, 180 or 270.",
                    },
                ),
                "best_quality": ("BOOLEAN", {"default": False, "tooltip": "Better but much slower."}),
                "limit_image_size": (
                    "BOOLEAN",
                    {"default": True, "tooltip": "Keep the result under 5 MB (recommended)."},
                ),
                "add_watermark": (
                    "BOOLEAN",
                    {"default": False, "tooltip": "Add the service's 'Generated by AI' mark."},
                ),
            },
            "hidden": HIDDEN,
        }

    async def run(
        self,
        image,
        mode,
        output_ratio,
        x_scale,
        y_scale,
        top_offset,
        bottom_offset,
        left_offset,
        right_offset,
        angle,
        best_quality,
        limit_image_size,
        add_watermark,
        unique_id=None,
    ):
        check = Check(self.DISPLAY_NAME)
        images = image_batch(image)
        check.batch("image", images)
        check.choice("mode", mode, OUTPAINT_MODES)
        check.number("angle", angle, 0, 359)
        parameters: dict[str, Any] = {
            "angle": int(angle),
            "best_quality": bool(best_quality),
            "limit_image_size": bool(limit_image_size),
            "add_watermark": bool(add_watermark),
        }
        if mode == "ratio":
            parameters["output_ratio"] = check.choice("output_ratio", output_ratio, OUTPUT_RATIOS)
        elif mode == "scale":
            check.number("x_scale", x_scale, 1.0, 3.0)
            check.number("y_scale", y_scale, 1.0, 3.0)
            if x_scale == 1.0 and y_scale == 1.0:
                raise check.fail(
                    "x_scale", "and y_scale are both 1.0; raise at least one (up to 3.0) to extend the picture."
                )
            parameters.update(x_scale=float(x_scale), y_scale=float(y_scale))
        elif mode == "offsets":
            if top_offset + bottom_offset + left_offset + right_offset == 0:
                raise check.fail("top_offset", "and the other offsets are all 0; set at least one side to extend.")
            parameters.update(
                top_offset=int(top_offset),
                bottom_offset=int(bottom_offset),
                left_offset=int(left_offset),
                right_offset=int(right_offset),
            )
        elif angle % 90 == 0:
            raise check.fail("angle", f"is {angle}; 'rotate only' needs an angle other than 0, 90, 180 and 270.")
        for item in images:
            height, width = item.shape[0], item.shape[1]
            check.sides("image", height, width, 512, 4096)
            if mode == "offsets":
                if top_offset + bottom_offset >= 3 * height:
                    raise check.fail(
                        "top_offset",
                        f"+ bottom_offset = {top_offset + bottom_offset} px; it must be less than 3x the image height ({3 * height} px).",
                    )
                if left_offset + right_offset >= 3 * width:
                    raise check.fail(
                        "left_offset",
                        f"+ right_offset = {left_offset + right_offset} px; it must be less than 3x the image width ({3 * width} px).",
                    )
                new_w, new_h = width + left_offset + right_offset, height + top_offset + bottom_offset
                if max(new_w, new_h) / min(new_w, new_h) > 4:
                    raise check.fail(
                        "top_offset",
                        f"and the other offsets give {new_w}x{new_h} px; the result's aspect must stay within 1:4 to 4:1.",
                    )
        encoded = await encode_all(list(images), encode_image)
        jobs = []
        for index, picture in enumerate(encoded):
            check.file_size("image", picture, 10)
            body = {
                "model": "image-out-painting",
                "input": {"image_url": ImageRef(picture)},
                "parameters": dict(parameters),
            }
            jobs.append(Job(models.model("image-out-painting"), body, label=f"image {index + 1}"))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


NODES = [Inpainting, EraseAndComplete, Outpainting]

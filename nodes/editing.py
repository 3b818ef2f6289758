"""Region editing nodes: inpainting (wanx-x-painting), erase and complete, outpainting."""

from __future__ import annotations

from typing import Any

from .base import HIDDEN, PackNode, image_outputs, model_tooltip
from .images import image_batch, picture_size
from .jobs import encoded_batch, image_input
from .masks import checked_masks, encoded_masks, paste_inside_mask
from .models.editing import ERASE, OUT_PAINTING_MAX_ASPECT, OUT_PAINTING_MAX_FACTOR, OUT_PAINTING_MODEL, X_PAINTING
from .runner import ImageRef, Job, Runner
from .validation import Check, check_fields
from .widgets import AUTO, field_widgets, given, widget

OUTPAINT_MODES = ["ratio", "scale", "offsets", "rotate only"]
_UNCONFIRMED_NOTE = "Advanced: sent only when set"


class Inpainting(PackNode):
    NODE_ID = "DashScopeImgInpainting"
    DISPLAY_NAME = "DashScope Inpainting (局部重绘)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "通义万相 wanx-x-painting: repaint the white area of a mask from a prompt. Image and mask: "
        f"{X_PAINTING.field('image').image.describe()}, the mask the same size as the image. 'composite' (on by "
        "default) puts the result back at your image's size inside the mask only. Only the prompt and the two images "
        "are documented on the official page; style, size and n are sent only when you set them (advanced). "
        + X_PAINTING.status_note()
        + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = X_PAINTING.field
        return {
            "required": {
                "image": image_input(X_PAINTING.field("image"), "The picture to edit; a batch runs one task per image"),
                "mask": (
                    "MASK",
                    {
                        "tooltip": "White (1) = repaint, black = keep. Same size as the image; one mask for all, or one per image."
                    },
                ),
                "prompt": widget(field("prompt"), "What to paint in the masked area"),
                "composite": (
                    "BOOLEAN",
                    {
                        "default": True,
                        "tooltip": "Paste the result back onto the original, inside the mask only, at the original size.",
                    },
                ),
            },
            "optional": {
                "style": widget(
                    field("style"),
                    f"{_UNCONFIRMED_NOTE}. Painting style; auto = leave it out",
                    choices=[AUTO, *field("style").enum],
                    default=AUTO,
                ),
                "size": widget(
                    field("size"),
                    f"{_UNCONFIRMED_NOTE}. The size the service paints at (width*height); auto = leave it out",
                    choices=[AUTO, *field("size").enum],
                    default=AUTO,
                ),
                "n": widget(
                    field("n"),
                    f"{_UNCONFIRMED_NOTE}. Images per input image, each billed; 0 = leave it out",
                    default=0,
                    min=0,
                ),
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        check_fields(check, X_PAINTING, values, ("prompt", "style", "size"), leave_out=(AUTO,))
        check_fields(check, X_PAINTING, {"n": given(values.get("n"))}, ("n",), leave_out=(AUTO,))  # 0 = leave it out

    async def run(self, image, mask, prompt, composite, style=AUTO, size=AUTO, n=0, unique_id=None):
        values = {"prompt": prompt.strip(), "style": given(style), "size": given(size), "n": given(n)}
        check = self.checked(values)
        encoded = await encoded_batch(check, "image", image, X_PAINTING.field("image").image)
        masks = await encoded_masks(check, "mask", mask, image)
        jobs = [
            Job(X_PAINTING, X_PAINTING.request({**values, "image": ImageRef(picture), "mask": region}))
            for picture, region in zip(encoded, masks, strict=True)
        ]
        results = await Runner(self.DISPLAY_NAME, unique_id).run(jobs)
        if composite:
            originals = image_batch(image)
            plain = checked_masks(check, "mask", mask, originals)
            for result, original, region in zip(results, originals, plain, strict=True):
                result.images = [(paste_inside_mask(rgb, original, region), None) for rgb, _ in result.images]
        return image_outputs(results)


class EraseAndComplete(PackNode):
    NODE_ID = "DashScopeImgErase"
    DISPLAY_NAME = "DashScope Erase and Complete (消除)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "image-erase-completion: remove what the mask covers and fill it in naturally. Optional keep mask protects a "
        f"foreground. Image and masks: {ERASE.field('image').image.describe()}, masks the same size as the image. "
        "Chains after 'DashScope Person Segmentation' + 'DashScope Pick Person Masks' to erase people. "
        + ERASE.status_note()
        + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = ERASE.field
        return {
            "required": {
                "image": image_input(ERASE.field("image"), "The picture; a batch runs one task per image"),
                "mask": ("MASK", {"tooltip": "White (1) = erase. Same size as the image."}),
                "dilate": widget(field("dilate"), default=False),
                "fast_mode": widget(field("fast_mode"), "Faster, less detailed; the keep mask is then not needed"),
            },
            "optional": {
                "keep_mask": (
                    "MASK",
                    {
                        "tooltip": "Optional: white (1) = must stay untouched (e.g. the person to keep). Same size as the image."
                    },
                ),
                "add_watermark": widget(
                    field("add_watermark"), f"{_UNCONFIRMED_NOTE}: on sends add_watermark true (the service's AI mark)"
                ),
            },
            "hidden": HIDDEN,
        }

    async def run(self, image, mask, dilate, fast_mode, keep_mask=None, add_watermark=False, unique_id=None):
        values = {"dilate": bool(dilate), "fast_mode": bool(fast_mode), "add_watermark": given(add_watermark)}
        check = self.checked(values)
        encoded = await encoded_batch(check, "image", image, ERASE.field("image").image)
        masks = await encoded_masks(check, "mask", mask, image)
        keeps = await encoded_masks(check, "keep_mask", keep_mask, image, False) if keep_mask is not None else []
        jobs = []
        for index, picture in enumerate(encoded):
            refs = {"image": ImageRef(picture), "mask": masks[index], "keep_mask": keeps[index] if keeps else None}
            jobs.append(Job(ERASE, ERASE.request({**values, **refs})))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


# Which fields each outpainting mode sends (the page applies output_ratio > x/y_scale > offsets).
OUTPAINT_FIELDS = {
    "ratio": ("output_ratio",),
    "scale": ("x_scale", "y_scale"),
    "offsets": ("top_offset", "bottom_offset", "left_offset", "right_offset"),
    "rotate only": (),
}
_OUTPAINT_COMMON = ("angle", "best_quality", "limit_image_size", "add_watermark")
_SIDES = (("top", "above"), ("bottom", "below"), ("left", "left"), ("right", "right"))


class Outpainting(PackNode):
    NODE_ID = "DashScopeImgOutpainting"
    DISPLAY_NAME = "DashScope Outpainting (扩图)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "image-out-painting: extend the canvas beyond the picture's edges. Choose one mode: a target ratio, scale "
        f"factors per axis, pixel offsets per side (each pair less than {OUT_PAINTING_MAX_FACTOR}x the side), or a "
        f"rotation. Image: {OUT_PAINTING_MODEL.field('image').image.describe()}; the result's aspect must stay within "
        f"1:{OUT_PAINTING_MAX_ASPECT:g} to {OUT_PAINTING_MAX_ASPECT:g}:1. Only the chosen mode's settings, and settings "
        f"that differ from the service's defaults, are sent. {OUT_PAINTING_MODEL.price_note()}. "
        + OUT_PAINTING_MODEL.status_note()
        + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = OUT_PAINTING_MODEL.field
        high = OUT_PAINTING_MAX_FACTOR * field("image").image.max_side
        offset = {"max": high, "step": 8}
        return {
            "required": {
                "image": image_input(field("image"), "The picture to extend; a batch runs one task per image"),
                "mode": (
                    OUTPAINT_MODES,
                    {
                        "default": "ratio",
                        "tooltip": model_tooltip(
                            [OUT_PAINTING_MODEL.name], "Which way to extend; only that mode's inputs are sent."
                        ),
                    },
                ),
                "output_ratio": widget(
                    field("output_ratio"),
                    "mode 'ratio': the width:height of the result",
                    choices=field("output_ratio").enum[1:],
                    default="16:9",
                ),
                "x_scale": widget(field("x_scale"), "mode 'scale': widen by this factor, centred"),
                "y_scale": widget(field("y_scale"), "mode 'scale': heighten by this factor, centred"),
                **field_widgets(
                    OUT_PAINTING_MODEL,
                    {f"{side}_offset": f"mode 'offsets': pixels added {where}" for side, where in _SIDES},
                    **offset,
                ),
                **field_widgets(
                    OUT_PAINTING_MODEL,
                    {
                        "angle": "Rotate counter-clockwise first (degrees)",
                        "best_quality": "Better but much slower",
                        "limit_image_size": "Keep the result small (recommended)",
                    },
                ),
                # The service marks results by default; the node asks for none unless switched on.
                "add_watermark": widget(
                    field("add_watermark"),
                    "On: the service marks the result (its default). Off: no mark",
                    default=False,
                ),
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        mode = values.get("mode")
        check_fields(
            check, OUT_PAINTING_MODEL, values, (*OUTPAINT_FIELDS.get(mode, ()), *_OUTPAINT_COMMON), leave_out=(AUTO,)
        )
        if mode == "scale" and values.get("x_scale") == 1.0 and values.get("y_scale") == 1.0:
            raise check.fail("x_scale", "and y_scale are both 1.0; raise at least one to extend the picture.")
        if mode == "offsets" and not any(values.get(name) for name in OUTPAINT_FIELDS["offsets"]):
            if all(name in values for name in OUTPAINT_FIELDS["offsets"]):
                raise check.fail("top_offset", "and the other offsets are all 0; set at least one side to extend.")
        angle = values.get("angle")
        if mode == "rotate only" and angle is not None and angle % 90 == 0:
            raise check.fail("angle", f"is {angle}; 'rotate only' needs an angle other than 0, 90, 180 and 270.")

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
        settings = dict(output_ratio=output_ratio, x_scale=x_scale, y_scale=y_scale, angle=angle)
        settings.update(top_offset=top_offset, bottom_offset=bottom_offset, left_offset=left_offset)
        settings.update(right_offset=right_offset, best_quality=best_quality, limit_image_size=limit_image_size)
        settings["add_watermark"] = add_watermark
        check = self.checked({"mode": mode, **settings})
        values = {name: settings[name] for name in (*OUTPAINT_FIELDS[mode], *_OUTPAINT_COMMON)}
        if mode == "offsets":
            for picture in image_batch(image):
                check_offsets(check, *picture_size(picture), values)
        encoded = await encoded_batch(check, "image", image, OUT_PAINTING_MODEL.field("image").image)
        jobs = [Job(OUT_PAINTING_MODEL, OUT_PAINTING_MODEL.request({**values, "image": ImageRef(e)})) for e in encoded]
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


def check_offsets(check: Check, width: int, height: int, values: dict[str, Any]) -> None:
    """The page's offset rules for one picture: each pair less than 3x its side, the result within 1:4 to 4:1."""
    top, bottom, left, right = (int(values[n]) for n in OUTPAINT_FIELDS["offsets"])
    for first, total, side, what in (
        ("top_offset", top + bottom, height, "height"),
        ("left_offset", left + right, width, "width"),
    ):
        if total >= OUT_PAINTING_MAX_FACTOR * side:
            limit = OUT_PAINTING_MAX_FACTOR * side
            raise check.fail(
                first,
                f"+ its opposite = {total} px; it must be less than {OUT_PAINTING_MAX_FACTOR}x the image {what} ({limit} px).",
            )
    new_w, new_h = width + left + right, height + top + bottom
    if max(new_w, new_h) / min(new_w, new_h) > OUT_PAINTING_MAX_ASPECT:
        raise check.fail(
            "top_offset",
            f"and the other offsets give {new_w}x{new_h} px; the result's aspect must stay within "
            f"1:{OUT_PAINTING_MAX_ASPECT:g} to {OUT_PAINTING_MAX_ASPECT:g}:1.",
        )


NODES = [Inpainting, EraseAndComplete, Outpainting]

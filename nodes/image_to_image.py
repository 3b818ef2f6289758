"""Image-to-image nodes: background generation, sketch to image, instruction editing (Wan and Qwen)."""

from __future__ import annotations

from typing import Any

import torch

from . import references
from .base import HIDDEN, PackNode, image_outputs, seed_input
from .images import encode_image, encode_pil, encode_rgba, image_batch, to_uint8
from .jobs import check_images, encoded_batch, image_input
from .masks import checked_masks, encoded_masks
from .models.editing import (
    BACKGROUND_MODEL,
    GUIDE_CJK,
    GUIDE_WORDS,
    QWEN_EDIT,
    QWEN_EDIT_20,
    SKETCH,
    WAN_EDIT,
    WAN_FUNCTION_PARAMETERS,
)
from .models.qwen_image import QWEN_IMAGE_3_EDIT
from .rows import CUSTOM_MODEL, RowNode, checked_values, confirmed_seed, custom_model_input, per_model_input
from .runner import ImageRef, Job, Runner
from .text_rules import chinese_characters, english_words
from .validation import Check, check_field, check_fields
from .widgets import AUTO, field_widgets, given, model_widget, widget

NO_SCENE = "none"
_FOREGROUND = BACKGROUND_MODEL.field("foreground").image


def check_guide_text(check: Check, name: str, text: str) -> str:
    """Background prompts: at most about 120 Chinese characters or 150 English words (the rest is ignored)."""
    text = (text or "").strip()
    chinese, words = chinese_characters(text), english_words(text)
    if chinese > GUIDE_CJK or words > GUIDE_WORDS:
        raise check.fail(
            name,
            f"holds {chinese} Chinese characters and {words} English words; the limit is about {GUIDE_CJK} Chinese "
            f"characters or {GUIDE_WORDS} English words.",
        )
    return text


class BackgroundGeneration(PackNode):
    NODE_ID = "DashScopeImgBackground"
    DISPLAY_NAME = "DashScope Background Generation (背景生成)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "wanx-background-generation-v2: a new background around a product or person. Give the foreground as an image "
        "with transparency (RGBA), or an image plus a MASK (1 = foreground) to cut it out. Describe the background with "
        "ref_prompt and/or a reference image (at least one). Foreground: "
        f"{BACKGROUND_MODEL.field('foreground').image.describe()}; the result has the same size. model_version v3 is "
        f"slower and better. {BACKGROUND_MODEL.price_note()}. {BACKGROUND_MODEL.status_note()}."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = BACKGROUND_MODEL.field
        return {
            "required": {
                "foreground": image_input(field("foreground"), "The product or person; RGBA, or RGB with 'mask'"),
                **field_widgets(
                    BACKGROUND_MODEL,
                    {
                        "ref_prompt": "The background to make",
                        "neg_ref_prompt": "What the background should not have. Optional",
                        "model_version": "v2: fast. v3: slower, better",
                        "n": "Images per foreground; each is billed",
                        "noise_level": "With a reference image: higher = less like it",
                        "ref_prompt_weight": "The weight of the text against the reference",
                    },
                ),
                "scene_type": widget(
                    field("scene_type"),
                    "'none' sends nothing",
                    choices=[NO_SCENE, *field("scene_type").enum],
                    default=NO_SCENE,
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

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        for name in ("ref_prompt", "neg_ref_prompt"):
            if isinstance(values.get(name), str):
                check_guide_text(check, name, values[name])
        check_fields(
            check,
            BACKGROUND_MODEL,
            values,
            ("model_version", "n", "noise_level", "ref_prompt_weight"),
            leave_out=(AUTO,),
        )

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
        settings = dict(ref_prompt=ref_prompt, neg_ref_prompt=neg_ref_prompt, model_version=model_version, n=n)
        settings.update(noise_level=noise_level, ref_prompt_weight=ref_prompt_weight, scene_type=scene_type)
        check = self.checked(settings)
        values = {key: settings[key] for key in ("model_version", "n")}
        values.update(
            ref_prompt=given(settings["ref_prompt"].strip()), neg_ref_prompt=given(settings["neg_ref_prompt"].strip())
        )
        values["scene_type"] = None if settings["scene_type"] == NO_SCENE else settings["scene_type"]
        if not values["ref_prompt"] and reference is None:
            raise check.fail(
                "ref_prompt", "is empty and no reference image is connected; the service needs at least one of them."
            )
        if reference is not None:  # the page: noise_level only with a reference, the weight only with both
            values.update(reference=_reference(reference), noise_level=settings["noise_level"])
            values["ref_prompt_weight"] = settings["ref_prompt_weight"] if values["ref_prompt"] else None
        values.update(_edges(foreground_edge, foreground_edge_prompt, background_edge, background_edge_prompt))
        cutouts = await encoded_batch(
            check, "foreground", _rgba(check, foreground, mask), _FOREGROUND, encode=_encode_rgba
        )
        jobs = [Job(BACKGROUND_MODEL, BACKGROUND_MODEL.request({**values, "foreground": ImageRef(c)})) for c in cutouts]
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


def _rgba(check: Check, foreground: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """The foreground with its alpha: the MASK when connected (1 = keep), else the image's own transparency."""
    images = check_images(check, "foreground", foreground, _FOREGROUND)
    if mask is None:
        if images.shape[-1] != 4:
            raise check.fail(
                "mask",
                "is not connected and the foreground has no transparency; connect a MASK (1 = foreground) or an RGBA image.",
            )
        return images
    alphas = checked_masks(check, "mask", mask, images)
    return torch.stack(
        [torch.cat([rgb[..., :3], alpha[..., None]], -1) for rgb, alpha in zip(images, alphas, strict=True)]
    )


def _encode_rgba(picture: torch.Tensor):
    return encode_rgba(picture[..., :3], picture[..., 3])


def _reference(reference: torch.Tensor) -> ImageRef:
    first = image_batch(reference)[0]
    return ImageRef(encode_image(first, keep_alpha=first.shape[-1] == 4))


def _edges(foreground: Any, foreground_prompt: str, background: Any, background_prompt: str) -> dict[str, Any]:
    """The optional edge guides: one RGBA line drawing and its prompt per side."""
    edges: dict[str, Any] = {}
    for kind, guide, text in (
        ("foreground", foreground, foreground_prompt),
        ("background", background, background_prompt),
    ):
        if guide is not None:
            edges[f"{kind}_edge"] = [ImageRef(encode_image(image_batch(guide)[0], keep_alpha=True))]
            edges[f"{kind}_edge_prompt"] = [(text or "").strip()]
    return edges


def clean_sketch(image: torch.Tensor, invert: bool, binarize: bool, threshold: float) -> torch.Tensor:
    """A sketch as the service wants it: dark lines on white, optionally exactly black and white."""
    gray = image[..., :3].mean(dim=-1)
    if invert:
        gray = 1.0 - gray
    if binarize:
        gray = (gray >= threshold).float()
    return gray


_SKETCH_FIELDS = ("prompt", "style", "n", "sketch_weight", "sketch_extraction")


class SketchToImage(PackNode):
    NODE_ID = "DashScopeImgSketch"
    DISPLAY_NAME = "DashScope Sketch to Image (涂鸦作画)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "wanx-sketch-to-image-lite: a painting from a line sketch (dark lines on white). 'invert' turns white-on-black "
        "line art around; 'binarize' makes the lines exactly black on white. Sketch: "
        f"{SKETCH.field('sketch').image.describe()}; the result is {SKETCH.field('size').default.replace('*', 'x')}. "
        f"{SKETCH.price_note()}."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = SKETCH.field
        return {
            "required": {
                "sketch": image_input(field("sketch"), "Line drawing, dark lines on white; one task per sketch"),
                "prompt": widget(field("prompt"), "What the sketch shows"),
                "style": widget(field("style"), "Painting style"),
                # The service's default is 4 images; the node defaults to 1 so a first run bills one image.
                "n": widget(field("n"), "Images per sketch; each is billed", default=1),
                "sketch_weight": widget(field("sketch_weight"), "How strictly to follow the lines"),
                "sketch_extraction": widget(
                    field("sketch_extraction"),
                    "The input is a photo: let the service extract its edges (then invert/binarize are skipped)",
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

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        check_fields(check, SKETCH, values, _SKETCH_FIELDS, leave_out=(AUTO,))

    async def run(
        self, sketch, prompt, style, n, sketch_weight, sketch_extraction, invert, binarize, threshold, unique_id=None
    ):
        values = dict(prompt=prompt.strip(), style=style, n=n, sketch_weight=sketch_weight)
        values["sketch_extraction"] = sketch_extraction
        check = self.checked(values)

        def encode(item: torch.Tensor):
            if values["sketch_extraction"]:
                return encode_image(item)
            from PIL import Image

            lines = clean_sketch(item, invert, binarize, threshold)
            return encode_pil(Image.fromarray(to_uint8(lines), "L"), lossless=True)

        encoded = await encoded_batch(check, "sketch", sketch, SKETCH.field("sketch").image, encode=encode)
        jobs = [Job(SKETCH, SKETCH.request({**values, "sketch": ImageRef(picture)})) for picture in encoded]
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


_WAN_ALWAYS = ("function", "prompt", "n", "seed", "watermark")


def wan_fields(function: Any) -> tuple[str, ...]:
    """The fields a Wan edit function sends: the common ones, then only its own parameters."""
    return (*_WAN_ALWAYS, *WAN_FUNCTION_PARAMETERS.get(function, ()))


class WanImageEdit(PackNode):
    NODE_ID = "DashScopeImgWanEdit"
    DISPLAY_NAME = "DashScope Image Edit (Wan, 指令编辑)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "wanx2.1-imageedit: edit a picture by instruction. Functions: description_edit (change what the prompt says), "
        "description_edit_with_mask (only inside the MASK), stylization_all / _local, remove_watermark, expand (scale "
        "each side), super_resolution (upscale), colorization, doodle, control_cartoon_feature. Image: "
        f"{WAN_EDIT.field('image').image.describe()}. Also the successor of inpainting and outpainting. "
        f"{WAN_EDIT.price_note()}."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = WAN_EDIT.field
        return {
            "required": {
                "image": image_input(field("image"), "The picture to edit; one task per image"),
                "function": widget(field("function"), "What kind of edit; only its own settings are sent"),
                "prompt": widget(field("prompt"), "The instruction, e.g. 'make it snow'"),
                "n": widget(field("n"), "Images per input image; each is billed"),
                "seed": seed_input(),
                "strength": widget(field("strength"), "How strongly to change"),
                "top_scale": widget(field("top_scale"), "expand: grow the top by this factor"),
                "bottom_scale": widget(field("bottom_scale"), "expand: grow the bottom"),
                "left_scale": widget(field("left_scale"), "expand: grow the left side"),
                "right_scale": widget(field("right_scale"), "expand: grow the right side"),
                "upscale_factor": widget(field("upscale_factor"), "super_resolution: the factor", default=2),
                "is_sketch": widget(field("is_sketch"), "doodle: the input already is a line drawing"),
                "watermark": widget(field("watermark"), "Add the service's mark"),
            },
            "optional": {
                "mask": (
                    "MASK",
                    {"tooltip": "description_edit_with_mask only: white (1) = edit. Same size as the image."},
                )
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        check_fields(check, WAN_EDIT, values, wan_fields(values.get("function")), leave_out=(AUTO,))

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
        settings = dict(function=function, prompt=prompt.strip(), n=n, seed=seed, watermark=watermark)
        settings.update(strength=strength, upscale_factor=upscale_factor, is_sketch=is_sketch)
        settings.update(top_scale=top_scale, bottom_scale=bottom_scale, left_scale=left_scale, right_scale=right_scale)
        check = self.checked(settings)
        values = {name: settings[name] for name in wan_fields(function)}
        encoded = await encoded_batch(check, "image", image, WAN_EDIT.field("image").image)
        masks: list[Any] = [None] * len(encoded)
        if function == "description_edit_with_mask":
            if mask is None:
                raise check.fail("mask", "is not connected; description_edit_with_mask needs a MASK (white = edit).")
            masks = await encoded_masks(check, "mask", mask, image)
        jobs = [
            Job(WAN_EDIT, WAN_EDIT.request({**values, "image": ImageRef(picture), "mask": region}))
            for picture, region in zip(encoded, masks, strict=True)
        ]
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


QWEN_EDIT_SPECS = {
    **QWEN_EDIT_20,
    **QWEN_IMAGE_3_EDIT,
    **{name: QWEN_EDIT[name] for name in ("qwen-image-edit-plus", "qwen-image-edit-max", "qwen-image-edit")},
}
_QWEN_FIELDS = ("prompt", "negative_prompt", "n", "watermark", "prompt_extend")
_QWEN_PICTURES = references.picture_inputs(max(int(spec.field("image").high) for spec in QWEN_EDIT_SPECS.values()))
ONE_EDIT_EACH, ONE_EDIT = "one edit per picture", "all pictures in one edit"


def qwen_size(check: Check, spec: Any, width: int, height: int) -> str | None:
    """The 'size' parameter: None (follow the last picture) for 0 x 0, else checked against the model's rule."""
    if not width and not height:
        return None
    if not (width and height):
        raise check.fail("width", "and height must both be 0 (follow the picture) or both be set.")
    return check_field(check, spec.field("size"), f"{int(width)}*{int(height)}", name="width")


class QwenImageEdit(RowNode):
    NODE_ID = "DashScopeImgQwenEdit"
    DISPLAY_NAME = "DashScope Image Edit (Qwen, 指令编辑)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "Qwen-Image editing by instruction with reference pictures, e.g. 'put the product from picture 1 on the table "
        "of picture 2' (the pictures are numbered in input order: image, image_2, ...; each item of a batch on image_2 "
        "and later inputs is one picture). How many a model takes: qwen-image-2.0(-pro), qwen-image-3.0(-pro) and the "
        "qwen-image-edit models 1-3, qwen-image-2.1-pro 1-10 (qwen-image-3.0 and 2.1-pro are invitation-only at the "
        "service; their parameters are UNCONFIRMED). A batch on 'image' runs one edit per picture unless 'image_batch' "
        "says otherwise. Plain qwen-image-edit makes 1 image and takes no size or prompt_extend; the qwen-image-edit "
        "models are retired on 2026-10-10. A dated snapshot (e.g. qwen-image-edit-plus-2025-12-15) goes into "
        "'custom_model'."
    )
    LATE_INPUTS = (CUSTOM_MODEL, "image_batch")
    # Hidden where the chosen model's row lacks the field (plain qwen-image-edit: size and prompt_extend). The
    # picture inputs stay: see references.more_pictures.
    MODEL_INPUTS = {
        "prompt": "prompt",
        "negative_prompt": "negative_prompt",
        "n": "n",
        "width": "size",
        "height": "size",
        "prompt_extend": "prompt_extend",
        "watermark": "watermark",
    }

    @classmethod
    def offered_rows(cls) -> list[Any]:
        return list(QWEN_EDIT_SPECS.values())

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = QWEN_EDIT["qwen-image-edit-plus"].field
        high = max(
            int(spec.field("size").size.max_side or spec.field("size").size.max_pixels)
            for spec in cls.offered_rows()
            if spec.has_field("size")
        )
        side = {"default": 0, "min": 0, "max": high, "step": 16}
        extra = references.more_pictures(_QWEN_PICTURES)
        return {
            "required": {
                "image": per_model_input(
                    "IMAGE", cls.offered_rows(), "image", "Picture 1 (a batch: see image_batch). Per model:"
                ),
                "model": model_widget(cls.offered_rows(), "Which Qwen model edits."),
                "prompt": widget(
                    QWEN_EDIT_20["qwen-image-2.0"].field("prompt"), "The instruction (qwen-image-edit*: 800)"
                ),
                "negative_prompt": widget(field("negative_prompt"), "What to avoid. Optional"),
                "n": widget(
                    QWEN_EDIT_20["qwen-image-2.0"].field("n"),
                    "Images to make (plain qwen-image-edit: 1); each is billed",
                ),
                "width": (
                    "INT",
                    {**side, "tooltip": "0 = follow the last picture. Otherwise see the model's size rule."},
                ),
                "height": ("INT", {**side, "tooltip": "0 = follow the last picture."}),
                "seed": seed_input("Sent only where a page documents the seed (not qwen-image-3.0 / 2.1-pro)."),
                "prompt_extend": widget(
                    field("prompt_extend"),
                    "Let the service rewrite the instruction (not plain qwen-image-edit)",
                    default=False,
                ),
                "watermark": widget(field("watermark"), "Add the service's mark"),
            },
            "optional": {
                **extra,
                CUSTOM_MODEL: custom_model_input(cls.offered_rows()[-3:]),
                "image_batch": (
                    [ONE_EDIT_EACH, ONE_EDIT],
                    {
                        "default": ONE_EDIT_EACH,
                        "tooltip": f"A batch on 'image'. '{ONE_EDIT_EACH}' (as before): one edit, each billed, per "
                        f"picture of the batch, with the pictures of image_2 and later in each. '{ONE_EDIT}': the "
                        "batch's pictures are pictures 1, 2, ... of a single edit.",
                    },
                ),
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def wire_values(cls, check: Check, spec: Any, values: dict[str, Any]) -> dict[str, Any]:
        """The checked values that go to the service. An input the model has no field for (size and prompt_extend on
        plain qwen-image-edit) is left out, and the node's status names it when set; a size it cannot take is
        refused."""
        picked = {name: values[name] for name in _QWEN_FIELDS if name in values and spec.has_field(name)}
        if isinstance(picked.get("negative_prompt"), str):
            picked["negative_prompt"] = given(picked["negative_prompt"].strip())
        sized = spec.has_field("size") and all(isinstance(values.get(name), int) for name in ("width", "height"))
        if sized:
            picked["size"] = qwen_size(check, spec, values["width"], values["height"])
        return checked_values(check, spec, picked)

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
        image_4=None,
        image_5=None,
        image_6=None,
        image_7=None,
        image_8=None,
        image_9=None,
        image_10=None,
        custom_model="",
        image_batch=ONE_EDIT_EACH,
        unique_id=None,
    ):
        values = dict(model=model, prompt=prompt.strip(), negative_prompt=negative_prompt, n=n, width=width)
        values.update(height=height, prompt_extend=prompt_extend, watermark=watermark, custom_model=custom_model)
        check = self.checked(values)
        spec = self.chosen_row(values)
        wire = {**self.wire_values(check, spec, values), "seed": confirmed_seed(spec, seed)}
        more = (image_2, image_3, image_4, image_5, image_6, image_7, image_8, image_9, image_10)
        firsts = references.gather([("image", image)])
        pictures = firsts + references.gather(zip(_QWEN_PICTURES[1:], more, strict=True))
        rest = list(range(len(firsts), len(pictures)))  # image_2 and later: in every edit
        edits = [list(range(len(pictures)))] if image_batch == ONE_EDIT else [[i, *rest] for i in range(len(firsts))]
        for edit in edits:
            references.check_count(check, spec, [pictures[i] for i in edit])
        refs = await references.encoded(check, spec, pictures)
        jobs = [Job(spec, references.request(spec, wire, [refs[i] for i in edit])) for edit in edits]
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


NODES = [BackgroundGeneration, SketchToImage, WanImageEdit, QwenImageEdit]

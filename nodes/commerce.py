"""E-commerce nodes: virtual model (wanx-virtualmodel, virtualmodel-v2) and shoe model (shoemodel-v1)."""

from __future__ import annotations

from typing import Any

from . import models
from .base import HIDDEN, PackNode, image_outputs, model_tooltip, seed_input
from .images import encode_image, encode_mask, image_batch
from .masks import checked_masks
from .photo_checks import check_resolution, spread
from .runner import ImageRef, Job, Runner, encode_all
from .validation import Check

VIRTUAL_MODELS = ["virtualmodel-v2", "wanx-virtualmodel"]
SHORT_SIDES = {"wanx-virtualmodel": ["512", "1024"], "virtualmodel-v2": ["1024", "2048"]}
FACES = ["none", "girl1", "girl2", "girl3", "boy1", "boy2", "boy3"]
ASPECTS = ["keep", "2:1", "16:9", "4:3", "1:1", "3:4", "9:16", "1:2"]


class VirtualModel(PackNode):
    NODE_ID = "DashScopeImgVirtualModel"
    DISPLAY_NAME = "DashScope Virtual Model (虚拟模特)"
    CATEGORY = "DashScope/E-commerce"
    DESCRIPTION = (
        "Keep the garment of a real model photo and generate a new model, face and scene around it. Photo: 256-4096 px "
        "per side, aspect 1:2 to 2:1, at most 5 MB, face at least 128 px. MASK: white = the garment to keep, the same "
        "size as the photo (paint it in ComfyUI's mask editor, or use Person Segmentation). A batch of photos runs one "
        "task each (one mask for all, or one per photo). prompt and face_prompt: under 100 characters each (English "
        "recommended for v2). v1 output short side 512/1024, v2 1024/2048. Both models are free-trial only."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "model": (
                    VIRTUAL_MODELS,
                    {
                        "default": "virtualmodel-v2",
                        "tooltip": model_tooltip(
                            VIRTUAL_MODELS, "v2 adds a background picture, mannequin mode, style and aspect."
                        ),
                    },
                ),
                "image": ("IMAGE", {"tooltip": "The real model photo; a batch runs one task per photo."}),
                "mask": (
                    "MASK",
                    {
                        "tooltip": "White (1) = the product / garment to keep. Same size as the photo; one mask for "
                        "all photos, or one per photo."
                    },
                ),
                "prompt": (
                    "STRING",
                    {"multiline": True, "default": "", "tooltip": "Scene and body, under 100 characters."},
                ),
                "face_prompt": ("STRING", {"default": "", "tooltip": "The face, under 100 characters."}),
                "short_side_size": (
                    ["1024", "512", "2048"],
                    {"default": "1024", "tooltip": "Output short side: v1 512 or 1024; v2 1024 or 2048."},
                ),
                "n": ("INT", {"default": 1, "min": 1, "max": 4, "tooltip": "Images per photo (1-4); each is billed."}),
                "predefined_face": (FACES, {"default": "none", "tooltip": "v1 only: a preset face."}),
                "real_person": ("BOOLEAN", {"default": True, "tooltip": "v2 only: false = a mannequin."}),
                "bgstyle_scale": (
                    "FLOAT",
                    {
                        "default": 0.7,
                        "min": 0.0,
                        "max": 1.0,
                        "step": 0.05,
                        "tooltip": "v2 only: how closely to follow the background picture (0-1).",
                    },
                ),
                "aspect_ratio": (ASPECTS, {"default": "keep", "tooltip": "v2 only: output aspect."}),
                "portrait_style": (
                    "BOOLEAN",
                    {
                        "default": True,
                        "tooltip": "v2 only: the service's 'portrait' style (its default); off = no style.",
                    },
                ),
                "seed": seed_input("v2 only (the service takes 0-10000000: larger seeds wrap around)."),
            },
            "optional": {
                "background": (
                    "IMAGE",
                    {
                        "tooltip": "Optional background picture (long side at most 4096 px, aspect at most 2:1, at "
                        "most 5 MB). One for every photo, or one per photo."
                    },
                ),
                "face_image": (
                    "IMAGE",
                    {
                        "tooltip": "v1 only, optional: a face to use (long side at most 2048 px); a predefined_face "
                        "other than 'none' takes priority."
                    },
                ),
            },
            "hidden": HIDDEN,
        }

    async def run(
        self,
        model,
        image,
        mask,
        prompt,
        face_prompt,
        short_side_size,
        n,
        predefined_face,
        real_person,
        bgstyle_scale,
        aspect_ratio,
        seed,
        portrait_style=True,
        background=None,
        face_image=None,
        unique_id=None,
    ):
        check = Check(self.DISPLAY_NAME)
        check.choice("model", model, VIRTUAL_MODELS)
        fields: dict[str, Any] = {
            "prompt": check.text("prompt", prompt, 99, required=True),
            "face_prompt": check.text("face_prompt", face_prompt, 99, required=True),
        }
        check.choice("short_side_size", short_side_size, SHORT_SIDES[model])
        check.number("n", n, 1, 4)
        images = image_batch(image)
        check.batch("image", images)
        for item in images:
            check_resolution(check, "image", item, low=256, long_max=4096, max_ratio=2.0)
        masks = checked_masks(check, "mask", mask, images)
        per_photo: dict[str, list[Any]] = {}
        if background is not None:
            pictures = image_batch(background)
            check.batch("background", pictures)
            for picture in pictures:
                check_resolution(check, "background", picture, low=1, long_max=4096, max_ratio=2.0)
            encoded = [check.file_size("background", e, 5) for e in await encode_all(list(pictures), encode_image)]
            per_photo["background_image_url"] = spread(check, "background", [ImageRef(e) for e in encoded], len(images))
        if model == "wanx-virtualmodel":
            check.choice("predefined_face", predefined_face, FACES)
            if predefined_face != "none":
                fields["predefined_face_id"] = predefined_face
            if face_image is not None:
                picture = image_batch(face_image)[0]
                check_resolution(check, "face_image", picture, low=1, long_max=2048)
                fields["face_image_url"] = ImageRef(check.file_size("face_image", encode_image(picture), 5))
        else:
            # UNCONFIRMED placement: the doc lists these among the input fields, so they go in input.
            fields.update(
                realPerson=bool(real_person),
                bgstyle_scale=float(check.number("bgstyle_scale", bgstyle_scale, 0.0, 1.0)),
                aspect_ratio=check.choice("aspect_ratio", aspect_ratio, ASPECTS),
                style="portrait" if portrait_style else "",
                seed=int(seed) % 10_000_001,
            )
        encoded_masks = [check.file_size("mask", e, 5) for e in await encode_all(masks, encode_mask)]
        jobs = []
        for index, picture in enumerate(await encode_all(list(images), encode_image)):
            body = {
                "model": model,
                "input": {
                    "base_image_url": ImageRef(check.file_size("image", picture, 5)),
                    "mask_image_url": ImageRef(encoded_masks[index]),
                    **fields,
                    **{key: refs[index] for key, refs in per_photo.items()},
                },
                "parameters": {"short_side_size": short_side_size, "n": int(n)},
            }
            jobs.append(Job(models.model(model), body, label=f"photo {index + 1}"))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


class ShoeModel(PackNode):
    NODE_ID = "DashScopeImgShoeModel"
    DISPLAY_NAME = "DashScope Shoe Model (鞋靴模特)"
    CATEGORY = "DashScope/E-commerce"
    DESCRIPTION = (
        "shoemodel-v1: put your shoes on a model. Template: legs and feet (knees visible) or a standing person. Shoes: "
        "1-2 views (a batch, or 'shoes' plus 'shoes_2'). All pictures: aspect between 2:3 and 3:2, at most 5 MB. "
        + models.model("shoemodel-v1").status_note()
        + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "template": (
                    "IMAGE",
                    {"tooltip": "The model's legs and feet, or a standing person; a batch runs one task per template."},
                ),
                "shoes": ("IMAGE", {"tooltip": "The shoe, 1-2 views (a batch)."}),
                "n": (
                    "INT",
                    {"default": 1, "min": 1, "max": 4, "tooltip": "Images per template (1-4); each is billed."},
                ),
                "scale": (
                    "FLOAT",
                    {"default": 5.0, "min": 2.0, "max": 8.0, "step": 0.5, "tooltip": "Colour strength (2-8)."},
                ),
            },
            "optional": {"shoes_2": ("IMAGE", {"tooltip": "Another view of the same shoe."})},
            "hidden": HIDDEN,
        }

    async def run(self, template, shoes, n, scale, shoes_2=None, unique_id=None):
        check = Check(self.DISPLAY_NAME)
        templates = image_batch(template)
        check.batch("template", templates)
        views = list(image_batch(shoes)) + (list(image_batch(shoes_2)) if shoes_2 is not None else [])
        if not 1 <= len(views) <= 2:
            raise check.fail(
                "shoes", f"and shoes_2 hold {len(views)} views in all; the service takes 1 or 2 (fewer than 3)."
            )
        check.number("n", n, 1, 4)
        check.number("scale", scale, 2.0, 8.0)
        # The spec states only the aspect range [2:3, 3:2] and <5 MB; the pixel range is assumed (UNCONFIRMED).
        for name, item in [("template", t) for t in templates] + [("shoes", v) for v in views]:
            check_resolution(check, name, item, low=64, long_max=4096, max_ratio=1.5)
        shoe_refs = [ImageRef(check.file_size("shoes", e, 5)) for e in await encode_all(views, encode_image)]
        jobs = []
        for index, picture in enumerate(await encode_all(list(templates), encode_image)):
            body = {
                "model": "shoemodel-v1",
                "input": {
                    "template_image_url": ImageRef(check.file_size("template", picture, 5)),
                    "shoe_image_url": shoe_refs,
                },
                # UNCONFIRMED: the spec is unsure whether scale belongs in parameters; that is where it is sent.
                "parameters": {"n": int(n), "scale": float(scale)},
            }
            jobs.append(Job(models.model("shoemodel-v1"), body, label=f"template {index + 1}"))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


NODES = [VirtualModel, ShoeModel]

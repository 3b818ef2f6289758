"""E-commerce nodes: virtual model (wanx-virtualmodel, virtualmodel-v2) and shoe model (shoemodel-v1), rendered
from their rows in nodes/models/portrait.py."""

from __future__ import annotations

from typing import Any

from . import models
from .base import HIDDEN, PackNode, image_outputs, seed_input
from .images import image_batch
from .jobs import image_input, image_refs
from .masks import encoded_masks
from .models.portrait import ASPECT_KEEP, FACES
from .photo_checks import paired_jobs
from .rows import CUSTOM_MODEL, check_custom_model, chosen_row, custom_model_input
from .runner import Runner
from .validation import Check, check_field
from .widgets import model_widget, widget

V1, V2 = models.model("wanx-virtualmodel"), models.model("virtualmodel-v2")
VIRTUAL_MODELS = {spec.name: spec for spec in (V2, V1)}
KEEP = "keep"  # the widget's name for the page's ASPECT_KEEP value (the service default: left out)
NO_FACE = "none"
# virtualmodel-v2's own inputs: with wanx-virtualmodel each must stay at the value that sends nothing.
V2_ONLY = ("real_person", "bgstyle_scale", "style", "aspect_ratio")
V1_SIDES, V2_SIDES = V1.field("short_side_size").enum, V2.field("short_side_size").enum


def _virtual_model_inputs() -> dict[str, Any]:
    field = V2.field
    sides = list(dict.fromkeys([*V2_SIDES, *V1_SIDES]))
    aspects = [KEEP, *(a for a in field("aspect_ratio").enum if a != ASPECT_KEEP)]
    return {
        "model": model_widget(list(VIRTUAL_MODELS.values()), "v2 adds background strength, mannequin, style, seed."),
        "image": image_input(field("image"), "The real model photo; one task per photo"),
        "mask": image_input(field("mask"), "One mask for all photos, or one per photo", "MASK"),
        "prompt": widget(field("prompt"), "Scene and body"),
        "face_prompt": widget(field("face_prompt"), "The face", multiline=False),
        "short_side_size": widget(
            field("short_side_size"),
            choices=sides,
            tooltip=f"Output short side (sent as a string). wanx-virtualmodel: {' or '.join(V1_SIDES)}; "
            f"virtualmodel-v2: {' or '.join(V2_SIDES)}.",
        ),
        "n": widget(field("n"), "Images per photo; each is billed"),
        "predefined_face": widget(
            V1.field("predefined_face"), "wanx-virtualmodel only: a preset face", choices=[NO_FACE, *FACES]
        ),
        "real_person": widget(field("real_person"), "virtualmodel-v2 only"),
        "bgstyle_scale": widget(field("bgstyle_scale"), "virtualmodel-v2 only: how closely to follow the background"),
        "aspect_ratio": widget(
            field("aspect_ratio"),
            f"virtualmodel-v2 only: output aspect. {KEEP} = {ASPECT_KEEP} (the service default: not sent)",
            choices=aspects,
            default=KEEP,
        ),
        "portrait_style": (
            "BOOLEAN",
            {
                "default": True,
                "tooltip": f"virtualmodel-v2 only: on = the service's {field('style').default!r} style (its "
                "default: not sent); off = no style (sends style '').",
            },
        ),
        "seed": seed_input(f"virtualmodel-v2 only: sent modulo {int(field('seed').high) + 1} (the service's range)."),
    }


def _virtual_model_values(values: dict[str, Any]) -> dict[str, Any]:
    """Widget values -> field values (by field name) for ModelSpec.request; only the keys that are known."""
    wire: dict[str, Any] = {k: values[k] for k in ("prompt", "face_prompt", "n", "short_side_size") if k in values}
    wire.update({k: v.strip() for k, v in wire.items() if isinstance(v, str)})
    if "predefined_face" in values:
        wire["predefined_face"] = None if values["predefined_face"] == NO_FACE else values["predefined_face"]
    if "real_person" in values:
        wire["real_person"] = bool(values["real_person"])
    if "bgstyle_scale" in values:
        wire["bgstyle_scale"] = float(values["bgstyle_scale"])
    if "portrait_style" in values:
        wire["style"] = V2.field("style").default if values["portrait_style"] else ""
    if "aspect_ratio" in values:
        wire["aspect_ratio"] = ASPECT_KEEP if values["aspect_ratio"] == KEEP else values["aspect_ratio"]
    if isinstance(values.get("seed"), int):
        wire["seed"] = values["seed"] % (int(V2.field("seed").high) + 1)
    return wire


class VirtualModel(PackNode):
    NODE_ID = "DashScopeImgVirtualModel"
    LATE_INPUTS = (CUSTOM_MODEL,)
    DISPLAY_NAME = "DashScope Virtual Model (虚拟模特)"
    CATEGORY = "DashScope/E-commerce"
    DESCRIPTION = (
        "Keep the garment of a real model photo and generate a new model, face and scene around it. The photo needs a "
        "face of at least 128 px. MASK: white = the garment to keep, the same size as the photo (paint it in "
        "ComfyUI's mask editor, or use Person Segmentation). A batch of photos runs one task each (one mask, "
        "background and face for all, or one per photo). English prompts are recommended for v2. Inputs marked "
        "'virtualmodel-v2 only' are refused with wanx-virtualmodel unless left at their defaults. Both models are "
        "free-trial only."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = V2.field
        return {
            "required": _virtual_model_inputs(),
            "optional": {
                "background": image_input(field("background"), "Optional background picture"),
                "face_image": image_input(field("face_image"), "Optional"),
                CUSTOM_MODEL: custom_model_input(list(VIRTUAL_MODELS.values())),
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        check_custom_model(check, values, list(VIRTUAL_MODELS.values()))
        spec = chosen_row(values, list(VIRTUAL_MODELS.values()))
        if spec is None:
            return  # an unknown model is refused by the declared combo check (or fed by a link)
        wire = _virtual_model_values(values)
        for name in ("prompt", "face_prompt", "n", "short_side_size"):
            if name in wire:
                check_field(check, spec.field(name), wire[name])
        v1 = spec.has_field("predefined_face")  # wanx-virtualmodel, or a dated snapshot of it
        if not v1 and wire.get("predefined_face"):
            raise check.fail("predefined_face", f"is {wire['predefined_face']!r}; only wanx-virtualmodel takes it.")
        if v1:
            for name in V2_ONLY:
                if name in wire and wire[name] != V2.field(name).default:
                    widget_name = "portrait_style" if name == "style" else name
                    default = cls.INPUT_TYPES()["required"][widget_name][1]["default"]
                    raise check.fail(
                        widget_name,
                        f"is {values[widget_name]!r}, a virtualmodel-v2 input; wanx-virtualmodel does not take it "
                        f"(set it back to {default!r}).",
                    )

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
        custom_model="",
        unique_id=None,
    ):
        values = dict(model=model, prompt=prompt, face_prompt=face_prompt, short_side_size=short_side_size, n=n)
        values.update(predefined_face=predefined_face, real_person=real_person, bgstyle_scale=bgstyle_scale)
        values.update(aspect_ratio=aspect_ratio, seed=seed, portrait_style=portrait_style, custom_model=custom_model)
        check = self.checked(values)
        spec = chosen_row(values, list(VIRTUAL_MODELS.values()))
        photos = await image_refs(check, spec.field("image"), image)
        mask_refs = await encoded_masks(check, "mask", mask, image)
        for ref in mask_refs:
            check.file_size("mask", ref.encoded, spec.field("mask").image.max_mb)
        pictures = {"image": photos, "mask": mask_refs}
        for name, batch in (("background", background), ("face_image", face_image)):
            if batch is not None:
                pictures[name] = await image_refs(check, spec.field(name), batch)
        jobs = paired_jobs(check, spec, pictures, _virtual_model_values(values), count=len(photos))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


SHOE = models.model("shoemodel-v1")


class ShoeModel(PackNode):
    NODE_ID = "DashScopeImgShoeModel"
    DISPLAY_NAME = "DashScope Shoe Model (鞋靴模特)"
    CATEGORY = "DashScope/E-commerce"
    DESCRIPTION = (
        "shoemodel-v1: put your shoes on a model. Template: legs and feet (knees visible) or a standing person. Shoes: "
        "1-2 views (a batch, or 'shoes' plus 'shoes_2'). Status: " + SHOE.status_note() + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = SHOE.field
        return {
            "required": {
                "template": image_input(field("template"), "Legs and feet; one task each"),
                "shoes": image_input(field("shoes"), "The shoe's views (a batch)"),
                "n": widget(field("n"), "Images per template; each is billed"),
            },
            "optional": {
                "shoes_2": ("IMAGE", {"tooltip": "Another view of the same shoe (counts toward the 1-2 views)."}),
                # Where scale goes is not settled by the page: sent only when the user sets it.
                "scale": widget(
                    field("scale"), "Advanced. 0 = off: not sent", default=0.0, min=0.0, step=0.5, advanced=True
                ),
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        if "n" in values:
            check_field(check, SHOE.field("n"), values["n"])
        if values.get("scale"):
            check_field(check, SHOE.field("scale"), values["scale"])

    async def run(self, template, shoes, n, shoes_2=None, scale=0.0, unique_id=None):
        values = {"n": n, "scale": scale or None}
        check = self.checked(values)
        views = [image_batch(shoes)] + ([image_batch(shoes_2)] if shoes_2 is not None else [])
        shoes_field = SHOE.field("shoes")
        count = sum(int(v.shape[0]) for v in views)
        if not shoes_field.low <= count <= shoes_field.high:
            raise check.fail("shoes", f"and shoes_2 hold {count} views in all; the service takes 1-2 (fewer than 3).")
        shoe_refs = [ref for batch in views for ref in await image_refs(check, shoes_field, batch)]
        templates = await image_refs(check, SHOE.field("template"), template)
        jobs = paired_jobs(check, SHOE, {"template": templates}, {**values, "shoes": shoe_refs})
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs))


NODES = [VirtualModel, ShoeModel]

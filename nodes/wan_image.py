"""The Wan image node: wan2.7-image(-pro), wan2.6-image and wan2.5-i2i-preview — text to image, editing with reference
pictures, image sets, box-region editing and colour palettes, each through its model's async protocol, rendered
from the rows in nodes/models/wan_image.py."""

from __future__ import annotations

from typing import Any

from . import references, regions
from .base import HIDDEN, image_outputs, seed_input
from .client import InputError
from .models import EDIT_MODE, TEXT_MODE, ModelSpec
from .models import wan_image as wan_rows
from .palette import IMAGE as PALETTE_IMAGE
from .palette import TEXT as PALETTE_TEXT
from .palette import palette_from
from .rows import (
    CUSTOM_MODEL,
    RowNode,
    checked_values,
    confirmed_seed,
    custom_model_input,
    highest,
    mode_of,
    per_model_input,
    picked_size,
    text_input,
)
from .runner import Job, Runner
from .validation import Check, check_field
from .widgets import AUTO, model_widget, models_documenting

SPECS = wan_rows.WAN_IMAGE
IMAGE_SET = wan_rows.IMAGE_SET
PICTURE_INPUTS = references.picture_inputs(int(highest(SPECS, references.PICTURES)))
BOX_INPUTS = regions.box_inputs(len(PICTURE_INPUTS))
SIZES = [AUTO, *dict.fromkeys(p for s in SPECS for p in s.field("size").size.presets)]
SENT = ("prompt", "negative_prompt", "n", "watermark", "thinking_mode", "prompt_extend")
PICTURE_COUNT = "pictures"  # how many pictures a run has (not a widget: unknown when the graph is queued)
USES = {TEXT_MODE: "in text to image", EDIT_MODE: "when editing pictures", IMAGE_SET: "in an image set"}


def wan_size(check: Check, size: Any, width: Any, height: Any) -> str | None:
    """The size to send: width*height when both are set, else the size choice (auto: not sent)."""
    exact = picked_size(check, width, height)
    if exact and size != AUTO:
        raise check.fail("size", f"is {size} and width x height is {width}x{height}; set size to auto, or both to 0.")
    return exact or (None if size == AUTO else size)


class WanImage(RowNode):
    NODE_ID = "DashScopeImgWanImage"
    DISPLAY_NAME = "DashScope Wan Image (2.7 / 2.6 / 2.5, 生成与编辑)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "Wan image models through their async task protocol (every paid image has a task id). wan2.7-image-pro / "
        "wan2.7-image: text to image (thinking_mode; 4K on pro), editing with 1-9 reference pictures, image sets of "
        "up to 12 (enable_sequential), box-region editing (paint white regions on a picture's 'bbox' MASK: each "
        "separate region becomes one box) and a colour palette (text such as '#C0392B 40%, #F1C40F 35%, #2C3E50 25%', "
        "or read from color_palette_image). wan2.6-image: editing with 1-4 pictures. wan2.5-i2i-preview: editing with "
        "1-3 pictures. Pictures are numbered in input order (image, image_2, ...; each item of a batch is one "
        "picture): name them 'image 1', '图1' in the prompt. All images come back as one batch (other sizes resized "
        "to the first's). Rules per model are in the tooltips and docs/models.md; facts no official page states are "
        "UNCONFIRMED there (the seed reaches none of these models: no page documents it)."
    )

    # Hidden in the editor where the chosen model's row lacks the field (a widget's leftover value is then left out
    # and named in the status; a connected picture, box mask or palette picture is refused before paying). A field
    # the row has but one use of it does not take (4K in an edit, a palette in an image set) stays visible: the
    # run refuses it naming the use, or leaves it out where the row says it has no effect there (thinking_mode).
    MODEL_INPUTS = {
        "prompt": "prompt",
        "negative_prompt": "negative_prompt",
        "size": "size",
        "width": "size",
        "height": "size",
        "n": "n",
        IMAGE_SET: IMAGE_SET,
        "thinking_mode": "thinking_mode",
        PALETTE_TEXT: "color_palette",
        "color_palette_count": "color_palette",
        "prompt_extend": "prompt_extend",
        "watermark": "watermark",
        **dict.fromkeys(BOX_INPUTS, "bbox_list"),
        PALETTE_IMAGE: "color_palette",
    }

    @classmethod
    def offered_rows(cls) -> tuple[ModelSpec, ...]:
        return SPECS

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        side = dict(default=0, min=0, max=8192, step=16)
        palette = SPECS[0].field("color_palette")
        return {
            "required": {
                "model": model_widget(SPECS, "Which Wan model.", default="wan2.7-image"),
                "prompt": text_input(SPECS, "prompt", "What to draw or change; name the pictures 'image 1', '图1'."),
                "negative_prompt": text_input(SPECS, "negative_prompt", "What to avoid. Optional."),
                "size": per_model_input(SIZES, SPECS, "size", "Output size; auto = not sent.", default=AUTO),
                "width": ("INT", {**side, "tooltip": "Output width in px with height (size auto); 0 = use size."}),
                "height": ("INT", {**side, "tooltip": "Output height in px with width (size auto); 0 = use size."}),
                "n": per_model_input(
                    "INT",
                    SPECS,
                    "n",
                    "Images in this task, each billed.",
                    default=1,
                    min=1,
                    max=int(highest(SPECS, "n")),
                ),
                IMAGE_SET: per_model_input("BOOLEAN", SPECS, IMAGE_SET, "An image set of n images.", default=False),
                "thinking_mode": per_model_input(
                    "BOOLEAN",
                    SPECS,
                    "thinking_mode",
                    "Think before drawing; left out where it has no effect.",
                    default=True,
                ),
                PALETTE_TEXT: per_model_input(
                    "STRING",
                    SPECS,
                    "color_palette",
                    "Colours, e.g. '#C0392B 40%, #F1C40F 35%, #2C3E50 25%'.",
                    default="",
                ),
                "color_palette_count": (
                    "INT",
                    {
                        "default": 5,
                        "min": int(palette.low),
                        "max": int(palette.high),
                        "tooltip": "How many colours to read from color_palette_image (fewer when it has fewer).",
                    },
                ),
                "seed": seed_input("Not sent to these models: no official page documents their seed."),
                "prompt_extend": per_model_input(
                    "BOOLEAN",
                    SPECS,
                    "prompt_extend",
                    "Let the service rewrite the prompt; left out where undocumented.",
                    default=False,
                ),
                "watermark": per_model_input("BOOLEAN", SPECS, "watermark", "Add the service's mark.", default=False),
            },
            "optional": {
                PICTURE_INPUTS[0]: per_model_input(
                    "IMAGE", SPECS, references.PICTURES, "Picture 1 (a batch: pictures 1, 2, ...). Per model:"
                ),
                **references.more_pictures(PICTURE_INPUTS),
                **{
                    name: (
                        "MASK",
                        {
                            "tooltip": f"Regions to edit in the picture(s) of {picture}: each separate white "
                            "area becomes one box (bbox_list). Paint it in the mask editor, at the size of its "
                            "picture (an empty mask sends no boxes)."
                            + references.only_some(SPECS, "bbox_list", "boxes")
                        },
                    )
                    for name, picture in zip(BOX_INPUTS, PICTURE_INPUTS, strict=True)
                },
                PALETTE_IMAGE: (
                    "IMAGE",
                    {
                        "tooltip": "Read the palette from this picture (its first): the color_palette_count main "
                        "colours and their shares, on this machine."
                        + references.only_some(SPECS, "color_palette", "a palette")
                    },
                ),
                CUSTOM_MODEL: custom_model_input(SPECS),
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        """At queue time the pictures are not known: a value is refused when every possible use refuses it."""
        cls.check_custom(check, values)
        spec = cls.chosen_row(values)
        if spec is None:
            return
        failures = []
        for mode in mode_of(spec, values, values.get(PICTURE_COUNT)):
            try:
                cls.wire_values(check, spec, values, mode)
                return
            except InputError as failure:
                failures.append(failure)
        raise failures[0]

    @classmethod
    def wire_values(cls, check: Check, spec: ModelSpec, values: dict[str, Any], mode: str = TEXT_MODE) -> dict:
        """The checked values one use of the model sends (seed, pictures and boxes are added by the run)."""
        view = spec.in_mode(mode)
        picked = {name: values[name] for name in SENT if name in values}
        if IMAGE_SET in values:
            picked[IMAGE_SET] = values[IMAGE_SET] or None  # a mode switch: sent only when on
        for name in spec.no_effect(mode):
            picked.pop(name, None)
        if all(name in values for name in ("size", "width", "height")):
            picked["size"] = wan_size(check, values["size"], values["width"], values["height"])
        # A palette typed for a model that takes none is a hidden leftover: not read, not sent (the status says so).
        text = values.get(PALETTE_TEXT) or "" if spec.has_field("color_palette") else ""
        palette = palette_from(check, text, values.get(PALETTE_IMAGE), int(values.get("color_palette_count", 5)))
        if palette is not None:
            source, colours = palette
            cls.check_taken(check, spec, view, mode, "color_palette", source)
            picked["color_palette"] = check_field(check, view.field("color_palette"), colours, name=source)
        for name, value in picked.items():
            if value not in (None, False, "") and spec.has_field(name):
                cls.check_taken(check, spec, view, mode, name, name)
        return checked_values(check, view, picked)

    @staticmethod
    def check_taken(check: Check, spec: ModelSpec, view: ModelSpec, mode: str, field: str, name: str) -> None:
        """Input ``name`` feeds ``field``: refused, naming the use, where this use of the model does not take it, and
        where the model takes no such field at all (then ``name`` is a connection: a widget for such a field is
        hidden and left out, but a picture the user wired in is not dropped from a paid run without a word)."""
        if spec.has_field(field) and not view.has_field(field):
            raise check.fail(name, f"is set, but {spec.name} does not take {field} {USES.get(mode, mode)}.")
        if not spec.has_field(field):
            takers = ", ".join(models_documenting(SPECS, field))
            raise check.fail(
                name, f"is connected, but {spec.name} takes no {field} (only {takers}); disconnect it or pick one."
            )

    async def run(
        self,
        model,
        prompt,
        negative_prompt,
        size,
        width,
        height,
        n,
        enable_sequential,
        thinking_mode,
        color_palette,
        color_palette_count,
        seed,
        prompt_extend,
        watermark,
        image=None,
        image_2=None,
        image_3=None,
        image_4=None,
        image_5=None,
        image_6=None,
        image_7=None,
        image_8=None,
        image_9=None,
        bbox=None,
        bbox_2=None,
        bbox_3=None,
        bbox_4=None,
        bbox_5=None,
        bbox_6=None,
        bbox_7=None,
        bbox_8=None,
        bbox_9=None,
        color_palette_image=None,
        custom_model="",
        unique_id=None,
    ):
        # ComfyUI passes every input by name and the node contract wants each one as a parameter here.
        inputs = dict(locals())
        del inputs["self"]
        return await self.generate(inputs)

    async def generate(self, inputs: dict[str, Any]) -> tuple:
        """One task: the pictures (checked and encoded in order), boxes from their masks, the palette, the values."""
        unique_id = inputs.pop("unique_id")
        pictures = references.gather([(name, inputs.pop(name)) for name in PICTURE_INPUTS])
        masks = [(name, inputs.pop(name)) for name in BOX_INPUTS]
        check = self.checked({**inputs, PICTURE_COUNT: len(pictures)})
        spec = self.chosen_row(inputs)
        mode = mode_of(spec, inputs, len(pictures))[0]
        view = spec.in_mode(mode)
        wire = self.wire_values(check, spec, inputs, mode)
        references.check_count(check, view, pictures)
        boxes = regions.bbox_list(check, masks, pictures)
        if boxes is not None:
            self.check_taken(check, spec, view, mode, "bbox_list", next(name for name, m in masks if m is not None))
        refs = await references.encoded(check, view, pictures)
        values = {**wire, "seed": confirmed_seed(view, inputs["seed"]), "bbox_list": boxes}
        body = references.request(view, values, refs)
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run([Job(view, body)]))


NODES = [WanImage]

"""What every node of the pack shares: identity, common inputs, and turning results into ComfyUI outputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from .client import InputError
from .images import batch_images, batch_masks
from .models import MODELS
from .runner import JobResult
from .validation import Check, check_declared

CATEGORY = "DashScope"
SEED_MAX = 2147483647

IMAGE_OUTPUTS = ("IMAGE", "MASK", "STRING", "STRING")
IMAGE_OUTPUT_NAMES = ("images", "alpha", "task_ids", "urls")
IMAGE_OUTPUT_TOOLTIPS = (
    "Every image the service returned, as one RGB batch (images of another size are resized to the first's size).",
    "The alpha channel of each image as a MASK (1 = opaque); all ones when the model returns no transparency.",
    "The DashScope task id(s), one per line: quote them when asking Alibaba Cloud support about a result.",
    "The result URLs, one per line. They expire 24 h after the task finished.",
)
HIDDEN = {"unique_id": "UNIQUE_ID"}


class PackNode:
    """Base of the pack's nodes (classic ComfyUI node contract)."""

    NODE_ID = ""
    DISPLAY_NAME = ""
    CATEGORY = CATEGORY
    FUNCTION = "run"
    RETURN_TYPES: tuple[str, ...] = IMAGE_OUTPUTS
    RETURN_NAMES: tuple[str, ...] = IMAGE_OUTPUT_NAMES
    OUTPUT_TOOLTIPS: tuple[str, ...] = IMAGE_OUTPUT_TOOLTIPS
    DESCRIPTION = ""

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        """The node's own checks of widget values (lengths, model rules, mode rules). ``values`` holds only what
        is known: at queue time an input fed by another node is missing. ``run`` calls it too, with everything."""

    @classmethod
    def VALIDATE_INPUTS(cls, **values: Any) -> bool | str:
        """ComfyUI calls this when the graph is queued, before any node runs: a bad widget on any pack node
        refuses the whole graph, so no earlier paid node runs for nothing. Taking **values makes ComfyUI skip
        its own combo and range checks, so ``check_declared`` repeats them."""
        known = {k: v for k, v in values.items() if isinstance(v, (str, int, float, bool))}
        try:
            cls.checked(known)
        except InputError as err:
            return str(err)
        return True

    @classmethod
    def checked(cls, values: dict[str, Any]) -> Check:
        """Run every widget check (declared and node-specific); the Check is returned for the image checks."""
        check = Check(cls.DISPLAY_NAME)
        check_declared(check, cls.INPUT_TYPES(), values)
        cls.check_widgets(check, values)
        return check


def seed_input(note: str = "") -> tuple[str, dict[str, Any]]:
    return (
        "INT",
        {
            "default": 0,
            "min": 0,
            "max": SEED_MAX,
            "control_after_generate": True,
            "tooltip": "Same seed and inputs = ComfyUI re-uses the last (already paid) result; change it, or set "
            "'control after generate' to randomize, to ask the service for new images. " + note,
        },
    )


def prompt_input(limit: int, required: bool = True, what: str = "What to draw") -> tuple[str, dict[str, Any]]:
    return (
        "STRING",
        {
            "multiline": True,
            "default": "",
            "tooltip": f"{what}. Chinese or English, at most {limit} characters." + ("" if required else " Optional."),
        },
    )


def model_tooltip(names: Sequence[str], intro: str) -> str:
    """A model picker's tooltip that states each model's status (retired, scheduled, trial only)."""
    lines = [intro]
    for name in names:
        spec = MODELS.get(name)
        note = spec.status_note() if spec else ""
        if note:
            lines.append(f"• {name}: {note}")
    return "\n".join(lines)


def image_outputs(results: Sequence[JobResult]) -> tuple[torch.Tensor, torch.Tensor, str, str]:
    """JobResults -> (IMAGE batch RGB, MASK batch alpha, task ids, urls)."""
    pairs = [pair for result in results for pair in result.images]
    if not pairs:
        raise ValueError("the service returned no images")
    images = batch_images([rgb for rgb, _ in pairs])
    masks = batch_masks([alpha for _, alpha in pairs], images.shape[1], images.shape[2])
    task_ids = "\n".join(r.task_id for r in results if r.task_id)
    urls = "\n".join(u for r in results for u in r.urls)
    return images, masks, task_ids, urls

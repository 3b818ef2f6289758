"""Person instance segmentation, and picking persons from its masks (no request) to chain into erasing."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import torch

from . import models
from .base import HIDDEN, PackNode
from .client import DownloadError, TaskFailedError, TaskOutcome, result_slots, successful_urls
from .images import batch_images, decode_gray, image_batch, mask_batch
from .jobs import encoded_batch, image_input
from .models.editing import SEGMENTATION
from .runner import Fetch, ImageRef, Job, JobResult, Runner, download_images
from .validation import Check

# A label map names persons by pixel value (1..255), and each person becomes a full-size float mask: a hostile
# 166 KB label map with 255 values once cost 9.8 GB. So persons are capped per image, and all masks of a run
# together must fit a memory budget; both are checked before any mask is allocated.
MAX_PERSONS = 64
MAX_MASK_BYTES = 2 * 1024**3


def collect_segmentation(outcome: TaskOutcome, fetch: Fetch) -> JobResult:
    """The label map (person k has pixel value k) and the coloured visualisation, from the documented shape
    (output_image_url + output_vis_image_url) or, failing that, any generic one (label first, then the preview)."""
    urls, _ = successful_urls(outcome.output, outcome.task_id, SEGMENTATION.results)  # raises when none
    slots = [slot for slot in result_slots(outcome.output, SEGMENTATION.results) if slot.ok]
    label_url = urls[0]
    vis_url = str(slots[0].extra.get("output_vis_image_url") or "") or (urls[1] if len(urls) > 1 else "")
    try:
        label = decode_gray(fetch(label_url))
    except ValueError as exc:
        raise DownloadError(
            f"The label image could not be decoded: {exc}.", code="BadImage", task_id=outcome.task_id
        ) from None
    persons = int(np.count_nonzero(np.unique(label)))  # values other than 0 (background)
    if persons > MAX_PERSONS:
        raise TaskFailedError(
            f"The label image names {persons} persons; this node returns at most {MAX_PERSONS} per image "
            "(each person is a full-size mask).",
            code="TooManyPersons",
            task_id=outcome.task_id,
        )
    extra: dict[str, Any] = {"label": label}
    if vis_url:
        extra["vis"] = download_images([vis_url], fetch, outcome.task_id)[0][0]
    return JobResult(outcome, [u for u in (label_url, vis_url) if u], [], [], extra)


class PersonSegmentation(PackNode):
    NODE_ID = "DashScopeImgPersonSegmentation"
    DISPLAY_NAME = "DashScope Person Segmentation (人物实例分割)"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "image-instance-segmentation: one mask per person in the picture. Outputs every person's mask (a MASK batch, "
        "person 1 first), all persons together, the label image (pixel value x 255 = person number), the service's "
        "coloured preview and the number of persons. Feed person_masks into 'DashScope Pick Person Masks' to choose "
        f"persons, e.g. to erase everyone but one. Image: {SEGMENTATION.field('image').image.describe()}. With a batch of "
        "images, person_masks holds the persons of image 1, then image 2, and so on. "
        + models.model("image-instance-segmentation").status_note()
        + "."
    )
    RETURN_TYPES = ("MASK", "MASK", "IMAGE", "IMAGE", "INT", "STRING")
    RETURN_NAMES = ("person_masks", "all_persons", "label", "preview", "count", "task_ids")
    OUTPUT_TOOLTIPS = (
        "One mask per person (1 = that person), in the service's numbering; with several images, image by image.",
        "All persons of each image as one mask (one per input image).",
        "The label image: pixel value x 255 is the person number (0 = background).",
        "The service's coloured visualisation.",
        "How many persons were found (all images together).",
        "The DashScope task id(s), one per line.",
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {"image": image_input(SEGMENTATION.field("image"), "The picture(s)")},
            "hidden": HIDDEN,
        }

    async def run(self, image, unique_id=None):
        check = self.checked({})
        images = image_batch(image)
        encoded = await encoded_batch(check, "image", images, SEGMENTATION.field("image").image)
        # The page's example sends an empty parameters object; no parameter is documented.
        jobs = [
            Job(SEGMENTATION, SEGMENTATION.request({"image": ImageRef(e)}, extra={"parameters": {}})) for e in encoded
        ]
        runner = Runner(self.DISPLAY_NAME, unique_id)
        results = await runner.run(jobs, collect=collect_segmentation)
        width, height = images.shape[2], images.shape[1]
        label_maps = [_label_at(result.extra["label"], width, height) for result in results]
        person_ids = [[int(v) for v in torch.unique(label) if v > 0] for label in label_maps]
        count = sum(len(ids) for ids in person_ids)
        if max(count, 1) * height * width * 4 > MAX_MASK_BYTES:
            raise TaskFailedError(
                f"The {count} person masks of {width}x{height} px would need "
                f"{count * height * width * 4 / 1024**3:.1f} GB; at most {MAX_MASK_BYTES / 1024**3:.0f} GB. "
                "Segment fewer or smaller images at a time.",
                code="TooManyPersons",
            )
        # Every output is allocated once at its final size and filled in place (one bool scratch plane).
        person_masks = torch.zeros((max(count, 1), height, width))
        unions = torch.empty((len(results), height, width))
        labels = torch.empty((len(results), height, width, 3))
        scratch = torch.empty((height, width), dtype=torch.bool)
        slot = 0
        for index, (label, ids) in enumerate(zip(label_maps, person_ids, strict=True)):
            for k in ids:
                person_masks[slot].copy_(torch.eq(label, k, out=scratch))
                slot += 1
            unions[index].copy_(torch.gt(label, 0, out=scratch))
            labels[index].copy_(label[..., None])
            labels[index].div_(255.0)
        previews = [
            result.extra.get("vis", original[..., :3]) for result, original in zip(results, images, strict=True)
        ]
        task_ids = "\n".join(r.task_id for r in results)
        if runner.status is not None:
            runner.status.text(f"{count} person(s) found\ntask: {', '.join(r.task_id for r in results)}")
        return person_masks, unions, labels, batch_images(previews), count, task_ids


def _label_at(label: np.ndarray, width: int, height: int) -> torch.Tensor:
    """The label map (uint8) at the input image's size; nearest neighbour keeps person numbers intact."""
    tensor = torch.from_numpy(np.ascontiguousarray(label, dtype=np.uint8))
    if tensor.shape != (height, width):
        tensor = torch.nn.functional.interpolate(tensor[None, None].float(), size=(height, width), mode="nearest")
        tensor = tensor[0, 0].to(torch.uint8)
    return tensor


_EXCEPT = re.compile(r"^(?:all\s+)?(?:except|but|not)\s+(.*)$")


def parse_selection(text: str, count: int, check: Check) -> list[int]:
    """'2', '1,3', '2-4', 'all', 'none', 'all except 2', 'not 1,2' -> sorted 1-based person numbers."""
    text = (text or "").strip().lower()
    if text == "all":
        return list(range(1, count + 1))
    if text in ("none", ""):
        return []
    negated = _EXCEPT.match(text)
    chosen: set[int] = set()
    for part in filter(None, (p.strip() for p in (negated.group(1) if negated else text).split(","))):
        low, _, high = part.partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            raise check.fail(
                "selection", f"has {part!r}; write person numbers like '2', '1,3', '2-4', 'all' or 'all except 2'."
            ) from None
        for number in range(first, last + 1):
            if not 1 <= number <= count:
                raise check.fail("selection", f"names person {number}, but the masks hold persons 1 to {count}.")
            chosen.add(number)
    return sorted(set(range(1, count + 1)) - chosen) if negated else sorted(chosen)


class PickPersonMasks(PackNode):
    NODE_ID = "DashScopeImgPickPersons"
    DISPLAY_NAME = "DashScope Pick Person Masks"
    CATEGORY = "DashScope/Editing"
    DESCRIPTION = (
        "Choose persons from 'DashScope Person Segmentation' and join their masks into one, e.g. 'all except 2' to "
        "erase everyone but person 2 with 'DashScope Erase and Complete' (use 'inverse' or pick '2' as its keep mask). "
        "Runs locally: no request, no cost."
    )
    RETURN_TYPES = ("MASK", "MASK")
    RETURN_NAMES = ("mask", "inverse")
    OUTPUT_TOOLTIPS = ("The chosen persons together (1 = chosen).", "Everything else (1 = not chosen).")

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "person_masks": ("MASK", {"tooltip": "The person_masks output of DashScope Person Segmentation."}),
                "selection": (
                    "STRING",
                    {
                        "default": "1",
                        "tooltip": "Person numbers: '2', '1,3', '2-4', 'all', or 'all except 2' / 'not 2'.",
                    },
                ),
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        # The syntax is known at queue time; how many persons there are only once the masks arrive.
        if "selection" in values:
            parse_selection(values["selection"], 255, check)

    async def run(self, person_masks, selection, unique_id=None):
        check = self.checked({"selection": selection})
        masks = mask_batch(person_masks)
        chosen = parse_selection(selection, masks.shape[0], check)
        union = torch.zeros(masks.shape[1:])
        for number in chosen:
            union = torch.maximum(union, masks[number - 1])
        return union[None], (1.0 - union)[None]


NODES = [PersonSegmentation, PickPersonMasks]

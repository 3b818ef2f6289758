"""Boxes from masks: every separate white region of a MASK painted on a reference picture becomes one box
[x1, y1, x2, y2] in that picture's pixel coordinates, so a user marks the regions to edit in ComfyUI's mask editor
and nobody types numbers. A row's ``bbox_list`` holds one list of boxes per input picture, in picture order, []
for a picture without boxes (wan2.7; see its row for what the page states)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from .images import binary_mask, mask_batch, picture_size
from .references import PICTURES, Picture
from .validation import Check

BOXES = "bbox"  # a node's box-mask inputs: bbox (for image), bbox_2 (for image_2), ...
Box = list[int]


def box_inputs(count: int) -> list[str]:
    return [BOXES, *(f"{BOXES}_{k}" for k in range(2, count + 1))]


def picture_input_of(mask_input: str) -> str:
    """bbox -> image, bbox_3 -> image_3."""
    return PICTURES + mask_input[len(BOXES) :]


def boxes(mask: torch.Tensor) -> list[Box]:
    """One box per 8-connected white region (>= 0.5) of an [H, W] mask, top to bottom then left to right. x2 and y2
    are one past the region's last column and row, so a full mask is [0, 0, W, H]."""
    white = binary_mask(mask) > 0
    height = white.shape[0]
    edges = np.diff(np.pad(white, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    rows, starts = np.nonzero(edges == 1)  # each row's runs of white, in order: [start, end)
    ends = np.nonzero(edges == -1)[1]
    if rows.size == 0:
        return []
    parent = np.arange(rows.size)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first = np.searchsorted(rows, np.arange(height + 1))  # index of each row's first run
    for row in range(1, height):
        above, here = first[row - 1], first[row]
        above_end, here_end = first[row], first[row + 1]
        while above < above_end and here < here_end:  # both rows' runs are sorted: walk them together
            if starts[above] <= ends[here] and starts[here] <= ends[above]:  # touching, diagonals included
                parent[root(above)] = root(here)
            step_above, step_here = ends[above] <= ends[here], ends[here] <= ends[above]
            above, here = above + step_above, here + step_here
    labels = np.array([root(i) for i in range(rows.size)])
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    spans = [np.minimum.reduceat(starts[order], np.r_[0, cuts]), np.minimum.reduceat(rows[order], np.r_[0, cuts])]
    spans += [np.maximum.reduceat(ends[order], np.r_[0, cuts]), np.maximum.reduceat(rows[order], np.r_[0, cuts]) + 1]
    found = [[int(x1), int(y1), int(x2), int(y2)] for x1, y1, x2, y2 in zip(*spans, strict=True)]
    return sorted(found, key=lambda box: (box[1], box[0]))


def bbox_list(check: Check, masks: Sequence[tuple[str, Any]], pictures: Sequence[Picture]) -> list[list[Box]] | None:
    """One list of boxes per picture, from the mask input paired with the picture's input (a single mask serves every
    item of that input's batch, or give one mask per item); None when no mask holds a region. An empty mask gives
    no boxes whatever its size (LoadImage's blank 64x64 mask); a painted one must match its picture's size."""
    connected = {name: mask for name, mask in masks if mask is not None}
    sources = {picture.source for picture in pictures}
    for name in connected:
        if picture_input_of(name) not in sources:
            raise check.fail(name, f"is connected but {picture_input_of(name)} is not; boxes belong to a picture.")
    by_source = {picture_input_of(name): (name, mask_batch(mask)) for name, mask in connected.items()}
    found: list[list[Box]] = []
    for number, picture in enumerate(pictures, start=1):
        if picture.source not in by_source:
            found.append([])
            continue
        name, batch = by_source[picture.source]
        mask = check.pick(name, batch, picture.item, picture.batch)
        regions = boxes(mask)
        if regions:
            check.same_size(name, picture_size(mask), picture.size, picture.label(number))
        found.append(regions)
    return found if any(found) else None

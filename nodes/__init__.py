"""The pack's nodes, collected from their family modules into ComfyUI's mappings."""

from __future__ import annotations

from . import (
    commerce,
    design,
    editing,
    facechain,
    image_to_image,
    portrait,
    segmentation,
    task_result,
    text_to_image,
    wan_image,
)

# Each family module lists its node classes in NODES; a new family is one line here.
FAMILIES = [
    text_to_image,
    wan_image,
    editing,
    segmentation,
    image_to_image,
    portrait,
    facechain,
    commerce,
    design,
    task_result,
]

NODE_CLASS_MAPPINGS: dict[str, type] = {}
NODE_DISPLAY_NAME_MAPPINGS: dict[str, str] = {}
for _family in FAMILIES:
    for _cls in _family.NODES:
        NODE_CLASS_MAPPINGS[_cls.NODE_ID] = _cls
        NODE_DISPLAY_NAME_MAPPINGS[_cls.NODE_ID] = _cls.DISPLAY_NAME

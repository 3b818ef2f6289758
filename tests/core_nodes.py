"""The core ComfyUI 0.3.64 nodes our example workflows may use, as data for the workflow builder and
validator (CI has no ComfyUI). Each: ordered inputs (name, type or option list, widget options), outputs."""

from __future__ import annotations

from typing import Any

MAX_RESOLUTION = 16384
ANY_FILE = "<file>"  # LoadImage's image combo lists the user's input folder: any file name is valid

CORE_NODES: dict[str, dict[str, Any]] = {
    "LoadImage": {
        "inputs": [("image", ANY_FILE, {}), ("upload", "IMAGEUPLOAD", {})],
        "outputs": [("IMAGE", "IMAGE"), ("MASK", "MASK")],
    },
    # A frontend-only sticky note: explains a step to whoever opens the workflow; never executed.
    "Note": {"inputs": [("text", "STRING", {})], "outputs": [], "frontend_only": True},
    "SaveImage": {
        "inputs": [("images", "IMAGE", {}), ("filename_prefix", "STRING", {"default": "ComfyUI"})],
        "outputs": [],
    },
    "PreviewImage": {"inputs": [("images", "IMAGE", {})], "outputs": []},
    "MaskToImage": {"inputs": [("mask", "MASK", {})], "outputs": [("IMAGE", "IMAGE")]},
    "ImageToMask": {
        "inputs": [("image", "IMAGE", {}), ("channel", ["red", "green", "blue", "alpha"], {})],
        "outputs": [("MASK", "MASK")],
    },
    "InvertMask": {"inputs": [("mask", "MASK", {})], "outputs": [("MASK", "MASK")]},
    "SolidMask": {
        "inputs": [
            ("value", "FLOAT", {"default": 1.0, "min": 0.0, "max": 1.0}),
            ("width", "INT", {"default": 512, "min": 1, "max": MAX_RESOLUTION}),
            ("height", "INT", {"default": 512, "min": 1, "max": MAX_RESOLUTION}),
        ],
        "outputs": [("MASK", "MASK")],
    },
    "ImageScale": {
        "inputs": [
            ("image", "IMAGE", {}),
            ("upscale_method", ["nearest-exact", "bilinear", "area", "bicubic", "lanczos"], {}),
            ("width", "INT", {"default": 512, "min": 0, "max": MAX_RESOLUTION}),
            ("height", "INT", {"default": 512, "min": 0, "max": MAX_RESOLUTION}),
            ("crop", ["disabled", "center"], {}),
        ],
        "outputs": [("IMAGE", "IMAGE")],
    },
    "ImageCompositeMasked": {
        "inputs": [
            ("destination", "IMAGE", {}),
            ("source", "IMAGE", {}),
            ("x", "INT", {"default": 0, "min": 0, "max": MAX_RESOLUTION}),
            ("y", "INT", {"default": 0, "min": 0, "max": MAX_RESOLUTION}),
            ("resize_source", "BOOLEAN", {"default": False}),
            ("mask", "MASK", {"optional": True}),
        ],
        "outputs": [("IMAGE", "IMAGE")],
    },
    "MaskComposite": {
        "inputs": [
            ("destination", "MASK", {}),
            ("source", "MASK", {}),
            ("x", "INT", {"default": 0, "min": 0, "max": MAX_RESOLUTION}),
            ("y", "INT", {"default": 0, "min": 0, "max": MAX_RESOLUTION}),
            ("operation", ["multiply", "add", "subtract", "and", "or", "xor"], {}),
        ],
        "outputs": [("MASK", "MASK")],
    },
    "JoinImageWithAlpha": {"inputs": [("image", "IMAGE", {}), ("alpha", "MASK", {})], "outputs": [("IMAGE", "IMAGE")]},
    "SplitImageWithAlpha": {"inputs": [("image", "IMAGE", {})], "outputs": [("IMAGE", "IMAGE"), ("MASK", "MASK")]},
}

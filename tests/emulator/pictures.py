"""Deterministic result images: what each model 'draws' for a request.

Every result is filled with ``result_color(model, request, index)``; models that edit an input keep the
input's pixels where the real service would (outside an inpainting mask, the foreground of a background
generation, the original area of an outpainting), so tests can check both what was sent and what came back.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import numpy as np
from PIL import Image

Array = np.ndarray


def result_color(model: str, request: dict[str, Any], index: int) -> tuple[int, int, int]:
    canonical = json.dumps(
        {"model": model, "input": request.get("input"), "parameters": request.get("parameters")},
        sort_keys=True,
        ensure_ascii=False,
    )
    digest = hashlib.sha256(f"{canonical}#{index}".encode()).digest()
    # Keep away from pure black / white so results never look like masks.
    return tuple(20 + b % 216 for b in digest[:3])  # type: ignore[return-value]


def encode(array: Array, fmt: str = "PNG") -> bytes:
    mode = {2: "L", 3: "RGB", 4: "RGBA"}[array.shape[2] if array.ndim == 3 else 2]
    pil = Image.fromarray(array if array.ndim == 3 else array, "L" if array.ndim == 2 else mode)
    buffer = io.BytesIO()
    pil.save(buffer, fmt, **({"quality": 92} if fmt == "JPEG" else {"compress_level": 1}))
    return buffer.getvalue()


def solid(width: int, height: int, color: tuple[int, int, int]) -> Array:
    return np.broadcast_to(np.array(color, dtype=np.uint8), (height, width, 3)).copy()


def parse_size(text: Any, default: tuple[int, int]) -> tuple[int, int]:
    try:
        w, h = str(text).split("*")
        return int(w), int(h)
    except (ValueError, AttributeError):
        return default


def segmentation_label(width: int, height: int, persons: int) -> Array:
    """Person k (1..persons) is a rectangle inside the k-th of ``persons`` equal vertical bands."""
    label = np.zeros((height, width), dtype=np.uint8)
    if persons <= 0:
        return label
    band = width / persons
    top, bottom = height // 6, height - height // 6
    for k in range(1, persons + 1):
        left = int((k - 1) * band + band * 0.15)
        right = int(k * band - band * 0.15)
        label[top:bottom, left:right] = k
    return label


def resize(array: Array, width: int, height: int, nearest: bool = False) -> Array:
    if array.shape[1] == width and array.shape[0] == height:
        return array
    pil = Image.fromarray(array)
    return np.asarray(pil.resize((width, height), Image.NEAREST if nearest else Image.BILINEAR))


def rgb(image: Image.Image) -> Array:
    return np.asarray(image.convert("RGB"))


def gray(image: Image.Image) -> Array:
    return np.asarray(image.convert("L"))


def outpaint_size(width: int, height: int, p: dict[str, Any]) -> tuple[int, int, int, int]:
    """Output (width, height, x, y of the original) by the priority rules of spec 11.14."""
    ratio = p.get("output_ratio") or ""
    if ratio:
        rw, rh = (int(v) for v in ratio.split(":"))
        if width / height < rw / rh:
            new_w, new_h = round(height * rw / rh), height
        else:
            new_w, new_h = width, round(width * rh / rw)
    elif float(p.get("x_scale", 1.0)) != 1.0 or float(p.get("y_scale", 1.0)) != 1.0:
        new_w, new_h = round(width * float(p.get("x_scale", 1.0))), round(height * float(p.get("y_scale", 1.0)))
    else:
        left, right = int(p.get("left_offset", 0)), int(p.get("right_offset", 0))
        top, bottom = int(p.get("top_offset", 0)), int(p.get("bottom_offset", 0))
        return width + left + right, height + top + bottom, left, top
    return new_w, new_h, (new_w - width) // 2, (new_h - height) // 2


def render(
    model: str, request: dict[str, Any], images: dict[str, list[Image.Image]], index: int, persons: int
) -> list[tuple[str, bytes, int, int, str, tuple[int, int, int]]]:
    """Result files of one slot: list of (role, bytes, width, height, mode, colour). Role '' is the main image."""
    inp, par = request.get("input") or {}, request.get("parameters") or {}
    color = result_color(model, request, index)
    first = next((imgs[0] for imgs in images.values() if imgs), None)

    def one(array: Array, fmt: str = "PNG", role: str = "") -> tuple[str, bytes, int, int, str, tuple[int, int, int]]:
        mode = {2: "L", 3: "RGB", 4: "RGBA"}[array.shape[2] if array.ndim == 3 else 2]
        return role, encode(array, fmt), array.shape[1], array.shape[0], mode, color

    if model == "wanx-x-painting":
        w, h = parse_size(par.get("size"), (1024, 1024))
        base = resize(rgb(images["base_image_url"][0]), w, h)
        mask = resize(gray(images["mask_image_url"][0]), w, h, nearest=True) >= 128
        out = base.copy()
        out[mask] = color
        return [one(out)]
    if model == "image-erase-completion":
        base = rgb(images["image_url"][0])
        mask = gray(images["mask_url"][0]) > 0
        if par.get("dilate_flag"):
            padded = np.pad(mask, 3)
            mask = np.zeros_like(mask)
            for dy in range(7):
                for dx in range(7):
                    mask |= padded[dy : dy + base.shape[0], dx : dx + base.shape[1]]
        if images.get("foreground_url"):
            mask &= gray(images["foreground_url"][0]) == 0
        out = base.copy()
        out[mask] = color
        return [one(out)]
    if model == "image-out-painting":
        base = rgb(images["image_url"][0])
        if int(par.get("angle", 0)):
            base = np.asarray(Image.fromarray(base).rotate(int(par["angle"]), expand=True))
        w, h, x, y = outpaint_size(base.shape[1], base.shape[0], par)
        out = solid(w, h, color)
        out[y : y + base.shape[0], x : x + base.shape[1]] = base[: h - y, : w - x]
        return [one(out)]
    if model == "image-instance-segmentation":
        width, height = first.size
        label = segmentation_label(width, height, persons)
        vis = rgb(first).copy()
        vis[label > 0] = color
        return [one(label), one(vis, role="vis")]
    if model == "wanx-background-generation-v2":
        base = np.asarray(images["base_image_url"][0].convert("RGBA")).astype(np.float32)
        alpha = base[..., 3:4] / 255.0
        out = base[..., :3] * alpha + np.array(color, dtype=np.float32) * (1 - alpha)
        return [one(out.round().astype(np.uint8))]
    if model == "wanx-style-repaint-v1":
        w, h = first.size
        scale = 1536 / min(w, h)
        return [one(solid(round(w * scale), round(h * scale), color), "JPEG")]
    if model == "wanx2.1-imageedit":
        w, h = first.size
        if inp.get("function") == "expand":
            w = round(w * (float(par.get("left_scale", 1)) + float(par.get("right_scale", 1)) - 1))
            h = round(h * (float(par.get("top_scale", 1)) + float(par.get("bottom_scale", 1)) - 1))
        if inp.get("function") == "super_resolution":
            w, h = w * int(par.get("upscale_factor", 1)), h * int(par.get("upscale_factor", 1))
        return [one(solid(w, h, color))]
    if model in ("wanx-virtualmodel", "virtualmodel-v2"):
        w, h = first.size
        short = int(par.get("short_side_size", 1024))
        scale = short / min(w, h)
        return [one(solid(round(w * scale), round(h * scale), color))]
    if model in ("shoemodel-v1", "wanx-style-cosplay-v1"):
        key = "template_image_url"
        return [one(solid(*images[key][0].size, color))]
    if model == "facechain-generation":
        return [one(solid(768, 1024, color))]
    if model == "wanx-poster-generation-v1":
        w, h = (1024, 576) if inp.get("wh_ratios", "横版") == "横版" else (576, 1024)
        background = tuple(255 - c for c in color)
        return [one(solid(w, h, color)), ("bg", encode(solid(w, h, background)), w, h, "RGB", background)]
    if model == "wordart-texture":
        ratio = ((inp.get("text") or {}).get("output_image_ratio")) or "1:1"
        short = max(512, min(1024, int(par.get("image_short_size", 704)))) // 64 * 64
        rw, rh = (int(v) for v in ratio.split(":"))
        w, h = (
            (short, short)
            if rw == rh
            else ((round(short * rw / rh), short) if rw > rh else (short, round(short * rh / rw)))
        )
        if first is not None:
            w, h = first.size
        if par.get("alpha_channel"):
            out = np.zeros((h, w, 4), dtype=np.uint8)
            out[..., :3] = color
            out[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4, 3] = 255
            return [one(out)]
        return [one(solid(w, h, color))]
    if model == "wordart-semantic":
        out = np.zeros((1024, 1024, 3), dtype=np.uint8)
        out[256:768, 256:768] = 255
        svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="1024"><rect x="256" y="256" width="512" height="512" fill="white"/></svg>'
        return [one(out), ("svg", svg, 1024, 1024, "SVG", color)]
    if model.startswith("qwen-image-edit") or (
        model.startswith("qwen-image-2.0") and first is not None and "size" not in par
    ):
        last = images.get("content") or [first]
        return [one(solid(*last[-1].size, color))]
    w, h = parse_size(par.get("size"), (768, 768) if model == "wanx-sketch-to-image-lite" else (1024, 1024))
    return [one(solid(w, h, color))]

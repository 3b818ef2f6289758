"""Pictures outside China (Beijing): DashScope's temporary uploads exist only there (official-reference-2026-12.md
§6), so in Singapore or Virginia a picture reaches a model only inline, as a data URI, and only where the model's
page documents data URIs.

Before a node's run sends anything, ``fit_run`` looks at every job of the run: a model that takes no data URIs
refuses the whole run (no job may be paid when a later one of the same run cannot be sent), and each picture is
fitted to its field's per-picture limit (the row's ``ImageRule.max_mb``): a JPEG photo is re-encoded at a lower
quality, then downscaled, never below the field's smallest side. A PNG (a mask, line art, a cut-out with alpha) is
exact and keeps its pixels, and a job that carries one keeps the size of its photos too (a mask must match its
image). What was changed comes back as lines for the node's status.
"""

from __future__ import annotations

import dataclasses
import io
import math
from collections.abc import Iterator
from typing import Any

from PIL import Image

from .client import INLINE_LIMIT, ImageRef, InputError, inline_size
from .images import Encoded
from .models import Field, ImageRule, ModelSpec

MB = 1024 * 1024
QUALITIES = (85, 75, 65, 55)  # JPEG quality steps before any downscaling
SHRINK_TRIES = 8


def fit_run(node: str, jobs: list[Any], region: str) -> tuple[list[Any], list[str]]:
    """The run's jobs with every picture fitted for inline sending, and what was changed (one line each); or an
    InputError naming the node, the input, the region and what to do, before anything is sent."""
    for job in jobs:
        for path, _ in _pictures(job.body):
            if not job.spec.data_uri:
                raise InputError(node, _field_name(job.spec, path), _needs_upload(job.spec.name, region))
    fitted: dict[int, Encoded] = {}
    order: dict[str, list[int]] = {}  # each input's distinct pictures, in order (a shared one is fitted once)
    changes: list[tuple[str, int, str]] = []
    for job in jobs:
        resizable = all(ref.encoded.ext == "jpg" for _, ref in _pictures(job.body))
        for path, ref in _pictures(job.body):
            key = id(ref.encoded)
            if key in fitted:
                continue
            name, field = _field_name(job.spec, path), _field(job.spec, path)
            order.setdefault(name, []).append(key)
            rule = field.image if field is not None else None
            limit_mb = rule.max_mb if rule is not None and rule.max_mb is not None else INLINE_LIMIT / MB
            fitted[key], change = _fit(ref.encoded, limit_mb, _min_side(rule), resizable)
            if change is None:
                raise InputError(node, name, _too_large(job.spec.name, ref.encoded, limit_mb, region, resizable))
            if change:
                changes.append((name, key, f"{change} to fit {limit_mb:g} MB inline"))
    notes = [
        f"{name}{f' {order[name].index(key) + 1}' if len(order[name]) > 1 else ''} {change} ({region}: no temporary "
        "uploads)"
        for name, key, change in changes
    ]
    return [dataclasses.replace(job, body=_replaced(job.body, fitted)) for job in jobs], notes


def _pictures(value: Any, path: str = "") -> Iterator[tuple[str, ImageRef]]:
    """Every ImageRef of a body with its place ("input.base_image_url", "input.messages[].content[].image")."""
    if isinstance(value, ImageRef):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _pictures(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            yield from _pictures(item, path + "[]" if isinstance(item, dict) else path)


def _replaced(value: Any, fitted: dict[int, Encoded]) -> Any:
    if isinstance(value, ImageRef):
        return ImageRef(fitted.get(id(value.encoded), value.encoded))
    if isinstance(value, dict):
        return {key: _replaced(item, fitted) for key, item in value.items()}
    if isinstance(value, list):
        return [_replaced(item, fitted) for item in value]
    return value


def _field(spec: ModelSpec, path: str) -> Field | None:
    return next((f for f in spec.fields if f.path.replace("[0]", "[]") == path), None)


def _field_name(spec: ModelSpec, path: str) -> str:
    found = _field(spec, path)
    return found.name if found is not None else path.rsplit(".", 1)[-1]


def _min_side(rule: ImageRule | None) -> int:
    if rule is None or rule.min_side is None:
        return 1
    return rule.min_side + (1 if rule.strict else 0)


def _fit(encoded: Encoded, limit_mb: float, min_side: int, resizable: bool) -> tuple[Encoded, str | None]:
    """The picture within ``limit_mb`` as a data URI, and what was done ("" = nothing; None = it cannot be done)."""
    limit = int(limit_mb * MB)
    if inline_size(encoded) <= limit:
        return encoded, ""
    if encoded.ext != "jpg":
        return encoded, None  # exact pixels (mask, line art, alpha): never re-encoded lossily
    with Image.open(io.BytesIO(encoded.data)) as opened:
        picture = opened.convert("RGB")
    for quality in QUALITIES:
        candidate = _jpeg(picture, quality)
        if inline_size(candidate) <= limit:
            return candidate, f"re-encoded as JPEG quality {quality}"
    if not resizable:
        return encoded, None
    scale = 1.0
    for _ in range(SHRINK_TRIES):
        scale *= min(math.sqrt(limit / inline_size(candidate)) * 0.95, 0.95)
        width, height = round(picture.width * scale), round(picture.height * scale)
        if min(width, height) < min_side:
            scale = min_side / min(picture.width, picture.height)
            width, height = round(picture.width * scale), round(picture.height * scale)
        candidate = _jpeg(picture.resize((width, height), Image.Resampling.LANCZOS), QUALITIES[0])
        if inline_size(candidate) <= limit:
            return candidate, f"downscaled to {width}x{height}"
        if min(width, height) <= min_side:
            break
    return encoded, None


def _jpeg(picture: Image.Image, quality: int) -> Encoded:
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=quality)
    return Encoded(buffer.getvalue(), "jpg", picture.width, picture.height)


def _needs_upload(model: str, region: str) -> str:
    return (
        f"needs a temporary upload: {model} takes pictures only as URLs or oss:// uploads (its page documents no "
        f"Base64 data URI), and DashScope's temporary uploads exist only in China (Beijing); this base URL is in "
        f"{region}. Nothing was sent. Use this node with a China (Beijing) API key and the China region "
        "(Settings > DashScope)."
    )


def _too_large(model: str, encoded: Encoded, limit_mb: float, region: str, resizable: bool) -> str:
    size = inline_size(encoded) / MB
    why = (
        "it is an exact PNG (a mask, line art or a cut-out), which is never re-encoded"
        if encoded.ext != "jpg"
        else "lower JPEG quality was not enough, and it must keep its size (it goes with a mask)"
        if not resizable
        else "not even at the smallest size the model accepts"
    )
    return (
        f"is {encoded.width}x{encoded.height} px, {size:.1f} MB as inline data; {model} takes at most {limit_mb:g} MB "
        f"per picture, and it could not be made to fit ({why}). In {region} pictures can only go inline (DashScope's "
        "temporary uploads exist only in China (Beijing)). Nothing was sent. Downscale it before this node."
    )

"""Input images in a request body: each goes inline as a data URI or as an ``oss://`` upload, decided here
together with the header that tells the service to resolve ``oss://`` URLs.

Nodes put ``ImageRef`` placeholders in a body; ``prepare`` replaces them before the task is submitted.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from .transport import CancelCheck

# Data URIs make the request body larger; past this size a model that takes them still gets an upload.
INLINE_LIMIT = 2 * 1024 * 1024

OSS_RESOLVE_HEADER = "X-DashScope-OssResourceResolve"


class ImageData(Protocol):
    """An encoded picture (the pack's ``images.Encoded``)."""

    @property
    def data(self) -> bytes: ...
    @property
    def ext(self) -> str: ...  # "png" | "jpg"
    @property
    def mime(self) -> str: ...


@dataclass(frozen=True)
class ImageRef:
    """An input image inside a request body; replaced by an ``oss://`` URL or a data URI before sending."""

    encoded: ImageData


@dataclass(frozen=True)
class Prepared:
    """A body ready to send, and whether it holds ``oss://`` URLs (then the resolve header goes with it)."""

    body: dict[str, Any]
    uses_oss: bool = False

    def headers(self) -> dict[str, str]:
        return {OSS_RESOLVE_HEADER: "enable"} if self.uses_oss else {}


Upload = Callable[[bytes, str, str, CancelCheck | None], str]  # (data, model, ext, cancelled) -> oss:// URL


def prepare(
    upload: Upload, model: str, data_uri: bool, body: dict[str, Any], cancelled: CancelCheck | None
) -> Prepared:
    """Replace every ImageRef: inline when the model's page documents data URIs and the file is small enough,
    else an upload (cached per model and content)."""
    used_oss = False

    def walk(value: Any) -> Any:
        nonlocal used_oss
        if isinstance(value, ImageRef):
            image = value.encoded
            if data_uri and len(image.data) <= INLINE_LIMIT:
                return f"data:{image.mime};base64," + base64.b64encode(image.data).decode("ascii")
            used_oss = True
            return upload(image.data, model, image.ext, cancelled)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return Prepared(walk(body), used_oss)

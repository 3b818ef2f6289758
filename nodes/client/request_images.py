"""Input images in a request body: each goes inline as a data URI or as an ``oss://`` upload, decided here
together with the header that tells the service to resolve ``oss://`` URLs.

Nodes put ``ImageRef`` placeholders in a body; ``prepare`` replaces them before the task is submitted.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import NoTemporaryUploadsError
from .transport import CancelCheck

# Data URIs make the request body larger; past this size a model that takes them still gets an upload. The pack's
# own choice for China (Beijing), where uploads exist; elsewhere every picture goes inline (see ``prepare``).
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
    upload: Upload,
    model: str,
    data_uri: bool,
    body: dict[str, Any],
    cancelled: CancelCheck | None,
    *,
    region: str = "",
) -> Prepared:
    """Replace every ImageRef: inline when the model's page documents data URIs and the file is small enough,
    else an upload (cached per model and content).

    ``region`` names a region without temporary uploads (only China (Beijing) has them): there every picture goes
    inline, already fitted to the model's limit by the caller, and a model without data URIs is refused before
    anything is sent."""
    used_oss = False

    def walk(value: Any) -> Any:
        nonlocal used_oss
        if isinstance(value, ImageRef):
            image = value.encoded
            if data_uri and (region or len(image.data) <= INLINE_LIMIT):
                return data_uri_of(image)
            if region:
                raise NoTemporaryUploadsError(
                    f"{model} takes pictures only as URLs or temporary uploads, and DashScope's temporary uploads "
                    f"exist only in China (Beijing); this base URL is in {region}. Nothing was sent."
                )
            used_oss = True
            return upload(image.data, model, image.ext, cancelled)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return Prepared(walk(body), used_oss)


def data_uri_of(image: ImageData) -> str:
    return f"data:{image.mime};base64," + base64.b64encode(image.data).decode("ascii")


def inline_size(image: ImageData) -> int:
    """Bytes of the picture as a data URI (Base64 adds a third). Whether a page's per-picture limit counts the file
    or this text is not stated (UNCONFIRMED): the pack keeps the text within it, which satisfies both readings."""
    return len(f"data:{image.mime};base64,") + 4 * -(-len(image.data) // 3)

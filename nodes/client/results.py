"""Finding result URLs in the output shapes of spec section 4.4, and downloading them safely.

Result URLs come from the network, so they are treated as hostile: only http(s) is fetched (never
``file:`` or anything that reads the local disk), no DashScope header is sent, and the body is capped.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3

from .errors import ContentInspectionError, DashScopeError, DownloadError, TaskCanceledError, TaskFailedError
from .transport import TRANSFER_SLICE, Abandoned, CancelCheck, Retryable, Transport

MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
# What the poster model puts in place of a URL it refused to return (spec section 7).
MODERATED = "output data may contain inappropriate content"


@dataclass
class ResultSlot:
    url: str = ""
    code: str = ""
    message: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.url)


def result_slots(output: dict[str, Any]) -> list[ResultSlot]:
    """The images of a finished task, in order, from whichever shape the model uses (A, B, C, D, E, F)."""
    results = output.get("results")
    if isinstance(results, list) and results:
        slots = []
        for item in results:
            if not isinstance(item, dict):
                continue
            url = item.get("url") or item.get("png_url") or ""
            extra = {k: v for k, v in item.items() if k not in ("url", "code", "message")}
            slots.append(ResultSlot(str(url), str(item.get("code") or ""), str(item.get("message") or ""), extra))
        return slots
    for key in ("output_image_url", "result_url"):
        if isinstance(output.get(key), str) and output[key]:
            return [ResultSlot(output[key])]
    if isinstance(output.get("render_urls"), list):
        return [ResultSlot(str(u)) for u in output["render_urls"]]
    choices = output.get("choices")
    if isinstance(choices, list):
        slots = []
        for choice in choices:
            content = ((choice or {}).get("message") or {}).get("content") or []
            slots.extend(
                ResultSlot(str(part["image"])) for part in content if isinstance(part, dict) and part.get("image")
            )
        return slots
    return []


def successful_urls(output: dict[str, Any], task_id: str = "") -> tuple[list[str], list[ResultSlot]]:
    """URLs of the images that succeeded, plus the failed slots; raises if none succeeded."""
    slots = result_slots(output)
    good = [s for s in slots if s.ok and s.url != MODERATED]
    failed = [s for s in slots if not s.ok]
    if any(s.url == MODERATED for s in slots):
        failed.append(ResultSlot(code="DataInspectionFailed", message=MODERATED))
    if not good:
        if failed and failed[0].code == "DataInspectionFailed":
            raise ContentInspectionError(MODERATED, code="DataInspectionFailed", task_id=task_id)
        if failed:
            first = failed[0]
            raise TaskFailedError(
                f"All {len(failed)} images failed; first: {first.message or 'no message'}",
                code=first.code or "TaskFailed",
                task_id=task_id,
            )
        raise TaskFailedError(
            "The task succeeded but its answer holds no result image.", code="NoResults", task_id=task_id
        )
    return [s.url for s in good], failed


def check_url(url: str, task_id: str = "") -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DownloadError(
            f"Refusing to download a result URL that is not http(s): {url[:80]!r}", code="BadResultURL", task_id=task_id
        )


def download(transport: Transport, url: str, *, cancelled: CancelCheck | None = None, task_id: str = "") -> bytes:
    """GET a result image with no auth header; retries 404, 5xx and truncated bodies a few times. Each attempt
    runs under the whole-transfer deadline and ends at once on Stop (``Transport.transfer``)."""
    check_url(url, task_id)

    def too_large() -> DownloadError:
        return DownloadError(
            f"Result image is larger than {MAX_DOWNLOAD_BYTES >> 20} MB.", code="TooLarge", task_id=task_id
        )

    def fetch(abandon: threading.Event) -> bytes:
        with transport.plain_request("GET", url, stream=True, allow_redirects=False) as response:
            status = response.status_code
            if status in (404, 408, 429) or status >= 500:
                raise Retryable(f"HTTP {status}")
            if status != 200:
                raise DownloadError(
                    f"Result download answered HTTP {status} (the URL may have expired: results live 24 h).",
                    code=f"HTTP{status}",
                    task_id=task_id,
                    http_status=status,
                )
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > MAX_DOWNLOAD_BYTES:
                raise too_large()
            chunks, size = [], 0
            # read1 (urllib3 2) returns what has arrived, up to one slice, so a slow host cannot hold the loop in
            # one read; urllib3 1.26 has only read, which waits for a whole slice.
            read = getattr(response.raw, "read1", None) or response.raw.read
            try:
                while chunk := read(TRANSFER_SLICE, decode_content=True):
                    if abandon.is_set():
                        raise Abandoned()
                    size += len(chunk)
                    if size > MAX_DOWNLOAD_BYTES:
                        raise too_large()
                    chunks.append(chunk)
            except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                raise Retryable(f"connection broke mid-download ({type(exc).__name__})") from None
            data = b"".join(chunks)
            if declared and declared.isdigit() and len(data) != int(declared):
                raise Retryable(f"truncated download ({len(data)} of {declared} bytes)")
            return data

    try:
        return transport.repeat(
            lambda: transport.transfer(fetch, cancelled=cancelled, what="result download"),
            what="Result download",
            cancelled=cancelled,
        )
    except (DownloadError, TaskCanceledError):
        raise
    except DashScopeError as exc:  # NetworkError after the last retry: say which task it belongs to
        raise DownloadError(str(exc.message), code=exc.code, task_id=task_id) from None

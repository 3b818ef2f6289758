"""Finding result URLs in a model's documented output shapes (then the generic ones), and downloading them safely.

Result URLs come from the network, so they are treated as hostile: only https to public addresses is fetched
(``result_hosts``; never ``file:`` or anything that reads the local disk), no DashScope header is sent, no
redirect is followed, and the body is capped.
Result URLs are signed (whoever holds one can fetch the image for 24 h), so none is put into an error or a log
line; the error class also strips the query of any URL a service message carries (errors.scrub).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import requests
import urllib3

from .errors import ContentInspectionError, DashScopeError, DownloadError, TaskCanceledError, TaskFailedError
from .result_hosts import BlockedHostError, guarded_session, url_problem
from .settings import is_loopback_host, url_host
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


# Where an answer may hold its images, as ``ModelSpec.results`` names them: a path to the URL ("results[].url",
# "choices[].message.content[].image", "output_image_url", "render_urls"), then "+companion" fields kept beside
# each URL in ResultSlot.extra (e.g. "render_urls+bg_urls+auxiliary_parameters"). After a model's documented
# shapes come these, so an answer in an unexpected shape is still read rather than lost after the task was paid.
GENERIC_SHAPES = (
    "results[].url",
    "output_image_url",
    "result_url",
    "render_urls",
    "choices[].message.content[].image",
    "results[].png_url",
)


def result_slots(output: dict[str, Any], shapes: tuple[str, ...] = ()) -> list[ResultSlot]:
    """The images of a finished task, in order: the model's documented shapes first, then the generic ones.

    The first shape that yields a URL wins; an answer holding only failed slots gives those (for their codes)."""
    only_failures: list[ResultSlot] = []
    for shape in dict.fromkeys((*shapes, *GENERIC_SHAPES)):
        slots = read_shape(output, shape)
        if any(slot.url for slot in slots):
            return slots
        only_failures = only_failures or slots
    return only_failures


def read_shape(output: dict[str, Any], shape: str) -> list[ResultSlot]:
    """The slots one shape finds in an answer ([] when the answer does not have that shape)."""
    main, *companions = shape.split("+")
    *outer, leaf = main.split(".")
    if not outer:
        return _top_level(output, leaf, companions)
    containers: list[Any] = [output]
    for part in outer:
        found: list[Any] = []
        for container in containers:
            value = container.get(part.removesuffix("[]"))
            if part.endswith("[]") and isinstance(value, list):
                found.extend(item for item in value if isinstance(item, dict))
            elif isinstance(value, dict):
                found.append(value)
        containers = found
    return [
        ResultSlot(
            str(item.get(leaf) or ""),
            str(item.get("code") or ""),
            str(item.get("message") or ""),
            {k: v for k, v in item.items() if k not in (leaf, "code", "message")},
        )
        for item in containers
        if item.get(leaf) or item.get("code")
    ]


def _top_level(output: dict[str, Any], key: str, companions: list[str]) -> list[ResultSlot]:
    """A URL (or a list of URLs) directly in the output; list-valued companions are aligned by index."""
    value = output.get(key)
    urls = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    slots = []
    for index, url in enumerate(urls):
        if not url:
            continue
        extra = {}
        for name in companions:
            beside = output.get(name)
            if isinstance(beside, list):
                if index < len(beside):
                    extra[name] = beside[index]
            elif beside is not None:
                extra[name] = beside
        slots.append(ResultSlot(str(url), extra=extra))
    return slots


def successful_urls(
    output: dict[str, Any], task_id: str = "", shapes: tuple[str, ...] = ()
) -> tuple[list[str], list[ResultSlot]]:
    """URLs of the images that succeeded, plus the failed slots; raises if none succeeded."""
    slots = result_slots(output, shapes)
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


def check_url(url: str, task_id: str = "", local_allowed: bool = False) -> None:
    """Refuse a result URL the pack does not fetch (``result_hosts``): not https, or an address that is not public
    (both allowed while the base URL is loopback: the emulator)."""
    problem = url_problem(url, local_allowed)
    if problem:
        # The URL itself stays out of the message: result URLs are signed, and errors end up in logs.
        raise DownloadError(f"Refusing to download a result URL: {problem}.", code="BadResultURL", task_id=task_id)


def download(transport: Transport, url: str, *, cancelled: CancelCheck | None = None, task_id: str = "") -> bytes:
    """GET a result image with no auth header; retries 404, 5xx and truncated bodies a few times. Each attempt
    runs under the whole-transfer deadline and ends at once on Stop (``Transport.transfer``).

    The body is asked for without compression, and when a host compresses it anyway, the bytes that came over the
    wire are what is compared with Content-Length; the 64 MB cap applies to the decoded image."""
    local = is_loopback_host(url_host(transport.settings.base_url))
    check_url(url, task_id, local)

    def too_large() -> DownloadError:
        return DownloadError(
            f"Result image is larger than {MAX_DOWNLOAD_BYTES >> 20} MB.", code="TooLarge", task_id=task_id
        )

    def fetch(abandon: threading.Event) -> bytes:
        try:
            return attempt(abandon)
        except BlockedHostError as blocked:
            raise DownloadError(
                f"Refusing to download a result URL: {blocked}.", code="BadResultURL", task_id=task_id
            ) from None

    def attempt(abandon: threading.Event) -> bytes:
        session = None if local else guarded_session()
        identity = {"Accept-Encoding": "identity"}
        with transport.plain_request("GET", url, stream=True, session=session, headers=identity) as response:
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
            # Content-Length counts the bytes as sent (compressed, under a Content-Encoding), not as decoded.
            received = response.raw.tell()
            if declared and declared.isdigit() and received != int(declared):
                raise Retryable(f"truncated download ({received} of {declared} bytes)")
            return b"".join(chunks)

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

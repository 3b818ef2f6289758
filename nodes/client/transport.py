"""HTTP to DashScope on one pooled ``requests`` session, with the retry policy as data.

The one rule that protects the user's money: a request that creates a task (``idempotent=False``) is
re-sent only when the service certainly did not create one — it answered 429 (throttled: refused), or
the connection was never established. A timeout or a dropped connection after the request went out is
ambiguous, and so is a 5xx answer (a gateway may answer 502/504 after the service took the request): both are
reported as ``AmbiguousRequestError``, never retried, and the client then looks the task up instead. Queries,
uploads and downloads are retried freely. A user's Stop is checked immediately before every paid request is sent.

Uploads and downloads run under a whole-transfer deadline and end within a fraction of a second of a Stop, even
while a slow host trickles bytes (``Transport.transfer``).

The ``Authorization`` header is added per request, only to URLs under the configured base URL, so it
can never reach the storage host or a result host.
"""

from __future__ import annotations

import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import encode_multipart_formdata
from urllib3.exceptions import NewConnectionError

from .errors import (
    USER_STOP,
    AmbiguousRequestError,
    BillingError,
    DashScopeError,
    ModelUnavailableError,
    NetworkError,
    TaskCanceledError,
    error_class_for,
    is_model_missing,
    scrub,
)
from .keepalive import KeepAliveAdapter
from .settings import Settings

log = logging.getLogger("comfyui_dashscope")

CancelCheck = Callable[[], bool]
T = TypeVar("T")

TRANSFER_SLICE = 64 * 1024
# Bytes per second a large upload is allowed on top of the transfer deadline (8 s per MB): a 100 MB training zip
# on a slow uplink must not be cut off at 300 s.
SLOWEST_UPLOAD = 128 * 1024

_SHARED_SESSIONS: dict[type[HTTPAdapter], requests.Session] = {}
_SESSION_LOCK = threading.Lock()


def shared_session(adapter: type[HTTPAdapter] = HTTPAdapter) -> requests.Session:
    """One pooled session per kind of connection for the whole process: keeps TLS connections warm across nodes.
    The kind is the adapter: plain, or ``KeepAliveAdapter`` for synchronous generations (keepalive.py)."""
    with _SESSION_LOCK:
        if adapter not in _SHARED_SESSIONS:
            session = requests.Session()
            mounted = adapter(pool_connections=8, pool_maxsize=32, max_retries=0)
            session.mount("http://", mounted)
            session.mount("https://", mounted)
            _SHARED_SESSIONS[adapter] = session
        return _SHARED_SESSIONS[adapter]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # total tries of one request
    base_delay: float = 0.5  # first backoff, doubled each try
    max_delay: float = 8.0
    jitter: float = 0.25  # up to +25 % random, so parallel nodes do not retry in lockstep
    retry_statuses: frozenset[int] = frozenset({408, 409, 429, 500, 502, 503, 504})
    connect_timeout: float = 10.0
    # The whole of one upload or download attempt, however slowly the host sends (per-read timeouts never end a
    # trickle of one byte per second).
    transfer_deadline: float = 300.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None and math.isfinite(retry_after) and retry_after >= 0:
            return min(retry_after, 60.0)
        base = min(self.base_delay * (2**attempt), self.max_delay)
        return base * (1.0 + random.uniform(0.0, self.jitter))


def _retry_after(response: requests.Response) -> float | None:
    """The server's wait hint in seconds; None when absent or not a finite, non-negative number (``nan``, ``inf``
    and ``-1`` would otherwise mean waiting forever or hammering the service)."""
    for name, scale in (("retry-after-ms", 1000.0), ("Retry-After", 1.0)):
        value = response.headers.get(name)
        if not value:
            continue
        try:
            seconds = float(value) / scale
        except ValueError:
            continue
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    return None


def stop_if_cancelled(cancelled: CancelCheck | None, what: str) -> None:
    """Raise the user's Stop; ``what`` says what was not done (so the message can say nothing was billed)."""
    if cancelled is not None and cancelled():
        raise TaskCanceledError(f"Stopped by the user before {what}.", code=USER_STOP)


def _never_connected(exc: Exception) -> bool:
    """True when the socket was never opened, so the server cannot have seen the request."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, NewConnectionError):
            return True
        stack.extend(
            [item.__cause__, item.__context__, *[a for a in getattr(item, "args", ()) if isinstance(a, BaseException)]]
        )
        reason = getattr(item, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return False


def sleep_unless_cancelled(seconds: float, cancelled: CancelCheck | None, step: float = 0.1) -> None:
    """Sleep in short slices so a cancel is noticed within ``step`` seconds."""
    deadline = time.monotonic() + seconds
    while True:
        if cancelled is not None and cancelled():
            raise TaskCanceledError("Cancelled while waiting.", code=USER_STOP)
        left = deadline - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(step, left))


class Transport:
    def __init__(self, settings: Settings, retry: RetryPolicy | None = None, session: requests.Session | None = None):
        self.settings = settings
        self.retry = retry or RetryPolicy()
        self.session = session or shared_session()

    # ---- DashScope API calls (authorised) -------------------------------------------------
    def api(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        json_body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        files: Any = None,
        data: Any = None,
        cancelled: CancelCheck | None = None,
        task_id: str = "",
        successor: str = "",
        before_attempt: Callable[[], None] | None = None,
        read_timeout: float | None = None,
        answer_headers: MutableMapping[str, str] | None = None,
        keepalive: bool = False,
    ) -> dict[str, Any]:
        """Send one API request, retrying per the policy; return the parsed JSON body of a 2xx answer.

        ``before_attempt`` runs before every try (the pacer's turn for a submit, so retries keep the rate too).
        ``read_timeout`` replaces the settings' request timeout (a synchronous generation takes longer), and
        ``keepalive`` sends it on a connection with TCP keepalive (``keepalive.py``), so no idle NAT drops it.
        ``answer_headers``, when given, receives the 2xx answer's headers (the caller's own mapping: the transport
        is shared between threads and keeps no "last answer")."""
        session = shared_session(KeepAliveAdapter) if keepalive else self.session
        url = self.settings.base_url + path
        request_headers = self._auth_headers()
        if json_body is not None:
            request_headers["Content-Type"] = "application/json"
        request_headers.update(headers or {})
        body = json.dumps(json_body, ensure_ascii=False).encode("utf-8") if json_body is not None else data
        upload: bytes | None = None
        if files is not None:
            # A file upload (FaceChain's photo zip) goes through ``transfer``, sliced, so Stop and the deadline reach
            # it while the bytes flow. Abandoning it is safe: an uploaded file is not billed.
            upload, request_headers["Content-Type"] = encode_multipart_formdata(list(files.items()))

        def send(abandon: threading.Event | None = None) -> requests.Response:
            return session.request(
                method,
                url,
                data=SlicedBody(upload, abandon) if upload is not None and abandon is not None else body,
                params=params,
                headers=request_headers,
                timeout=(self.retry.connect_timeout, read_timeout or self.settings.request_timeout),
                # Never followed: a redirect would carry the workspace header and the body (prompt, inline images)
                # to whatever host the Location names. ``requests`` strips only the key.
                allow_redirects=False,
            )

        attempt = 0
        while True:
            if before_attempt is not None:
                before_attempt()
            if not idempotent:
                # The one place every paid request leaves: a Stop pressed during uploads or a wait for a turn ends
                # here, before anything is billed.
                stop_if_cancelled(cancelled, "the paid request was sent; nothing was created or billed")
            try:
                if upload is None:
                    response = send()
                else:
                    response = self.transfer(send, cancelled=cancelled, what="file upload", size=len(upload))
            except requests.exceptions.RequestException as exc:
                safe = _never_connected(exc)
                if (idempotent or safe) and attempt + 1 < self.retry.attempts:
                    log.info("DashScope %s %s: network error, retrying (%s)", method, path, type(exc).__name__)
                    sleep_unless_cancelled(self.retry.delay(attempt, None), cancelled)
                    attempt += 1
                    continue
                if not idempotent and not safe:
                    raise AmbiguousRequestError(
                        f"The connection failed after the request was sent ({type(exc).__name__}).",
                        code="AmbiguousNetworkFailure",
                        task_id=task_id,
                    ) from None
                raise NetworkError(
                    f"Could not reach {self.settings.base_url} ({type(exc).__name__}).",
                    code="NetworkError",
                    task_id=task_id,
                ) from None

            if 200 <= response.status_code < 300:
                if answer_headers is not None:
                    answer_headers.update(response.headers)
                return self._parse_ok(response, task_id)
            if 300 <= response.status_code < 400:
                raise _redirect_refused(response, task_id)

            if not idempotent and response.status_code >= 500:
                raise self._ambiguous_answer(response, task_id)
            error = self._error_from(response, task_id, successor)
            throttled = response.status_code == 429 and not isinstance(error, BillingError)
            server_side = response.status_code in self.retry.retry_statuses and response.status_code != 429
            if (throttled or (idempotent and server_side)) and attempt + 1 < self.retry.attempts:
                wait = self.retry.delay(attempt, _retry_after(response))
                log.info(
                    "DashScope %s %s: HTTP %s %s, retrying in %.1fs",
                    method,
                    path,
                    response.status_code,
                    error.code,
                    wait,
                )
                sleep_unless_cancelled(wait, cancelled)
                attempt += 1
                continue
            raise error

    def _auth_headers(self) -> dict[str, str]:
        from .errors import KeyRefusedError, MissingApiKeyError

        if not self.settings.api_key:
            raise MissingApiKeyError()
        if self.settings.refusal:  # the key is bound to its host (settings.py): say why, send nothing
            raise KeyRefusedError(self.settings.refusal)
        headers = {"Authorization": f"Bearer {self.settings.api_key}", "Accept": "application/json"}
        if self.settings.workspace:
            headers["X-DashScope-WorkSpace"] = self.settings.workspace
        return headers

    def _parse_ok(self, response: requests.Response, task_id: str) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            raise DashScopeError(
                "The service answered with something that is not JSON.",
                code="BadResponse",
                http_status=response.status_code,
                task_id=task_id,
            ) from None
        if not isinstance(body, dict):
            raise DashScopeError(
                "The service answered with an unexpected JSON shape.", code="BadResponse", task_id=task_id
            )
        # SDK v2 treats a 2xx carrying a top-level error code as an error; so do we.
        if body.get("code") and "output" not in body and "data" not in body:
            cls = error_class_for(str(body["code"]), response.status_code)
            raise cls(
                scrub(str(body.get("message") or body.get("msg") or ""), self.settings.api_key),
                code=str(body["code"]),
                request_id=str(body.get("request_id") or ""),
                task_id=task_id,
                http_status=response.status_code,
            )
        return body

    def _ambiguous_answer(self, response: requests.Response, task_id: str) -> AmbiguousRequestError:
        """A 5xx to a paid request: a gateway can answer 502/504 after the service created the task, so it is as
        ambiguous as a timeout. The service's message is left out: it usually says to try again, which is exactly
        how a user would pay twice."""
        error = self._error_from(response, task_id, "")
        return AmbiguousRequestError(
            f"The service answered HTTP {response.status_code} ({error.code}) after the request was sent.",
            code=error.code,
            request_id=error.request_id,
            task_id=task_id,
            http_status=response.status_code,
        )

    def _error_from(self, response: requests.Response, task_id: str, successor: str) -> DashScopeError:
        code, message, request_id = "Unknown", "", response.headers.get("X-Request-ID", "")
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            code = str(body.get("code") or code)
            message = str(body.get("message") or body.get("msg") or "")
            request_id = str(body.get("request_id") or request_id)
        else:
            message = response.text[:300]
        message = scrub(message, self.settings.api_key) or f"HTTP {response.status_code}"
        ids: dict[str, Any] = {
            "code": code,
            "request_id": request_id,
            "task_id": task_id,
            "http_status": response.status_code,
        }
        if is_model_missing(code, message):
            return ModelUnavailableError(message, successor=successor, **ids)
        return error_class_for(code, response.status_code)(message, **ids)

    # ---- Storage host and result hosts (never authorised) ----------------------------------
    def plain_request(
        self, method: str, url: str, *, session: requests.Session | None = None, **kwargs: Any
    ) -> requests.Response:
        """One request to a non-API host (storage upload, result download): no DashScope headers at all, and no
        redirect followed (it would carry the body to another host). ``session`` replaces the pooled one (result
        downloads use a guarded one, ``result_hosts``)."""
        kwargs.setdefault("allow_redirects", False)
        return (session or self.session).request(
            method, url, timeout=(self.retry.connect_timeout, self.settings.request_timeout), **kwargs
        )

    def transfer(
        self, action: Callable[[threading.Event], T], *, cancelled: CancelCheck | None, what: str, size: int = 0
    ) -> T:
        """Run one upload or download attempt under the whole-transfer deadline (longer for a large upload of
        ``size`` bytes), ending on Stop at once.

        The attempt runs in a helper thread while this one watches the Stop flag and the clock: a socket read
        cannot be interrupted, and a host trickling one byte per second never trips a per-read timeout. On Stop
        or at the deadline the attempt is abandoned: ``action`` gets an event that is then set, checks it between
        chunks, and so stops sending or reading within one chunk."""
        abandon = threading.Event()
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["value"] = action(abandon)
            except BaseException as exc:  # handed to the waiting thread, or dropped if it gave up
                box["error"] = exc

        worker = threading.Thread(target=work, name="dashscope-transfer", daemon=True)
        worker.start()
        deadline = self.retry.transfer_deadline + size / SLOWEST_UPLOAD
        ends = time.monotonic() + deadline
        while worker.is_alive():
            worker.join(0.05)
            if not worker.is_alive():
                break
            if cancelled is not None and cancelled():
                abandon.set()
                raise TaskCanceledError(f"Stopped by the user during the {what}.", code=USER_STOP)
            if time.monotonic() >= ends:
                abandon.set()
                raise NetworkError(f"The {what} did not finish within {deadline:.0f} s.", code="TransferTimeout")
        if "error" in box:
            raise box["error"]
        return box["value"]

    def post_form(
        self, url: str, fields: Mapping[str, str], file: tuple[str, bytes, str], abandon: threading.Event
    ) -> requests.Response:
        """A multipart form POST (the storage upload) whose body is sent in slices, so an abandoned upload stops
        sending within one slice. The file is the form's last field, as OSS requires."""
        body, content_type = encode_multipart_formdata([*fields.items(), ("file", file)])
        return self.plain_request("POST", url, data=SlicedBody(body, abandon), headers={"Content-Type": content_type})

    def repeat(self, action: Callable[[], T], *, what: str, cancelled: CancelCheck | None = None) -> T:
        """Run an action that is safe to repeat (a GET, an upload to the same key) until it stops raising Retryable."""
        attempt = 0
        while True:
            try:
                return action()
            except (Retryable, requests.exceptions.RequestException) as exc:
                reason = str(exc) if isinstance(exc, Retryable) else type(exc).__name__
                if attempt + 1 >= self.retry.attempts:
                    raise NetworkError(
                        f"{what} failed after {attempt + 1} tries: {reason}.", code="NetworkError"
                    ) from None
                log.info("%s: %s, retrying", what, reason)
                sleep_unless_cancelled(self.retry.delay(attempt, None), cancelled)
                attempt += 1


def _redirect_refused(response: requests.Response, task_id: str) -> DashScopeError:
    """A 3xx answer to an API request: reported, not followed (the request itself went only to the base URL)."""
    target = urlsplit(response.headers.get("Location", "")).hostname or "another address"
    return DashScopeError(
        f"The service answered HTTP {response.status_code}, a redirect to {target[:100]}. The pack does not follow "
        "redirects of API requests, so nothing was sent there; check the base URL in the DashScope settings.",
        code="Redirected",
        task_id=task_id,
        http_status=response.status_code,
    )


class Retryable(Exception):
    """Raised inside ``Transport.repeat`` actions for a failure worth another try."""


class Abandoned(Exception):
    """Raised inside an abandoned transfer's helper thread to stop it; nobody is waiting for it any more."""


class SlicedBody:
    """A request body that ``requests`` sends with a Content-Length, slice by slice, checking between slices
    whether the transfer was abandoned."""

    def __init__(self, data: bytes, abandon: threading.Event):
        self.data = data
        self.abandon = abandon

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.data), TRANSFER_SLICE):
            if self.abandon.is_set():
                raise Abandoned()
            yield self.data[start : start + TRANSFER_SLICE]

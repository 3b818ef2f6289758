"""Errors the DashScope client raises: a small typed hierarchy a user (and a retry policy) can act on.

Every service error carries the service's ``code`` and ``message`` plus ``request_id``, ``task_id`` and the
HTTP status, so a failure reported on the ComfyUI canvas can be traced at Alibaba Cloud's support desk.
Messages never contain the API key nor a signed URL's signature: the error class itself scrubs every message
it is given (``DashScopeError.message``), so no raise site can forget to.
"""

from __future__ import annotations

import re

# The code of a TaskCanceledError raised because the user stopped the wait (not the service cancelling).
USER_STOP = "Cancelled"


class PackError(Exception):
    """Base of everything this pack raises on purpose."""


class InputError(PackError, ValueError):
    """A node input is outside what the model accepts; raised before any paid request is sent."""

    def __init__(self, node: str, input_name: str, problem: str):
        self.node = node
        self.input_name = input_name
        self.problem = problem
        super().__init__(f"{node}: input '{input_name}' {problem}")


class MissingApiKeyError(PackError):
    def __init__(self) -> None:
        super().__init__(
            "No DashScope API key is set. Either set the DASHSCOPE_API_KEY environment variable before "
            "starting ComfyUI, or open Settings > DashScope in ComfyUI and paste the key there "
            "(it is stored on the ComfyUI server, never in your workflow)."
        )


class KeyRefusedError(PackError):
    """The key may not be sent with these settings (wrong characters, a foreign or plain-http host); nothing was sent."""

    code = "KeyRefused"


class NoTemporaryUploadsError(PackError):
    """A picture could only go as a temporary upload, and the region has none; nothing was sent."""

    code = "NoTemporaryUploads"


class DashScopeError(PackError):
    """An error answered by (or while talking to) the DashScope service."""

    hint = ""

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        request_id: str = "",
        task_id: str = "",
        http_status: int | None = None,
    ):
        self.code = code
        self.message = message  # scrubbed by the property below
        self.request_id = request_id
        self.task_id = task_id
        self.http_status = http_status
        super().__init__(self._render())

    @property
    def message(self) -> str:
        return self._message

    @message.setter
    def message(self, text: str) -> None:
        # The one place service text enters an error: every later read (str(), .message, a widened copy) is clean.
        self._message = scrub(str(text))

    def _render(self) -> str:
        head = f"DashScope error {self.code}: {self.message}" if self.code else f"DashScope error: {self.message}"
        parts = [head]
        if self.hint:
            parts.append(self.hint)
        ids = []
        if self.task_id:
            ids.append(f"task_id={self.task_id}")
        if self.request_id:
            ids.append(f"request_id={self.request_id}")
        if self.http_status:
            ids.append(f"http={self.http_status}")
        if ids:
            parts.append("(" + ", ".join(ids) + ")")
        return " ".join(parts)


class AuthenticationError(DashScopeError):
    hint = (
        "Check the API key, and that it belongs to the selected region: China keys only work on "
        "dashscope.aliyuncs.com, International keys only on dashscope-intl.aliyuncs.com."
    )


class PermissionDeniedError(DashScopeError):
    hint = (
        "The key may not have this model activated, or a RAM sub-account key needs a workspace id "
        "(DASHSCOPE_WORKSPACE)."
    )


class BillingError(DashScopeError):
    hint = "Your Alibaba Cloud account has no balance or no paid quota for this model; top up or enable paid use."


class ContentInspectionError(DashScopeError):
    hint = "The service's content inspection refused the prompt or an image; change the input and try again."


class RateLimitError(DashScopeError):
    hint = "The service is throttling this account; the pack already waited and retried."


class InvalidRequestError(DashScopeError):
    pass


class ModelUnavailableError(DashScopeError):
    """The service says the model does not exist: usually a retired model, or one the region lacks."""

    def __init__(self, message: str, *, successor: str = "", **ids: object):
        self.successor = successor
        super().__init__(message, **ids)  # type: ignore[arg-type]

    def _render(self) -> str:
        text = super()._render()
        if self.successor:
            text += f" This model has been retired by DashScope; use {self.successor} instead."
        return text


class ServerError(DashScopeError):
    hint = "The service had an internal problem; try again later."


class NetworkError(DashScopeError):
    hint = "Could not reach DashScope; check the network and the base URL."


class AmbiguousRequestError(NetworkError):
    """A paid request whose fate is unknown: the connection failed or timed out after it was sent, or the answer
    was a 5xx. The service may have created (and will bill) the task, so it is never re-sent."""

    hint = (
        "The service may have created the task; it was NOT re-sent, so you are not billed twice. Check the task "
        "list in the DashScope (百炼) console before running again."
    )


class LostSyncAnswerError(AmbiguousRequestError):
    """The answer to a synchronous generation was lost after the request went out (dropped connection, timeout or
    5xx). There is no task to look up: the images may be made and billed, and nothing can fetch them."""

    hint = (
        "This model answers synchronously and gives no task id, so the image may have been generated and billed "
        "and cannot be fetched later. It was NOT re-sent; running the node again generates and bills a new image."
    )


class NothingCreatedError(DashScopeError):
    """An ambiguous paid request that, the service's task list shows, created nothing."""

    hint = "The service's task list shows that no task was created, so nothing was billed: running again is safe."


class TaskFailedError(DashScopeError):
    """A task ended FAILED (or every image of it failed)."""


class TaskTimeoutError(DashScopeError):
    """The wait ended before the task did; the message says whether the task was cancelled or goes on."""


class TaskCanceledError(DashScopeError):
    pass


class DownloadError(DashScopeError):
    pass


# Codes whose meaning decides the error type, before falling back on the HTTP status.
_BY_CODE: list[tuple[str, type[DashScopeError]]] = [
    ("InvalidApiKey", AuthenticationError),
    ("Arrearage", BillingError),
    ("PrepaidBillOverdue", BillingError),
    ("PostpaidBillOverdue", BillingError),
    ("CommodityNotPurchased", BillingError),
    ("Throttling.AllocationQuota", BillingError),
    ("AllocationQuota", BillingError),
    ("DataInspectionFailed", ContentInspectionError),
    ("InvalidParameter.DataInspection", ContentInspectionError),
    ("InvalidParameter.ImageContent", ContentInspectionError),
    ("IPInfringementSuspect", ContentInspectionError),
    ("Throttling", RateLimitError),
    ("LimitRequests", RateLimitError),
    ("ModelNotFound", ModelUnavailableError),
    ("Model.NotExist", ModelUnavailableError),
    ("AccessDenied", PermissionDeniedError),
    ("Model.AccessDenied", PermissionDeniedError),
    ("Workspace.AccessDenied", PermissionDeniedError),
    ("InternalError", ServerError),
    ("SystemError", ServerError),
]

_BY_STATUS: dict[int, type[DashScopeError]] = {
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: ModelUnavailableError,
    429: RateLimitError,
}


def is_model_missing(code: str, message: str) -> bool:
    """True when the service says the model does not exist (how a retired model answers)."""
    return code in ("ModelNotFound", "Model.NotExist") or "model not exist" in message.lower()


def error_class_for(code: str, http_status: int | None) -> type[DashScopeError]:
    for prefix, cls in _BY_CODE:
        if code == prefix or code.startswith(prefix + "."):
            return cls
    if http_status in _BY_STATUS:
        return _BY_STATUS[http_status]
    if http_status is not None and http_status >= 500:
        return ServerError
    return InvalidRequestError


# Every key this process has used (registered by Settings): a service message may echo any of them.
_SECRETS: set[str] = set()
# A URL's query holds a signed URL's signature (OSS/S3 "Signature=", "Expires="...); the path alone is harmless.
_URL_QUERY = re.compile(r"(https?://[^\s?#'\"<>]+)[?#][^\s'\"<>]*", re.IGNORECASE)


def remember_secret(secret: str | None) -> None:
    """Register a key so that ``scrub`` removes it from every later error message."""
    if secret and len(secret) >= 6:
        _SECRETS.add(secret)


def scrub(text: str, secret: str | None = None) -> str:
    """Remove API keys and signed URLs' query strings from text that may echo a request or a result."""
    if not text:
        return text
    remember_secret(secret)
    for known in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(known, "***")
    return _URL_QUERY.sub(r"\1?…", text)

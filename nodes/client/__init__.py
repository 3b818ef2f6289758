"""A small DashScope client on ``requests``: settings, transport with a billing-safe retry policy,
per-model pacing, temporary-storage uploads, task submit / poll / cancel and result downloads.

Nothing in this package knows about ComfyUI, so it is tested on its own against the emulator.
"""

from .errors import (
    USER_STOP,
    AmbiguousRequestError,
    AuthenticationError,
    BillingError,
    ContentInspectionError,
    DashScopeError,
    DownloadError,
    InputError,
    InvalidRequestError,
    LostSyncAnswerError,
    MissingApiKeyError,
    ModelUnavailableError,
    NetworkError,
    NoTemporaryUploadsError,
    NothingCreatedError,
    PackError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TaskCanceledError,
    TaskFailedError,
    TaskTimeoutError,
)
from .request_images import INLINE_LIMIT, ImageData, ImageRef, Prepared, inline_size
from .results import MODERATED, ResultSlot, result_slots, successful_urls
from .service import CallSpec, DashScopeClient
from .settings import REGIONS, Settings, load_settings
from .tasks import PollSchedule, Progress, TaskOutcome
from .transport import RetryPolicy
from .uploads import UPLOAD_CACHE

__all__ = [
    "AmbiguousRequestError",
    "AuthenticationError",
    "CallSpec",
    "BillingError",
    "ContentInspectionError",
    "DashScopeClient",
    "DashScopeError",
    "DownloadError",
    "INLINE_LIMIT",
    "ImageData",
    "ImageRef",
    "InputError",
    "InvalidRequestError",
    "LostSyncAnswerError",
    "MODERATED",
    "MissingApiKeyError",
    "ModelUnavailableError",
    "NetworkError",
    "NoTemporaryUploadsError",
    "NothingCreatedError",
    "PackError",
    "PermissionDeniedError",
    "PollSchedule",
    "Prepared",
    "Progress",
    "REGIONS",
    "RateLimitError",
    "ResultSlot",
    "RetryPolicy",
    "ServerError",
    "Settings",
    "TaskCanceledError",
    "TaskFailedError",
    "TaskOutcome",
    "TaskTimeoutError",
    "UPLOAD_CACHE",
    "USER_STOP",
    "inline_size",
    "load_settings",
    "result_slots",
    "successful_urls",
]

"""The async task protocol (spec section 4): submit, poll until terminal, cancel.

Polling interval grows with the task's age: a task that has run t seconds is checked again after about
8 % of t (never sooner than 0.25 s, never later than 8 s). So a 1 s task is noticed within ~0.25 s and a
2-minute task within ~8 s, with ~40 queries in all; four tasks polled at once stay under the service's
fetch limit of 20 queries per second.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import (
    USER_STOP,
    BillingError,
    ContentInspectionError,
    DashScopeError,
    TaskCanceledError,
    TaskFailedError,
    TaskTimeoutError,
    error_class_for,
    scrub,
)
from .ids import checked_id
from .transport import CancelCheck, Transport, sleep_unless_cancelled

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN"})


@dataclass(frozen=True)
class PollSchedule:
    first: float = 0.25
    fraction: float = 0.08
    cap: float = 8.0
    near: float = 0.1  # interval around the expected finish of a model whose duration we have seen

    def interval(self, elapsed: float, expected: float | None = None) -> float:
        wait = min(max(self.first, self.fraction * elapsed), self.cap)
        if expected:
            if elapsed < expected:
                # Wake up right at the expected finish rather than up to one interval after it.
                wait = min(wait, max(expected - elapsed, 0.05))
            elif elapsed < expected * 1.25 + 0.5:
                wait = min(wait, self.near)
        return wait


def service_duration(output: dict[str, Any]) -> float | None:
    """Seconds from submit to end by the service's own clock (spec 4.3 times, UTC+8, with or without ms)."""
    try:
        start, end = (_parse_time(str(output[key])) for key in ("submit_time", "end_time"))
    except (KeyError, ValueError):
        return None
    seconds = (end - start).total_seconds()
    return seconds if seconds > 0 else None


def _parse_time(text: str) -> datetime.datetime:
    for pattern in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(text)


@dataclass
class Progress:
    """What a task is doing, for the node's status line."""

    stage: str  # "waiting" (for a free slot), "uploading", "submitting", "PENDING", "RUNNING", "SUSPENDED", "downloading", "done"
    task_id: str = ""
    elapsed: float = 0.0


ProgressCallback = Callable[[Progress], None]


@dataclass
class TaskOutcome:
    task_id: str
    request_id: str
    output: dict[str, Any]
    usage: dict[str, Any] = field(default_factory=dict)
    polls: int = 0


def submit(
    transport: Transport,
    path: str,
    body: dict[str, Any],
    *,
    headers: dict[str, str],
    cancelled: CancelCheck | None,
    successor: str = "",
    before_attempt: Callable[[], None] | None = None,
) -> tuple[str, str]:
    """Create one task; returns (task_id, request_id). Never re-sent after an ambiguous failure."""
    answer = transport.api(
        "POST",
        path,
        idempotent=False,
        json_body=body,
        headers={"X-DashScope-Async": "enable", **headers},
        cancelled=cancelled,
        successor=successor,
        before_attempt=before_attempt,
    )
    output = answer.get("output") if isinstance(answer.get("output"), dict) else {}
    task_id = str(output.get("task_id") or "")
    if not task_id:
        raise DashScopeError(
            "The service accepted the request but returned no task id.",
            code="BadResponse",
            request_id=str(answer.get("request_id") or ""),
        )
    return task_id, str(answer.get("request_id") or "")


def cancel(transport: Transport, task_id: str) -> bool:
    """Ask the service to cancel a task; True if it did. Only PENDING tasks can be cancelled."""
    try:
        checked_id("task id", task_id)
        transport.api("POST", f"/tasks/{task_id}/cancel", idempotent=True, data=b"", task_id=task_id)
        return True
    except DashScopeError:
        return False


def wait(
    transport: Transport,
    task_id: str,
    *,
    timeout: float,
    cancelled: CancelCheck | None = None,
    on_progress: ProgressCallback | None = None,
    schedule: PollSchedule = PollSchedule(),
    started: float | None = None,
    expected: float | None = None,
) -> TaskOutcome:
    """Poll ``GET /tasks/{id}`` until a terminal status; cancel at the service if the user stops the wait."""
    checked_id("task id", task_id)  # it goes into the URL: refuse ../ and ?# before any request
    started = time.monotonic() if started is None else started
    polls = 0
    status = "PENDING"
    try:
        while True:
            answer = transport.api("GET", f"/tasks/{task_id}", idempotent=True, task_id=task_id, cancelled=cancelled)
            polls += 1
            output = answer.get("output") if isinstance(answer.get("output"), dict) else {}
            status = str(output.get("task_status") or "UNKNOWN")
            elapsed = time.monotonic() - started
            if on_progress is not None:
                on_progress(Progress(status, task_id, elapsed))
            if status in TERMINAL:
                return _finish(transport, task_id, answer, output, status, polls)
            if elapsed >= timeout:
                raise TaskTimeoutError(
                    f"Gave up waiting after {elapsed:.0f} s (task timeout {timeout:.0f} s); last status {status}.",
                    code="WaitTimeout",
                    task_id=task_id,
                )
            sleep_unless_cancelled(min(schedule.interval(elapsed, expected), max(timeout - elapsed, 0.05)), cancelled)
    except TaskCanceledError:
        cancelled_at_service = status in ("PENDING", "SUSPENDED") and cancel(transport, task_id)
        note = (
            "The pending task was cancelled at the service (not billed)."
            if cancelled_at_service
            else f"The task was already {status} at the service and may still finish and be billed."
        )
        raise TaskCanceledError(f"Stopped by the user. {note}", code=USER_STOP, task_id=task_id) from None


def _finish(
    transport: Transport, task_id: str, answer: dict[str, Any], output: dict[str, Any], status: str, polls: int
) -> TaskOutcome:
    request_id = str(answer.get("request_id") or "")
    if status == "SUCCEEDED":
        usage = answer.get("usage") if isinstance(answer.get("usage"), dict) else {}
        return TaskOutcome(task_id, request_id, output, usage, polls)
    if status == "CANCELED":
        raise TaskCanceledError("The task was cancelled at the service.", code="Canceled", task_id=task_id)
    if status == "UNKNOWN":
        raise TaskFailedError(
            "The service does not know this task (expired after 24 h, or created with another key or workspace).",
            code="TaskUnknown",
            task_id=task_id,
            request_id=request_id,
        )
    code = str(output.get("code") or "TaskFailed")
    message = scrub(str(output.get("message") or "The task failed."), transport.settings.api_key)
    # Keep the hint of a content or billing refusal; every other failure is a plain TaskFailedError.
    cls = error_class_for(code, None)
    if cls not in (ContentInspectionError, BillingError):
        cls = TaskFailedError
    raise cls(message, code=code, task_id=task_id, request_id=request_id)

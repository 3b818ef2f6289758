"""The async task protocol (spec section 4): submit, poll until terminal, cancel.

One poller (``poll``) serves tasks and FaceChain training jobs alike: what differs between them (status field,
terminal and cancellable states, how a user fetches one later) is data, a ``JobKind``.

Polling interval grows with the task's age: a task that has run t seconds is checked again after about
8 % of t (never sooner than 0.25 s, never later than 8 s). So a 1 s task is noticed within ~0.25 s and a
2-minute task within ~8 s, with ~40 queries in all; four tasks polled at once stay under the service's
fetch limit of 20 queries per second, and every query of the process (all nodes, all graphs) books a turn
in one window per account (``pacer.query_window``), so many tasks polled at once cannot pass it.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections import OrderedDict
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
from .pacer import query_window
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
    output = output_of(answer)
    task_id = str(output.get("task_id") or "")
    if not task_id:
        raise DashScopeError(
            "The service accepted the request but returned no task id.",
            code="BadResponse",
            request_id=str(answer.get("request_id") or ""),
        )
    return task_id, str(answer.get("request_id") or "")


def output_of(answer: dict[str, Any]) -> dict[str, Any]:
    """A task answer's fields: inside ``output`` as documented, or at the top level of an answer that comes without
    the wrapper (read tolerantly, so a paid result is not thrown away over its envelope)."""
    output = answer.get("output")
    if isinstance(output, dict):
        return output
    return {key: value for key, value in answer.items() if key not in ("request_id", "usage", "code", "message")}


class KnownIds:
    """Every task and job id this process has created or polled, so that recovering a lost submit answer never
    claims one of them (``recovery``)."""

    def __init__(self, most: int = 20000):
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._most = most
        self._lock = threading.Lock()

    def add(self, job_id: str) -> None:
        with self._lock:
            self._ids[job_id] = None
            while len(self._ids) > self._most:
                self._ids.popitem(last=False)

    def __contains__(self, job_id: object) -> bool:
        with self._lock:
            return job_id in self._ids


KNOWN = KnownIds()


@dataclass(frozen=True)
class JobKind:
    """How one kind of asynchronous job is read, as data: where its status is, which states end it, which
    states the service can still cancel (unbilled), and how a user fetches it later when the wait ends first."""

    noun: str
    path: str  # with {id}
    status_field: str
    terminal: frozenset[str]
    cancellable: frozenset[str] = frozenset()
    cancel_path: str = ""  # "" = the pack never cancels this kind
    fetch_later: str = ""


TASK = JobKind(
    noun="task",
    path="/tasks/{id}",
    status_field="task_status",
    terminal=TERMINAL,
    # Only a PENDING task can be cancelled (the service refuses others); a SUSPENDED one is tried, harmlessly.
    cancellable=frozenset({"PENDING", "SUSPENDED"}),
    cancel_path="/tasks/{id}/cancel",
    fetch_later="put this task id into the 'DashScope Task Result' node to fetch its images later (the service "
    "keeps them 24 h) without paying again",
)

# FaceChain training (spec 11.11, UNCONFIRMED beyond field names). The SDK has a cancel route for fine-tunes, but
# no official page confirms it, so the pack never cancels a training.
FINE_TUNE = JobKind(
    noun="training job",
    path="/fine-tunes/{id}",
    status_field="status",
    terminal=frozenset({"SUCCEEDED", "FAILED", "CANCELED", "CANCELLED"}),
    fetch_later="put this job id into the FaceChain Train node's job_id to wait for it again without training again",
)


def cancel(transport: Transport, task_id: str, kind: JobKind = TASK) -> bool:
    """Ask the service to cancel a job; True if it did. Only PENDING tasks can be cancelled."""
    if not kind.cancel_path:
        return False
    try:
        checked_id(kind.noun + " id", task_id)
        transport.api("POST", kind.cancel_path.format(id=task_id), idempotent=True, data=b"", task_id=task_id)
        return True
    except DashScopeError:
        return False


@dataclass
class Polled:
    """The last answer of a job that reached a terminal state."""

    answer: dict[str, Any]
    output: dict[str, Any]
    status: str
    polls: int


def poll(
    transport: Transport,
    kind: JobKind,
    job_id: str,
    *,
    timeout: float,
    cancelled: CancelCheck | None = None,
    on_progress: ProgressCallback | None = None,
    schedule: PollSchedule = PollSchedule(),
    started: float | None = None,
    expected: float | None = None,
) -> Polled:
    """The one poller: read a job's status until a terminal state. When the user stops the wait or the timeout
    comes first, a job still in a cancellable state is cancelled at the service (so it is not billed); any other
    is reported with its id and how to fetch it later."""
    checked_id(kind.noun + " id", job_id)  # it goes into the URL: refuse ../ and ?# before any request
    started = time.monotonic() if started is None else started
    KNOWN.add(job_id)
    polls = 0
    status = "PENDING"
    try:
        while True:
            answer = _query(transport, kind.path.format(id=job_id), job_id, cancelled)
            polls += 1
            output = output_of(answer)
            status = str(output.get(kind.status_field) or "UNKNOWN").upper()
            elapsed = time.monotonic() - started
            if on_progress is not None:
                on_progress(Progress(status, job_id, elapsed))
            if status in kind.terminal:
                return Polled(answer, output, status, polls)
            if elapsed >= timeout:
                raise _timed_out(transport, kind, job_id, status, elapsed, timeout)
            sleep_unless_cancelled(min(schedule.interval(elapsed, expected), max(timeout - elapsed, 0.05)), cancelled)
    except TaskCanceledError as stop:
        if stop.code != USER_STOP:
            raise
        if status in kind.cancellable and cancel(transport, job_id, kind):
            note = f"The {kind.noun} was still {status}, so it was cancelled at the service (not billed)."
        else:
            note = (
                f"The {kind.noun} was already {status} at the service and may still finish and be billed; "
                f"{kind.fetch_later}."
            )
        raise TaskCanceledError(f"Stopped by the user. {note}", code=USER_STOP, task_id=job_id) from None


def _query(transport: Transport, path: str, job_id: str, cancelled: CancelCheck | None) -> dict[str, Any]:
    """One status query, within the account's query window (every node and graph of the process shares it)."""
    window = query_window(transport.settings.base_url, transport.settings.api_key)
    turns: list[list[float]] = []
    try:
        return transport.api(
            "GET",
            path,
            idempotent=True,
            task_id=job_id,
            cancelled=cancelled,
            before_attempt=lambda: turns.append(window.book(cancelled, "the task was queried")),
        )
    finally:
        for turn in turns:
            window.settle(turn)


def _timed_out(
    transport: Transport, kind: JobKind, job_id: str, status: str, elapsed: float, timeout: float
) -> TaskTimeoutError:
    head = f"Gave up waiting after {elapsed:.0f} s (timeout {timeout:.0f} s): the {kind.noun} was still {status}"
    if status in kind.cancellable and cancel(transport, job_id, kind):
        return TaskTimeoutError(
            f"{head}, queued at the service, so it was cancelled there and will not be billed. Run the node again "
            "when the service is less busy, or raise the task timeout in the DashScope settings.",
            code="WaitTimeout",
            task_id=job_id,
        )
    goes_on = (
        f"The service cannot cancel a {kind.noun} once it runs: it goes on and may be billed."
        if kind.cancel_path
        else "It goes on at the service and is billed."
    )
    return TaskTimeoutError(
        f"{head}. {goes_on} To fetch it later, {kind.fetch_later}.",
        code="WaitTimeout",
        task_id=job_id,
    )


def wait(transport: Transport, task_id: str, **options: Any) -> TaskOutcome:
    """Poll ``GET /tasks/{id}`` until the task ends (``options`` as for ``poll``); its output, or the error its end
    means."""
    polled = poll(transport, TASK, task_id, **options)
    return _finish(transport, task_id, polled.answer, polled.output, polled.status, polled.polls)


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

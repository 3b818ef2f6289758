"""Finding the task a paid request created when its answer was lost, instead of abandoning it.

After an ambiguous failure of a submit (the connection dropped or timed out after sending, or a 5xx answer) the
request is never re-sent: the service may have created the task. Instead the account's task list is read
(``GET /tasks``: top-level ``data[]`` with ``task_id``, ``status``, ``model_name``, ``gmt_create`` in epoch ms) and
the task is recognised on the pack's side: same model, created between just before the send and now, and not
already known to this process. The query format of the list's ``start_time`` / ``end_time`` is not settled (the
Python SDK documents ``YYYYMMDDhhmmss``, the Java SDK's test passes epoch milliseconds), so neither is sent.

A FaceChain training is recognised more surely: its job names the file the pack uploaded just before.
``GET /fine-tunes`` (``output.jobs[]`` with ``job_id``, ``training_file_ids``) is the official SDK's
``FineTunes.list``; no official page shows it — UNCONFIRMED.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .errors import USER_STOP, AmbiguousRequestError, DashScopeError, NothingCreatedError, TaskCanceledError
from .tasks import FINE_TUNE, KNOWN, TASK, JobKind
from .transport import CancelCheck, Transport, sleep_unless_cancelled

# Seconds either side of the window: the service's clock and this machine's differ a little.
CLOCK_SLACK = 3.0
PAGE_SIZE = 100  # the service's maximum page size is UNCONFIRMED (the SDKs default to 10); fewer per page is fine
MAX_PAGES = 10


class InFlight:
    """Submits of each model whose answer is still on its way. A recovery waits for the others to land first,
    so that a task another node of this process is about to learn of is not taken for the lost one."""

    def __init__(self) -> None:
        self._count: Counter[tuple[str, str]] = Counter()
        self._changed = threading.Condition()

    @contextmanager
    def sending(self, key: tuple[str, str]) -> Iterator[None]:
        with self._changed:
            self._count[key] += 1
        try:
            yield
        finally:
            with self._changed:
                self._count[key] -= 1
                self._changed.notify_all()

    def wait_alone(self, key: tuple[str, str], most: float) -> None:
        """Wait (at most ``most`` seconds) until the caller's own submit is the only one of its model in flight."""
        ends = time.monotonic() + most
        with self._changed:
            while self._count[key] > 1 and time.monotonic() < ends:
                self._changed.wait(min(0.1, max(ends - time.monotonic(), 0.0)))


IN_FLIGHT = InFlight()


@dataclass(frozen=True)
class Recovery:
    """When to read the list: right away, then again, since a new task may take a moment to be listed."""

    looks: tuple[float, ...] = (0.0, 1.0, 2.0)
    wait_for_others: float = 10.0


# True: this listed item can be the lost one; False: it cannot; None: the item lacks what would tell.
Matches = Callable[[dict[str, Any]], bool | None]


def recover_task(
    transport: Transport,
    model: str,
    sent_at: float,
    error: AmbiguousRequestError,
    *,
    cancelled: CancelCheck | None,
    policy: Recovery,
) -> str:
    """The id of the task the lost submit created (epoch ``sent_at`` is when it was sent); raises if none or
    several can be it. Call it inside ``IN_FLIGHT.sending`` for the same model: before each look it waits for
    this process's other submits of the model to land, so their tasks are known by then."""
    key = (transport.settings.base_url, model)

    def created_now(item: dict[str, Any]) -> bool | None:
        if item.get("model_name", model) != model:
            return False
        try:
            created = float(item["gmt_create"]) / 1000.0
        except (KeyError, TypeError, ValueError):
            return None
        return sent_at - CLOCK_SLACK <= created <= time.time() + CLOCK_SLACK

    def read(page: int) -> tuple[list[Any], int]:
        params = {"model_name": model, "page_no": str(page), "page_size": str(PAGE_SIZE)}
        body = transport.api("GET", "/tasks", idempotent=True, params=params, cancelled=cancelled)
        return list(body.get("data") or []), int(body.get("total") or 0)

    def settle() -> None:
        IN_FLIGHT.wait_alone(key, policy.wait_for_others)

    return _recover(read, created_now, TASK, "task_id", f"tasks of {model}", error, cancelled, policy, settle)


def recover_job(
    transport: Transport,
    file_id: str,
    error: AmbiguousRequestError,
    *,
    cancelled: CancelCheck | None,
    policy: Recovery,
) -> str:
    """The id of the training job the lost ``POST /fine-tunes`` created from the pack's uploaded ``file_id``."""

    def trains_on_our_file(item: dict[str, Any]) -> bool | None:
        if item.get("model", "facechain-finetune") != "facechain-finetune":
            return False
        files = item.get("training_file_ids")
        return file_id in files if isinstance(files, list) else None

    def read(page: int) -> tuple[list[Any], int]:
        params = {"page_no": str(page), "page_size": str(PAGE_SIZE)}
        body = transport.api("GET", "/fine-tunes", idempotent=True, params=params, cancelled=cancelled)
        output = body.get("output") if isinstance(body.get("output"), dict) else {}
        return list(output.get("jobs") or []), int(output.get("total") or 0)

    return _recover(
        read, trains_on_our_file, FINE_TUNE, "job_id", "training jobs on these photos", error, cancelled, policy
    )


def _recover(
    read: Callable[[int], tuple[list[Any], int]],
    matches: Matches,
    kind: JobKind,
    id_field: str,
    what: str,
    error: AmbiguousRequestError,
    cancelled: CancelCheck | None,
    policy: Recovery,
    settle: Callable[[], None] = lambda: None,
) -> str:
    found: list[str] = []
    unclear = False
    for delay in policy.looks:
        try:
            sleep_unless_cancelled(delay, cancelled)
        except TaskCanceledError:
            raise TaskCanceledError(
                f"Stopped by the user while looking for the {kind.noun} of a lost answer. {error.message} {error.hint}",
                code=USER_STOP,
            ) from None
        settle()
        try:
            items, complete = _read_all(read)
        except DashScopeError as failed:
            raise _undecided(error, f"looking it up in the list failed too ({failed.code or 'error'})") from None
        unknown = [i for i in items if isinstance(i, dict) and i.get(id_field) and str(i[id_field]) not in KNOWN]
        verdicts = [(str(item[id_field]), matches(item)) for item in unknown]
        found = [job_id for job_id, verdict in verdicts if verdict]
        unclear = not complete or any(verdict is None for _, verdict in verdicts)
        if len(found) == 1:
            KNOWN.add(found[0])
            return found[0]
        if len(found) > 1:
            break
    if not found and unclear:
        # "Nothing was created" would invite a second, paid run: say it only when the list can tell.
        raise _undecided(error, "the list does not show enough to tell whether it created one")
    if not found:
        raise NothingCreatedError(
            f"{error.message} Nothing was created by it.",
            code=error.code,
            request_id=error.request_id,
            http_status=error.http_status,
        )
    raise AmbiguousRequestError(
        f"{error.message} {len(found)} {what} were created at the service in that moment and none is known to this "
        f"ComfyUI: {', '.join(found)}. One of them is probably this node's; to fetch it, {kind.fetch_later}.",
        code="AmbiguousSubmit",
        request_id=error.request_id,
        http_status=error.http_status,
    )


def _undecided(error: AmbiguousRequestError, why: str) -> AmbiguousRequestError:
    error.message += f" The pack looked for it in the service's list, but {why}."
    error.args = (error._render(),)
    return error


def _read_all(read: Callable[[int], tuple[list[Any], int]]) -> tuple[list[Any], bool]:
    """Every item of a paged list, whatever order the service lists them in, and whether that was all of it
    (the pack reads at most MAX_PAGES pages)."""
    items: list[Any] = []
    for page in range(1, MAX_PAGES + 1):
        batch, total = read(page)
        items.extend(batch)
        if not batch or (total and len(items) >= total):  # no total: read on to an empty page
            return items, True
    return items, False

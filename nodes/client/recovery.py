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

import email.utils
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from requests.structures import CaseInsensitiveDict

from .errors import USER_STOP, AmbiguousRequestError, DashScopeError, NothingCreatedError, TaskCanceledError
from .tasks import FINE_TUNE, KNOWN, TASK, JobKind
from .transport import CancelCheck, Transport, sleep_unless_cancelled

# The service's clock is read from the ``Date`` header of each list answer (never this machine's clock, which may be
# off by minutes). Seconds of slack either side of the window: ``Date`` has whole seconds, and the host that stamps
# ``gmt_create`` may run a little apart from the one that answers.
CLOCK_SLACK = 3.0
# A task of the same model created up to this long before the window is "near": a clock surprise could make it the
# lost one, so it keeps the answer undecided rather than letting the pack say "nothing was created".
NEAR_WINDOW = 60.0
# A creation time before this (2020-01-01) is no real one: seconds sent as milliseconds, or a zero.
EARLIEST = 1_577_836_800.0
PAGE_SIZE = 100  # the service's maximum page size is UNCONFIRMED (the SDKs default to 10); fewer per page is fine
MAX_PAGES = 10
MAX_NAMED = 5  # ids named in an error: enough to find them in the console, never a page of them


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


class Malformed(Exception):
    """A list answer the pack cannot read safely; the recovery then stays undecided (never "nothing created")."""


@dataclass
class Page:
    """One page of a list: its items, the total the service claims (None when it says none), and when it was
    answered: the service's ``Date`` (None when absent or unreadable) and this machine's clock around the call."""

    items: list[Any]
    total: int | None
    service_date: float | None = None
    sent: float = 0.0
    received: float = 0.0


# True: this listed item can be the lost one; False: it cannot; a non-empty string: it cannot tell, and why.
Verdict = bool | str
Matches = Callable[[dict[str, Any], list[Page]], Verdict]


def recover_task(
    transport: Transport,
    model: str,
    sent_at: float,
    error: AmbiguousRequestError,
    *,
    cancelled: CancelCheck | None,
    policy: Recovery,
) -> str:
    """The id of the task the lost submit created (epoch ``sent_at``, this machine's clock, is when it was sent);
    raises if none or several can be it. Call it inside ``IN_FLIGHT.sending`` for the same model: before each look
    it waits for this process's other submits of the model to land, so their tasks are known by then."""
    key = (transport.settings.base_url, model)

    def created_now(item: dict[str, Any], pages: list[Page]) -> Verdict:
        name = item.get("model_name", model)
        if not isinstance(name, str):
            return "a task's model is unreadable"
        if name != model:
            return False
        return placed(item.get("gmt_create"), sent_at, pages)

    def read(page: int) -> Page:
        params = {"model_name": model, "page_no": str(page), "page_size": str(PAGE_SIZE)}
        return _read_page(transport, "/tasks", params, cancelled, lambda body: body, "data")

    def settle() -> None:
        IN_FLIGHT.wait_alone(key, policy.wait_for_others)

    return _recover(read, created_now, TASK, "task_id", f"tasks of {model}", error, cancelled, policy, settle)


def placed(created_ms: Any, sent_at: float, pages: list[Page]) -> Verdict:
    """Whether a task created at ``created_ms`` (epoch ms, the service's clock) can be the one sent at ``sent_at``
    (this machine's clock). The two clocks are tied by each page's ``Date``: the service's time when it answered,
    against this machine's time then. The window runs from the send (mapped onto the service's clock) to the last
    answer, with CLOCK_SLACK either side. Whatever cannot be placed surely is reported as undecided."""
    try:
        created = float(created_ms) / 1000.0
    except (TypeError, ValueError, OverflowError):
        return "a task's creation time is missing or unreadable"
    if not created >= EARLIEST or created == float("inf"):  # also NaN
        return "a task's creation time is not a real time"
    dates = [page for page in pages if page.service_date is not None]
    if not dates or len(dates) < len(pages):
        return "the service's answer has no readable Date, so its clock is unknown"
    # service time - this machine's time: at least Date - received (Date is stamped before the answer arrives)
    offset = min(page.service_date - page.received for page in dates)  # type: ignore[operator]
    start = sent_at + offset - CLOCK_SLACK
    end = max(page.service_date for page in dates) + 1.0 + CLOCK_SLACK  # type: ignore[type-var]
    if start <= created <= end:
        return True
    if created > end:
        return "a task is listed as created after the list was answered, so the list's times cannot be trusted"
    if created >= start - NEAR_WINDOW:
        return f"a task of the same model was created {start + CLOCK_SLACK - created:.0f} s before this request"
    return False


def recover_job(
    transport: Transport,
    file_id: str,
    error: AmbiguousRequestError,
    *,
    cancelled: CancelCheck | None,
    policy: Recovery,
) -> str:
    """The id of the training job the lost ``POST /fine-tunes`` created from the pack's uploaded ``file_id``."""

    def trains_on_our_file(item: dict[str, Any], _pages: list[Page]) -> Verdict:
        if item.get("model", "facechain-finetune") != "facechain-finetune":
            return False
        files = item.get("training_file_ids")
        return file_id in files if isinstance(files, list) else "a training job does not list its files"

    def read(page: int) -> Page:
        params = {"page_no": str(page), "page_size": str(PAGE_SIZE)}
        return _read_page(transport, "/fine-tunes", params, cancelled, lambda body: body.get("output"), "jobs")

    return _recover(
        read, trains_on_our_file, FINE_TUNE, "job_id", "training jobs on these photos", error, cancelled, policy
    )


def _read_page(
    transport: Transport,
    path: str,
    params: dict[str, str],
    cancelled: CancelCheck | None,
    container: Callable[[dict[str, Any]], Any],
    items_key: str,
) -> Page:
    """One page of a list, read strictly: a wrong type anywhere raises Malformed rather than being guessed at."""
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
    sent = time.time()
    body = transport.api("GET", path, idempotent=True, params=params, cancelled=cancelled, answer_headers=headers)
    received = time.time()
    holder = container(body)
    if not isinstance(holder, dict):
        raise Malformed("the answer does not hold the list")
    total = _count(holder.get("total"))
    items = holder.get(items_key)
    if items is None and total == 0:
        items = []
    if not isinstance(items, list):
        raise Malformed(f"its '{items_key}' is not a list")
    return Page(items, total, _http_date(headers.get("Date")), sent, received)


def _count(value: Any) -> int | None:
    """A list's ``total``: a whole number >= 0 (a number or digits), or None when absent."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise Malformed("its 'total' is not a count")
    if isinstance(value, str) and value.isdigit() and len(value) <= 12:
        return int(value)
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and 0 <= value < 1e12:
        return int(value)
    raise Malformed("its 'total' is not a count")


def _http_date(value: str | None) -> float | None:
    """An HTTP ``Date`` header as epoch seconds; None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # RFC 9110 dates are GMT; one without a zone says nothing reliable
        return None
    return moment.timestamp()


def _recover(
    read: Callable[[int], Page],
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
    doubt = ""
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
            pages, complete = _read_all(read)
        except DashScopeError as failed:
            raise _undecided(error, f"looking it up in the list failed too ({failed.code or 'error'})") from None
        except Malformed as bad:
            raise _undecided(error, f"the list's answer could not be read ({bad})") from None
        found, doubts = [], []
        for item in (item for page in pages for item in page.items):
            job_id = item.get(id_field) if isinstance(item, dict) else None
            if not isinstance(job_id, (str, int)) or isinstance(job_id, bool) or job_id == "":
                doubts.append(f"a listed {kind.noun} has no readable id")
                continue
            if str(job_id) in KNOWN:
                continue
            verdict = matches(item, pages)
            if verdict is True:
                found.append(str(job_id))
            elif verdict:
                doubts.append(str(verdict))
        if not complete:
            doubts.append(f"the list is longer than the {MAX_PAGES * PAGE_SIZE} entries the pack reads")
        doubt = doubts[0] if doubts else ""
        if len(found) == 1:
            KNOWN.add(found[0])
            return found[0]
        if len(found) > 1:
            break
    if not found and doubt:
        # "Nothing was created" would invite a second, paid run: say it only when the list can tell.
        raise _undecided(error, f"the list does not show enough to tell whether it created one: {doubt}")
    if not found:
        raise NothingCreatedError(
            f"{error.message} Nothing was created by it.",
            code=error.code,
            request_id=error.request_id,
            http_status=error.http_status,
        )
    named = ", ".join(job_id[:64] for job_id in found[:MAX_NAMED])
    more = f" and {len(found) - MAX_NAMED} more" if len(found) > MAX_NAMED else ""
    raise AmbiguousRequestError(
        f"{error.message} {len(found)} {what} were created at the service in that moment and none is known to this "
        f"ComfyUI: {named}{more}. One of them is probably this node's; to fetch it, {kind.fetch_later}.",
        code="AmbiguousSubmit",
        request_id=error.request_id,
        http_status=error.http_status,
    )


def _undecided(error: AmbiguousRequestError, why: str) -> AmbiguousRequestError:
    error.message += f" The pack looked for it in the service's list, but {why}."
    error.args = (error._render(),)
    return error


def _read_all(read: Callable[[int], Page]) -> tuple[list[Page], bool]:
    """Every page of a list, whatever order the service lists them in, and whether that was all of it (the pack
    reads at most MAX_PAGES pages)."""
    pages: list[Page] = []
    seen = 0
    for page_no in range(1, MAX_PAGES + 1):
        page = read(page_no)
        pages.append(page)
        seen += len(page.items)
        if not page.items or (page.total and seen >= page.total):  # no total: read on to an empty page
            return pages, True
    return pages, False

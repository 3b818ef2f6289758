"""Running a node's paid tasks: upload inputs, submit, wait, download, decode — concurrently, with status.

A node builds ``Job``s (a model and a request body in which input images are ``ImageRef`` placeholders, which
the client turns into data URIs or uploads)
and awaits ``Runner.run``. Each job runs in a worker thread (the HTTP client blocks), so ComfyUI's event
loop stays free and independent nodes of one graph overlap. A batch of B inputs becomes B jobs, run at
most ``max_concurrent`` at a time and paced per model by the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import torch

from . import comfy_bridge, list_run, reuse
from .client import (
    USER_STOP,
    DashScopeClient,
    DashScopeError,
    DownloadError,
    MissingApiKeyError,
    PackError,
    PollSchedule,
    Prepared,
    Progress,
    ResultSlot,
    TaskCanceledError,
    TaskFailedError,
    TaskOutcome,
    TaskTimeoutError,
    load_settings,
    successful_urls,
)
from .client import ImageRef as ImageRef  # nodes put it in their bodies; the client resolves it
from .images import Encoded, PixelBudget, decode_image_u8, to_float
from .inline_fit import fit_run
from .models import ModelSpec
from .result_limits import (
    COUNT_FIELDS,
    check_result_count,
    fetched_most,
    images_expected,
    journal_entries,
    requested_count,
    run_budget,
    within_budget,
)
from .task_journal import record_created, record_final, tasks_by_fingerprint

log = logging.getLogger("comfyui_dashscope")

# The pack's own worker threads: waiting on the service must not use up asyncio's small default pool
# (min(32, cores + 4) threads), which ComfyUI and other packs share.
_WORKERS = ThreadPoolExecutor(max_workers=32, thread_name_prefix="dashscope")
# Encoding is CPU work: one thread per core does it as fast as 32 would, and keeps its scratch buffers in a few
# malloc arenas instead of one per thread (a list of hundreds of photos otherwise leaves hundreds of MB resident).
_ENCODERS = ThreadPoolExecutor(max_workers=max(os.cpu_count() or 2, 1), thread_name_prefix="dashscope-encode")


@dataclass
class Job:
    spec: ModelSpec
    body: dict[str, Any]


@dataclass
class JobResult:
    outcome: TaskOutcome
    urls: list[str] = field(default_factory=list)
    # Decoded results (rgb [H, W, 3], alpha [H, W] or None): uint8, or float when it is the job's only image;
    # images.to_float converts one.
    images: list[tuple[torch.Tensor, torch.Tensor | None]] = field(default_factory=list)
    failed: list[ResultSlot] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    # Set on the stand-in of a job that failed when the node continues with the images that succeeded: the
    # stand-in keeps the results aligned with the node's inputs, so a node's own post-processing still pairs them.
    error: BaseException | None = None
    reused: bool = False  # fetched from an earlier task of the same request (see ``reuse``): not paid again

    @property
    def task_id(self) -> str:
        return self.outcome.task_id


# ---- "if some images fail" ---------------------------------------------------------------------------------
# The option lives on every image node (base.PackNode adds the input); the node's run() never sees it. The
# value reaches the Runner through a context variable set around run(), and the failures come back the same way.
STOP_GRAPH = "stop the graph"
CONTINUE = "continue with the images that succeeded"
ON_FAILURE_CHOICES = (STOP_GRAPH, CONTINUE)


@dataclass
class RunOptions:
    on_failure: str = STOP_GRAPH
    failures: list[str] = field(default_factory=list)  # one line per failed task or image
    notes: list[str] = field(default_factory=list)  # shown under the status: an input not sent, a picture fitted

    def failures_text(self) -> str:
        return "\n".join(self.failures)


_RUN_OPTIONS: ContextVar[RunOptions | None] = ContextVar("dashscope_run_options", default=None)


@contextlib.contextmanager
def run_options(on_failure: str = STOP_GRAPH) -> Iterator[RunOptions]:
    """The options of one node execution; every Runner created inside reads and fills them."""
    options = RunOptions(on_failure if on_failure in ON_FAILURE_CHOICES else STOP_GRAPH)
    token = _RUN_OPTIONS.set(options)
    try:
        yield options
    finally:
        _RUN_OPTIONS.reset(token)


def current_options() -> RunOptions:
    return _RUN_OPTIONS.get() or RunOptions()


def failure_line(index: int, code: str, message: str, task_id: str) -> str:
    """One item of the ``failures`` output (task_id=… is what the Task Result node picks out of a line)."""
    line = f"index={index} code={code or 'Error'}"
    if task_id:
        line += f" task_id={task_id}"
    return line + f" message={' '.join(message.split())}"


# ---- the spending guard --------------------------------------------------------------------------------------
class SpendingLimitError(PackError):
    """A node run would bill more images than the settings allow; raised before any request."""


def images_billed(job: Job) -> int:
    """The most images one job can bill: its n-like field, else the service default from the model's row (a body
    without n still bills the default: 4 for wanx-v1), else one."""
    requested = requested_count(job.body)
    if requested is not None:
        return requested
    for name in COUNT_FIELDS:
        if job.spec.has_field(name) and job.spec.field(name).has_default:
            return max(int(job.spec.field(name).default), 1)
    return 1


def check_spending(node: str, jobs: Sequence[Job], limit: int) -> int:
    """Refuse a run that could bill more than ``limit`` images; returns the count."""
    total = sum(images_billed(job) for job in jobs)
    if total > limit:
        raise SpendingLimitError(
            f"{node}: this run would bill up to {total} images ({len(jobs)} task(s)), more than the spending guard "
            f"allows ({limit} image{'' if limit == 1 else 's'} per node run). Nothing was sent. Make the batch or n "
            "smaller, or raise "
            "'Most images per node run' in ComfyUI Settings > DashScope."
        )
    return total


Fetch = Callable[[str], bytes]
# A node with an unusual output shape collects its own results (runs in the worker thread).
Collector = Callable[[TaskOutcome, Fetch], JobResult]


async def encode_all(images: list[torch.Tensor], encode: Callable[[torch.Tensor], Encoded]) -> list[Encoded]:
    """Encode a batch in parallel on the pack's workers (PIL and torch release the GIL while they work)."""
    loop = asyncio.get_running_loop()
    return list(await asyncio.gather(*(loop.run_in_executor(_ENCODERS, encode, image) for image in images)))


def _image_refs_in(value: Any) -> Iterator[ImageRef]:
    if isinstance(value, ImageRef):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _image_refs_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _image_refs_in(item)


class _Pictures:
    """Which jobs still need each input picture: one sent by every job that carries it is released (its encoded
    bytes dropped), so a long list holds only the pictures of the jobs about to be sent."""

    def __init__(self, jobs: Sequence[Job]):
        self._holders: dict[int, int] = {}
        for job in jobs:
            for ref in _image_refs_in(job.body):
                self._holders[id(ref.encoded)] = self._holders.get(id(ref.encoded), 0) + 1

    def sent(self, job: Job) -> None:
        for ref in _image_refs_in(job.body):
            key = id(ref.encoded)
            self._holders[key] -= 1
            release = getattr(ref.encoded, "release", None)
            if self._holders[key] == 0 and release is not None:
                release()


def make_client() -> DashScopeClient:
    """Settings are read per run, so a key or region saved in the settings dialog applies at once."""
    return DashScopeClient(load_settings())


def default_collect(outcome: TaskOutcome, fetch: Fetch, shapes: tuple[str, ...] = ()) -> JobResult:
    urls, failed = successful_urls(outcome.output, outcome.task_id, shapes)
    return JobResult(outcome, urls, download_images(urls, fetch, outcome.task_id), failed)


def reader_for(spec: ModelSpec) -> Collector:
    """The default collector, reading the model's documented result shapes first."""
    return functools.partial(default_collect, shapes=spec.results)


def download_images(urls: list[str], fetch: Fetch, task_id: str = "") -> list[tuple[torch.Tensor, torch.Tensor | None]]:
    """Download result images in parallel, then decode them one by one in this thread, keeping their order.

    Decoding in one thread keeps its short-lived buffers in one malloc arena: spread over many threads they
    stay resident in per-thread arenas and raise the process's peak memory by about one batch.
    """
    if len(urls) <= 1:
        blobs = [fetch(u) for u in urls]
    else:
        with ThreadPoolExecutor(max_workers=min(len(urls), 4)) as pool:
            blobs = list(pool.map(fetch, urls))
    decoded = []
    for index in range(len(blobs)):
        data, blobs[index] = blobs[index], b""  # let each encoded file go as soon as it is decoded
        try:
            decoded.append(decode_image_u8(data))
        except ValueError as exc:
            raise DownloadError(
                f"A result image could not be decoded: {exc}.", code="BadImage", task_id=task_id
            ) from None
    return decoded


@dataclass(frozen=True)
class ResultBound:
    """What one job may take from its answer (result_limits): at most ``most`` images, read in ``shapes``, their
    pixels charged to the run's ``budget``."""

    most: int
    shapes: tuple[str, ...]
    budget: PixelBudget


# Waiting for a task the pack did not just create: polled at most once a second, so Stop is seen within a second.
FETCH_SCHEDULE = PollSchedule(cap=1.0)


class _StopWaiting(Exception):
    """Raised from a progress report to leave the poll loop without touching the task at the service."""


class Runner:
    def __init__(self, node_name: str, unique_id: str | None = None, client: DashScopeClient | None = None):
        self.node_name = node_name
        self.unique_id = unique_id
        self.client = client
        self.status: comfy_bridge.NodeStatus | None = None
        self._states: list[Progress] = []
        self._task_ids: list[str] = []
        self._failed = 0
        # The node execution's options (if some images fail, notes under the status); a Runner made outside one
        # keeps its own for its whole life.
        self.options = current_options()

    def _cancelled(self) -> bool:
        return self.status.cancelled() if self.status is not None else comfy_bridge.interrupted()

    def _client(self) -> DashScopeClient:
        client = self.client or make_client()
        if not client.settings.api_key:
            raise MissingApiKeyError()
        return client

    # ---- execution ---------------------------------------------------------------------------
    # Three phases per job. Only the middle one (the task at the service) counts against the node's limit of
    # concurrent tasks: uploads and downloads of other jobs overlap with it.
    def _prepare(self, client: DashScopeClient, index: int, job: Job) -> Prepared:
        self._states[index] = Progress("uploading")
        return client.prepare(job.spec, job.body, self._cancelled)

    def _task(self, client: DashScopeClient, index: int, job: Job, request: Prepared, fp: str) -> TaskOutcome:
        def journal(task_id: str) -> None:
            # The journal gets the task the moment its id is known: after a crash it is still findable (and reused).
            if not self._task_ids[index]:
                self._task_ids[index] = task_id
                record_created(task_id, job.spec.name, self.node_name, fp)

        def report(progress: Progress) -> None:
            self._states[index] = progress
            if progress.task_id:
                journal(progress.task_id)

        try:
            outcome = client.run(job.spec, request, cancelled=self._cancelled, on_progress=report)
        except BaseException as exc:
            task_id = self._task_ids[index] or getattr(exc, "task_id", "")
            if task_id:
                journal(task_id)
                # The last status the service reported (FAILED, or PENDING / RUNNING when the wait ended early).
                record_final(task_id, self._states[index].stage, getattr(exc, "code", "") or type(exc).__name__)
            raise
        if outcome.task_id:
            journal(outcome.task_id)
            record_final(outcome.task_id, "SUCCEEDED")
        return outcome

    def _await_task(self, client: DashScopeClient, index: int, task_id: str) -> TaskOutcome:
        """Wait for an existing task with queries only: a Stop or the timeout leaves it untouched at the service."""
        timeout = client.settings.task_timeout
        self._task_ids[index] = task_id

        def report(progress: Progress) -> None:
            self._states[index] = progress
            if self._cancelled():
                raise _StopWaiting()
            if progress.stage not in ("SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN") and progress.elapsed >= timeout:
                raise TaskTimeoutError(
                    f"Still {progress.stage} after {timeout:.0f} s (the task timeout); it was left alone at the "
                    "service: run this node again later.",
                    code="WaitTimeout",
                    task_id=task_id,
                )

        try:
            # The wait's own timeout is never reached (report ends it first), so nothing is cancelled on timeout.
            return client.fetch_task(task_id, timeout=1e9, on_progress=report, schedule=FETCH_SCHEDULE)
        except _StopWaiting:
            raise TaskCanceledError(
                "Stopped by the user; the task was left alone at the service.", code=USER_STOP, task_id=task_id
            ) from None

    def _reuse(self, client: DashScopeClient, index: int, task_id: str, waiting: bool) -> TaskOutcome | None:
        """The outcome of an earlier task of the same request, or None when it must be paid anew: the service no
        longer knows it (expired, another key) or cancelled it."""
        try:
            outcome = self._await_task(client, index, task_id)
        except (TaskFailedError, TaskCanceledError) as exc:
            if exc.code not in ("TaskUnknown", "Canceled"):
                if waiting:
                    record_final(task_id, self._states[index].stage, exc.code)
                raise
            log.warning(
                "DashScope %s: earlier task %s is %s at the service; paying for a new one",
                self.node_name,
                task_id,
                exc.code,
            )
            self._task_ids[index] = ""
            return None
        if waiting:
            record_final(task_id, "SUCCEEDED")
        return outcome

    def _collect(
        self, client: DashScopeClient, index: int, outcome: TaskOutcome, collect: Collector, bound: ResultBound
    ) -> JobResult:
        self._states[index] = Progress("downloading", outcome.task_id)
        check_result_count(outcome, bound.shapes, bound.most)  # result_limits: before any download

        def fetch(url: str) -> bytes:
            return client.download(url, cancelled=self._cancelled, task_id=outcome.task_id)

        result = collect(outcome, within_budget(fetch, bound.budget, outcome.task_id))
        if len(result.images) == 1:
            # A job's only image is already its output (a list of photos, one task each): it becomes float here, as
            # it arrives, and its uint8 copy goes; ``image_outputs`` then uses it as it is. Several images of a
            # job stay uint8 (a quarter of the size) until they are written into one batch.
            rgb, alpha = result.images[0]
            result.images = [(to_float(rgb), None if alpha is None else to_float(alpha))]
        self._states[index] = Progress("done", outcome.task_id)
        return result

    async def run(self, jobs: list[Job], collect: Collector | None = None) -> list[JobResult]:
        """Run every job (upload, task, download); the results are in the jobs' order. Inside a list execution
        (``list_run``) the jobs join those of the other items and run with them."""
        if not jobs:
            raise ValueError("no jobs")
        joined = await list_run.park(self, jobs, collect, fetch=False)
        return joined if joined is not None else await self.run_all(jobs, [collect] * len(jobs))

    async def run_all(self, jobs: list[Job], collects: Sequence[Collector | None]) -> list[JobResult]:
        """Run jobs that may come from several list items (each with its collector), as one run.

        Per job, a few jobs ahead of the tasks: encode its pictures, fingerprint the request, and either take an
        earlier task of the same request from the journal (``reuse``) or upload and pay; the encoded pictures go
        as soon as the request is sent."""
        client = self._client()
        check_spending(self.node_name, jobs, client.settings.max_images_per_run)
        loop = asyncio.get_running_loop()
        if not client.settings.temporary_uploads:  # outside China (Beijing) every picture goes inline: fit all first
            region = client.settings.service_region
            jobs, fitted = await loop.run_in_executor(_WORKERS, fit_run, self.node_name, jobs, region)
            self.options.notes.extend(fitted)  # what the run changed on the user's pictures
        gate = asyncio.Semaphore(max(client.settings.max_concurrent, 1))
        ahead = asyncio.Semaphore(2 * max(client.settings.max_concurrent, 1))
        reusing = client.settings.reuse_results and not all(job.spec.sync for job in jobs)
        journal = await loop.run_in_executor(_WORKERS, tasks_by_fingerprint) if reusing else {}
        numbering = reuse.Numbering(len(jobs))
        pictures = _Pictures(jobs)
        expected = [images_expected(job.spec, job.body) for job in jobs]
        budget = run_budget(expected)  # result_limits: the pixels all results of the run may take

        async def one(index: int) -> JobResult:
            job, outcome, earlier, reused = jobs[index], None, None, False
            async with ahead:  # encodes and uploads run a few jobs ahead of the tasks, not all at once
                hashing = loop.run_in_executor(_ENCODERS, reuse.request_hash, client.settings.base_url, job)
                fp = await numbering.number(index, hashing)
                earlier = reuse.earlier_task(journal, fp) if reusing and not job.spec.sync else None
                if earlier is None:
                    request = await loop.run_in_executor(_WORKERS, self._prepare, client, index, job)
                    pictures.sent(job)
                    await gate.acquire()
            if earlier is not None:
                async with gate:
                    outcome = await loop.run_in_executor(
                        _WORKERS, self._reuse, client, index, earlier[1], earlier[0] == reuse.WAIT
                    )
                reused = outcome is not None
                if outcome is None:  # the service no longer has it: pay for a new task
                    request = await loop.run_in_executor(_WORKERS, self._prepare, client, index, job)
                    await gate.acquire()
                pictures.sent(job)
            if outcome is None:
                try:
                    outcome = await loop.run_in_executor(_WORKERS, self._task, client, index, job, request, fp)
                finally:
                    gate.release()
            bound = ResultBound(expected[index], job.spec.results, budget)
            result = await loop.run_in_executor(
                _WORKERS, self._collect, client, index, outcome, collects[index] or reader_for(job.spec), bound
            )
            result.reused = reused
            return result

        return await self._all(len(jobs), one, [job.spec.price_cny for job in jobs])

    async def fetch(self, task_ids: Sequence[str], collect: Collector = default_collect) -> list[JobResult]:
        """The results of existing tasks, waiting for unfinished ones. Only queries: no task is created."""
        if not task_ids:
            raise ValueError("no task ids")
        joined = await list_run.park(self, task_ids, collect, fetch=True)
        return joined if joined is not None else await self.fetch_all(list(task_ids), [collect] * len(task_ids))

    async def fetch_all(self, task_ids: Sequence[str], collects: Sequence[Collector]) -> list[JobResult]:
        client = self._client()
        loop = asyncio.get_running_loop()
        gate = asyncio.Semaphore(max(client.settings.max_concurrent, 1))
        most = fetched_most(task_ids, journal_entries())
        budget = run_budget(most)

        async def one(index: int) -> JobResult:
            async with gate:
                outcome = await loop.run_in_executor(_WORKERS, self._await_task, client, index, task_ids[index])
            bound = ResultBound(most[index], (), budget)
            return await loop.run_in_executor(_WORKERS, self._collect, client, index, outcome, collects[index], bound)

        return await self._all(len(task_ids), one, None)

    async def _all(
        self, count: int, one: Callable[[int], Awaitable[JobResult]], prices: list[float | None] | None
    ) -> list[JobResult]:
        """Run ``one(i)`` for every item with the status line ticking; then stop or continue on failures."""
        self.status = comfy_bridge.NodeStatus(self.unique_id, asyncio.get_running_loop())
        self._states = [Progress("waiting") for _ in range(count)]
        self._task_ids = ["" for _ in range(count)]
        self._failed = 0
        started = time.monotonic()
        tasks = [asyncio.ensure_future(one(index)) for index in range(count)]
        # Even when one job fails, the others run to the end: their tasks are paid for. Status ticks each second.
        pending = set(tasks)
        while pending:
            _, pending = await asyncio.wait(pending, timeout=1.0)
            self._failed = sum(1 for t in tasks if t.done() and t.exception() is not None)
            self._show(time.monotonic() - started)
        options = self.options
        errors = [task.exception() for task in tasks if task.exception() is not None]
        if errors and (options.on_failure != CONTINUE or len(errors) == count or self._is_stop(errors)):
            self._fail(errors, [t.result() for t in tasks if t.exception() is None], count)
        results = [
            task.result() if task.exception() is None else self._stand_in(index, task.exception())
            for index, task in enumerate(tasks)
        ]
        options.failures.extend(self._failure_lines(results))
        self._done(results, time.monotonic() - started, prices)
        return results

    def _stand_in(self, index: int, error: BaseException) -> JobResult:
        task_id = getattr(error, "task_id", "") or self._task_ids[index]
        return JobResult(TaskOutcome(task_id, "", {}), error=error)

    @staticmethod
    def _failure_lines(results: list[JobResult]) -> list[str]:
        lines = []
        for index, result in enumerate(results):
            if result.error is not None:
                error = result.error
                code = getattr(error, "code", "") or type(error).__name__
                lines.append(failure_line(index, code, getattr(error, "message", "") or str(error), result.task_id))
            for slot in result.failed:
                lines.append(failure_line(index, slot.code, slot.message or "no message", result.task_id))
        return lines

    async def run_call(
        self, call: Callable[[DashScopeClient, Callable[[Progress], None], Callable[[], bool]], Any]
    ) -> Any:
        """Run one blocking call that is not a /tasks job (e.g. FaceChain training) with the same status line,
        elapsed seconds and Stop handling as tasks."""
        client = self._client()
        loop = asyncio.get_running_loop()
        self.status = comfy_bridge.NodeStatus(self.unique_id, loop)
        self._states = [Progress("submitting")]
        started = time.monotonic()

        def report(progress: Progress) -> None:
            self._states[0] = progress

        future = loop.run_in_executor(_WORKERS, call, client, report, self._cancelled)
        while True:
            done, _ = await asyncio.wait({future}, timeout=1.0)
            self._show(time.monotonic() - started)
            if done:
                break
        try:
            return future.result()
        except BaseException as exc:
            self._fail([exc], [], 1)
            raise

    # ---- status on the canvas ----------------------------------------------------------------
    def _show(self, elapsed: float) -> None:
        if self.status is None:
            return
        self.status.text("\n".join([progress_line(self._states, self._failed, elapsed), *self.options.notes]))
        self.status.progress(sum(1 for s in self._states if s.stage == "done") + self._failed, len(self._states))

    def _done(self, results: list[JobResult], elapsed: float, prices: list[float | None] | None) -> None:
        if self.status is None:
            return
        self.status.text("\n".join([done_line(results, elapsed, prices), *self.options.notes]))
        self.status.progress(len(results), len(results))

    def _is_stop(self, errors: list[BaseException]) -> bool:
        return self._cancelled() or any(getattr(e, "code", "") == USER_STOP for e in errors)

    def _fail(self, errors: list[BaseException], results: list[JobResult], total: int) -> None:
        user_stop = self._is_stop(errors)
        if user_stop or all(isinstance(e, TaskCanceledError) for e in errors):
            if self.status is not None:
                self.status.text("stopped")
            stop = comfy_bridge.interruption(errors[0]) if user_stop else errors[0]
            if stop is errors[0]:
                raise stop
            raise stop from errors[0]
        first = errors[0]
        if self.status is not None:
            code = getattr(first, "code", "") or type(first).__name__
            self.status.text(f"failed: {code}")
        if total > 1 and isinstance(first, DashScopeError):
            # Task ids, not result URLs: a signed URL is a credential to the paid image and stays out of errors.
            done = [r.task_id for r in results if r.task_id]
            extra = f" {len(results)} of {total} tasks succeeded"
            extra += f" (task ids: {id_list(done)})." if done else "."
            if results:
                extra += (
                    " They are in the task journal; the DashScope Task Result node fetches them, or set "
                    "'if some images fail' to continue with the images that succeeded."
                )
            widened = copy.copy(first)
            widened.message = first.message + extra
            widened.args = (widened._render(),)
            raise widened from first
        raise first


STAGE_LABELS = {
    "waiting": "waiting for a free slot",
    "uploading": "uploading inputs",
    "submitting": "submitting",
    "PENDING": "queued at DashScope",
    "RUNNING": "running",
    "SUSPENDED": "suspended at DashScope",
    "downloading": "downloading results",
}
# Status lines and errors name at most this many task ids; the task_ids output and the journal hold them all.
SHOWN_IDS = 4


def id_list(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:SHOWN_IDS])
    return shown if len(ids) <= SHOWN_IDS else f"{shown} and {len(ids) - SHOWN_IDS} more (all in the task journal)"


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{(seconds + 59) // 60:.0f} min"


def progress_line(states: Sequence[Progress], failed: int, elapsed: float) -> str:
    """While a run goes on: what the first unfinished job does; with several jobs, first a count and the time
    left, e.g. "57 of 200 · 2 failed · about 3 min left" (from the pace so far)."""
    finished = sum(1 for s in states if s.stage == "done")
    active = [s for s in states if s.stage != "done"]
    line = f"{STAGE_LABELS.get(active[0].stage, active[0].stage) if active else 'done'} · {elapsed:.0f}s"
    if len(states) <= 1:
        return line
    head = f"{finished} of {len(states)}"
    if failed:
        head += f" · {failed} failed"
    ended = finished + failed
    if 0 < ended < len(states):
        head += f" · about {_duration(elapsed / ended * (len(states) - ended))} left"
    return head + "\n" + line


def done_line(results: list[JobResult], elapsed: float, prices: list[float | None] | None) -> str:
    """The node's final status: images (billed), failures, results reused, list price, time, task ids."""
    images = sum(len(r.images) for r in results)
    codes = [getattr(r.error, "code", "") or type(r.error).__name__ for r in results if r.error is not None]
    codes += [slot.code or "Failed" for r in results for slot in r.failed]
    lines = []
    if codes:
        lines.append(f"{images} of {images + len(codes)} · {len(codes)} failed ({', '.join(sorted(set(codes)))})")
    parts = [f"{images} image{'' if images == 1 else 's'}"] if images else ["done"]
    reused = sum(1 for r in results if r.reused)
    if reused:
        parts.append(f"reused {reused} paid result{'' if reused == 1 else 's'}")
    paid = [(r, p) for r, p in zip(results, prices or [], strict=False) if r.images and not r.reused]
    if prices is None:
        parts.append("fetched, no new task")
    elif paid and all(p is not None for _, p in paid):
        cost = sum(len(r.images) * p for r, p in paid if p is not None)
        parts.append(f"about ¥{cost:.2f} at list price")
    parts.append(f"{elapsed:.1f}s")
    lines.append(" · ".join(parts))
    ids = [r.task_id for r in results if r.task_id and r.error is None]
    if ids:
        lines.append(f"task: {id_list(ids)}")
    return "\n".join(lines)

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
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import torch

from . import comfy_bridge
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
    TaskOutcome,
    TaskTimeoutError,
    load_settings,
    successful_urls,
)
from .client import ImageRef as ImageRef  # nodes put it in their bodies; the client resolves it
from .images import Encoded, PixelBudget, decode_image_u8
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
from .task_journal import record_created, record_final

# The pack's own worker threads: waiting on the service must not use up asyncio's small default pool
# (min(32, cores + 4) threads), which ComfyUI and other packs share.
_WORKERS = ThreadPoolExecutor(max_workers=32, thread_name_prefix="dashscope")


@dataclass
class Job:
    spec: ModelSpec
    body: dict[str, Any]


@dataclass
class JobResult:
    outcome: TaskOutcome
    urls: list[str] = field(default_factory=list)
    # Decoded results as uint8 (rgb [H, W, 3], alpha [H, W] or None); images.to_float converts one.
    images: list[tuple[torch.Tensor, torch.Tensor | None]] = field(default_factory=list)
    failed: list[ResultSlot] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    # Set on the stand-in of a job that failed when the node continues with the images that succeeded: the
    # stand-in keeps the results aligned with the node's inputs, so a node's own post-processing still pairs them.
    error: BaseException | None = None

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
    return list(await asyncio.gather(*(loop.run_in_executor(_WORKERS, encode, image) for image in images)))


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

    def _task(self, client: DashScopeClient, index: int, job: Job, request: Prepared) -> TaskOutcome:
        def report(progress: Progress) -> None:
            self._states[index] = progress
            if progress.task_id and not self._task_ids[index]:
                # The journal gets the task the moment its id is known: after a crash it is still findable.
                self._task_ids[index] = progress.task_id
                record_created(progress.task_id, job.spec.name, self.node_name)

        try:
            outcome = client.run(job.spec, request, cancelled=self._cancelled, on_progress=report)
        except BaseException as exc:
            task_id = self._task_ids[index] or getattr(exc, "task_id", "")
            if task_id:
                if not self._task_ids[index]:
                    record_created(task_id, job.spec.name, self.node_name)
                # The last status the service reported (FAILED, or PENDING / RUNNING when the wait ended early).
                record_final(task_id, self._states[index].stage, getattr(exc, "code", "") or type(exc).__name__)
            raise
        if outcome.task_id:
            if not self._task_ids[index]:
                self._task_ids[index] = outcome.task_id
                record_created(outcome.task_id, job.spec.name, self.node_name)
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

    def _collect(
        self, client: DashScopeClient, index: int, outcome: TaskOutcome, collect: Collector, bound: ResultBound
    ) -> JobResult:
        self._states[index] = Progress("downloading", outcome.task_id)
        check_result_count(outcome, bound.shapes, bound.most)  # result_limits: before any download

        def fetch(url: str) -> bytes:
            return client.download(url, cancelled=self._cancelled, task_id=outcome.task_id)

        result = collect(outcome, within_budget(fetch, bound.budget, outcome.task_id))
        self._states[index] = Progress("done", outcome.task_id)
        return result

    async def run(self, jobs: list[Job], collect: Collector | None = None) -> list[JobResult]:
        """Run every job (upload, task, download); the results are in the jobs' order."""
        if not jobs:
            raise ValueError("no jobs")
        client = self._client()
        check_spending(self.node_name, jobs, client.settings.max_images_per_run)
        loop = asyncio.get_running_loop()
        if not client.settings.temporary_uploads:  # outside China (Beijing) every picture goes inline: fit all first
            region = client.settings.service_region
            jobs, fitted = await loop.run_in_executor(_WORKERS, fit_run, self.node_name, jobs, region)
            self.options.notes.extend(fitted)  # what the run changed on the user's pictures
        gate = asyncio.Semaphore(max(client.settings.max_concurrent, 1))
        expected = [images_expected(job.spec, job.body) for job in jobs]
        budget = run_budget(expected)

        async def one(index: int) -> JobResult:
            job = jobs[index]
            request = await loop.run_in_executor(_WORKERS, self._prepare, client, index, job)
            async with gate:
                outcome = await loop.run_in_executor(_WORKERS, self._task, client, index, job, request)
            bound = ResultBound(expected[index], job.spec.results, budget)
            return await loop.run_in_executor(
                _WORKERS, self._collect, client, index, outcome, collect or reader_for(job.spec), bound
            )

        return await self._all(len(jobs), one, [job.spec.price_cny for job in jobs])

    async def fetch(self, task_ids: Sequence[str], collect: Collector = default_collect) -> list[JobResult]:
        """The results of existing tasks, waiting for unfinished ones. Only queries: no task is created."""
        if not task_ids:
            raise ValueError("no task ids")
        client = self._client()
        loop = asyncio.get_running_loop()
        gate = asyncio.Semaphore(max(client.settings.max_concurrent, 1))
        most = fetched_most(task_ids, journal_entries())
        budget = run_budget(most)

        async def one(index: int) -> JobResult:
            async with gate:
                outcome = await loop.run_in_executor(_WORKERS, self._await_task, client, index, task_ids[index])
            bound = ResultBound(most[index], (), budget)
            return await loop.run_in_executor(_WORKERS, self._collect, client, index, outcome, collect, bound)

        return await self._all(len(task_ids), one, None)

    async def _all(
        self, count: int, one: Callable[[int], Awaitable[JobResult]], prices: list[float | None] | None
    ) -> list[JobResult]:
        """Run ``one(i)`` for every item with the status line ticking; then stop or continue on failures."""
        self.status = comfy_bridge.NodeStatus(self.unique_id, asyncio.get_running_loop())
        self._states = [Progress("waiting") for _ in range(count)]
        self._task_ids = ["" for _ in range(count)]
        started = time.monotonic()
        tasks = [asyncio.ensure_future(one(index)) for index in range(count)]
        # Even when one job fails, the others run to the end: their tasks are paid for. Status ticks each second.
        pending = set(tasks)
        while pending:
            _, pending = await asyncio.wait(pending, timeout=1.0)
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
        stages = [s.stage for s in self._states]
        finished = stages.count("done")
        total = len(stages)
        labels = {
            "waiting": "waiting for a free slot",
            "uploading": "uploading inputs",
            "submitting": "submitting",
            "PENDING": "queued at DashScope",
            "RUNNING": "running",
            "SUSPENDED": "suspended at DashScope",
            "downloading": "downloading results",
        }
        active = [s for s in self._states if s.stage != "done"]
        if active:
            head = labels.get(active[0].stage, active[0].stage)
            line = f"{head} · {elapsed:.0f}s"
            if total > 1:
                line = f"{finished}/{total} done · " + line
        else:
            line = f"done · {elapsed:.0f}s"
        self.status.text("\n".join([line, *self.options.notes]))
        self.status.progress(finished, total)

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
            extra += f" (task ids: {', '.join(done)})." if done else "."
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


def done_line(results: list[JobResult], elapsed: float, prices: list[float | None] | None) -> str:
    """The node's final status: images (billed), failures, list price, time, task ids."""
    images = sum(len(r.images) for r in results)
    codes = [getattr(r.error, "code", "") or type(r.error).__name__ for r in results if r.error is not None]
    codes += [slot.code or "Failed" for r in results for slot in r.failed]
    lines = []
    if codes:
        lines.append(f"{images} of {images + len(codes)} · {len(codes)} failed ({', '.join(sorted(set(codes)))})")
    parts = [f"{images} image{'' if images == 1 else 's'}"] if images else ["done"]
    if prices is None:
        parts.append("fetched, no new task")
    elif images and all(p is not None for r, p in zip(results, prices, strict=True) if r.images):
        cost = sum(len(r.images) * p for r, p in zip(results, prices, strict=True) if r.images and p is not None)
        parts.append(f"about ¥{cost:.2f} at list price")
    parts.append(f"{elapsed:.1f}s")
    lines.append(" · ".join(parts))
    ids = ", ".join(r.task_id for r in results if r.task_id and r.error is None)
    if ids:
        lines.append(f"task: {ids}")
    return "\n".join(lines)

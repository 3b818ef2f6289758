"""Running a node's paid tasks: upload inputs, submit, wait, download, decode — concurrently, with status.

A node builds ``Job``s (a model and a request body in which input images are ``ImageRef`` placeholders)
and awaits ``Runner.run``. Each job runs in a worker thread (the HTTP client blocks), so ComfyUI's event
loop stays free and independent nodes of one graph overlap. A batch of B inputs becomes B jobs, run at
most ``max_concurrent`` at a time and paced per model by the client.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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
    Progress,
    ResultSlot,
    TaskCanceledError,
    TaskOutcome,
    load_settings,
    successful_urls,
)
from .images import Encoded, decode_image_u8
from .models import ModelSpec

# The pack's own worker threads: waiting on the service must not use up asyncio's small default pool
# (min(32, cores + 4) threads), which ComfyUI and other packs share.
_WORKERS = ThreadPoolExecutor(max_workers=32, thread_name_prefix="dashscope")

# Data URIs make the request body larger; past this size an inline-capable model still gets an upload.
INLINE_LIMIT = 2 * 1024 * 1024


@dataclass(frozen=True)
class ImageRef:
    """An input image inside a request body; replaced by an ``oss://`` URL or a data URI before sending."""

    encoded: Encoded


@dataclass
class Job:
    spec: ModelSpec
    body: dict[str, Any]
    label: str = ""


@dataclass
class JobResult:
    outcome: TaskOutcome
    urls: list[str] = field(default_factory=list)
    # Decoded results as uint8 (rgb [H, W, 3], alpha [H, W] or None); images.to_float converts one.
    images: list[tuple[torch.Tensor, torch.Tensor | None]] = field(default_factory=list)
    failed: list[ResultSlot] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def task_id(self) -> str:
        return self.outcome.task_id


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


class Runner:
    def __init__(self, node_name: str, unique_id: str | None = None, client: DashScopeClient | None = None):
        self.node_name = node_name
        self.unique_id = unique_id
        self.client = client
        self.status: comfy_bridge.NodeStatus | None = None
        self._states: list[Progress] = []

    def _cancelled(self) -> bool:
        return self.status.cancelled() if self.status is not None else comfy_bridge.interrupted()

    # ---- request preparation ---------------------------------------------------------------
    def _resolve_images(self, client: DashScopeClient, spec: ModelSpec, body: Any, cancelled) -> tuple[Any, bool]:
        """Replace every ImageRef in the body; returns (body, whether an oss:// URL was used)."""
        used_oss = False

        def walk(value: Any) -> Any:
            nonlocal used_oss
            if isinstance(value, ImageRef):
                if spec.inline_images and len(value.encoded.data) <= INLINE_LIMIT:
                    return value.encoded.data_uri()
                used_oss = True
                return client.upload(value.encoded.data, spec.name, value.encoded.ext, cancelled)
            if isinstance(value, dict):
                return {k: walk(v) for k, v in value.items()}
            if isinstance(value, list):
                return [walk(v) for v in value]
            return value

        return walk(body), used_oss

    # ---- execution ---------------------------------------------------------------------------
    # Three phases per job. Only the middle one (the task at the service) counts against the node's limit of
    # concurrent tasks: uploads and downloads of other jobs overlap with it.
    def _prepare(self, client: DashScopeClient, index: int, job: Job) -> tuple[Any, bool]:
        self._states[index] = Progress("uploading")
        return self._resolve_images(client, job.spec, job.body, self._cancelled)

    def _task(self, client: DashScopeClient, index: int, job: Job, body: Any, used_oss: bool) -> TaskOutcome:
        def report(progress: Progress) -> None:
            self._states[index] = progress

        return client.run(job.spec.endpoint, body, uses_oss=used_oss, cancelled=self._cancelled, on_progress=report)

    def _collect(self, client: DashScopeClient, index: int, outcome: TaskOutcome, collect: Collector) -> JobResult:
        self._states[index] = Progress("downloading", outcome.task_id)

        def fetch(url: str) -> bytes:
            return client.download(url, cancelled=self._cancelled, task_id=outcome.task_id)

        result = collect(outcome, fetch)
        self._states[index] = Progress("done", outcome.task_id)
        return result

    async def run(self, jobs: list[Job], collect: Collector | None = None) -> list[JobResult]:
        if not jobs:
            raise ValueError("no jobs")
        client = self.client or make_client()
        if not client.settings.api_key:
            raise MissingApiKeyError()
        loop = asyncio.get_running_loop()
        self.status = comfy_bridge.NodeStatus(self.unique_id, loop)
        self._states = [Progress("waiting") for _ in jobs]
        gate = asyncio.Semaphore(max(client.settings.max_concurrent, 1))
        started = time.monotonic()

        async def guarded(index: int, job: Job) -> JobResult:
            body, used_oss = await loop.run_in_executor(_WORKERS, self._prepare, client, index, job)
            async with gate:
                outcome = await loop.run_in_executor(_WORKERS, self._task, client, index, job, body, used_oss)
            return await loop.run_in_executor(
                _WORKERS, self._collect, client, index, outcome, collect or reader_for(job.spec)
            )

        tasks = [asyncio.ensure_future(guarded(i, job)) for i, job in enumerate(jobs)]
        # Even when one job fails, the others run to the end: their tasks are paid for. Status ticks each second.
        pending = set(tasks)
        while pending:
            _, pending = await asyncio.wait(pending, timeout=1.0)
            self._show(time.monotonic() - started)
        results: list[JobResult] = []
        errors: list[BaseException] = []
        for task in tasks:
            exc = task.exception()
            if exc is None:
                results.append(task.result())
            else:
                errors.append(exc)
        if errors:
            self._fail(errors, results, len(jobs))
        self._done(results, time.monotonic() - started)
        return results

    async def run_call(
        self, call: Callable[[DashScopeClient, Callable[[Progress], None], Callable[[], bool]], Any]
    ) -> Any:
        """Run one blocking call that is not a /tasks job (e.g. FaceChain training) with the same status line,
        elapsed seconds and Stop handling as tasks."""
        client = self.client or make_client()
        if not client.settings.api_key:
            raise MissingApiKeyError()
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
        self.status.text(line)
        self.status.progress(finished, total)

    def _done(self, results: list[JobResult], elapsed: float) -> None:
        if self.status is None:
            return
        images = sum(len(r.images) for r in results)
        failed = sum(len(r.failed) for r in results)
        ids = ", ".join(r.task_id for r in results if r.task_id)
        line = f"{images} image(s) in {elapsed:.1f}s" if images else f"done in {elapsed:.1f}s"
        if failed:
            line += f" · {failed} failed at the service"
        if ids:
            line += f"\ntask: {ids}"
        self.status.text(line)
        self.status.progress(len(results), len(results))

    def _fail(self, errors: list[BaseException], results: list[JobResult], total: int) -> None:
        user_stop = self._cancelled() or any(getattr(e, "code", "") == USER_STOP for e in errors)
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
            done = [u for r in results for u in r.urls]
            extra = f" {len(results)} of {total} tasks succeeded"
            extra += f"; their results: {' '.join(done)}" if done else "."
            widened = copy.copy(first)
            widened.message = first.message + extra
            widened.args = (widened._render(),)
            raise widened from first
        raise first

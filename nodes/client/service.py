"""The one object nodes talk to: run a model's task from request body to finished output.

It knows the service (endpoints, pacing, uploads, polling), nothing about ComfyUI.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from . import finetune, results, tasks
from .errors import AmbiguousRequestError, DashScopeError, LostSyncAnswerError, NetworkError, PackError
from .pacer import SYNC_SLACK, ModelPacer, pacer_for
from .recovery import IN_FLIGHT, Recovery, recover_task
from .request_images import Prepared, prepare
from .settings import Settings, url_host
from .tasks import KNOWN, Progress, ProgressCallback, TaskOutcome
from .transport import CancelCheck, RetryPolicy, Transport
from .uploads import UPLOAD_CACHE, UploadCache, Uploader

log = logging.getLogger("comfyui_dashscope")

# How long each model's tasks took recently (service clock, submit to end), so polling can be tight right
# where the next task of the same model is likely to finish.
_TYPICAL_SECONDS: dict[tuple[str, str], float] = {}


class CallSpec(Protocol):
    """What the client reads from a model's row (the pack's ``ModelSpec``): how to call the model and its
    per-account limits (spec 6.3). A protocol, so the client imports nothing from the nodes."""

    @property
    def name(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def sync(self) -> bool: ...
    @property
    def qps(self) -> float: ...
    @property
    def concurrency(self) -> int: ...
    @property
    def successor(self) -> str: ...  # named in the error when the service says the model no longer exists
    @property
    def data_inspection(self) -> bool: ...  # the official examples ask for content inspection on this model
    @property
    def data_uri(self) -> bool: ...  # the page documents Base64 data URIs for the model's image fields


class DashScopeClient:
    def __init__(
        self,
        settings: Settings,
        *,
        retry: RetryPolicy | None = None,
        schedule: tasks.PollSchedule | None = None,
        cache: UploadCache = UPLOAD_CACHE,
        recovery: Recovery | None = None,
    ):
        self.settings = settings
        self.recovery = recovery or Recovery()
        self.transport = Transport(settings, retry)
        self.uploader = Uploader(self.transport, cache)
        self.schedule = schedule or tasks.PollSchedule()

    def upload(self, data: bytes, model: str, ext: str, cancelled: CancelCheck | None = None) -> str:
        return self.uploader.upload(data, model, ext, cancelled)

    def prepare(self, spec: CallSpec, body: dict[str, Any], cancelled: CancelCheck | None = None) -> Prepared:
        """Put the body's input images in place (data URI or upload); no task slot is needed for this."""
        region = "" if self.settings.temporary_uploads else self.settings.service_region
        return prepare(self.upload, spec.name, spec.data_uri, body, cancelled, region=region)

    def _pacer(self, spec: CallSpec) -> ModelPacer:
        override = self.settings.model_limits.get(spec.name, {})
        qps = float(override.get("qps", spec.qps))
        concurrency = int(override.get("concurrency", spec.concurrency))
        return pacer_for(self.settings.base_url, spec.name, qps, concurrency)

    def run(
        self,
        spec: CallSpec,
        request: dict[str, Any] | Prepared,
        *,
        cancelled: CancelCheck | None = None,
        on_progress: ProgressCallback | None = None,
        timeout: float | None = None,
    ) -> TaskOutcome:
        """Submit the request to the model and return its finished output (async: submit + wait; sync: one call).

        ``request`` is a body without input images, or what ``prepare`` made of one with them."""
        report = on_progress or (lambda _p: None)
        prepared = request if isinstance(request, Prepared) else Prepared(request)
        body, headers = prepared.body, prepared.headers()
        if spec.data_inspection:
            headers["X-DashScope-DataInspection"] = "enable"
        pacer = self._pacer(spec)

        def take_turn() -> None:
            # A synchronous call answers only when its images are made, so its turn cannot be settled at the answer:
            # it is booked a little late instead (SYNC_SLACK), for the time the request takes to reach the service.
            pacer.wait_for_submit_turn(cancelled, late=SYNC_SLACK)

        with pacer.slot(cancelled, on_wait=lambda: report(Progress("waiting"))):
            report(Progress("submitting"))
            started = time.monotonic()
            if spec.sync:
                return self._generate(spec, body, headers, take_turn, cancelled)
            task_id = self._submit(spec, body, headers, pacer, cancelled)
            report(Progress("PENDING", task_id, time.monotonic() - started))
            key = (self.settings.base_url, spec.name)
            outcome = tasks.wait(
                self.transport,
                task_id,
                timeout=self.settings.task_timeout if timeout is None else timeout,
                cancelled=cancelled,
                on_progress=report,
                schedule=self.schedule,
                started=started,
                expected=_TYPICAL_SECONDS.get(key),
            )
            seconds = tasks.service_duration(outcome.output)
            if seconds:
                previous = _TYPICAL_SECONDS.get(key)
                _TYPICAL_SECONDS[key] = seconds if previous is None else 0.5 * previous + 0.5 * seconds
            return outcome

    def _generate(
        self,
        spec: CallSpec,
        body: dict[str, Any],
        headers: dict[str, str],
        take_turn: Callable[[], None],
        cancelled: CancelCheck | None,
    ) -> TaskOutcome:
        """A synchronous generation (a model whose page documents no async protocol): one call that answers with
        the images. It waits silently up to ``generation_timeout`` on a keepalive connection, and an answer lost
        after sending says plainly what that means, since there is no task to find."""
        try:
            answer = self.transport.api(
                "POST",
                spec.path,
                idempotent=False,
                json_body=body,
                headers=headers,
                cancelled=cancelled,
                successor=spec.successor,
                before_attempt=take_turn,
                read_timeout=self.settings.generation_timeout,
                keepalive=True,
            )
        except AmbiguousRequestError as lost:
            raise LostSyncAnswerError(
                f"{spec.name}: {lost.message}",
                code=lost.code,
                request_id=lost.request_id,
                http_status=lost.http_status,
            ) from None
        output = tasks.output_of(answer)
        usage = answer.get("usage") if isinstance(answer.get("usage"), dict) else {}
        return TaskOutcome("", str(answer.get("request_id") or ""), output, usage)

    def _submit(
        self,
        spec: CallSpec,
        body: dict[str, Any],
        headers: dict[str, str],
        pacer: ModelPacer,
        cancelled: CancelCheck | None,
    ) -> str:
        """Create the task; after an ambiguous failure, find it in the task list instead (never re-sent)."""
        key = (self.settings.base_url, spec.name)
        sent_at = time.time()
        turns: list[list[float]] = []

        def turn_then_send() -> None:
            nonlocal sent_at
            turns.append(pacer.wait_for_submit_turn(cancelled))
            sent_at = time.time()  # just before this try goes out: the lost task cannot be older

        with IN_FLIGHT.sending(key):
            try:
                try:
                    task_id, _ = tasks.submit(
                        self.transport,
                        spec.path,
                        body,
                        headers=headers,
                        cancelled=cancelled,
                        successor=spec.successor,
                        before_attempt=turn_then_send,
                    )
                finally:
                    for turn in turns:  # the service counted each try before its answer came
                        pacer.settle(turn)
            except AmbiguousRequestError as lost:
                task_id = recover_task(
                    self.transport, spec.name, sent_at, lost, cancelled=cancelled, policy=self.recovery
                )
                log.warning("DashScope %s: submit answer lost (%s); found its task %s", spec.name, lost.code, task_id)
            KNOWN.add(task_id)
        return task_id

    # ---- FaceChain training (files + fine-tunes) -------------------------------------------
    def create_fine_tune(
        self, zip_bytes: bytes, *, cancelled: CancelCheck | None = None, on_progress: ProgressCallback | None = None
    ) -> str:
        """Upload the photo zip and create the likeness training; returns its job id (billed, never re-sent)."""
        return finetune.create_job(
            self.transport, zip_bytes, cancelled=cancelled, on_progress=on_progress, recovery=self.recovery
        )

    def wait_fine_tune(
        self,
        job_id: str,
        *,
        timeout: float,
        cancelled: CancelCheck | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> str:
        """Wait for a training job to end; returns its LoRA resource id."""
        return finetune.wait_for_job(
            self.transport, job_id, timeout=timeout, cancelled=cancelled, on_progress=on_progress
        )

    def fetch_task(
        self,
        task_id: str,
        *,
        timeout: float,
        on_progress: ProgressCallback | None = None,
        schedule: tasks.PollSchedule | None = None,
    ) -> TaskOutcome:
        """Follow an existing task to its end (queries only: nothing is created, re-sent or cancelled here)."""
        return tasks.wait(
            self.transport, task_id, timeout=timeout, on_progress=on_progress, schedule=schedule or self.schedule
        )

    def download(self, url: str, *, cancelled: CancelCheck | None = None, task_id: str = "") -> bytes:
        return results.download(self.transport, url, cancelled=cancelled, task_id=task_id)

    def check_connection(self) -> dict[str, Any]:
        """Try the key with a request that creates nothing (a random task id answers UNKNOWN).

        A host that is neither official nor chosen in the environment is reported only as reachable or not:
        its answer is never shown, so the settings dialog cannot be used to read other servers' pages."""
        host = url_host(self.settings.base_url)
        try:
            self.transport.api("GET", f"/tasks/{uuid.uuid4()}", idempotent=True)
        except DashScopeError as err:
            if self.settings.trusted_host:
                return {"ok": False, "code": err.code, "message": str(err)}
            reachable = not isinstance(err, NetworkError)
            return {
                "ok": False,
                "code": "Reachable" if reachable else "NotReachable",
                "message": _foreign(host, reachable),
            }
        except PackError as err:
            return {"ok": False, "code": getattr(err, "code", "NoKey"), "message": str(err)}
        if not self.settings.trusted_host:
            return {"ok": True, "code": "Reachable", "message": _foreign(host, True)}
        return {"ok": True, "message": f"The key works with {self.settings.base_url}."}


def _foreign(host: str, reachable: bool) -> str:
    state = "reachable" if reachable else "not reachable"
    return f"{host} is {state}. It is not an official DashScope host, so its answer is not shown."

"""FaceChain LoRA training through the generic files + fine-tunes APIs (spec 11.11, UNCONFIRMED beyond the
field names): upload the photo zip, create the job (billed: never re-sent), poll it to its resource id.
The job id is enough to resume waiting for a job, so a stopped or timed-out wait never forces a second training."""

from __future__ import annotations

import logging
import time
from typing import Any

from .errors import USER_STOP, DashScopeError, TaskCanceledError, TaskFailedError, TaskTimeoutError
from .ids import checked_id
from .tasks import PollSchedule, Progress, ProgressCallback
from .transport import CancelCheck, Transport, sleep_unless_cancelled

log = logging.getLogger(__name__)

DONE = {"SUCCEEDED", "FAILED", "CANCELED", "CANCELLED"}


def create_job(
    transport: Transport,
    zip_bytes: bytes,
    *,
    cancelled: CancelCheck | None = None,
    on_progress: ProgressCallback | None = None,
) -> str:
    """Upload the photo zip and create the training job; returns its job id. Neither POST is ever re-sent after an
    ambiguous failure: a second file or a second (billed) training would be the result."""
    report = on_progress or (lambda _p: None)
    report(Progress("uploading"))
    uploaded = transport.api(
        "POST",
        "/files",
        idempotent=False,
        files={"files": ("photos.zip", zip_bytes, "application/zip")},
        cancelled=cancelled,
    )
    files = ((uploaded.get("data") or {}).get("uploaded_files")) or []
    if not files or not files[0].get("file_id"):
        raise DashScopeError("The file upload answered without a file id.", code="BadResponse")
    report(Progress("submitting"))
    created = transport.api(
        "POST",
        "/fine-tunes",
        idempotent=False,
        json_body={"model": "facechain-finetune", "training_file_ids": [files[0]["file_id"]]},
        cancelled=cancelled,
    )
    job_id = str((created.get("output") or {}).get("job_id") or "")
    if not job_id:
        raise DashScopeError("The training job was accepted without a job id.", code="BadResponse")
    # Logged (no key in it) so that a job whose wait is lost, e.g. to a ComfyUI restart, can still be resumed.
    log.info("FaceChain training job %s created", job_id)
    return job_id


def wait_for_job(
    transport: Transport,
    job_id: str,
    *,
    timeout: float,
    cancelled: CancelCheck | None = None,
    on_progress: ProgressCallback | None = None,
    schedule: PollSchedule = PollSchedule(first=2.0, fraction=0.05, cap=30.0),
) -> str:
    """Poll ``GET /fine-tunes/{job_id}`` (the client's task waiter only knows /tasks) until it ends; returns the
    LoRA resource id (``output.finetuned_output``)."""
    report = on_progress or (lambda _p: None)
    started = time.monotonic()
    try:
        while True:
            resource = _poll_once(transport, job_id, started, timeout, report)
            if resource:
                return resource
            elapsed = time.monotonic() - started
            sleep_unless_cancelled(min(schedule.interval(elapsed), timeout - elapsed + 0.05), cancelled)
            if cancelled is not None and cancelled():
                raise TaskCanceledError("Stopped.", code=USER_STOP, task_id=job_id)
    except TaskCanceledError:
        raise TaskCanceledError(
            "Stopped waiting; the training job goes on at the service and is billed. Put this job id into the "
            "node's job_id to pick up its result without training again.",
            code=USER_STOP,
            task_id=job_id,
        ) from None


def _poll_once(transport: Transport, job_id: str, started: float, timeout: float, report: ProgressCallback) -> str:
    """One status read: the resource id when done, "" while running; raises when the job failed or time is up."""
    checked_id("job id", job_id)  # it goes into the URL: refuse ../ and ?# before any request
    answer = transport.api("GET", f"/fine-tunes/{job_id}", idempotent=True, task_id=job_id)
    output: dict[str, Any] = answer.get("output") or {}
    status = str(output.get("status") or "UNKNOWN").upper()
    elapsed = time.monotonic() - started
    report(Progress(status, job_id, elapsed))
    if status == "SUCCEEDED":
        resource = str(output.get("finetuned_output") or "")
        if not resource:
            raise TaskFailedError("Training succeeded without a resource id.", code="NoResults", task_id=job_id)
        return resource
    if status in DONE:
        raise TaskFailedError(
            str(output.get("message") or f"Training ended {status}."),
            code=str(output.get("code") or status),
            task_id=job_id,
        )
    if elapsed >= timeout:
        raise TaskTimeoutError(
            f"Training still {status} after {elapsed:.0f} s. It goes on at the service: put this job id into the "
            "node's job_id to wait for it again without training again.",
            code="WaitTimeout",
            task_id=job_id,
        )
    return ""

"""FaceChain LoRA training through the generic files + fine-tunes APIs (spec 11.11, UNCONFIRMED beyond the
field names): upload the photo zip, create the job (billed: never re-sent), poll it to its resource id."""

from __future__ import annotations

import time
from typing import Any

from .errors import USER_STOP, DashScopeError, TaskCanceledError, TaskFailedError, TaskTimeoutError
from .tasks import PollSchedule, Progress, ProgressCallback
from .transport import CancelCheck, Transport, sleep_unless_cancelled

DONE = {"SUCCEEDED", "FAILED", "CANCELED", "CANCELLED"}


def train(
    transport: Transport,
    zip_bytes: bytes,
    *,
    timeout: float,
    cancelled: CancelCheck | None = None,
    on_progress: ProgressCallback | None = None,
    schedule: PollSchedule = PollSchedule(first=2.0, fraction=0.05, cap=30.0),
) -> str:
    report = on_progress or (lambda _p: None)
    report(Progress("uploading"))
    # Uploading a file creates no billed work, so it may be retried.
    uploaded = transport.api(
        "POST",
        "/files",
        idempotent=True,
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
    started = time.monotonic()
    while True:
        answer = transport.api("GET", f"/fine-tunes/{job_id}", idempotent=True, task_id=job_id, cancelled=None)
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
                f"Training still {status} after {elapsed:.0f} s.", code="WaitTimeout", task_id=job_id
            )
        try:
            sleep_unless_cancelled(min(schedule.interval(elapsed), timeout - elapsed + 0.05), cancelled)
        except TaskCanceledError:
            raise TaskCanceledError(
                "Stopped waiting; the training job goes on at the service and is billed. Its result can be fetched later "
                "by job id.",
                code=USER_STOP,
                task_id=job_id,
            ) from None

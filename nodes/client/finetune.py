"""FaceChain LoRA training through the generic files + fine-tunes APIs (spec 11.11, UNCONFIRMED beyond the
field names): upload the photo zip, create the job (billed: never re-sent), wait for its resource id.

Nodes reach this through ``DashScopeClient.create_fine_tune`` / ``wait_fine_tune``. The job id is enough to resume
waiting for a job, so a stopped or timed-out wait never forces a second training; a lost answer to the create is
recovered from the job list by the uploaded file's id (``recovery.recover_job``)."""

from __future__ import annotations

import logging

from .errors import AmbiguousRequestError, DashScopeError, TaskFailedError
from .recovery import Recovery, recover_job
from .tasks import FINE_TUNE, KNOWN, PollSchedule, Progress, ProgressCallback, poll
from .transport import CancelCheck, Transport

log = logging.getLogger(__name__)

# Training takes minutes: no need to ask often.
TRAINING_SCHEDULE = PollSchedule(first=2.0, fraction=0.05, cap=30.0)


def create_job(
    transport: Transport,
    zip_bytes: bytes,
    *,
    cancelled: CancelCheck | None = None,
    on_progress: ProgressCallback | None = None,
    recovery: Recovery = Recovery(),
) -> str:
    """Upload the photo zip and create the training job; returns its job id. Neither POST is ever re-sent after an
    ambiguous failure: a second file or a second (billed) training would be the result. The transport checks for
    Stop before each, so a Stop during the zip upload creates no training."""
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
    file_id = str(files[0]["file_id"])
    report(Progress("submitting"))
    try:
        created = transport.api(
            "POST",
            "/fine-tunes",
            idempotent=False,
            json_body={"model": "facechain-finetune", "training_file_ids": [file_id]},
            cancelled=cancelled,
        )
        job_id = str((created.get("output") or {}).get("job_id") or "")
    except AmbiguousRequestError as lost:
        job_id = recover_job(transport, file_id, lost, cancelled=cancelled, policy=recovery)
    if not job_id:
        raise DashScopeError("The training job was accepted without a job id.", code="BadResponse")
    KNOWN.add(job_id)
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
    schedule: PollSchedule = TRAINING_SCHEDULE,
) -> str:
    """Wait for a training job (the client's one poller) and return its LoRA resource id
    (``output.finetuned_output``)."""
    polled = poll(
        transport, FINE_TUNE, job_id, timeout=timeout, cancelled=cancelled, on_progress=on_progress, schedule=schedule
    )
    output = polled.output
    if polled.status != "SUCCEEDED":
        raise TaskFailedError(
            str(output.get("message") or f"Training ended {polled.status}."),
            code=str(output.get("code") or polled.status),
            task_id=job_id,
        )
    resource = str(output.get("finetuned_output") or "")
    if not resource:
        raise TaskFailedError("Training succeeded without a resource id.", code="NoResults", task_id=job_id)
    return resource

"""Never paying twice for the same request: a task the journal already holds is fetched again, not re-created.

Each request gets a fingerprint: a SHA-256 of the service URL, the model, its endpoint and the request body, in
which every input picture stands as the SHA-256 of its encoded bytes (taken before upload, so the ``oss://`` URL
that differs per upload changes nothing). Never the key, never the workspace. The k-th identical request of one
run gets k in its fingerprint too: a batch that asks the same thing twice on purpose (a model without a seed,
the same photo twice) still makes two tasks, and running it again finds both.

Before a paid submit the Runner looks the fingerprint up in the journal (``task_journal``, on disk, locked, so this
holds across nodes, graphs and restarts of ComfyUI):
- a task that SUCCEEDED less than 24 h ago (the service keeps results that long): fetched with queries only;
- a task not yet finished (created, PENDING, RUNNING, or a wait that ended early): waited on;
- anything else (failed, cancelled, unknown, older than 24 h): paid anew.
Synchronous models (wan2.6, Qwen-Image) return no task id and keep nothing at the service: they are not reused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, Protocol

from .client import ImageRef
from .task_journal import GONE, still_kept, tasks_by_fingerprint

REUSE = "reuse"  # the service holds its result: fetch it
WAIT = "wait"  # still on its way: wait for it


class Request(Protocol):
    """A ``runner.Job``: the model's row and the request body (with ImageRef placeholders)."""

    spec: Any
    body: dict[str, Any]


def _canonical(value: Any) -> Any:
    if isinstance(value, ImageRef):
        return {"image_sha256": hashlib.sha256(value.encoded.data).hexdigest()}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def fingerprints(service: str, jobs: Sequence[Request]) -> list[str]:
    """One fingerprint per job, in order; repeats of one request are numbered (see the module's note)."""
    seen: dict[str, int] = {}
    found = []
    for job in jobs:
        text = json.dumps(
            {"service": service, "model": job.spec.name, "path": job.spec.path, "body": _canonical(job.body)},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            default=str,
        )
        base = hashlib.sha256(text.encode("utf-8")).hexdigest()
        repeat = seen.get(base, 0)
        seen[base] = repeat + 1
        found.append(base if repeat == 0 else hashlib.sha256(f"{base}#{repeat}".encode()).hexdigest())
    return found


def decision(task: dict[str, Any] | None) -> str | None:
    """REUSE, WAIT or None (pay) for the journal's newest task of a fingerprint."""
    if not task or not still_kept(task):
        return None
    status = task.get("status", "")
    if status == "SUCCEEDED":
        return REUSE
    return None if status in GONE else WAIT


def earlier_tasks(fps: Sequence[str], skip: Sequence[bool]) -> list[tuple[str, str] | None]:
    """For each fingerprint: (decision, task id) of a journal task that answers it, or None. The journal is read
    once per run; ``skip`` marks the requests that cannot be reused (synchronous models)."""
    if all(skip):
        return [None] * len(fps)
    journal = tasks_by_fingerprint()
    found: list[tuple[str, str] | None] = []
    for fp, leave in zip(fps, skip, strict=True):
        task = None if leave else journal.get(fp)
        what = decision(task)
        found.append((what, task["task_id"]) if what and task else None)
    return found

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
Synchronous models (Qwen-Image 2.0 / 3.0, the Qwen edit models, Z-Image) return no task id and keep nothing at the
service: they are not reused.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Sequence
from typing import Any, Protocol

from .client import ImageRef
from .task_journal import GONE, still_kept

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


def request_hash(service: str, job: Request) -> str:
    """The fingerprint of one request before numbering (reads, so encodes, its input pictures)."""
    text = json.dumps(
        {"service": service, "model": job.spec.name, "path": job.spec.path, "body": _canonical(job.body)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def numbered(base: str, repeat: int) -> str:
    """The fingerprint of the ``repeat``-th (from 0) identical request of a run."""
    return base if repeat == 0 else hashlib.sha256(f"{base}#{repeat}".encode()).hexdigest()


def fingerprints(service: str, jobs: Sequence[Request]) -> list[str]:
    """One fingerprint per job, in order; repeats of one request are numbered (see the module's note)."""
    seen: dict[str, int] = {}
    found = []
    for job in jobs:
        base = request_hash(service, job)
        found.append(numbered(base, seen.get(base, 0)))
        seen[base] = seen.get(base, 0) + 1
    return found


class Numbering:
    """Numbers the repeats of a run's requests in job order while their hashes finish in any order (each job hashes
    its own request just before it is sent)."""

    def __init__(self, count: int):
        self._done = [asyncio.Event() for _ in range(count)]
        self._seen: dict[str, int] = {}

    async def number(self, index: int, hashing: Awaitable[str]) -> str:
        try:
            base = await hashing
            if index:
                await self._done[index - 1].wait()
            repeat = self._seen.get(base, 0)
            self._seen[base] = repeat + 1
            return numbered(base, repeat)
        finally:
            self._done[index].set()  # even when hashing failed: the next job must not wait forever


def decision(task: dict[str, Any] | None) -> str | None:
    """REUSE, WAIT or None (pay) for the journal's newest task of a fingerprint."""
    if not task or not still_kept(task):
        return None
    status = task.get("status", "")
    if status == "SUCCEEDED":
        return REUSE
    return None if status in GONE else WAIT


def earlier_task(journal: dict[str, dict[str, Any]], fp: str) -> tuple[str, str] | None:
    """(REUSE or WAIT, task id) of the journal's task for this fingerprint, or None: pay for a new one.
    ``journal`` is ``task_journal.tasks_by_fingerprint()``, read once per run."""
    task = journal.get(fp)
    what = decision(task)
    return (what, task["task_id"]) if what and task else None

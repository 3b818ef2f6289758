"""The task journal: every task the pack creates, one JSON line each, in the pack's data folder.

A paid task outlives the ComfyUI process that created it: after a restart, a crash or a node that gave up
waiting, the journal still names the task, so the DashScope Task Result node can fetch its images while the
service keeps them (24 h). A line is written as soon as a task id is known and another with its final status;
readers fold the lines by task id. Never the API key: a line holds the task id, model, node, time and status.

Bounded: past ``COMPACT_BYTES`` the file is rewritten with the last ``KEEP`` tasks. Appends and the rewrite
hold a thread lock and, where the platform has ``fcntl``, an advisory lock on a side file, so two ComfyUI
processes sharing one data folder do not interleave or lose lines.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .client.paths import data_dir

try:
    import fcntl
except ImportError:  # Windows: the thread lock still serialises one process's writers
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("comfyui_dashscope")

FILE_NAME = "task-journal.jsonl"
KEEP = 1000
COMPACT_BYTES = 512 * 1024
# Statuses after which the service has nothing (more) to return for a task.
GONE = frozenset({"FAILED", "CANCELED", "UNKNOWN"})
# The service keeps a task (and its result URLs) for 24 h; an older task is unknown to it.
KEPT_BY_SERVICE = _dt.timedelta(hours=24)
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

_LOCK = threading.Lock()


def journal_path() -> Path:
    return data_dir() / FILE_NAME


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime(TIME_FORMAT)


def _still_kept(created: Any, now: _dt.datetime) -> bool:
    try:
        when = _dt.datetime.strptime(str(created), TIME_FORMAT).replace(tzinfo=_dt.timezone.utc)
    except ValueError:
        return True  # an unreadable time: let the service say whether it still knows the task
    return now - when < KEPT_BY_SERVICE


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with _LOCK:
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if fcntl is None:
            yield
            return
        # A side file: the journal itself is replaced when compacted, and a lock on a replaced inode locks nothing.
        fd = os.open(str(path) + ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the flock


def _append(entry: dict[str, Any], path: Path | None = None) -> None:
    path = path or journal_path()
    line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    with _locked(path):
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        if path.stat().st_size > COMPACT_BYTES:
            _compact(path)


def _compact(path: Path) -> None:
    """Rewrite the journal with the last KEEP tasks, one line each (called with the lock held)."""
    kept = read_tasks(path)[-KEEP:]
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".task-journal-", suffix=".jsonl")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for entry in kept:
                handle.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _safely(entry: dict[str, Any]) -> None:
    """A journal that cannot be written (disk full, read-only home) must not fail a run that is already paid."""
    try:
        _append(entry)
    except OSError as exc:
        log.warning("DashScope task journal not written (%s): %s", journal_path(), exc)


def record_created(task_id: str, model: str, node: str) -> None:
    _safely({"task_id": task_id, "model": model, "node": node, "time": _now(), "status": "CREATED"})


def record_final(task_id: str, status: str, code: str = "") -> None:
    entry = {"task_id": task_id, "status": status, "time": _now()}
    if code:
        entry["code"] = code
    _safely(entry)


def read_tasks(path: Path | None = None) -> list[dict[str, Any]]:
    """Every task of the journal, oldest first: task_id, model, node, time (created), status, updated, code."""
    path = path or journal_path()
    tasks: dict[str, dict[str, Any]] = {}
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.readlines()
    except FileNotFoundError:
        return []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by a crash
        task_id = entry.get("task_id") if isinstance(entry, dict) else None
        if not isinstance(task_id, str) or not task_id:
            continue
        task = tasks.setdefault(task_id, {"task_id": task_id})
        if "model" in entry:  # the creation line (or a compacted line)
            task.update(entry)
        else:
            task.update(status=entry.get("status", ""), updated=entry.get("time", ""), code=entry.get("code", ""))
    return list(tasks.values())


def recent_task_ids(count: int, path: Path | None = None) -> list[str]:
    """The newest ``count`` tasks that may still have images to return: not failed, cancelled or unknown, and
    created less than 24 h ago."""
    now = _dt.datetime.now(_dt.timezone.utc)
    alive = [t["task_id"] for t in read_tasks(path) if t.get("status") not in GONE and _still_kept(t.get("time"), now)]
    return alive[-count:] if count > 0 else []

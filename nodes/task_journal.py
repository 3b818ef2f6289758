"""The task journal: every task the pack creates, one JSON line each, in the pack's data folder.

A paid task outlives the ComfyUI process that created it: after a restart, a crash or a node that gave up
waiting, the journal still names the task, so the DashScope Task Result node can fetch its images while the
service keeps them (24 h), and a node asked for the same request again finds it (``reuse``) instead of paying
twice. A line is written as soon as a task id is known and another with its final status; readers fold the
lines by task id. Never the API key: a line holds the task id, model, node, time, status and the request's
fingerprint (a hash: no prompt, picture or key can be read from it).

Bounded: past ``COMPACT_BYTES`` the file is rewritten with the last ``KEEP`` tasks, and readers read at most the
last ``TAIL_BYTES`` of it, so a journal grown by hand or by another program costs at most that much time and
memory. Appends and the rewrite hold a thread lock and, where the platform has ``fcntl``, an advisory lock on a
side file, so two ComfyUI processes sharing one data folder do not interleave or lose lines. The journal and its
lock are opened without following symlinks and only as regular files: a link planted in their place is refused,
not written through.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import logging
import os
import stat
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
# 5000 tasks: a run over hundreds of photos is still found whole by ``reuse`` after a crash (about 230 bytes a task).
KEEP = 5000
COMPACT_BYTES = 2 * 1024 * 1024
# Readers look at no more than this much of the file's end: all of a journal the pack wrote (it is compacted
# past COMPACT_BYTES), only the end of one that grew otherwise.
TAIL_BYTES = COMPACT_BYTES + 64 * 1024
# A journal line is a few hundred bytes; a longer one was not written by the pack and is skipped.
MAX_LINE = 4096
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


def _open_regular(path: Path | str, flags: int) -> int:
    """Open a file of the data folder without following a symlink at its name, and only if it is a regular file
    (a FIFO planted there would block, a device would be read). Raises OSError otherwise."""
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    if not nofollow and os.path.islink(path):  # Windows: no O_NOFOLLOW; check the name first
        raise OSError(f"{path} is a symbolic link; the pack does not follow it")
    fd = os.open(path, flags | nofollow | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0), 0o600)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path} is not a regular file")
    return fd


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with _LOCK:
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if fcntl is None:
            yield
            return
        # A side file: the journal itself is replaced when compacted, and a lock on a replaced inode locks nothing.
        fd = _open_regular(str(path) + ".lock", os.O_CREAT | os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the flock


def _append(entry: dict[str, Any], path: Path | None = None) -> None:
    path = path or journal_path()
    line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    with _locked(path):
        fd = _open_regular(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, line)
            size = os.fstat(fd).st_size
        finally:
            os.close(fd)
        if size > COMPACT_BYTES:
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


def record_created(task_id: str, model: str, node: str, fingerprint: str = "") -> None:
    entry = {"task_id": task_id, "model": model, "node": node, "time": _now(), "status": "CREATED"}
    if fingerprint:
        entry["fp"] = fingerprint
    _safely(entry)


def record_final(task_id: str, status: str, code: str = "") -> None:
    entry = {"task_id": task_id, "status": status, "time": _now()}
    if code:
        entry["code"] = code
    _safely(entry)


def _tail_lines(path: Path) -> list[bytes]:
    """The complete lines among the last TAIL_BYTES of the file (the first is dropped when the read starts
    inside it); [] when there is no journal."""
    try:
        fd = _open_regular(path, os.O_RDONLY)
    except FileNotFoundError:
        return []
    try:
        size = os.fstat(fd).st_size
        start = max(size - TAIL_BYTES, 0)
        with os.fdopen(os.dup(fd), "rb") as handle:
            handle.seek(start)
            data = handle.read(TAIL_BYTES)
    finally:
        os.close(fd)
    lines = data.split(b"\n")
    if start > 0:
        lines = lines[1:]  # the read began inside a line
    return [line for line in lines if line.strip()]


def read_tasks(path: Path | None = None) -> list[dict[str, Any]]:
    """Every task of the journal's tail, oldest first: task_id, model, node, time (created), status, updated, code,
    fp. Over-long and unreadable lines are skipped, with one warning per read."""
    path = path or journal_path()
    tasks: dict[str, dict[str, Any]] = {}
    try:
        lines = _tail_lines(path)
    except OSError as exc:
        log.warning("DashScope task journal not read (%s): %s", path, exc)
        return []
    skipped = 0
    for line in lines:
        entry = None
        if len(line) <= MAX_LINE:
            try:
                entry = json.loads(line)
            except ValueError:
                pass  # a line cut short by a crash, or not the pack's
        task_id = entry.get("task_id") if isinstance(entry, dict) else None
        if not isinstance(task_id, str) or not task_id:
            skipped += 1
            continue
        task = tasks.setdefault(task_id, {"task_id": task_id})
        if "model" in entry:  # the creation line (or a compacted line)
            task.update({k: v for k, v in entry.items() if isinstance(v, str)})
        else:
            task.update(
                status=_text(entry.get("status")), updated=_text(entry.get("time")), code=_text(entry.get("code"))
            )
    if skipped:
        log.warning("DashScope task journal %s: skipped %d unreadable or over-long line(s)", path, skipped)
    return list(tasks.values())


def _text(value: Any) -> str:
    """A field read back from the file: only strings count (a hand-edited line may hold anything)."""
    return value if isinstance(value, str) else ""


def tasks_by_fingerprint(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The newest task of each request fingerprint still in the journal."""
    return {task["fp"]: task for task in read_tasks(path) if task.get("fp")}


def still_kept(task: dict[str, Any]) -> bool:
    """Whether the service may still hold the task: created less than 24 h ago."""
    return _still_kept(task.get("time"), _dt.datetime.now(_dt.timezone.utc))


def recent_task_ids(count: int, path: Path | None = None) -> list[str]:
    """The newest ``count`` tasks that may still have images to return: not failed, cancelled or unknown, and
    created less than 24 h ago."""
    now = _dt.datetime.now(_dt.timezone.utc)
    alive = [t["task_id"] for t in read_tasks(path) if t.get("status") not in GONE and _still_kept(t.get("time"), now)]
    return alive[-count:] if count > 0 else []

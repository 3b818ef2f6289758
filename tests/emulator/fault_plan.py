"""Faults to inject: each is a countdown consumed by the next matching requests (thread-safe)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Fault:
    remaining: int
    options: dict[str, Any] = field(default_factory=dict)


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plan: dict[str, list[_Fault]] = {}

    def _add(self, fault: str, k: int, **options: Any) -> None:
        with self._lock:
            self._plan.setdefault(fault, []).append(_Fault(k, options))

    def take(self, kind: str) -> dict[str, Any] | None:
        """Consume one occurrence of a fault kind; returns its options or None."""
        with self._lock:
            queue = self._plan.get(kind) or []
            while queue and queue[0].remaining <= 0:
                queue.pop(0)
            if not queue:
                return None
            queue[0].remaining -= 1
            return {"fault": kind, **queue[0].options}  # never empty, so a fault without options is truthy

    def clear(self) -> None:
        with self._lock:
            self._plan.clear()

    # The public vocabulary (see tests/emulator/__init__.py).
    def submit_errors(
        self,
        k: int,
        status: int = 429,
        code: str = "Throttling.RateQuota",
        message: str = "Requests rate limit exceeded, please try again later.",
        retry_after: float | None = None,
    ) -> None:
        self._add("submit_error", k, status=status, code=code, message=message, retry_after=retry_after)

    def submit_drop_after_create(self, k: int) -> None:
        self._add("submit_drop_after", k)

    def submit_errors_after_create(self, k: int, status: int = 502, code: str = "InternalError") -> None:
        """The task (or training job) is created, then the answer is a 5xx, as from a gateway that timed out."""
        self._add("submit_error_after", k, status=status, code=code)

    def submit_slow_answers_after_create(self, k: int, seconds: float) -> None:
        """The task (or training job) is created, then the answer takes ``seconds`` (past a client's timeout)."""
        self._add("submit_slow_after", k, seconds=seconds)

    def submit_drop_before_create(self, k: int) -> None:
        self._add("submit_drop_before", k)

    def poll_errors(self, k: int, status: int = 500, code: str = "InternalError") -> None:
        self._add("poll_error", k, status=status, code=code)

    def poll_resets(self, k: int) -> None:
        self._add("poll_reset", k)

    def fail_tasks(
        self, k: int, code: str = "InternalError.Algo", message: str = "An internal error occurred."
    ) -> None:
        self._add("fail_task", k, code=code, message=message)

    def suspend_tasks(self, k: int, seconds: float) -> None:
        self._add("suspend_task", k, seconds=seconds)

    def partial_tasks(self, k: int, failed_indices: tuple[int, ...] = (1,)) -> None:
        self._add("partial_task", k, failed=tuple(failed_indices))

    def never_finish(self, k: int) -> None:
        self._add("never_finish", k)

    def download_errors(self, k: int, status: int = 404) -> None:
        self._add("download_error", k, status=status)

    def download_truncated(self, k: int) -> None:
        self._add("download_truncated", k)

    def slow_downloads(self, k: int, seconds: float) -> None:
        """The result host trickles the body out over ``seconds``."""
        self._add("slow_download", k, seconds=seconds)

    def slow_uploads(self, k: int, seconds: float) -> None:
        """The storage host (or ``POST /files``) reads the posted body at a trickle and answers after ``seconds``."""
        self._add("slow_upload", k, seconds=seconds)

    def upload_errors(self, k: int, status: int = 500) -> None:
        self._add("upload_error", k, status=status)

    def gzip_downloads(self, k: int, always: bool = False) -> None:
        """The result host compresses the body (Content-Encoding: gzip) when the client accepts gzip, as a CDN does;
        ``always``: even when the client asked for identity."""
        self._add("gzip_download", k, always=always)

    def hostile_results(self, k: int, kind: str, **options: Any) -> None:
        """Answers no honest service gives. ``many_results``: the first result (or a one-colour PNG of ``size``)
        listed ``count`` times (500); ``big_images``: every result a real one-colour PNG of ``size`` (8192x8192), a
        few hundred KB on the wire."""
        assert kind in ("file_scheme", "missing_fields", "corrupt_image", "huge_image", "many_results", "big_images")
        self._add("hostile", k, kind=kind, **options)

"""Per-model pacing: keep submits within the service's rate and concurrency limits (spec section 6.3).

The service throttles each model per account: typically 2 submits per second and 1 task processing at a
time. A burst past the rate draws 429s, and tasks past the concurrency limit wait in the service's queue
as PENDING. So the pacer books submits in a sliding one-second window, and lets at most
``concurrency + QUEUE_AHEAD`` tasks be out at once: the one extra task waits PENDING at the service and
starts the instant a slot frees (no polling gap between consecutive tasks), while the rest of a batch
queues inside ComfyUI, where Stop reaches it for free (a PENDING task is cancelled at the service, unbilled).
Pacers are shared by every node of the process.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .transport import CancelCheck, sleep_unless_cancelled, stop_if_cancelled

# The service counts submits in a sliding one-second window; leave a little room for clock skew.
_WINDOW = 1.0
_MARGIN = 0.03
QUEUE_AHEAD = 1


class ModelPacer:
    def __init__(self, qps: float, concurrency: int):
        self.qps = max(qps, 0.1)
        self.concurrency = max(int(concurrency), 1)
        self._lock = threading.Condition()
        self._active = 0
        self._recent: deque[float] = deque()

    def configure(self, qps: float, concurrency: int) -> None:
        with self._lock:
            self.qps = max(qps, 0.1)
            self.concurrency = max(int(concurrency), 1)
            self._lock.notify_all()

    @contextmanager
    def slot(self, cancelled: CancelCheck | None = None, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold one of the model's task slots for the whole life of a task."""
        self._acquire(cancelled, on_wait)
        try:
            yield
        finally:
            with self._lock:
                self._active -= 1
                self._lock.notify_all()

    def _acquire(self, cancelled: CancelCheck | None, on_wait: Callable[[], None] | None) -> None:
        notified = False
        with self._lock:
            while self._active >= self.concurrency + QUEUE_AHEAD:
                stop_if_cancelled(cancelled, "a slot for the task was free; nothing was sent")
                if on_wait is not None and not notified:
                    on_wait()
                    notified = True
                self._lock.wait(timeout=0.1)
            stop_if_cancelled(cancelled, "the task was submitted; nothing was sent")
            self._active += 1

    def wait_for_submit_turn(self, cancelled: CancelCheck | None = None) -> None:
        """Block until one more submit fits in the rate window, then book it."""
        allowed = max(int(self.qps), 1) if self.qps >= 1 else 1
        window = _WINDOW if self.qps >= 1 else 1.0 / self.qps
        while True:
            with self._lock:
                now = time.monotonic()
                while self._recent and now - self._recent[0] >= window + _MARGIN:
                    self._recent.popleft()
                if len(self._recent) < allowed:
                    # A Stop pressed while this submit waited for its turn must not spend the turn on a paid request.
                    stop_if_cancelled(cancelled, "the task was submitted; nothing was sent")
                    self._recent.append(now)
                    return
                wait = self._recent[0] + window + _MARGIN - now
            sleep_unless_cancelled(max(wait, 0.005), cancelled, step=0.05)


_PACERS: dict[tuple[str, str], ModelPacer] = {}
_PACERS_LOCK = threading.Lock()


def pacer_for(base_url: str, model: str, qps: float, concurrency: int) -> ModelPacer:
    """The process-wide pacer of one model on one service; limits follow the latest settings."""
    with _PACERS_LOCK:
        pacer = _PACERS.get((base_url, model))
        if pacer is None:
            pacer = _PACERS[(base_url, model)] = ModelPacer(qps, concurrency)
        elif (pacer.qps, pacer.concurrency) != (qps, concurrency):
            pacer.configure(qps, concurrency)
        return pacer

"""Per-model pacing: keep submits within the service's rate and concurrency limits (spec section 6.3).

The service throttles each model per account: typically 2 submits per second and 1 task processing at a
time. A burst past the rate draws 429s, and tasks past the concurrency limit wait in the service's queue
as PENDING. So the pacer books submits in a sliding one-second window, and lets at most
``concurrency + QUEUE_AHEAD`` tasks be out at once: the one extra task waits PENDING at the service and
starts the instant a slot frees (no polling gap between consecutive tasks), while the rest of a batch
queues inside ComfyUI, where Stop reaches it for free (a PENDING task is cancelled at the service, unbilled).
Pacers are shared by every node of the process.

A submit's turn is booked when it is granted and moved to the moment its answer arrived (``settle``): the service
counted the request somewhere in between, so the next turn is measured from a time that is never too early, and
the window needs only a small margin. Task queries share one window per account (service and key) across every
node and graph of the process: the service documents 20 per second.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .transport import CancelCheck, sleep_unless_cancelled, stop_if_cancelled

# The service counts submits in a sliding one-second window; a booking moved to its answer's time (``settle``)
# needs only a little room on top.
_WINDOW = 1.0
_MARGIN = 0.005
QUEUE_AHEAD = 1
# A booking that cannot be settled at its answer (a synchronous generation) counts from this much after its grant.
SYNC_SLACK = 0.03
# Task queries (GET /tasks/{id}) per second and account (the service's documented limit).
QUERIES_PER_SECOND = 20


class SlidingWindow:
    """At most ``allowed`` bookings in any ``window`` seconds, shared by threads. A booking is a one-item list
    holding its time, so ``settle`` can move it later."""

    def __init__(self, allowed: int, window: float):
        self.allowed, self.window = max(int(allowed), 1), window
        self._lock = threading.Lock()
        self._bookings: list[list[float]] = []

    def resize(self, allowed: int, window: float) -> None:
        with self._lock:
            self.allowed, self.window = max(int(allowed), 1), window

    def book(
        self, cancelled: CancelCheck | None = None, what: str = "the request was sent", late: float = 0.0
    ) -> list[float]:
        """Block until one more booking fits, then take it (never when Stop was pressed: nothing is booked); the
        booking counts from ``late`` seconds after now."""
        while True:
            with self._lock:
                now = time.monotonic()
                span = self.window + _MARGIN
                self._bookings = [b for b in self._bookings if now - b[0] < span]
                if len(self._bookings) < self.allowed:
                    stop_if_cancelled(cancelled, f"{what}; nothing was sent")
                    booking = [now + late]
                    self._bookings.append(booking)
                    return booking
                wait = min(b[0] for b in self._bookings) + span - now
            sleep_unless_cancelled(max(wait, 0.002), cancelled, step=0.05)

    def settle(self, booking: list[float]) -> None:
        """The answer came now: the service counted the request no later than this."""
        with self._lock:
            booking[0] = max(booking[0], time.monotonic())


class ModelPacer:
    def __init__(self, qps: float, concurrency: int):
        self._lock = threading.Condition()
        self._active = 0
        self.qps, self.concurrency = 0.0, 1
        self.submits = SlidingWindow(1, _WINDOW)
        self.configure(qps, concurrency)

    def configure(self, qps: float, concurrency: int) -> None:
        with self._lock:
            self.qps = max(qps, 0.1)
            self.concurrency = max(int(concurrency), 1)
            # Below one submit per second: one per 1/qps seconds.
            if self.qps >= 1:
                self.submits.resize(int(self.qps), _WINDOW)
            else:
                self.submits.resize(1, 1.0 / self.qps)
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

    def wait_for_submit_turn(self, cancelled: CancelCheck | None = None, late: float = 0.0) -> list[float]:
        """Block until one more submit fits in the rate window, then book it; ``settle`` the booking when the
        submit's answer arrives. A Stop pressed while it waited spends no turn on a paid request."""
        return self.submits.book(cancelled, "the task was submitted", late)

    def settle(self, booking: list[float]) -> None:
        self.submits.settle(booking)


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


_QUERIES: dict[tuple[str, str], SlidingWindow] = {}


def query_window(base_url: str, api_key: str | None) -> SlidingWindow:
    """The process-wide window of task queries for one account (service and key; the key only as a hash)."""
    account = hashlib.sha256((api_key or "").encode("utf-8")).hexdigest()
    with _PACERS_LOCK:
        window = _QUERIES.get((base_url, account))
        if window is None:
            window = _QUERIES[(base_url, account)] = SlidingWindow(QUERIES_PER_SECOND, _WINDOW)
        return window

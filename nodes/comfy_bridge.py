"""The only module that touches ComfyUI internals: progress bar, status text on the node, the Stop button, and
ComfyUI's input folder.

Every ComfyUI import is lazy and guarded, so the pack (and its tests) run without ComfyUI: there the
functions fall back to no-ops, and tests replace them with recorders.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("comfyui_dashscope")


def interrupted() -> bool:
    """True once the user pressed Stop / Cancel in ComfyUI."""
    try:
        import comfy.model_management as mm
    except Exception:
        return False
    return bool(mm.processing_interrupted())


def interruption(cause: BaseException) -> BaseException:
    """The exception ComfyUI expects when a node stops on user request (shown as 'interrupted', not as an
    error); without ComfyUI, the cause itself (which says whether the task was cancelled at the service)."""
    try:
        import comfy.model_management as mm

        return mm.InterruptProcessingException()
    except Exception:
        return cause


def input_directory() -> Path | None:
    """ComfyUI's input folder (where users put files for nodes), or None outside ComfyUI."""
    try:
        import folder_paths
    except Exception:
        return None
    return Path(folder_paths.get_input_directory())


def _send_text(text: str, node_id: str) -> None:
    try:
        from server import PromptServer
    except Exception:
        return
    instance = getattr(PromptServer, "instance", None)
    if instance is not None and hasattr(instance, "send_progress_text"):
        instance.send_progress_text(text, node_id)


def _send_progress(value: int, total: int, node_id: str) -> None:
    try:
        import comfy.utils
    except Exception:
        return
    comfy.utils.ProgressBar(total, node_id=node_id).update_absolute(value, total)


class NodeStatus:
    """Status text and progress bar of one running node; safe to call from worker threads.

    Calls made from a worker thread are handed to the event loop, where ComfyUI's progress machinery lives.
    """

    def __init__(self, node_id: str | None, loop: asyncio.AbstractEventLoop | None = None):
        self.node_id = str(node_id) if node_id is not None else ""
        self.loop = loop
        self.last_text = ""
        # ComfyUI's progress hook raises InterruptProcessingException on Stop and resets the flag as it does,
        # so a Stop seen through a progress update is latched here, or it would be lost.
        self.stop_requested = False
        self._loop_thread = threading.get_ident()

    def cancelled(self) -> bool:
        """The cancel check for this node's work: ComfyUI's Stop flag, or a Stop seen by a progress update."""
        return self.stop_requested or interrupted()

    def _call(self, fn: Callable[[], None]) -> None:
        if not self.node_id:
            return

        def guarded() -> None:
            try:
                fn()
            except Exception as exc:  # a status update must never fail a paid task...
                if type(exc).__name__ == "InterruptProcessingException":
                    self.stop_requested = True  # ...but it may carry the user's Stop
                else:
                    log.debug("status update failed", exc_info=True)

        if self.loop is not None and threading.get_ident() != self._loop_thread and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(guarded)
        else:
            guarded()

    def text(self, message: str) -> None:
        self.last_text = message
        self._call(lambda: _send_text(message, self.node_id))

    def progress(self, value: float, total: float) -> None:
        v, t = int(value), max(int(total), 1)
        self._call(lambda: _send_progress(min(v, t), t, self.node_id))

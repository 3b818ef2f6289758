"""The DashScope Task Result node: the images of tasks that already exist, by id or from the task journal.

For a task whose node gave up (timeout, Stop while RUNNING, a crash or restart of ComfyUI, a batch that stopped on
one failure): the service keeps a task's result for 24 h, and this node fetches it with queries only
(``GET /tasks/{id}``). It never creates, re-sends or cancels a task, so running it costs nothing.
"""

from __future__ import annotations

import re
from typing import Any

from .base import HIDDEN, PackNode, image_outputs, single
from .runner import Runner
from .task_journal import recent_task_ids
from .validation import Check

FROM_IDS = "task ids"
FROM_JOURNAL = "the last N tasks of this journal"
MAX_TASKS = 100

_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_LABELLED = re.compile(r"task_id\s*[=:]\s*\"?([A-Za-z0-9_-]+)")
_BARE = re.compile(r"^[A-Za-z0-9_-]{6,}$")


def parse_task_ids(text: str) -> list[str]:
    """Task ids from pasted text, one per line: a bare id, a node's task_ids or failures output, or an error
    message (where ``task_id=…`` is taken and the request id beside it is not)."""
    found: list[str] = []
    for line in text.splitlines():
        line = line.strip().strip(",;")
        labelled = _LABELLED.findall(line)
        if labelled:
            found.extend(labelled)
        elif _UUID.search(line):
            found.extend(_UUID.findall(line))
        elif _BARE.match(line):
            found.append(line)
    return list(dict.fromkeys(found))


class TaskResult(PackNode):
    NODE_ID = "DashScopeImgTaskResult"
    DISPLAY_NAME = "DashScope Task Result"
    CATEGORY = "DashScope"
    DESCRIPTION = (
        "The images of DashScope tasks that already exist: paste task ids (one per line, from a node's task_ids "
        "or failures output, an error message or the 百炼 console), or take the last N tasks of the pack's task "
        "journal. Finished tasks return their images, running ones are waited for. Queries only: it never "
        "creates or cancels a task, so it bills nothing. The service keeps results for 24 h."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "source": (
                    [FROM_IDS, FROM_JOURNAL],
                    {
                        "default": FROM_IDS,
                        "tooltip": f"'{FROM_IDS}': the ids in task_ids. '{FROM_JOURNAL}': the newest tasks this "
                        "pack created (on this computer), leaving out those that failed or were cancelled and those "
                        "older than 24 h (the service keeps tasks for 24 h); the journal survives restarts of ComfyUI.",
                    },
                ),
                "task_ids": (
                    "STRING",
                    {
                        "multiline": True,
                        "default": "",
                        "tooltip": f"Task ids, one per line (at most {MAX_TASKS}). Lines such as 'task_id=…' from "
                        "an error message or a failures output are understood.",
                    },
                ),
                "last_n": (
                    "INT",
                    {
                        "default": 4,
                        "min": 1,
                        "max": MAX_TASKS,
                        "tooltip": f"With '{FROM_JOURNAL}': how many of the newest tasks to fetch.",
                    },
                ),
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        if values.get("source", FROM_IDS) == FROM_IDS and "task_ids" in values:
            cls.task_ids(check, values)

    @classmethod
    def task_ids(cls, check: Check, values: dict[str, Any]) -> list[str]:
        if values.get("source") == FROM_JOURNAL:
            ids = recent_task_ids(int(values.get("last_n", 4)))
            if not ids:
                raise check.fail("source", "found no task in the task journal that could still have images.")
            return ids
        ids = parse_task_ids(str(values.get("task_ids") or ""))
        if not ids:
            raise check.fail("task_ids", "holds no task id; paste one per line.")
        if len(ids) > MAX_TASKS:
            raise check.fail("task_ids", f"holds {len(ids)} task ids; at most {MAX_TASKS} per run.")
        return ids

    @classmethod
    def IS_CHANGED(cls, source: str = FROM_IDS, task_ids: str = "", last_n: int = 4, **_: Any) -> str:
        """In journal mode the same widgets can mean other tasks: the ids decide whether ComfyUI reuses a result."""
        source, task_ids, last_n = single(source), single(task_ids), single(last_n)  # lists of one (INPUT_IS_LIST)
        if source == FROM_JOURNAL:
            return "\n".join(recent_task_ids(int(last_n)))
        return task_ids

    async def run(self, source, task_ids, last_n, unique_id=None):
        values = dict(source=source, task_ids=task_ids, last_n=last_n)
        ids = self.task_ids(self.checked(values), values)
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).fetch(ids))


NODES = [TaskResult]

"""How much a node run takes from the service's answers, decided before anything is downloaded or decoded.

An answer may list any number of result URLs, and a file of a few KB may decode into gigabytes (an 8192x8192 PNG of
one colour is 63 KB on the wire and 0.8 GB as a ComfyUI image). Two bounds keep a wrong or hostile answer from
filling the memory of the machine:

- count: a task's answer may hold at most the images its request asked for (its n, or without n the model's
  documented maximum). For a task fetched by id (the Task Result node), the model's documented maximum when the
  task journal knows the model, else ``MAX_FETCHED_IMAGES``.
- pixels: one run of a node's tasks decodes at most ``max(2, images expected) x PIXELS_PER_IMAGE`` pixels, each
  file checked on its header before it is decoded (``images.PixelBudget``).

Past either bound the task is refused with an error that keeps its id (paid, and still at the service for 24 h).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .client import DownloadError, TaskOutcome, result_slots
from .images import PixelBudget
from .models import MODELS, ModelSpec
from .task_journal import read_tasks

# Names of the request fields that ask for several images in one task ("n"; the poster's "generate_num").
COUNT_FIELDS = ("n", "generate_num")
# A task fetched by id whose model the journal does not know: more than any model documents per task (at most 6).
MAX_FETCHED_IMAGES = 16
# Pixels per expected image in a run's budget: a 4096x4096 result (the largest side most models document) and a
# companion file of the same size (a poster's text-free background, a segmentation's preview beside its label map).
PIXELS_PER_IMAGE = 2 * 4096 * 4096
# Every run may decode at least this many images' worth: one 8192x8192 result (images.MAX_RESULT_PIXELS) fits.
BUDGET_FLOOR_IMAGES = 2


def requested_count(body: Mapping[str, Any]) -> int | None:
    """The images a request body asks for (its n-like field), or None when it leaves that to the service."""
    for section in ("parameters", "input"):
        part = body.get(section)
        if isinstance(part, dict):
            for name in COUNT_FIELDS:
                value = part.get(name)
                if isinstance(value, int) and not isinstance(value, bool):
                    return max(value, 1)
    return None


def documented_most(spec: ModelSpec) -> int:
    """The most images one task of the model can return by its row: its n field's maximum (or default), 1 for a
    model without one, MAX_FETCHED_IMAGES when the row states no bound."""
    for name in COUNT_FIELDS:
        if spec.has_field(name):
            field = spec.field(name)
            bounds = [int(v) for v in (field.high, field.default if field.has_default else None) if v is not None]
            return max(bounds) if bounds else MAX_FETCHED_IMAGES
    return 1


def images_expected(spec: ModelSpec, body: Mapping[str, Any]) -> int:
    """The most result images a task of this request may hold."""
    return requested_count(body) or documented_most(spec)


def fetched_most(task_ids: Iterable[str], journal: Iterable[Mapping[str, Any]]) -> list[int]:
    """For tasks fetched by id: the most images each may hold, by the model the journal names for it."""
    models = {str(entry.get("task_id")): entry.get("model") for entry in journal if isinstance(entry, Mapping)}
    most = []
    for task_id in task_ids:
        name = models.get(task_id)
        spec = MODELS.get(name) if isinstance(name, str) else None
        most.append(documented_most(spec) if spec is not None else MAX_FETCHED_IMAGES)
    return most


def journal_entries() -> list[Mapping[str, Any]]:
    """The task journal's entries, for the models of fetched tasks; none when it cannot be read (the generous cap
    then applies: a journal problem must not cost a paid result)."""
    try:
        return [entry for entry in read_tasks() if isinstance(entry, Mapping)]
    except (OSError, ValueError, TypeError):
        return []


def run_budget(expected: Iterable[int]) -> PixelBudget:
    """The pixel budget of one run of a node's tasks that expects these image counts."""
    return PixelBudget(max(BUDGET_FLOOR_IMAGES, sum(expected)) * PIXELS_PER_IMAGE)


def check_result_count(outcome: TaskOutcome, shapes: tuple[str, ...], most: int) -> None:
    """Refuse an answer that lists more images than its task can have made; nothing is downloaded then."""
    count = len(result_slots(outcome.output, shapes))
    if count > most:
        raise DownloadError(
            f"The task's answer lists {count} result images, but the task can have made at most {most}; none was "
            "downloaded. The task was paid and its id is kept (task journal); ask Alibaba Cloud support about it.",
            code="TooManyResults",
            task_id=outcome.task_id,
        )


def within_budget(fetch: Callable[[str], bytes], budget: PixelBudget, task_id: str) -> Callable[[str], bytes]:
    """``fetch`` that charges each downloaded file's pixels (read from its header) to the run's budget and refuses
    the file that would go past it, before it is decoded."""

    def fetch_within(url: str) -> bytes:
        data = fetch(url)
        problem = budget.charge(data)
        if problem:
            raise DownloadError(
                f"The results of this run are too large to decode: {problem}. The task was paid and its id is kept "
                "(task journal).",
                code="TooManyPixels",
                task_id=task_id,
            )
        return data

    return fetch_within

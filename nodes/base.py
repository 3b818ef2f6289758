"""What every node of the pack shares: identity, common inputs, and turning results into ComfyUI outputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from .client import InputError
from .images import batch_images, batch_masks
from .list_run import run_items
from .models import MODELS, ModelSpec
from .runner import CONTINUE, ON_FAILURE_CHOICES, STOP_GRAPH, JobResult, run_options
from .validation import Check, check_declared, sound_input
from .widgets import unsent_notes, with_model_lists

CATEGORY = "DashScope"
SEED_MAX = 2147483647

IMAGE_OUTPUTS = ("IMAGE", "MASK", "STRING", "STRING", "STRING")
IMAGE_OUTPUT_NAMES = ("images", "alpha", "task_ids", "urls", "failures")
IMAGE_OUTPUT_TOOLTIPS = (
    "Every image the service returned, as one RGB batch (images of another size are resized to the first's size). "
    "Fed a list (Rebatch Images, a folder loader), the node returns a list: one batch per item, in order, each at "
    "its own size.",
    "The alpha channel of each image as a MASK (1 = opaque); all ones when the model returns no transparency. A "
    "list when the node is fed one.",
    "The DashScope task id(s) of the tasks that succeeded, one per line: the DashScope Task Result node fetches "
    "them again within 24 h; quote them when asking Alibaba Cloud support about a result.",
    "The result URLs, one per line. They expire 24 h after the task finished.",
    "What failed, one line per task or image: index (the task's place among the node's tasks, i.e. the input's "
    "place in the batch when each input makes one task), the service's code, the task id and the message. Empty "
    "when everything succeeded.",
)
HIDDEN = {"unique_id": "UNIQUE_ID"}
# Text outputs that describe the whole run: one text for a list execution (the others are lists, one per item).
JOINED_OUTPUTS = ("task_ids", "urls", "failures")

# The "if some images fail" input every node with the image outputs gets (see PackNode.__init_subclass__).
ON_FAILURE = "if_some_images_fail"
ON_FAILURE_INPUT = (
    list(ON_FAILURE_CHOICES),
    {
        "default": STOP_GRAPH,
        "tooltip": f"When some of this run's tasks or images fail (say a content-inspection refusal on 1 of 20 "
        f"photos). '{STOP_GRAPH}': the node fails and nothing downstream runs; the error names the paid tasks. "
        f"'{CONTINUE}': the node returns the images that succeeded and lists the failed ones in the 'failures' "
        "output. Either way the succeeded tasks are in the task journal.",
    },
)


def _completed_inputs(input_types: Any) -> classmethod:
    """Wrap a node's INPUT_TYPES so that image nodes list the failure option last (also after a subclass's
    additions), and the inputs of a node with a model choice say which models document them."""
    original = input_types.__func__

    def wrapped(cls: type[PackNode]) -> dict[str, Any]:
        inputs = original(cls)
        if cls.MODEL_INPUTS:
            inputs = with_model_lists(
                inputs, cls.offered_rows(), cls.MODEL_INPUTS, cls.MODEL_PICKER, cls.MODEL_OVERRIDE
            )
        if tuple(cls.RETURN_TYPES) == IMAGE_OUTPUTS:
            optional = dict(inputs.get("optional", {}))
            optional.pop(ON_FAILURE, None)
            late = {name: optional.pop(name) for name in cls.LATE_INPUTS if name in optional}
            optional[ON_FAILURE] = ON_FAILURE_INPUT
            inputs = {**inputs, "optional": {**optional, **late}}
        return inputs

    wrapped.__doc__ = original.__doc__
    return classmethod(wrapped)


class PackNode:
    """Base of the pack's nodes (classic ComfyUI node contract).

    Lists: a node declares ``INPUT_IS_LIST``, so a list of N inputs (from RebatchImages, a folder loader…) reaches
    one ``execute`` instead of N separate calls. ``execute`` splits the lists into one input set per item with
    ComfyUI's own rule (a shorter list repeats its last value), runs the node's ``run`` for each, and
    ``list_run`` makes their tasks one run: one spending-guard check over all items before any request, one
    status line and progress bar, one ``failures`` text, results in item order. Outputs are lists
    (``OUTPUT_IS_LIST``), one entry per item, so pictures of different sizes stay apart and SaveImage / Preview
    save each; task_ids, urls and failures are one text for the whole run. A node fed no list gets one item and
    returns lists of one, which downstream nodes see exactly as before. A value that is not a list (a direct call,
    a test) counts as one item.

    ComfyUI calls ``execute``, which takes the options every node shares (today: "if some images fail") out of
    the inputs and calls the node's own ``run`` with the rest. Why not a parameter of each ``run``: the option
    is the same on every image node, and the Runner (not the node) acts on it, so it travels in a context
    variable (runner.run_options) from here to every Runner the node creates; ``run`` signatures stay the
    node's business. The option's input is added in one place, ``__init_subclass__``, for every node whose
    outputs are the image outputs, and the ``failures`` output is appended here too, so ``image_outputs`` keeps
    its four values for the nodes that pick from them."""

    NODE_ID = ""
    DISPLAY_NAME = ""
    CATEGORY = CATEGORY
    FUNCTION = "execute"
    RETURN_TYPES: tuple[str, ...] = IMAGE_OUTPUTS
    RETURN_NAMES: tuple[str, ...] = IMAGE_OUTPUT_NAMES
    OUTPUT_TOOLTIPS: tuple[str, ...] = IMAGE_OUTPUT_TOOLTIPS
    DESCRIPTION = ""
    INPUT_IS_LIST = True  # a node that must run once per item (FaceChain training) sets False
    # Optional inputs added after the "if some images fail" option: a saved UI workflow holds its widget values by
    # position, so a widget added to an existing node goes last, and old workflows keep every value in place.
    LATE_INPUTS: tuple[str, ...] = ()
    # A node that offers several models names the input that picks one (and a free-text override of it, if any)
    # and maps each input that feeds a row field to that field ({"width": "size", ...}). A widget the chosen
    # model's row does not document is hidden in the editor and not sent; the node's status says so when it held
    # a value. A connection listed here (IMAGE, MASK) stays visible: the node refuses it, when connected, for a
    # model that takes none. Inputs not listed (the seed, which also drives ComfyUI's re-runs) always stay.
    MODEL_PICKER = "model"
    MODEL_OVERRIDE = ""
    MODEL_INPUTS: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("INPUT_TYPES")
        if isinstance(own, classmethod):
            cls.INPUT_TYPES = _completed_inputs(own)
        if cls.INPUT_IS_LIST:
            cls.OUTPUT_IS_LIST = tuple(name not in JOINED_OUTPUTS for name in cls.RETURN_NAMES)
        else:
            cls.OUTPUT_IS_LIST = tuple(False for _ in cls.RETURN_NAMES)

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def offered_rows(cls) -> Sequence[ModelSpec]:
        """The model rows the picker offers (nodes with MODEL_INPUTS)."""
        return ()

    @classmethod
    def chosen_row(cls, values: dict[str, Any]) -> ModelSpec | None:
        """The row of the model these values pick; None when it is not known (e.g. fed by a link)."""
        return {spec.name: spec for spec in cls.offered_rows()}.get(values.get(cls.MODEL_PICKER))

    @classmethod
    def unsent_inputs(cls, values: dict[str, Any]) -> list[str]:
        """Status lines for the inputs that hold a value the chosen model does not take (they are not sent)."""
        spec = cls.chosen_row(values) if cls.MODEL_INPUTS else None
        return unsent_notes(cls.INPUT_TYPES(), cls.MODEL_INPUTS, spec, values) if spec is not None else []

    async def execute(self, **inputs: Any) -> Any:
        inputs = self.sound_inputs(inputs)  # each list item checked on its own
        if not self.INPUT_IS_LIST:
            with run_options(inputs.pop(ON_FAILURE, STOP_GRAPH)) as options:
                options.notes.extend(self.unsent_inputs(inputs))
                return self._complete(await self.run(**inputs), options.failures_text())
        items = list_items(inputs)
        with run_options(items[0].pop(ON_FAILURE, STOP_GRAPH)) as options:
            for item in items[1:]:
                item.pop(ON_FAILURE, None)
            options.notes.extend(self.unsent_inputs(items[0]))
            if len(items) == 1:
                outputs = [await self.run(**items[0])]
            else:
                outputs = await run_items(self.run, items)
        failures = options.failures_text()
        done = [self._complete(o, failures) for o in outputs if o is not None]
        if not done:
            raise ValueError(f"{self.DISPLAY_NAME}: the service returned no images")
        return tuple(
            [o[i] for o in done]
            if as_list
            else failures
            if name == "failures"
            else "\n".join(str(o[i]) for o in done if o[i] != "")
            for i, (as_list, name) in enumerate(zip(self.OUTPUT_IS_LIST, self.RETURN_NAMES, strict=True))
        )

    def _complete(self, outputs: Any, failures: str) -> Any:
        """run() returns image_outputs()' four values: add the failures text (the whole run's, once)."""
        if tuple(self.RETURN_TYPES) == IMAGE_OUTPUTS and len(outputs) == len(IMAGE_OUTPUTS) - 1:
            return (*outputs, failures)
        return outputs

    async def run(self, **inputs: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        """The node's own checks of widget values (lengths, model rules, mode rules). ``values`` holds only what
        is known: at queue time an input fed by another node is missing. ``run`` calls it too, with everything."""

    @classmethod
    def VALIDATE_INPUTS(cls, **values: Any) -> bool | str:
        """ComfyUI calls this when the graph is queued, before any node runs: a bad widget on any pack node
        refuses the whole graph, so no earlier paid node runs for nothing. Taking **values makes ComfyUI skip
        its own combo and range checks, so ``check_declared`` repeats them."""
        # With INPUT_IS_LIST ComfyUI passes each widget as a one-item list and a linked input as (None,).
        values = {k: single(v) for k, v in values.items()}
        known = {k: v for k, v in values.items() if isinstance(v, (str, int, float, bool))}
        try:
            cls.checked(known)
        except InputError as err:
            return str(err)
        return True

    @classmethod
    def sound_inputs(cls, inputs: dict[str, Any]) -> dict[str, Any]:
        """Every input as ``run`` may take it, before anything else happens (validation.sound_input): text without
        control characters, IMAGE and MASK tensors of a standard shape with finite float values. A malformed one
        is an InputError naming the node and the input."""
        check = Check(cls.DISPLAY_NAME)
        spec = cls.INPUT_TYPES()
        kinds = {name: entry[0] for part in ("required", "optional") for name, entry in (spec.get(part) or {}).items()}
        is_list = bool(getattr(cls, "INPUT_IS_LIST", False))
        return {name: sound_input(check, kinds.get(name), name, value, is_list) for name, value in inputs.items()}

    @classmethod
    def checked(cls, values: dict[str, Any]) -> Check:
        """Run every widget check (declared and node-specific); the Check is returned for the image checks."""
        check = Check(cls.DISPLAY_NAME)
        for name, value in values.items():
            if isinstance(value, str):
                check.encodable(name, value)  # at queue time too: a text no request can carry
        check_declared(check, cls.INPUT_TYPES(), values)
        cls.check_widgets(check, values)
        return check


def single(value: Any) -> Any:
    """The value of a one-item list (how ComfyUI passes a widget to a list node at queue time), else the value."""
    return value[0] if isinstance(value, (list, tuple)) and len(value) == 1 else value


def list_items(inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """ComfyUI's mapping of list inputs to calls: item i takes each input's i-th value, or its last when the list is
    shorter (a widget is a list of one, so it applies to every item). An empty list counts as not connected."""
    lists = {k: list(v) if isinstance(v, (list, tuple)) else [v] for k, v in inputs.items()}
    lists = {k: v for k, v in lists.items() if v}
    count = max((len(v) for v in lists.values()), default=1)
    return [{k: v[min(i, len(v) - 1)] for k, v in lists.items()} for i in range(count)]


def seed_input(note: str = "") -> tuple[str, dict[str, Any]]:
    return (
        "INT",
        {
            "default": 0,
            "min": 0,
            "max": SEED_MAX,
            "control_after_generate": True,
            "tooltip": "Same seed and inputs = ComfyUI re-uses the last (already paid) result; change it, or set "
            "'control after generate' to randomize, to ask the service for new images. " + note,
        },
    )


def model_tooltip(names: Sequence[str], intro: str) -> str:
    """A model picker's tooltip that states each model's status (retired, scheduled, trial only)."""
    lines = [intro]
    for name in names:
        spec = MODELS.get(name)
        note = spec.status_note() if spec else ""
        if note:
            lines.append(f"• {name}: {note}")
    return "\n".join(lines)


def image_outputs(results: Sequence[JobResult]) -> tuple[torch.Tensor, torch.Tensor, str, str]:
    """JobResults -> (IMAGE batch RGB, MASK batch alpha, task ids, urls); ``execute`` appends the failures."""
    pairs = [pair for result in results for pair in result.images]
    if not pairs:
        raise ValueError("the service returned no images")
    rgb, alpha = pairs[0]
    if len(pairs) == 1 and rgb.dtype == torch.float32 and rgb.shape[-1] == 3:
        # One image, already float (decoded in place as it arrived): the output is that tensor, not a copy.
        images = rgb.unsqueeze(0)
        masks = alpha.unsqueeze(0) if alpha is not None else torch.ones((1, rgb.shape[0], rgb.shape[1]))
    else:
        images = batch_images([rgb for rgb, _ in pairs])
        masks = batch_masks([alpha for _, alpha in pairs], images.shape[2], images.shape[1])
    task_ids = "\n".join(r.task_id for r in results if r.task_id and r.error is None)
    urls = "\n".join(u for r in results for u in r.urls)
    return images, masks, task_ids, urls

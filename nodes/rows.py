"""Nodes that offer several model rows: the chosen row (a listed model, or a dated snapshot of one typed into
``custom_model``), its use (mode), per-model tooltips and the checks of widget values against the row — shared by
every node family, so no family imports another."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import models
from .base import PackNode
from .models.snapshots import EXAMPLE
from .validation import Check, check_field
from .widgets import AUTO


def rules_text(specs: Sequence[models.ModelSpec], name: str) -> str:
    """Each distinct rule of field ``name`` among the models, with the models that share it, one line each."""
    groups: dict[str, list[str]] = {}
    for spec in specs:
        if not spec.has_field(name):
            groups.setdefault("not sent (no documented field)", []).append(spec.name)
            continue
        item = spec.field(name)
        picture = item.image.describe() if item.image is not None else ""  # a picture field: its sides and size
        text = "; ".join(t for t in (item.limits_text(), picture, item.note) if t) or "no documented limit"
        groups.setdefault(text + ("" if item.confirmed else " (UNCONFIRMED)"), []).append(spec.name)
    return "\n".join(f"• {', '.join(names)}: {text}" for text, names in groups.items())


def per_model_input(kind: Any, specs: Sequence[models.ModelSpec], name: str, lead: str, **options: Any) -> tuple:
    """An input whose tooltip lists the field's rule per model (the limits live only in the rows)."""
    return kind, {**options, "tooltip": f"{lead}\n{rules_text(specs, name)}"}


def text_input(specs: Sequence[models.ModelSpec], name: str, lead: str) -> tuple:
    return per_model_input("STRING", specs, name, lead, multiline=True, default="")


def auto_input(kind: str, specs: Sequence[models.ModelSpec], name: str, lead: str, **options: Any) -> tuple:
    """A number whose 0 means auto: left out, so the model's own default applies."""
    return per_model_input(kind, specs, name, f"{lead} 0 = auto: not sent, the model's default applies.", **options)


def highest(specs: Sequence[models.ModelSpec], name: str) -> float:
    return max(spec.field(name).high or 0 for spec in specs if spec.has_field(name))


def picked_size(check: Check, width: Any, height: Any) -> str | None:
    """'W*H' from the width and height inputs; None when both are auto (0 or 'auto')."""
    unset = [str(v) in ("0", AUTO) for v in (width, height)]
    if all(unset):
        return None
    if any(unset):
        raise check.fail("width", f"is {width} and height {height}; set both, or both to auto.")
    return f"{int(width)}*{int(height)}"


def checked_values(check: Check, spec: models.ModelSpec, values: dict[str, Any]) -> dict[str, Any]:
    """Each widget value (None = not asked for) checked against the model's field. A value for a field the model
    does not document is left out, not refused: the editor hides that input for this model, and the node's
    status names it when it held a value (PackNode.unsent_inputs)."""
    clean: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, str) and not value.strip():
            value = None
        if not spec.has_field(name):
            continue
        clean[name] = check_field(check, spec.field(name), value)
    return clean


def confirmed_seed(spec: models.ModelSpec, seed: Any) -> Any:
    """The seed widget always drives ComfyUI's caching; it reaches the service only where a page documents it."""
    return seed if spec.has_field("seed") and spec.field("seed").confirmed else None


def images_per_call(spec: models.ModelSpec) -> int:
    return int(spec.field("n").high or 1) if spec.has_field("n") else 1


# --- which row, and which use of it ------------------------------------------------------------------------------
CUSTOM_MODEL = "custom_model"


def custom_model_input(specs: Sequence[models.ModelSpec]) -> tuple[str, dict[str, Any]]:
    """The optional input for a dated snapshot of a listed model (an old one, or one newer than the pack)."""
    return (
        "STRING",
        {
            "default": "",
            "tooltip": f"A dated snapshot of a listed model, <model>-YYYY-MM-DD (e.g. {specs[0].name}-2026-01-16), "
            "overrides 'model': it is called with its family's protocol and limits (UNCONFIRMED: no page lists a "
            "snapshot's own). Leave empty to use the list.",
        },
    )


def chosen_row(values: dict[str, Any], offered: Sequence[models.ModelSpec]) -> models.ModelSpec | None:
    """The listed model, or the dated snapshot typed into custom_model; None when unknown (fed by a link, or not
    a snapshot of a listed model: ``check_custom_model`` says why)."""
    custom = str(values.get(CUSTOM_MODEL) or "").strip()
    if custom:
        return models.snapshot_of(custom, offered)
    return next((spec for spec in offered if spec.name == values.get("model")), None)


def check_custom_model(check: Check, values: dict[str, Any], offered: Sequence[models.ModelSpec]) -> None:
    custom = str(values.get(CUSTOM_MODEL) or "").strip()
    if custom and models.snapshot_of(custom, offered) is None:
        listed = ", ".join(spec.name for spec in offered)
        raise check.fail(
            CUSTOM_MODEL,
            f"is {custom!r}; it must be a dated snapshot of a listed model, <model>-YYYY-MM-DD (e.g. {EXAMPLE}), "
            f"where <model> is one of: {listed}.",
        )


def mode_of(spec: models.ModelSpec, values: dict[str, Any], pictures: int | None) -> list[str]:
    """The use of the model a run makes: a mode switch of the row that is on (e.g. enable_sequential), else an edit
    when pictures are connected, else text to image. ``pictures`` None (not known at queue time) gives both."""
    switched = [name for name in spec.modes if spec.has_field(name) and values.get(name) is True]
    if switched:
        return switched[:1]
    if pictures is None:
        return [models.TEXT_MODE, models.EDIT_MODE]
    return [models.EDIT_MODE if pictures else models.TEXT_MODE]


class RowNode(PackNode):
    """A node that picks a model row (or a dated snapshot of one typed into custom_model) and checks its widget
    values against that row's fields."""

    MODEL_OVERRIDE = CUSTOM_MODEL

    @classmethod
    def offered_rows(cls) -> Sequence[models.ModelSpec]:
        raise NotImplementedError

    @classmethod
    def chosen_row(cls, values: dict[str, Any]) -> models.ModelSpec | None:
        return chosen_row(values, cls.offered_rows())

    @classmethod
    def wire_values(cls, check: Check, spec: models.ModelSpec, values: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def check_custom(cls, check: Check, values: dict[str, Any]) -> None:
        """custom_model names a dated snapshot of a listed model (a node that guesses other names overrides this)."""
        check_custom_model(check, values, cls.offered_rows())

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        cls.check_custom(check, values)
        spec = cls.chosen_row(values)
        if spec is not None:  # None: the model comes through a link, known only when the node runs
            cls.wire_values(check, spec, values)

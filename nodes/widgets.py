"""ComfyUI input declarations rendered from model fields: option lists, ranges, defaults and tooltips that
state each model's limits and sources, so a limit is written once (in the model row)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .models import Field, ModelSpec

AUTO = "auto"  # a choice meaning "leave the field out: the model's own default applies"


def given(value: Any) -> Any:
    """A widget value, or None (= leave the field out) for AUTO, an empty text and an optional input's 0/off."""
    return None if value is None or value is False or value == 0 or value in (AUTO, "") else value


def tooltip_for(spec_field: Field, lead: str = "") -> str:
    """Lead text, then the field's documented rule, then UNCONFIRMED where no official page states it."""
    note = spec_field.note[:1].upper() + spec_field.note[1:]  # not capitalize(): it lowers "AI", "MB", "URL"
    parts = [lead or note or spec_field.name]
    if note and lead:
        parts.append(note)
    limits = spec_field.limits_text()
    if limits:
        parts.append(limits[:1].upper() + limits[1:])
    if not spec_field.confirmed:
        parts.append(spec_field.source)
    return ". ".join(p.rstrip(".") for p in parts if p) + "."


def widget(
    spec_field: Field,
    lead: str = "",
    *,
    default: Any = None,
    choices: Sequence[Any] | None = None,
    **options: Any,
) -> tuple[Any, dict[str, Any]]:
    """One input declaration for a field: a combo for an enum, INT/FLOAT with the documented range, BOOLEAN, or
    STRING. ``default`` overrides the widget default (else the service default, else the first/lowest value)."""
    tip = {"tooltip": tooltip_for(spec_field, lead)}
    if choices is not None or spec_field.enum is not None:
        values = list(choices if choices is not None else spec_field.enum or ())
        first = default if default is not None else (spec_field.default if spec_field.has_default else values[0])
        return values, {"default": first, **tip, **options}
    if spec_field.type in ("integer", "number"):
        kind = "INT" if spec_field.type == "integer" else "FLOAT"
        declared: dict[str, Any] = {}
        if spec_field.low is not None:
            declared["min"] = int(spec_field.low) if kind == "INT" else spec_field.low
        if spec_field.high is not None:
            declared["max"] = int(spec_field.high) if kind == "INT" else spec_field.high
        fallback = spec_field.default if spec_field.has_default else declared.get("min", 0)
        value = default if default is not None else fallback
        if kind == "FLOAT":
            declared.setdefault("step", 0.05)
        return kind, {"default": value, **declared, **tip, **options}
    if spec_field.type == "boolean":
        value = default if default is not None else (spec_field.default if spec_field.has_default else False)
        return "BOOLEAN", {"default": bool(value), **tip, **options}
    if spec_field.type == "string":
        # A short limit in characters fits one line; one in words (or tokens) may be a long sentence.
        multiline = (
            spec_field.max_length is None or spec_field.max_length > 60 or spec_field.length_unit != "characters"
        )
        return "STRING", {"multiline": multiline, "default": default or "", **tip, **options}
    raise ValueError(f"{spec_field.path}: a {spec_field.type} field is a connection, not a widget")


def field_widgets(spec: ModelSpec, leads: dict[str, str], **options: Any) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Inputs for several fields of one model row: {field name: widget(field, lead, **options)}."""
    return {name: widget(spec.field(name), lead, **options) for name, lead in leads.items()}


def model_choices(specs: Sequence[ModelSpec]) -> list[str]:
    return [spec.name for spec in specs]


def model_widget(specs: Sequence[ModelSpec], lead: str, default: str = "") -> tuple[list[str], dict[str, Any]]:
    """A model picker whose tooltip gives each model's list price and status (retired, scheduled, trial only)."""
    lines = [lead]
    for spec in specs:
        notes = [n for n in (spec.price_note(), spec.status_note()) if n]
        if notes:
            lines.append(f"• {spec.name}: {'; '.join(notes)}")
    names = model_choices(specs)
    return names, {"default": default or names[0], "tooltip": "\n".join(lines)}


# --- Inputs that follow the chosen model ---------------------------------------------------------------------
# A node that offers several models declares which of its inputs feed which row field (PackNode.MODEL_INPUTS).
# From the rows, each such input learns the models that document its field; the list travels to the editor in the
# input's own options (ComfyUI passes an input's options through /object_info unchanged), where
# web/dashscope_model_inputs.js hides the input while another model is chosen. There is no second table in JS.
MODELS_OPTION = "dashscope_models"  # on a following input: the offered models whose row documents it
ROLE_OPTION = "dashscope_role"  # on the picker ("model") and on a free-text override of it ("model_override")


def models_documenting(specs: Sequence[ModelSpec], field_name: str) -> list[str]:
    return [spec.name for spec in specs if spec.has_field(field_name)]


def with_model_lists(
    inputs: dict[str, Any],
    specs: Sequence[ModelSpec],
    fields: dict[str, str],
    picker: str,
    override: str = "",
) -> dict[str, Any]:
    """``inputs`` (INPUT_TYPES) with MODELS_OPTION on every input whose field some offered model lacks, and
    ROLE_OPTION on the picker and its override. Inputs every model documents are left as they are."""
    marked = dict(inputs)
    for section in ("required", "optional"):
        entries = dict(marked.get(section) or {})
        for name, entry in entries.items():
            extra: dict[str, Any] = {}
            if name in fields:
                documented = models_documenting(specs, fields[name])
                if len(documented) < len(specs):
                    extra[MODELS_OPTION] = documented
            elif name in (picker, override):
                extra[ROLE_OPTION] = "model" if name == picker else "model_override"
            if extra:
                entries[name] = (entry[0], {**(entry[1] if len(entry) > 1 else {}), **extra}, *entry[2:])
        if entries:
            marked[section] = entries
    return marked


def is_set(value: Any, declared: tuple | None) -> bool:
    """Whether a widget holds something of its own: not empty, not auto, not its declared default."""
    if value is None or (isinstance(value, str) and value.strip() in ("", AUTO)):
        return False
    options = declared[1] if declared is not None and len(declared) > 1 else {}
    return not ("default" in options and value == options["default"])


WIDGET_TYPES = ("INT", "FLOAT", "STRING", "BOOLEAN")


def is_widget(declared: tuple | None) -> bool:
    """A widget (a value typed on the node), not a connection such as IMAGE or MASK."""
    return declared is not None and (isinstance(declared[0], list) or declared[0] in WIDGET_TYPES)


def unsent_notes(
    input_types: dict[str, Any], fields: dict[str, str], spec: ModelSpec, values: dict[str, Any]
) -> list[str]:
    """One line per widget that holds a value the chosen model does not document (so it is not sent), e.g.
    "negative prompt not sent: z-image-turbo takes none". Widgets at their default or empty say nothing. A picture
    or mask connected where the model takes none is not left out silently: the node refuses it before paying."""
    declared = {**(input_types.get("required") or {}), **(input_types.get("optional") or {})}
    notes = []
    for name, field_name in fields.items():
        entry = declared.get(name)
        if name in values and is_widget(entry) and not spec.has_field(field_name) and is_set(values[name], entry):
            notes.append(f"{name.replace('_', ' ')} not sent: {spec.name} takes none")
    return notes

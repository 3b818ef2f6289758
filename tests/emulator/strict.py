"""Strict mode: refuse what the official page does not document, as the real gateway's InvalidParameter would.

A request body is flattened into the places of its values ("input.prompt", "parameters.n",
"input.messages[].content[].text"); each place must be one the model's route documents (or one of the places a
page leaves open), and a value of a field whose limits the official page states must have the documented type,
be one of its values and lie in its range. Lengths are not checked: the pages say longer text is truncated.

SDK note: the official ``dashscope`` SDK (2.0.2) sends ``model``, ``input`` and ``parameters`` and adds headers; one
call adds a body field of its own: ``ImageGeneration.async_call`` (wan2.6-t2i's asynchronous protocol) passes its
``is_async`` flag on into ``parameters``. An official client's request must pass (tests/test_emulator_sdk.py), so
that one field is let through; nothing else is.
"""

from __future__ import annotations

from typing import Any

from .catalog import OFFICIAL, Field, Model, Route

ALWAYS = ("model",)  # every body names its model; "input" / "parameters" are containers, checked by their content
SDK_FIELDS = ("parameters.is_async",)  # what the official SDK itself adds (see the note above): wan2.6, wan2.7


def places(body: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Every leaf of a body with its place: objects by key, lists of objects as "[]", other lists as leaves."""
    if isinstance(body, dict):
        out = []
        for key, value in body.items():
            out.extend(places(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(body, list) and body and all(isinstance(item, dict) for item in body):
        return [leaf for item in body for leaf in places(item, prefix + "[]")]
    return [(prefix, body)]


def problem(model: Model, route: Route, body: dict[str, Any]) -> str | None:
    """Why the service would refuse this body, naming the field (the first reason, as the service names one);
    None when everything in it is documented."""
    found = problems(model, route, body)
    return found[0] if found else None


def problems(model: Model, route: Route, body: dict[str, Any]) -> list[str]:
    """Every reason to refuse this body, one line each."""
    documented = {place: f for f in route.fields for place in f.places}
    found = []
    for place, value in places(body):
        if place in ALWAYS or place in SDK_FIELDS:
            continue
        field = documented.get(place)
        if field is None and value == [] and any(p.startswith(place + "[]") for p in documented):
            continue  # an empty list of documented objects (e.g. resources in train-free mode)
        if field is None:
            found.append(_undocumented(model, route, place))
            continue
        wrong = _bad_value(field, value)
        if wrong:
            found.append(f"The parameter '{place}' of {model.name} {wrong}.")
    for field in route.fields:
        if field.required and field.confidence == OFFICIAL and "[]" not in field.path:
            if not any(_present(body, place) for place in field.places):
                found.append(f"Required parameter '{field.path}' of {model.name} is missing.")
    return found


def _undocumented(model: Model, route: Route, place: str) -> str:
    name = place.rsplit(".", 1)[-1]
    elsewhere = [f.path for f in route.fields if f.path.rsplit(".", 1)[-1] == name]
    if elsewhere:
        return f"The parameter '{place}' is misplaced for {model.name}: the documented place is '{' or '.join(elsewhere)}'."
    inside = [f.path for f in route.fields if f.path.startswith(place + ".")]
    if inside:
        return f"The parameter '{place}' of {model.name} must be an object holding {', '.join(inside)}."
    return f"The parameter '{place}' is not a documented parameter of {model.name}."


def _bad_value(field: Field, value: Any) -> str:
    if field.limits_confidence != OFFICIAL or field.confidence != OFFICIAL:
        return ""  # a guessed limit is no reason to refuse a paid call
    if field.has_default and value == field.default and type(value) is type(field.default):
        return ""
    if not _typed(field.type, value):
        return f"must be of type {field.type}"
    if field.enum is not None and value not in field.enum:
        return f"must be one of {list(field.enum)}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if field.low is not None and value < field.low or field.high is not None and value > field.high:
            low = "" if field.low is None else f"{field.low:g}"
            high = "" if field.high is None else f"{field.high:g}"
            return f"must be in [{low}, {high}]"
    return ""


def _typed(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "string[]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "array":
        return isinstance(value, list)
    return isinstance(value, dict)


def _present(body: dict[str, Any], place: str) -> bool:
    target: Any = body
    for part in place.split("."):
        if not isinstance(target, dict) or part not in target:
            return False
        target = target[part]
    return True

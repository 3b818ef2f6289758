"""Queue-time checks for every node (ComfyUI calls VALIDATE_INPUTS before any node of the graph runs): the
defaults pass, and a widget value outside its declared options or range is refused with a message that names the
node and the input. ComfyUI skips its own combo and range checks once a node takes **kwargs, so the pack's must
hold for every node, including ones added later."""

from __future__ import annotations

from typing import Any


def _widgets(cls) -> dict[str, tuple[Any, dict[str, Any]]]:
    spec = cls.INPUT_TYPES()
    declared = {**spec.get("required", {}), **spec.get("optional", {})}
    return {
        name: (entry[0], entry[1] if len(entry) > 1 else {})
        for name, entry in declared.items()
        if isinstance(entry[0], list) or entry[0] in ("INT", "FLOAT", "STRING", "BOOLEAN")
    }


def _defaults(cls) -> dict[str, Any]:
    values = {}
    for name, (kind, options) in _widgets(cls).items():
        if isinstance(kind, list):
            values[name] = options.get("default", kind[0])
        elif "default" in options:
            values[name] = options["default"]
    return values


def test_a_bad_widget_is_refused_at_queue_time_naming_node_and_input(pack):
    for node_id, cls in sorted(pack.NODE_CLASS_MAPPINGS.items()):
        defaults = _defaults(cls)
        for name, (kind, options) in _widgets(cls).items():
            if isinstance(kind, list):
                bad: Any = "no such option"
            elif kind in ("INT", "FLOAT") and "max" in options:
                bad = options["max"] + 1
            else:
                continue
            verdict = cls.VALIDATE_INPUTS(**{**defaults, name: bad})
            assert isinstance(verdict, str), f"{node_id}: {name}={bad!r} was accepted"
            assert verdict.startswith(cls.DISPLAY_NAME) and f"'{name}'" in verdict, verdict


def test_a_bad_person_selection_is_refused_at_queue_time(pack):
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgPickPersons"]
    assert cls.VALIDATE_INPUTS(selection="2-4") is True
    verdict = cls.VALIDATE_INPUTS(selection="two and three")
    assert isinstance(verdict, str) and "'selection'" in verdict, verdict


def test_inputs_fed_by_links_are_not_judged_at_queue_time(pack):
    # A linked input reaches VALIDATE_INPUTS as None (ComfyUI has no value yet): it must not count as empty.
    for node_id, cls in pack.NODE_CLASS_MAPPINGS.items():
        values = {name: None for name in _widgets(cls)}
        assert cls.VALIDATE_INPUTS(**values) is True, node_id

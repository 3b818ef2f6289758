"""Example workflows as data: build UI-format workflow JSON (what the ComfyUI editor saves) from a compact
description, and check any UI-format workflow against the node definitions.

    python -m tests.workflow_builder      # regenerate example_workflows/ from tests/example_specs/*.py

A spec module exports ``EXAMPLES = {"file_stem": {"nodes": {...}, "links": [...]}}`` where nodes maps a
local name to ``(node_type, {input_name: widget_value, "seed__control": "randomize"})`` and links are
``(from_name, output_name, to_name, input_name)``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.core_nodes import ANY_FILE, CORE_NODES

REPO = Path(__file__).resolve().parents[1]
EXAMPLES_DIR = REPO / "example_workflows"
WIDGET_KINDS = {"INT", "FLOAT", "STRING", "BOOLEAN", ANY_FILE, "IMAGEUPLOAD"}
CONTROL_VALUES = ("fixed", "increment", "decrement", "randomize")
KEY_PATTERN = re.compile(r"sk-[A-Za-z0-9]{20,}")


@dataclass
class InputDef:
    name: str
    kind: Any  # a type name, or the option list of a combo
    options: dict[str, Any] = field(default_factory=dict)
    optional: bool = False

    @property
    def is_widget(self) -> bool:
        if self.options.get("forceInput"):
            return False  # a STRING/INT that is a socket, not a widget
        return isinstance(self.kind, list) or self.kind in WIDGET_KINDS

    @property
    def has_control(self) -> bool:
        return self.kind == "INT" and bool(self.options.get("control_after_generate"))

    def default(self) -> Any:
        if "default" in self.options:
            return self.options["default"]
        if isinstance(self.kind, list):
            return self.kind[0]
        return {"INT": 0, "FLOAT": 0.0, "STRING": "", "BOOLEAN": False, "IMAGEUPLOAD": "image"}.get(self.kind, "")


@dataclass
class NodeDef:
    inputs: list[InputDef]
    outputs: list[tuple[str, str]]
    frontend_only: bool = False  # e.g. Note: saved in the workflow, not sent to the server

    def input(self, name: str) -> InputDef:
        return next(i for i in self.inputs if i.name == name)

    @property
    def widgets(self) -> list[InputDef]:
        return [i for i in self.inputs if i.is_widget]


def definitions(pack: Any) -> dict[str, NodeDef]:
    """Node definitions of the pack (from INPUT_TYPES) and of the core nodes the examples may use."""
    defs: dict[str, NodeDef] = {}
    for node_id, cls in pack.NODE_CLASS_MAPPINGS.items():
        spec = cls.INPUT_TYPES()
        inputs = [
            InputDef(name, entry[0], entry[1] if len(entry) > 1 else {}, section == "optional")
            for section in ("required", "optional")
            for name, entry in spec.get(section, {}).items()
        ]
        defs[node_id] = NodeDef(inputs, list(zip(cls.RETURN_NAMES, cls.RETURN_TYPES, strict=True)))
    for node_id, core in CORE_NODES.items():
        inputs = [
            InputDef(n, k, {x: y for x, y in o.items() if x != "optional"}, bool(o.get("optional")))
            for n, k, o in core["inputs"]
        ]
        defs[node_id] = NodeDef(inputs, list(core["outputs"]), bool(core.get("frontend_only")))
    return defs


def build(spec: dict[str, Any], defs: dict[str, NodeDef]) -> dict[str, Any]:
    names = list(spec["nodes"])
    ids = {name: index + 1 for index, name in enumerate(names)}
    links = []
    for link_id, (src, out_name, dst, in_name) in enumerate(spec.get("links", []), start=1):
        out_slot = [o[0] for o in defs[spec["nodes"][src][0]].outputs].index(out_name)
        out_type = defs[spec["nodes"][src][0]].outputs[out_slot][1]
        links.append([link_id, ids[src], out_slot, ids[dst], in_name, out_type])
    nodes = []
    for order, name in enumerate(names):
        node_type, values = spec["nodes"][name]
        definition = defs[node_type]
        incoming = {link[4]: link for link in links if link[3] == ids[name]}
        inputs = []
        for item in definition.inputs:
            if not item.is_widget or item.name in incoming:
                entry: dict[str, Any] = {
                    "name": item.name,
                    "type": item.kind if isinstance(item.kind, str) else "COMBO",
                }
                entry["link"] = incoming[item.name][0] if item.name in incoming else None
                if item.is_widget:
                    entry["widget"] = {"name": item.name}
                inputs.append(entry)
        widgets = []
        for item in definition.widgets:
            widgets.append(values.get(item.name, item.default()))
            if item.has_control:
                widgets.append(values.get(f"{item.name}__control", "fixed"))
        outputs = [
            {
                "name": out_name,
                "type": out_type,
                "links": [link[0] for link in links if link[1] == ids[name] and link[2] == slot] or None,
                "slot_index": slot,
            }
            for slot, (out_name, out_type) in enumerate(definition.outputs)
        ]
        nodes.append(
            {
                "id": ids[name],
                "type": node_type,
                "pos": [60 + order * 420, 120 + (order % 2) * 60],
                "size": [380, 120 + 28 * len(widgets)],
                "flags": {},
                "order": order,
                "mode": 0,
                "inputs": inputs,
                "outputs": outputs,
                "properties": {} if definition.frontend_only else {"Node name for S&R": node_type},
                "widgets_values": widgets,
            }
        )
    # Links carry the destination slot index, not the name.
    for link in links:
        dst = nodes[link[3] - 1]
        link[4] = next(i for i, entry in enumerate(dst["inputs"]) if entry["name"] == link[4])
    return {
        "last_node_id": len(nodes),
        "last_link_id": len(links),
        "nodes": nodes,
        "links": links,
        "groups": [],
        "config": {},
        "extra": {"ds": {"scale": 1.0, "offset": [0, 0]}},
        "version": 0.4,
    }


def validate(workflow: dict[str, Any], defs: dict[str, NodeDef]) -> list[str]:
    """Problems that would stop the workflow from loading or running; [] when it is sound."""
    problems: list[str] = []
    if KEY_PATTERN.search(json.dumps(workflow)):
        problems.append("something that looks like an API key is in the workflow")
    nodes = {node["id"]: node for node in workflow.get("nodes", [])}
    for node in nodes.values():
        where = f"node {node['id']} ({node.get('type')})"
        definition = defs.get(node.get("type"))
        if definition is None:
            problems.append(f"{where}: unknown node type")
            continue
        values = list(node.get("widgets_values") or [])
        for item in definition.widgets:
            if not values:
                problems.append(f"{where}: missing widget value for {item.name}")
                break
            problem = _check_value(item, values.pop(0))
            if problem:
                problems.append(f"{where}: {item.name} {problem}")
            if item.has_control and (not values or values.pop(0) not in CONTROL_VALUES):
                problems.append(f"{where}: {item.name} lacks a valid control_after_generate value")
        if values:
            problems.append(f"{where}: {len(values)} widget value(s) too many")
        linked = {entry["name"] for entry in node.get("inputs", []) if entry.get("link") is not None}
        for item in definition.inputs:
            if not item.is_widget and not item.optional and item.name not in linked:
                problems.append(f"{where}: required input {item.name} is not connected")
    for link_id, src, src_slot, dst, dst_slot, kind in workflow.get("links", []):
        if src not in nodes or dst not in nodes:
            problems.append(f"link {link_id}: unknown node")
            continue
        src_def, dst_node = defs.get(nodes[src]["type"]), nodes[dst]
        if src_def is None or src_slot >= len(src_def.outputs) or src_def.outputs[src_slot][1] != kind:
            problems.append(f"link {link_id}: output {src_slot} of node {src} is not {kind}")
        if link_id not in (nodes[src]["outputs"][src_slot].get("links") or []):
            problems.append(f"link {link_id}: not listed on node {src}'s output")
        entry = dst_node["inputs"][dst_slot] if dst_slot < len(dst_node.get("inputs", [])) else None
        if entry is None or entry.get("link") != link_id:
            problems.append(f"link {link_id}: not listed on node {dst}'s input {dst_slot}")
            continue
        dst_def = defs.get(dst_node["type"])
        target = dst_def.input(entry["name"]) if dst_def else None
        target_type = target.kind if target and isinstance(target.kind, str) else "COMBO"
        if target is None or target_type != kind:
            problems.append(f"link {link_id}: {kind} into {dst_node['type']}.{entry['name']} ({target_type})")
    return problems


def _check_value(item: InputDef, value: Any) -> str:
    kind, options = item.kind, item.options
    if isinstance(kind, list):
        return "" if value in kind else f"= {value!r} is not one of the options"
    if kind == "BOOLEAN":
        return "" if isinstance(value, bool) else f"= {value!r} is not a boolean"
    if kind in ("INT", "FLOAT"):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (kind == "INT" and not float(value).is_integer())
        ):
            return f"= {value!r} is not a {kind}"
        low, high = options.get("min", float("-inf")), options.get("max", float("inf"))
        return "" if low <= value <= high else f"= {value} is outside {low}..{high}"
    if kind in ("STRING", ANY_FILE):
        return "" if isinstance(value, str) else f"= {value!r} is not text"
    return ""


def spec_modules() -> dict[str, dict[str, Any]]:
    import tests.example_specs as package

    examples: dict[str, dict[str, Any]] = {}
    for info in pkgutil.iter_modules(package.__path__):
        examples.update(importlib.import_module(f"tests.example_specs.{info.name}").EXAMPLES)
    return examples


def main() -> None:
    from tests.conftest import load_pack_like_comfyui

    pack = load_pack_like_comfyui(Path(tempfile.mkdtemp()) / "custom_nodes", "builder.pack")
    defs = definitions(pack)
    EXAMPLES_DIR.mkdir(exist_ok=True)
    for stem, spec in sorted(spec_modules().items()):
        workflow = build(spec, defs)
        problems = validate(workflow, defs)
        if problems:
            raise SystemExit(f"{stem}: " + "; ".join(problems))
        (EXAMPLES_DIR / f"{stem}.json").write_text(
            json.dumps(workflow, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"wrote example_workflows/{stem}.json")


if __name__ == "__main__":
    main()

"""Every example workflow loads and type-checks against the node definitions, and every node has one."""

from __future__ import annotations

import json

import pytest

from tests.workflow_builder import EXAMPLES_DIR, build, definitions, spec_modules, validate

FILES = sorted(EXAMPLES_DIR.glob("*.json"))


@pytest.fixture(scope="module")
def defs(pack):
    return definitions(pack)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_example_workflow_is_valid(path, defs):
    workflow = json.loads(path.read_text(encoding="utf-8"))
    assert validate(workflow, defs) == []


def test_examples_match_their_specs(defs):
    """The committed files are what the specs build (regenerate with `python -m tests.workflow_builder`)."""
    specs = spec_modules()
    assert {p.stem for p in FILES} == set(specs)
    for stem, spec in specs.items():
        assert json.loads((EXAMPLES_DIR / f"{stem}.json").read_text(encoding="utf-8")) == build(spec, defs), stem


def test_every_node_has_an_example(pack):
    used = {node["type"] for path in FILES for node in json.loads(path.read_text(encoding="utf-8"))["nodes"]}
    missing = sorted(set(pack.NODE_CLASS_MAPPINGS) - used)
    assert missing == [], f"nodes without an example workflow: {missing}"


def test_the_validator_catches_broken_workflows(defs):
    spec = {
        "nodes": {"t2i": ("DashScopeImgWanxTextToImage", {"prompt": "x"}), "save": ("SaveImage", {})},
        "links": [("t2i", "images", "save", "images")],
    }
    good = build(spec, defs)
    assert validate(good, defs) == []
    bad_combo = json.loads(json.dumps(good))
    bad_combo["nodes"][0]["widgets_values"][2] = "<not a style>"
    assert any("style" in p for p in validate(bad_combo, defs))
    bad_range = json.loads(json.dumps(good))
    bad_range["nodes"][0]["widgets_values"][4] = 9
    assert any("outside" in p for p in validate(bad_range, defs))
    bad_link = json.loads(json.dumps(good))
    bad_link["links"][0][5] = "MASK"
    assert any("link 1" in p for p in validate(bad_link, defs))
    unknown = json.loads(json.dumps(good))
    unknown["nodes"][1]["type"] = "NoSuchNode"
    assert any("unknown node type" in p for p in validate(unknown, defs))
    leaked = json.loads(json.dumps(good))
    leaked["nodes"][0]["widgets_values"][0] = "sk-" + "a1" * 16
    assert any("API key" in p for p in validate(leaked, defs))

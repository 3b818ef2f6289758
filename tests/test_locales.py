"""Every node, input and output has English and Chinese text; no translation names something that does not exist."""

from __future__ import annotations

import json

import pytest

from tests import zh_terms
from tests.locale_tool import REPO, build


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_node_input_and_output_is_translated(pack, language):
    defs = json.loads((REPO / "locales" / language / "nodeDefs.json").read_text(encoding="utf-8"))
    assert set(defs) == set(pack.NODE_CLASS_MAPPINGS), "a translation names a node that does not exist, or misses one"
    for node_id, cls in pack.NODE_CLASS_MAPPINGS.items():
        spec = cls.INPUT_TYPES()
        inputs = {name for section in ("required", "optional") for name in spec.get(section, {})}
        entry = defs[node_id]
        assert entry["display_name"] and entry["description"]
        assert set(entry["inputs"]) == inputs, node_id
        assert all(text["name"] and text["tooltip"] for text in entry["inputs"].values()), node_id
        assert set(entry["outputs"]) == {str(i) for i in range(len(cls.RETURN_TYPES))}, node_id
        assert all(text["name"] and text["tooltip"] for text in entry["outputs"].values()), node_id


def test_chinese_text_is_chinese(pack):
    defs = json.loads((REPO / "locales" / "zh" / "nodeDefs.json").read_text(encoding="utf-8"))
    for entry in defs.values():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in entry["display_name"] + entry["description"])


def test_term_tables_hold_nothing_stale(pack):
    inputs = {
        n
        for cls in pack.NODE_CLASS_MAPPINGS.values()
        for s in ("required", "optional")
        for n in cls.INPUT_TYPES().get(s, {})
    }
    outputs = {n for cls in pack.NODE_CLASS_MAPPINGS.values() for n in cls.RETURN_NAMES}
    assert set(zh_terms.NODES) == set(pack.NODE_CLASS_MAPPINGS)
    assert set(zh_terms.INPUTS) == inputs
    assert set(zh_terms.OUTPUTS) == outputs


def test_committed_files_are_up_to_date(pack):
    """Regenerate with `python -m tests.locale_tool` after changing a node or tests/zh_terms.py."""
    for path, content in build(pack).items():
        text = path.read_text(encoding="utf-8")
        assert (text if isinstance(content, str) else json.loads(text)) == content, path.name


def test_every_node_has_help_pages_in_both_languages(pack):
    for node_id in pack.NODE_CLASS_MAPPINGS:
        for language, word in (("en", "## Inputs"), ("zh", "## 输入")):
            page = (REPO / "web" / "docs" / node_id / f"{language}.md").read_text(encoding="utf-8")
            assert page.startswith("# ") and word in page


def test_option_labels_name_real_option_values(pack):
    values = set()
    for cls in pack.NODE_CLASS_MAPPINGS.values():
        spec = cls.INPUT_TYPES()
        for section in ("required", "optional"):
            for entry in spec.get(section, {}).values():
                if isinstance(entry[0], list):
                    values.update(str(v) for v in entry[0])
    assert set(zh_terms.OPTION_LABELS) <= values, sorted(set(zh_terms.OPTION_LABELS) - values)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in zh_terms.OPTION_LABELS.values())

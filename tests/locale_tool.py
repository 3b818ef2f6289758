"""Build locales/en and locales/zh (ComfyUI's nodeDefs.json format) and the node help pages web/docs/<NodeId>/
<en|zh>.md from the node definitions and tests/zh_terms.py:  python -m tests.locale_tool"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from tests import zh_terms

REPO = Path(__file__).resolve().parents[1]


def node_defs(pack: Any, language: str) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    for node_id, cls in sorted(pack.NODE_CLASS_MAPPINGS.items()):
        spec = cls.INPUT_TYPES()
        inputs = {name: entry for section in ("required", "optional") for name, entry in spec.get(section, {}).items()}
        if language == "en":
            name, description = cls.DISPLAY_NAME, cls.DESCRIPTION
            input_text = {
                k: {"name": k, "tooltip": (v[1] if len(v) > 1 else {}).get("tooltip", "")} for k, v in inputs.items()
            }
            output_text = {
                str(i): {"name": n, "tooltip": t}
                for i, (n, t) in enumerate(zip(cls.RETURN_NAMES, cls.OUTPUT_TOOLTIPS, strict=True))
            }
        else:
            name, description = zh_terms.NODES[node_id]
            input_text = {k: dict(zip(("name", "tooltip"), zh_terms.INPUTS[k], strict=True)) for k in inputs}
            output_text = {
                str(i): dict(zip(("name", "tooltip"), zh_terms.OUTPUTS[n], strict=True))
                for i, n in enumerate(cls.RETURN_NAMES)
            }
        defs[node_id] = {"display_name": name, "description": description, "inputs": input_text, "outputs": output_text}
    return defs


def main_json(language: str) -> dict[str, Any]:
    content: dict[str, Any] = {"nodeCategories": {"DashScope": {"en": "DashScope", "zh": "百炼 DashScope"}[language]}}
    if language == "zh":
        # Read by web/dashscope_labels.js from ComfyUI's /i18n (main.json keys are served as they are).
        content["dashscopeImage"] = {"optionLabels": dict(zh_terms.OPTION_LABELS)}
    return content


HEADINGS = {
    "en": ("Inputs", "Outputs", "Input", "Output", "What it means"),
    "zh": ("输入", "输出", "输入", "输出", "说明"),
}


def help_page(entry: dict[str, Any], language: str) -> str:
    """The node's help page in ComfyUI's node library (web/docs/<NodeId>/<locale>.md)."""
    inputs_title, outputs_title, input_col, output_col, meaning = HEADINGS[language]
    lines = [
        f"# {entry['display_name']}",
        "",
        _cell(entry["description"]),
        "",
        f"## {inputs_title}",
        "",
        f"| {input_col} | {meaning} |",
        "|---|---|",
    ]
    lines += [f"| {_cell(text['name'])} | {_cell(text['tooltip'])} |" for text in entry["inputs"].values()]
    lines += ["", f"## {outputs_title}", "", f"| {output_col} | {meaning} |", "|---|---|"]
    lines += [f"| {_cell(text['name'])} | {_cell(text['tooltip'])} |" for text in entry["outputs"].values()]
    return "\n".join(line.replace("\n", " ") for line in lines) + "\n"


def _cell(text: str) -> str:
    """Table-cell safe Markdown: option values such as <anime> must not read as HTML tags."""
    return text.replace("\n", " ").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def build(pack: Any) -> dict[Path, Any]:
    files: dict[Path, Any] = {}
    for language in ("en", "zh"):
        defs = node_defs(pack, language)
        files[REPO / "locales" / language / "nodeDefs.json"] = defs
        files[REPO / "locales" / language / "main.json"] = main_json(language)
        for node_id, entry in defs.items():
            files[REPO / "web" / "docs" / node_id / f"{language}.md"] = help_page(entry, language)
    return files


def main() -> None:
    from tests.conftest import load_pack_like_comfyui

    pack = load_pack_like_comfyui(Path(tempfile.mkdtemp()) / "custom_nodes", "locale.pack")
    for path, content in build(pack).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, indent=2) + "\n"
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()

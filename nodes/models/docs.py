"""docs/models.md from the model table: every model's endpoint, mode, limits, image rules, result places, list
price, lifecycle and every request field with its placement, type, range, service default and source.

Stdlib only and no ComfyUI, so the file can be rebuilt (``python -m tests.models_doc``) and checked by a test.
The text depends on nothing but the rows (no dates of today), so a current file stays current.
"""

from __future__ import annotations

from collections.abc import Mapping

from .schema import Field, ImageRule, ModelSpec, _num

TITLE = "# DashScope image models: the pack's table"
INTRO = (
    "Generated from `nodes/models` by `python -m tests.models_doc`; do not edit by hand (a test fails when this "
    "file is not current). Each fact names its source: the official API page, or `UNCONFIRMED` with the reason "
    "(no official page states it; the pack then sends the field only when you set it). Async models create a task "
    "that the pack polls; where a page documents both protocols the pack uses the asynchronous one. Sync models "
    "(no asynchronous protocol documented) answer in one call, without a task id."
)


def render_markdown(models: Mapping[str, ModelSpec]) -> str:
    lines = [TITLE, "", INTRO, "", "| Model | Endpoint | Mode | List price | Status |", "|---|---|---|---|---|"]
    for spec in models.values():
        lines.append(
            f"| [{spec.name}](#{_anchor(spec.name)}) | `{spec.path}` | {_mode(spec)} | {_price(spec)} | "
            f"{_cell(_status(spec))} |"
        )
    for spec in models.values():
        lines += ["", *_model(spec)]
    return "\n".join(lines) + "\n"


def _model(spec: ModelSpec) -> list[str]:
    lines = [
        f"## {spec.name}",
        "",
        f"- Page: {spec.page}",
        f"- Endpoint: `POST {spec.path}`, {_mode(spec)}" + _cite(spec, "endpoint"),
        f"- Limits: {spec.qps:g} requests per second, {spec.concurrency} task(s) at a time" + _cite(spec, "limits"),
        "- Images: "
        + ("URL, `oss://` upload or Base64 data URI" if spec.data_uri else "URL or `oss://` upload (no data URI)")
        + _cite(spec, "data_uri"),
        "- Results: " + ", ".join(f"`output.{r}`" for r in spec.results) + _cite(spec, "results"),
        f"- List price: {_price(spec)}" + (_cite(spec, "price") if spec.price_cny is not None else ""),
        f"- Lifecycle: {_status(spec)}" + _cite(spec, "lifecycle"),
    ]
    if spec.sync_path:
        lines.append(
            f"- Also documented: synchronous `POST {spec.sync_path}`; not used, because it gives no task id "
            "(async first)" + _cite(spec, "sync_path")
        )
    elif spec.sync:
        lines.append(
            "- Synchronous only: no asynchronous protocol is documented for it, so a call has no task id (no "
            "journal entry, recovery or Task Result); an answer lost to a dropped connection cannot be fetched."
        )
    if spec.data_inspection:
        lines.append("- The official examples send the header `X-DashScope-DataInspection: enable`.")
    rules = [(f, f.image) for f in spec.fields if f.image is not None]
    if rules:
        lines += ["", "| Image field | Rule | Source |", "|---|---|---|"]
        lines += [
            f"| `{f.path}` | {_cell(_image_rule(rule))} | {_cell(rule.source or f.source)} |" for f, rule in rules
        ]
    if spec.fields:
        lines += [
            "",
            "| Field | Type | Required | Range / values / service default | Source |",
            "|---|---|---|---|---|",
        ]
        lines += [_field_row(f) for f in spec.fields]
    else:
        lines += ["", "No request fields in the table yet."]
    if spec.modes:
        lines += ["", "| Use | How the fields differ | Source |", "|---|---|---|"]
        lines += [
            f"| {_USES.get(name, name)} | {_cell(mode.describe())} | {_cell(mode.source or spec.page)} |"
            for name, mode in spec.modes.items()
        ]
    return lines


# How the uses of a model are named in the docs (a mode switch's own field name, or these).
_USES = {"text": "text to image (no pictures)", "edit": "editing (pictures)", "enable_sequential": "image set"}


def _field_row(field: Field) -> str:
    rule = "; ".join(part for part in (field.limits_text(), field.note) if part) or "—"
    required = "yes" if field.required else "no"
    return f"| `{field.path}` | {field.type} | {required} | {_cell(rule)} | {_cell(field.source)} |"


def _image_rule(rule: ImageRule) -> str:
    parts = ["/".join(rule.formats)]
    if rule.min_side is not None or rule.max_side is not None:
        low = "" if rule.min_side is None else f"{rule.min_side}"
        high = "" if rule.max_side is None else f"{rule.max_side}"
        kind = "exclusive" if rule.strict else "inclusive"
        parts.append(f"each side {low}–{high} px ({kind})")
    if rule.max_mb is not None:
        parts.append(f"at most {_num(rule.max_mb)} MB")
    if rule.max_aspect is not None:
        parts.append(f"long:short at most {_num(rule.max_aspect)}")
    return "; ".join(parts)


def _mode(spec: ModelSpec) -> str:
    return "sync" if spec.sync else "async"


def _price(spec: ModelSpec) -> str:
    return f"¥{spec.price_cny:g} per image" if spec.price_cny is not None else "not stated"


def _status(spec: ModelSpec) -> str:
    parts = {"active": ["active"], "trial": ["free trial quota only (no paid use)"], "retired": ["retired"]}.get(
        spec.status, [spec.status]
    )
    if spec.retired_on:
        parts.append(f"retirement date {spec.retired_on}")
    if spec.successor:
        parts.append(f"successor {spec.successor}")
    return "; ".join(parts)


def _cite(spec: ModelSpec, fact: str) -> str:
    return f" — source: {spec.source(fact)}"


def _cell(text: str) -> str:
    """Table-cell safe: pipes escaped; outside `code` spans, < > * escaped so values never read as HTML or emphasis."""
    spans = text.replace("\n", " ").replace("|", "\\|").split("`")
    plain = {"<": "&lt;", ">": "&gt;", "*": "\\*"}  # * would start emphasis in 1024*1024, 720*1280
    return "`".join(s if i % 2 else "".join(plain.get(c, c) for c in s) for i, s in enumerate(spans))


def _anchor(name: str) -> str:
    """GitHub's heading anchor: lower case, spaces to '-', other punctuation except '-' and '_' dropped."""
    return "".join(ch for ch in name.lower().replace(" ", "-") if ch.isalnum() or ch in "-_")


__all__ = ["render_markdown"]

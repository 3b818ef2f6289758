"""The compatibility table: one row per setup and renderer, from the browser passes' reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

HEADER = (
    "ComfyUI",
    "frontend",
    "renderer",
    "templates loaded",
    "templates run",
    "settings: save / test / remove",
    "inputs follow model",
    "status on node",
    "page errors",
)


@dataclass
class Row:
    comfyui: str
    frontend: str
    asked: str  # the renderer asked for: classic or vue
    report: dict[str, Any] = field(default_factory=dict)

    def renderer(self) -> str:
        if self.asked != "vue":
            return "classic"
        if self.report.get("vueNodes"):
            return "Nodes 2.0"
        return "Nodes 2.0 asked, classic drawn"

    def cells(self) -> tuple[str, ...]:
        report = self.report
        templates = report.get("templates") or []
        dialog = report.get("dialog") or {}
        mark = {True: "ok", False: "FAIL", None: "—"}
        settings = " / ".join(mark[dialog.get(k)] for k in ("saved", "tested", "removed"))
        errors = len(report.get("pageErrors") or []) + len(report.get("failures") or [])
        return (
            self.comfyui,
            self.frontend,
            self.renderer(),
            f"{sum(t.get('loaded', False) for t in templates)}/{len(templates)}",
            f"{sum(t.get('ran', False) for t in templates)}/{len(templates)}",
            settings,
            mark[(report.get("follow") or {}).get("ok")],
            mark[(report.get("status") or {}).get("ok")],
            str(errors),
        )

    def problems(self) -> list[str]:
        """One line per thing that went wrong, for the lines under the table."""
        where = f"{self.comfyui} / {self.frontend} / {self.renderer()}"
        lines = [
            f"{where}: {t['name']}: {t.get('error')}" for t in self.report.get("templates") or [] if not t.get("ran")
        ]
        lines += [f"{where}: page error: {e}" for e in self.report.get("pageErrors") or []]
        lines += [f"{where}: {f}" for f in self.report.get("failures") or []]
        if (self.report.get("follow") or {}).get("ok") is False:
            lines.append(f"{where}: inputs follow model: {self.report['follow']}")
        return lines


def markdown_table(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def all_passed(rows: Sequence[Row]) -> bool:
    return bool(rows) and all(
        not row.problems() and "FAIL" not in row.cells() and "—" not in row.cells() for row in rows
    )

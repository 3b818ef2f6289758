"""python -m tests.compat --comfyui DIR --frontend VERSION|bundled [--renderer classic|vue|both]

Starts the pack's emulator and the given ComfyUI (the pack linked into an isolated base folder, a private pack data
folder, the frontend package VERSION from the package registry through --front-end-root), then, in each renderer,
drives a headless Chromium: the settings dialog saves the key and tests the connection, every example workflow is
loaded as a template and run, a model switch hides and restores an input, the node's status is checked, and the
dialog removes the key. Prints the table for the README's "Tested with" section; exit 0 when everything passed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .report import Row, all_passed, markdown_table
from .stack import (
    PACK_NAME,
    ROOT,
    comfyui_version,
    frontend_root,
    settings_file,
    start_comfyui,
    start_emulator,
    stop,
    template_names,
)

RENDERERS = {"classic": ["classic"], "vue": ["vue"], "both": ["classic", "vue"]}
STATUS_TEMPLATE = "text_to_image_wanx_v1"  # one pack node: its status line is checked after the run


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.compat", description=__doc__.split("\n\n")[1])
    parser.add_argument("--comfyui", type=Path, required=True, help="a ComfyUI work tree (holds main.py)")
    parser.add_argument("--frontend", required=True, help="a comfyui-frontend-package version, or 'bundled'")
    parser.add_argument("--renderer", choices=sorted(RENDERERS), default="both")
    parser.add_argument(
        "--python", default=os.environ.get("COMFY_PYTHON") or _default_python(), help="ComfyUI's Python"
    )
    parser.add_argument("--port", type=int, default=8288, help="ComfyUI's port (127.0.0.1)")
    parser.add_argument(
        "--emulator-port", type=int, default=8765, help="the emulator's port; it also uses the next two"
    )
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "comfyui-dashscope-compat")
    parser.add_argument("--screenshots", type=Path, help="save screenshots of the dialog, a node and its status here")
    parser.add_argument("--templates", help="comma-separated template names (default: every example workflow)")
    parser.add_argument("--json", type=Path, help="also write the full reports here")
    parser.add_argument("--keep", action="store_true", help="keep the run folder (logs, outputs)")
    args = parser.parse_args(argv)
    if not (args.comfyui / "main.py").exists():
        parser.error(f"--comfyui {args.comfyui}: no main.py there")
    if args.frontend != "bundled" and not all(part.isdigit() for part in args.frontend.split(".")):
        parser.error(f"--frontend {args.frontend!r}: a version like 1.58.1, or 'bundled'")
    return args


def _default_python() -> str:
    venv = Path.home() / "comfy-venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def browser_pass(config: dict, run_dir: Path) -> dict:
    path = run_dir / f"browser-{config['renderer']}.json"
    path.write_text(json.dumps(config))
    done = subprocess.run(
        ["node", str(ROOT / "tests" / "compat" / "browser.js"), str(path)],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"failures": [f"browser.js exited {done.returncode}: {done.stderr[-800:]}"]}
    return json.loads(lines[-1])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = args.templates.split(",") if args.templates else template_names()
    version = comfyui_version(args.comfyui)
    static = frontend_root(args.frontend, args.cache)
    run_dir = Path(tempfile.mkdtemp(prefix="dashscope-compat-"))
    key = "sk-compat-" + secrets.token_hex(12)  # a throwaway key; the emulator takes no other
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    emulator = comfy = None
    rows: list[Row] = []
    try:
        emulator = start_emulator(args.emulator_port, key, run_dir / "emulator.log")
        comfy = start_comfyui(args.comfyui, args.python, args.port, run_dir, args.emulator_port, static)
        for renderer in RENDERERS[args.renderer]:
            config = {
                "base": f"http://127.0.0.1:{args.port}",
                "renderer": renderer,
                "templates": [[PACK_NAME, name] for name in names],
                "statusTemplate": STATUS_TEMPLATE,
                "settingsFile": str(settings_file(run_dir)),
                "key": key,
                "screenshots": str(args.screenshots or ""),
                "prefix": f"{version}_{args.frontend}_{renderer}_",
            }
            report = browser_pass(config, run_dir)
            frontend = report.get("frontendVersion") or args.frontend
            rows.append(Row(version, frontend, renderer, report))
    finally:
        stop(comfy)
        stop(emulator)
        if not args.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
    print(markdown_table(rows))
    for row in rows:
        for line in row.problems():
            print("  " + line)
    if args.json:
        args.json.write_text(json.dumps([row.__dict__ for row in rows], indent=1, ensure_ascii=False))
    return 0 if all_passed(rows) else 1


if __name__ == "__main__":
    sys.exit(main())

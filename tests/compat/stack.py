"""What the compatibility check runs: the pack's emulator, a frontend package, and a ComfyUI with the pack linked
into an isolated base folder of its own (its own custom_nodes, input, output and user folders, and a private pack
data folder), all on 127.0.0.1. Everything started here is stopped here, by process id."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]  # the pack
PACK_NAME = "comfyui-dashscope-image"  # the folder name a git clone or ComfyUI Manager gives it
FRONTEND_PACKAGE = "comfyui-frontend-package"


def comfyui_version(comfyui: Path) -> str:
    match = re.search(r"__version__\s*=\s*['\"]([^'\"]+)", (comfyui / "comfyui_version.py").read_text())
    return match.group(1) if match else "?"


def frontend_root(version: str, cache: Path) -> Path | None:
    """The static folder of ``comfyui-frontend-package==version``, installed once into ``cache`` (never into
    ComfyUI's environment); None for "bundled" (the frontend ComfyUI's own requirements installed)."""
    if version == "bundled":
        return None
    target = cache / f"frontend-{version}"
    static = target / "comfyui_frontend_package" / "static"
    if not (static / "index.html").exists():
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
        subprocess.run([*pip, f"{FRONTEND_PACKAGE}=={version}"], check=True)
    return static


def template_names(folder: Path = ROOT / "example_workflows") -> list[str]:
    return sorted(path.stem for path in folder.glob("*.json"))


def pictures_needed(folder: Path = ROOT / "example_workflows") -> list[str]:
    """The file names the templates' LoadImage nodes expect in ComfyUI's input folder."""
    names: set[str] = set()
    for path in folder.glob("*.json"):
        for node in json.loads(path.read_text(encoding="utf-8")).get("nodes", []):
            if node.get("type") == "LoadImage" and node.get("widgets_values"):
                names.add(str(node["widgets_values"][0]))
    return sorted(names)


def write_pictures(names: Iterable[str], folder: Path) -> None:
    """A textured 768x1024 RGBA picture per name. Its transparent middle is LoadImage's MASK: the area to repaint,
    the garment to keep, the product to cut out. Texture, not a flat colour: the emulator's face check wants one."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, name in enumerate(names):
        rng = np.random.default_rng(index)
        y, x = np.mgrid[0:1024, 0:768]
        rgb = np.stack([(x * 255 // 767), (y * 255 // 1023), rng.integers(0, 256, (1024, 768))], axis=-1)
        alpha = np.full((1024, 768), 255)
        alpha[384:640, 256:512] = 0
        pixels = np.dstack([rgb, alpha]).astype(np.uint8)
        Image.fromarray(pixels, "RGBA").save(folder / name, compress_level=1)


def _wait_http(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:3]} exited with {process.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback only
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def stop(process: subprocess.Popen | None) -> None:
    """Stop a process this module started (its own process group), by id."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def start_emulator(port: int, key: str, log: Path) -> subprocess.Popen:
    """The emulator accepts only ``key``: a template runs only with the key the settings dialog saved."""
    command = [sys.executable, "-m", "tests.emulator", "--port", str(port), "--key", key, "--task-seconds", "0.3"]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while "emulator at" not in log.read_text() and time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the emulator exited: {log.read_text()[-500:]}")
        time.sleep(0.2)
    return process


def start_comfyui(
    comfyui: Path, python: str, port: int, run_dir: Path, emulator_port: int, front_end: Path | None
) -> subprocess.Popen:
    base = run_dir / "base"
    nodes = base / "custom_nodes"
    nodes.mkdir(parents=True, exist_ok=True)
    for folder in ("input", "output", "temp", "user", "models"):
        (base / folder).mkdir(exist_ok=True)
    link = nodes / PACK_NAME
    if not link.exists():
        link.symlink_to(ROOT, target_is_directory=True)
    write_pictures(pictures_needed(), base / "input")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASHSCOPE_")}
    env.update(
        DASHSCOPE_BASE_URL=f"http://127.0.0.1:{emulator_port}/api/v1",  # never a real DashScope host
        DASHSCOPE_PACK_HOME=str(run_dir / "packhome"),
        DASHSCOPE_PACK_CONFIG=str(settings_file(run_dir)),
    )
    command = [python, "main.py", "--cpu", "--listen", "127.0.0.1", "--port", str(port), "--disable-auto-launch"]
    command += ["--base-directory", str(base), "--database-url", f"sqlite:///{base / 'user' / 'comfyui.db'}"]
    if front_end is not None:
        command += ["--front-end-root", str(front_end)]
    log = (run_dir / "comfyui.log").open("w")
    process = subprocess.Popen(
        command, cwd=comfyui, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        _wait_http(f"http://127.0.0.1:{port}/object_info", process, 240)
    except Exception:
        stop(process)
        raise
    text = (run_dir / "comfyui.log").read_text(errors="replace")
    if re.search(rf"IMPORT FAILED.*{re.escape(PACK_NAME)}", text):
        stop(process)
        raise RuntimeError(f"the pack failed to import; see {run_dir / 'comfyui.log'}")
    return process


def settings_file(run_dir: Path) -> Path:
    return run_dir / "packhome" / "settings.json"

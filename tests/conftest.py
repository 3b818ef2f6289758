"""Shared fixtures: the local DashScope emulator, and the pack loaded the way ComfyUI loads it."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import secrets
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.emulator import Emulator

REPO = Path(__file__).resolve().parents[1]
# A throwaway key made per test session: no real key ever sits in a fixture. Kept in the environment so
# that every import of this module (pytest loads conftest under its own name) sees the same key.
TEST_KEY = os.environ.setdefault("PACK_TEST_ONLY_KEY", "sk-test" + secrets.token_hex(12))


def load_pack_like_comfyui(custom_nodes: Path, folder: str = "ComfyUI-DashScope.Image-pack") -> ModuleType:
    """Import the pack as ComfyUI 0.3.x's load_custom_node does: the folder's path, dots replaced by '_x_',
    is the module name, and the folder's __init__.py is executed as a package."""
    custom_nodes.mkdir(parents=True, exist_ok=True)
    link = custom_nodes / folder
    if not link.exists():
        link.symlink_to(REPO, target_is_directory=True)
    module_name = str(link).replace(".", "_x_")
    spec = importlib.util.spec_from_file_location(module_name, link / "__init__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pack(tmp_path_factory) -> ModuleType:
    return load_pack_like_comfyui(tmp_path_factory.mktemp("comfy") / "custom_nodes")


def submodule(pack: ModuleType, name: str) -> ModuleType:
    """A module of the loaded pack, e.g. submodule(pack, "nodes.client")."""
    return sys.modules[f"{pack.__name__}.{name}"]


@pytest.fixture(autouse=True)
def private_pack_home(tmp_path, monkeypatch) -> Path:
    """Every test gets its own pack data folder (the task journal): no test writes into the user's own."""
    home = tmp_path / "pack-home"
    monkeypatch.setenv("DASHSCOPE_PACK_HOME", str(home))
    return home


@pytest.fixture
def emulator():
    """A fresh emulator per test: 0.2 s tasks, the spec's rate and concurrency limits, and strict mode (a field
    the official page does not document, or one in the wrong place, is refused with InvalidParameter)."""
    emu = Emulator(api_key=TEST_KEY, task_seconds=0.2, strict=True)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def service(emulator, monkeypatch, tmp_path, pack):
    """The pack pointed at the emulator through the environment, with its own empty config file."""
    monkeypatch.setenv("DASHSCOPE_BASE_URL", emulator.base_url)
    monkeypatch.setenv("DASHSCOPE_API_KEY", TEST_KEY)
    monkeypatch.setenv("DASHSCOPE_PACK_CONFIG", str(tmp_path / "config.json"))
    monkeypatch.delenv("DASHSCOPE_HTTP_BASE_URL", raising=False)
    monkeypatch.delenv("DASHSCOPE_WORKSPACE", raising=False)
    monkeypatch.delenv("DASHSCOPE_REGION", raising=False)
    return emulator


class StatusRecorder:
    """Captures what nodes would show on the canvas (ComfyUI's progress text and bar)."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []
        self.progress: list[tuple[int, int, str]] = []


@pytest.fixture
def canvas(pack, monkeypatch) -> StatusRecorder:
    bridge = submodule(pack, "nodes.comfy_bridge")
    recorder = StatusRecorder()
    monkeypatch.setattr(bridge, "_send_text", lambda text, node_id: recorder.texts.append((node_id, text)))
    monkeypatch.setattr(bridge, "_send_progress", lambda v, t, node_id: recorder.progress.append((v, t, node_id)))
    return recorder


def node_inputs(pack: ModuleType, node_id: str, **overrides: Any) -> dict[str, Any]:
    """Every widget of a node at its default (what a freshly added node holds), then ``overrides``: connections
    (IMAGE, MASK…) and anything a test or benchmark sets. Defaults are valid for every model a node offers."""
    spec = pack.NODE_CLASS_MAPPINGS[node_id].INPUT_TYPES()
    values: dict[str, Any] = {}
    for name, entry in spec.get("required", {}).items():
        kind, options = entry[0], (entry[1] if len(entry) > 1 else {})
        if isinstance(kind, list):
            values[name] = options.get("default", kind[0])
        elif "default" in options:
            values[name] = options["default"]
    return {**values, **overrides}


def run_node(pack: ModuleType, node_id: str, **inputs: Any) -> tuple:
    """Execute one node as ComfyUI does for an async node function, with one value per input (one list item);
    returns what a downstream node receives (``downstream``)."""
    cls = pack.NODE_CLASS_MAPPINGS[node_id]
    function = getattr(cls(), cls.FUNCTION)
    return downstream(cls, asyncio.run(function(**inputs)))


def downstream(cls: type, outputs: tuple) -> tuple:
    """A node's outputs as the next node sees them: a list output (OUTPUT_IS_LIST) of one item is that item."""
    flags = getattr(cls, "OUTPUT_IS_LIST", (False,) * len(outputs))
    return tuple(o[0] if flag and len(o) == 1 else o for o, flag in zip(outputs, flags, strict=True))


def run_list_node(pack: ModuleType, node_id: str, **inputs: Any) -> tuple:
    """Execute a node as ComfyUI does for list inputs (INPUT_IS_LIST): every input given as a list (a widget as a
    list of one, as ComfyUI passes it). Returns the raw outputs: lists for list outputs."""
    cls = pack.NODE_CLASS_MAPPINGS[node_id]
    listed = {k: v if isinstance(v, list) else [v] for k, v in inputs.items()}
    return asyncio.run(getattr(cls(), cls.FUNCTION)(**listed))


def task_made_elsewhere(emu, body: dict[str, Any] | None = None) -> str:
    """A wanx-v1 task created outside the pack (the 百炼 console, another program or machine on the account)."""
    import requests

    answer = requests.post(
        emu.base_url + "/services/aigc/text2image/image-synthesis",
        json=body or {"model": "wanx-v1", "input": {"prompt": "made elsewhere"}, "parameters": {"n": 1}},
        headers={"Authorization": f"Bearer {TEST_KEY}", "X-DashScope-Async": "enable"},
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()["output"]["task_id"]


def api_requests(emu, path_part: str = "", method: str | None = None) -> list:
    return [
        r for r in emu.requests if r.host == "api" and path_part in r.path and (method is None or r.method == method)
    ]


def assert_refused_before_any_request(pack: ModuleType, emu, node_id: str, inputs: dict[str, Any], words) -> None:
    """The node raises InputError naming itself, the input and the limit, and nothing reached the service."""
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.InputError) as caught:
        run_node(pack, node_id, **inputs)
    message = str(caught.value)
    assert message.startswith(pack.NODE_DISPLAY_NAME_MAPPINGS[node_id]), message
    for word in words:
        assert word in message, message
    assert emu.requests == []

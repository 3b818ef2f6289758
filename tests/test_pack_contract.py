"""The pack loads as ComfyUI loads it, and every node honours ComfyUI's classic node contract."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO, submodule

VALID_TYPES = {"IMAGE", "MASK", "STRING", "INT", "FLOAT", "BOOLEAN"}


def test_loads_under_a_path_module_name_with_dashes_and_dots(pack):
    assert "_x_" in pack.__name__ and "/" in pack.__name__
    assert pack.NODE_CLASS_MAPPINGS, "no nodes registered"
    assert set(pack.NODE_CLASS_MAPPINGS) == set(pack.NODE_DISPLAY_NAME_MAPPINGS)
    assert pack.WEB_DIRECTORY == "./web" and (REPO / "web").is_dir()


def test_no_absolute_import_of_the_pack_or_of_nodes():
    """ComfyUI has its own top-level `nodes`; the pack must use relative imports only."""
    offenders = []
    for path in list(REPO.glob("nodes/**/*.py")) + [REPO / "__init__.py"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import nodes", "from nodes")):
                offenders.append(f"{path.name}: {stripped}")
    assert offenders == []


def test_the_entry_point_runs_as_a_plain_module():
    """pytest, run in a checkout named like the README's `git clone` (comfyui-dashscope-image: no Python name), loads
    the root __init__.py as a plain module while collecting; it must not fail there (ComfyUI imports a package)."""
    code = f"import runpy; names = runpy.run_path(r'{REPO / '__init__.py'}'); print(names['NODE_CLASS_MAPPINGS'])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "{}"


def test_imports_without_comfyui_installed():
    code = (
        "import sys, importlib.util; sys.modules['comfy']=None; sys.modules['server']=None;"
        f"spec=importlib.util.spec_from_file_location('x_pack', r'{REPO / '__init__.py'}');"
        "m=importlib.util.module_from_spec(spec); sys.modules['x_pack']=m; spec.loader.exec_module(m);"
        "print(len(m.NODE_CLASS_MAPPINGS))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) > 0


def _node_classes():
    import tempfile
    from pathlib import Path

    from tests.conftest import load_pack_like_comfyui

    pack = load_pack_like_comfyui(Path(tempfile.mkdtemp()) / "custom_nodes", "contract.pack")
    return sorted(pack.NODE_CLASS_MAPPINGS.items())


def _shared_options() -> tuple[str, ...]:
    return ("if_some_images_fail",)


@pytest.mark.parametrize(("node_id", "cls"), _node_classes())
def test_node_contract(node_id, cls):
    assert node_id.startswith("DashScopeImg"), "node ids need the pack's distinctive prefix"
    spec = cls.INPUT_TYPES()
    assert set(spec) <= {"required", "optional", "hidden"}
    assert spec.get("hidden", {}).get("unique_id") == "UNIQUE_ID", "needed to show status on the node"
    assert isinstance(cls.DESCRIPTION, str) and len(cls.DESCRIPTION) > 40
    assert cls.CATEGORY.startswith("DashScope")
    function = getattr(cls, cls.FUNCTION)
    assert inspect.iscoroutinefunction(function), "node functions are async so ComfyUI can overlap them"
    # ComfyUI calls execute(**inputs); it takes the shared options out and passes the rest to the node's run().
    params = {**inspect.signature(cls.run).parameters, **dict.fromkeys(_shared_options())}
    for section in ("required", "optional"):
        for name, entry in spec.get(section, {}).items():
            kind, options = entry[0], entry[1] if len(entry) > 1 else {}
            assert isinstance(kind, list) or kind in VALID_TYPES, f"{name}: unknown type {kind}"
            assert options.get("tooltip"), f"{node_id}.{name} has no tooltip"
            assert name in params, f"{node_id}.{cls.FUNCTION} lacks a parameter for input {name}"
            if isinstance(kind, list):
                assert options.get("default", kind[0]) in kind
    assert len(cls.RETURN_TYPES) == len(cls.RETURN_NAMES) == len(cls.OUTPUT_TOOLTIPS)
    assert all(t in VALID_TYPES for t in cls.RETURN_TYPES)


def test_no_input_can_carry_an_api_key(pack):
    """Widget values are saved into workflows and PNGs, so no node may take the key as an input."""
    for cls in pack.NODE_CLASS_MAPPINGS.values():
        spec = cls.INPUT_TYPES()
        names = [n for section in ("required", "optional") for n in spec.get(section, {})]
        assert not [n for n in names if "key" in n.lower() or "token" in n.lower()]


def test_retired_models_say_so_where_they_are_chosen(pack):
    models = submodule(pack, "nodes.models")
    sd = pack.NODE_CLASS_MAPPINGS["DashScopeImgStableDiffusion"].INPUT_TYPES()["required"]["model"]
    assert "retired at the service on 2026-03-30" in sd[1]["tooltip"]
    assert models.MODELS["flux-dev"].is_retired()
    assert "successor" in models.MODELS["stable-diffusion-xl"].status_note()


# The node families: each lists its nodes in NODES and registers them through nodes/__init__.py FAMILIES.
FAMILY_MODULES = (
    "text_to_image",
    "wan_image",
    "editing",
    "segmentation",
    "image_to_image",
    "portrait",
    "facechain",
    "commerce",
    "design",
    "task_result",
)
LONGEST_RUN = 45  # lines of a node's run(), signature and docstring included


def _node_runs() -> list[tuple[str, int]]:
    return sorted(
        (f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}", len(inspect.getsource(cls.run).splitlines()))
        for _, cls in _node_classes()
        if "run" in vars(cls)
    )


def test_no_node_run_is_longer_than_the_limit():
    """run() keeps only what is the node's own; checks, jobs and outputs come from the shared helpers."""
    runs = _node_runs()
    assert len(runs) >= 20, runs  # every node class defines its own run()
    assert [(name, lines) for name, lines in runs if lines > LONGEST_RUN] == []


def test_no_node_family_imports_another():
    """Shared pieces live in shared modules (jobs, masks, text_rules, widgets, ...), never in a family module."""
    pattern = re.compile(r"^from \.+(\w+) import|^from \. import (.+)$", re.MULTILINE)
    assert sorted(path.stem for path in (REPO / "nodes").glob("*.py") if path.stem in FAMILY_MODULES) == sorted(
        FAMILY_MODULES
    )
    crossings = []
    for family in FAMILY_MODULES:
        source = (REPO / "nodes" / f"{family}.py").read_text(encoding="utf-8")
        for module, names in pattern.findall(source):
            imported = {module} | {name.strip() for name in names.split(",") if name.strip()}
            crossings += [f"{family} imports {other}" for other in imported & set(FAMILY_MODULES) - {family}]
    assert crossings == []


def test_only_the_client_speaks_http():
    """Nodes, routes and the runner call the client's methods; the transport (auth headers, retry policy, the
    never-re-send rule) is reached from nowhere else."""
    outside = [path for path in (REPO / "nodes").rglob("*.py") if "client" not in path.relative_to(REPO).parts]
    reaching = [str(p.relative_to(REPO)) for p in outside if re.search(r"\.transport\b", p.read_text("utf-8"))]
    assert reaching == []

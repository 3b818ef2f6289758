"""Write docs/models.md from the pack's model table:  python -m tests.models_doc"""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
MODELS_DOC = REPO / "docs" / "models.md"


def render(pack: ModuleType) -> str:
    """docs/models.md as the pack's current table renders it (the renderer is not loaded by ComfyUI's import)."""
    docs = importlib.import_module(f"{pack.__name__}.nodes.models.docs")
    return docs.render_markdown(importlib.import_module(f"{pack.__name__}.nodes.models").MODELS)


def main() -> None:
    from tests.conftest import load_pack_like_comfyui

    pack = load_pack_like_comfyui(Path(tempfile.mkdtemp()) / "custom_nodes", "models_doc.pack")
    MODELS_DOC.parent.mkdir(parents=True, exist_ok=True)
    MODELS_DOC.write_text(render(pack), encoding="utf-8")
    print(f"wrote {MODELS_DOC.relative_to(REPO)}")


if __name__ == "__main__":
    main()

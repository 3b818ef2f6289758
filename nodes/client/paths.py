"""Where the pack keeps its own files (the settings file with the API key, the task journal).

Outside the pack folder, so a zip or backup of ``custom_nodes`` never carries the key, and outside ComfyUI's
user directory, whose files ComfyUI serves over HTTP (``/userdata``). Lookup order:
  DASHSCOPE_PACK_HOME  >  %APPDATA%/comfyui-dashscope-image (Windows)  >  $XDG_CONFIG_HOME/comfyui-dashscope-image
  >  ~/.config/comfyui-dashscope-image
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

FOLDER_NAME = "comfyui-dashscope-image"


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The pack's data folder (not created here: writers create it with owner-only permissions)."""
    environ = os.environ if environ is None else environ
    override = environ.get("DASHSCOPE_PACK_HOME")
    if override:
        return Path(override)
    if os.name == "nt" and environ.get("APPDATA"):
        return Path(environ["APPDATA"]) / FOLDER_NAME
    base = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / FOLDER_NAME

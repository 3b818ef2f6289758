"""Where the client's settings come from: environment first, then the pack's own config file.

The API key is never a node widget (widget values are saved into every workflow JSON and every PNG).
Lookup order, first hit wins:
  key:       DASHSCOPE_API_KEY  >  config file "api_key"
  base URL:  DASHSCOPE_BASE_URL  >  DASHSCOPE_HTTP_BASE_URL (the SDK's name)  >  config "base_url"
             >  the region's URL (DASHSCOPE_REGION or config "region", default China)
  workspace: DASHSCOPE_WORKSPACE  >  config "workspace"
The config file lives in the pack folder (``config/dashscope.json``, git-ignored, mode 0600) unless
DASHSCOPE_PACK_CONFIG names another path.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REGIONS: dict[str, str] = {
    "china": "https://dashscope.aliyuncs.com/api/v1",
    "international": "https://dashscope-intl.aliyuncs.com/api/v1",
}
DEFAULT_REGION = "china"

_PACK_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG_PATH = _PACK_ROOT / "config" / "dashscope.json"

_URL_RE = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+(/[^\s]*)?$")


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    override = environ.get("DASHSCOPE_PACK_CONFIG")
    return Path(override) if override else DEFAULT_CONFIG_PATH


def is_valid_base_url(url: str) -> bool:
    return bool(_URL_RE.match(url.strip()))


@dataclass(frozen=True)
class Settings:
    base_url: str
    # repr=False: a Settings object printed in a traceback or a log must not show the key.
    api_key: str | None = field(default=None, repr=False)
    workspace: str | None = None
    request_timeout: float = 60.0
    task_timeout: float = 900.0
    max_concurrent: int = 4
    max_images_per_run: int = 32  # the spending guard: the most images one node run may bill
    # Per-model overrides of the service limits, e.g. an account with a raised quota:
    # {"wanx-v1": {"concurrency": 4, "qps": 2}}
    model_limits: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    key_source: str = "none"  # "env" | "config" | "none": shown in the settings dialog


def read_config(path: Path | None = None) -> dict[str, Any]:
    path = path or config_path()
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        # A damaged file must not take the whole pack down; the settings dialog can rewrite it.
        return {}
    return data if isinstance(data, dict) else {}


def write_config(data: Mapping[str, Any], path: Path | None = None) -> None:
    """Write the config atomically with owner-only permissions (it holds the API key)."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".dashscope-", suffix=".json")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(dict(data), handle, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    os.chmod(path, 0o600)


def _number(value: Any, default: float, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


def load_settings(environ: Mapping[str, str] | None = None, config: Mapping[str, Any] | None = None) -> Settings:
    environ = os.environ if environ is None else environ
    config = read_config(config_path(environ)) if config is None else config

    key = (environ.get("DASHSCOPE_API_KEY") or "").strip()
    key_source = "env" if key else "none"
    if not key:
        key = str(config.get("api_key") or "").strip()
        key_source = "config" if key else "none"

    base_url = (environ.get("DASHSCOPE_BASE_URL") or environ.get("DASHSCOPE_HTTP_BASE_URL") or "").strip()
    if not base_url:
        base_url = str(config.get("base_url") or "").strip()
    if not base_url:
        region = (environ.get("DASHSCOPE_REGION") or str(config.get("region") or DEFAULT_REGION)).strip().lower()
        base_url = REGIONS.get(region, REGIONS[DEFAULT_REGION])

    workspace = (environ.get("DASHSCOPE_WORKSPACE") or str(config.get("workspace") or "")).strip() or None
    limits = config.get("model_limits") if isinstance(config.get("model_limits"), dict) else {}

    return Settings(
        base_url=base_url.rstrip("/"),
        api_key=key or None,
        workspace=workspace,
        request_timeout=_number(config.get("request_timeout"), 60.0, 5.0, 600.0),
        task_timeout=_number(environ.get("DASHSCOPE_TASK_TIMEOUT") or config.get("task_timeout"), 900.0, 1.0, 86400.0),
        max_concurrent=int(_number(config.get("max_concurrent"), 4, 1, 32)),
        max_images_per_run=int(_number(config.get("max_images_per_run"), 32, 1, 1000)),
        model_limits=limits,
        key_source=key_source,
    )

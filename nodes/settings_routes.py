"""The settings dialog's server side: read and save the pack's connection settings without leaking the key.

The key is sent once (POST) and stored in the pack's own config file (owner-only, git-ignored); no answer
ever contains it, only whether one is set and its last four characters. The logic is plain functions, so it
is tested without ComfyUI; ``register`` attaches it to ComfyUI's aiohttp server when ComfyUI is there.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Mapping
from typing import Any

from .client.settings import REGIONS, config_path, is_valid_base_url, load_settings, read_config, write_config

log = logging.getLogger("comfyui_dashscope")
ROUTE = "/dashscope_image/settings"
TEST_ROUTE = "/dashscope_image/test_connection"
_ENV_NAMES = (
    "DASHSCOPE_API_KEY",
    "DASHSCOPE_BASE_URL",
    "DASHSCOPE_HTTP_BASE_URL",
    "DASHSCOPE_REGION",
    "DASHSCOPE_WORKSPACE",
)


class SettingsInputError(ValueError):
    """A value from the dialog that cannot be saved; the message is shown to the user."""


def settings_view(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What the dialog may show: never the key itself."""
    environ = os.environ if environ is None else environ
    config = read_config(config_path(environ))
    settings = load_settings(environ, config)
    key = settings.api_key or ""
    return {
        "key_set": bool(key),
        "key_last4": key[-4:] if len(key) >= 8 else "",
        "key_source": settings.key_source,
        "region": str(config.get("region") or "china"),
        "regions": sorted(REGIONS),
        "base_url": str(config.get("base_url") or ""),
        "effective_base_url": settings.base_url,
        "workspace": str(config.get("workspace") or ""),
        "request_timeout": settings.request_timeout,
        "task_timeout": settings.task_timeout,
        "max_concurrent": settings.max_concurrent,
        "max_images_per_run": settings.max_images_per_run,
        "env_overrides": [name for name in _ENV_NAMES if environ.get(name)],
    }


def _number(payload: Mapping[str, Any], name: str, low: float, high: float) -> float:
    try:
        value = float(payload[name])
    except (TypeError, ValueError):
        raise SettingsInputError(f"{name} must be a number.") from None
    if not low <= value <= high:
        raise SettingsInputError(f"{name} must be between {low:g} and {high:g}.")
    return value


def apply_update(payload: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Validate the dialog's values, save them, and return the new (redacted) view."""
    if not isinstance(payload, Mapping):
        raise SettingsInputError("Expected a JSON object.")
    environ = os.environ if environ is None else environ
    path = config_path(environ)
    config = dict(read_config(path))
    if payload.get("clear_key"):
        config.pop("api_key", None)
    if "api_key" in payload:
        key = str(payload.get("api_key") or "").strip()
        if not key:
            raise SettingsInputError("The API key is empty. Paste the key from the 百炼 / Model Studio console.")
        if any(ch.isspace() for ch in key) or len(key) < 8:
            raise SettingsInputError("That does not look like a DashScope API key (they look like sk-…).")
        config["api_key"] = key
    if "region" in payload:
        region = str(payload.get("region") or "").strip().lower()
        if region not in REGIONS:
            raise SettingsInputError(f"Unknown region {region!r}; choose one of: {', '.join(sorted(REGIONS))}.")
        config["region"] = region
    if "base_url" in payload:
        base_url = str(payload.get("base_url") or "").strip()
        if base_url and not (is_valid_base_url(base_url) and base_url.rstrip("/").endswith("/api/v1")):
            raise SettingsInputError("The custom base URL must look like https://host/api/v1 (or be empty).")
        config["base_url"] = base_url.rstrip("/")
    if "workspace" in payload:
        workspace = str(payload.get("workspace") or "").strip()
        if workspace and not workspace.replace("-", "").replace("_", "").isalnum():
            raise SettingsInputError("The workspace id may only hold letters, digits, '-' and '_' (e.g. llm-abc123).")
        config["workspace"] = workspace
    if "request_timeout" in payload:
        config["request_timeout"] = _number(payload, "request_timeout", 5, 600)
    if "task_timeout" in payload:
        config["task_timeout"] = _number(payload, "task_timeout", 10, 86400)
    if "max_concurrent" in payload:
        config["max_concurrent"] = int(_number(payload, "max_concurrent", 1, 32))
    if "max_images_per_run" in payload:
        config["max_images_per_run"] = int(_number(payload, "max_images_per_run", 1, 1000))
    write_config(config, path)
    return settings_view(environ)


def check_connection(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Check the key with a request that creates nothing: querying a random task id answers UNKNOWN."""
    from .client import DashScopeClient, DashScopeError, PackError

    client = DashScopeClient(load_settings(environ))
    try:
        client.transport.api("GET", f"/tasks/{uuid.uuid4()}", idempotent=True)
    except DashScopeError as err:
        return {"ok": False, "code": err.code, "message": str(err)}
    except PackError as err:
        return {"ok": False, "code": "NoKey", "message": str(err)}
    return {"ok": True, "message": f"The key works with {client.settings.base_url}."}


def register(routes: Any) -> None:
    """Attach the handlers to an aiohttp RouteTableDef (ComfyUI's ``PromptServer.instance.routes``)."""
    import asyncio

    from aiohttp import web

    @routes.get(ROUTE)
    async def get_settings(request: web.Request) -> web.Response:
        return web.json_response(settings_view())

    @routes.post(ROUTE)
    async def post_settings(request: web.Request) -> web.Response:
        try:
            payload = await request.json()
            return web.json_response(apply_update(payload))
        except SettingsInputError as err:
            return web.json_response({"error": str(err)}, status=400)
        except ValueError:
            return web.json_response({"error": "Expected a JSON object."}, status=400)

    @routes.post(TEST_ROUTE)
    async def post_test(request: web.Request) -> web.Response:
        return web.json_response(await asyncio.to_thread(check_connection))


def register_with_comfyui() -> bool:
    try:
        from server import PromptServer
    except Exception:  # not running inside ComfyUI (tests, scripts)
        return False
    instance = getattr(PromptServer, "instance", None)
    if instance is None:
        return False
    register(instance.routes)
    return True

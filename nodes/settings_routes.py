"""The settings dialog's server side: read and save the pack's connection settings, for the user's own editor only.

The key is sent once (POST) and stored in the pack's settings file (client/settings.py: owner-only, outside the
pack and outside ComfyUI's served folders); no answer ever contains it, only whether one is set and its last four
characters. The logic is plain functions, so it is tested without ComfyUI; ``register`` attaches it to ComfyUI's
aiohttp server, behind ``Gate``.

Why the gate: ComfyUI's own origin check lets ``Origin: null`` (sandboxed iframes, data: pages) and non-loopback
Hosts (DNS rebinding, every --listen setup) through, so any web page the user visits could otherwise point
base_url at itself and ask test_connection to send it the key. The gate refuses, with 403 and before anything
changes:
  - a Host that is neither loopback nor an address ComfyUI listens on (or DASHSCOPE_ALLOWED_HOSTS): rebinding;
  - on writes, an Origin that is missing, ``null`` or not the Host's, and any body that is not application/json
    (a cross-site browser can send text/plain or a form without a CORS preflight, never JSON);
  - on writes, a missing or wrong per-process token. The token is handed out by the GET route, whose answer a
    page of another origin cannot read (no CORS headers), so it needs the same-origin policy for reads while the
    Origin check needs a truthful Origin on writes: two independent locks, and a route added later that forgets
    one check still has the other.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import secrets
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .client.settings import (
    REGIONS,
    BaseUrlError,
    ConfigError,
    checked_base_url,
    config_path,
    is_loopback_host,
    is_official_host,
    key_problem,
    load_settings,
    read_config,
    update_config,
    url_host,
)

log = logging.getLogger("comfyui_dashscope")
ROUTE = "/dashscope_image/settings"
TEST_ROUTE = "/dashscope_image/test_connection"
TOKEN_HEADER = "X-DashScope-Pack-Token"
MAX_BODY_BYTES = 16 * 1024
_WILDCARDS = frozenset({"0.0.0.0", "::", ""})
_ENV_NAMES = (
    "DASHSCOPE_API_KEY",
    "DASHSCOPE_BASE_URL",
    "DASHSCOPE_HTTP_BASE_URL",
    "DASHSCOPE_REGION",
    "DASHSCOPE_WORKSPACE",
)


class SettingsInputError(ValueError):
    """A value from the dialog that cannot be saved; the message is shown to the user."""


# ---- the dialog's logic -------------------------------------------------------------------------
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
        "key_refused": settings.refusal,
        "region": str(config.get("region") or "china"),
        "regions": sorted(REGIONS),
        "base_url": str(config.get("base_url") or ""),
        "effective_base_url": settings.base_url,
        "workspace": str(config.get("workspace") or ""),
        "request_timeout": settings.request_timeout,
        "task_timeout": settings.task_timeout,
        "max_concurrent": settings.max_concurrent,
        "max_images_per_run": settings.max_images_per_run,
        "reuse_results": settings.reuse_results,
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


def _changes(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The validated new values (all checked before the file is touched)."""
    changes: dict[str, Any] = {}
    if "api_key" in payload:
        key = str(payload.get("api_key") or "").strip()
        if not key:
            raise SettingsInputError("The API key is empty. Paste the key from the 百炼 / Model Studio console.")
        problem = key_problem(key)
        if problem:
            raise SettingsInputError(problem)
        changes["api_key"] = key
    if "region" in payload:
        region = str(payload.get("region") or "").strip().lower()
        if region not in REGIONS:
            raise SettingsInputError(f"Unknown region {region!r}; choose one of: {', '.join(sorted(REGIONS))}.")
        changes["region"] = region
    if "base_url" in payload:
        base_url = str(payload.get("base_url") or "").strip()
        if base_url:
            try:
                base_url = checked_base_url(base_url)
            except BaseUrlError as err:
                raise SettingsInputError(str(err)) from None
            if not base_url.endswith("/api/v1"):
                raise SettingsInputError("The custom base URL must look like https://host/api/v1 (or be empty).")
        changes["base_url"] = base_url
    if "workspace" in payload:
        workspace = str(payload.get("workspace") or "").strip()
        if workspace and not (workspace.isascii() and workspace.replace("-", "").replace("_", "").isalnum()):
            raise SettingsInputError("The workspace id may only hold letters, digits, '-' and '_' (e.g. llm-abc123).")
        changes["workspace"] = workspace
    if "request_timeout" in payload:
        changes["request_timeout"] = _number(payload, "request_timeout", 5, 600)
    if "task_timeout" in payload:
        changes["task_timeout"] = _number(payload, "task_timeout", 10, 86400)
    if "max_concurrent" in payload:
        changes["max_concurrent"] = int(_number(payload, "max_concurrent", 1, 32))
    if "max_images_per_run" in payload:
        changes["max_images_per_run"] = int(_number(payload, "max_images_per_run", 1, 1000))
    if "reuse_results" in payload:
        if not isinstance(payload["reuse_results"], bool):
            raise SettingsInputError("reuse_results must be true or false.")
        changes["reuse_results"] = payload["reuse_results"]
    return changes


def apply_update(payload: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Validate the dialog's values, save them under the file lock, and return the new (redacted) view.

    Moving base_url to a host that is not DashScope's drops the saved key unless the same request brings a key:
    a key is only ever sent to the host it was saved for."""
    if not isinstance(payload, Mapping):
        raise SettingsInputError("Expected a JSON object.")
    environ = os.environ if environ is None else environ
    changes = _changes(payload)
    dropped: list[bool] = []

    def change(config: dict[str, Any]) -> None:
        new_url = changes.get("base_url", config.get("base_url") or "")
        moved = new_url != (config.get("base_url") or "")
        if payload.get("clear_key") or (moved and new_url and not is_official_host(url_host(new_url))):
            dropped.append("api_key" in config and "api_key" not in changes)
            config.pop("api_key", None)
        config.update(changes)

    update_config(change, config_path(environ))
    view = settings_view(environ)
    view["key_dropped"] = any(dropped) and not payload.get("clear_key")
    return view


def check_connection(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Check the key with a request that creates nothing (see DashScopeClient.check_connection)."""
    from .client import DashScopeClient, RetryPolicy

    return DashScopeClient(load_settings(environ), retry=RetryPolicy(attempts=2)).check_connection()


# ---- who may call the routes ---------------------------------------------------------------------
def _host_name(host_header: str) -> str | None:
    """The host name of a Host header ("127.0.0.1:8188", "[::1]:8188"), or None when it is malformed."""
    try:
        parts = urlsplit("//" + host_header)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    if not parts.hostname or parts.username is not None or parts.path or parts.query:
        return None
    return parts.hostname.lower()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def comfyui_listen_hosts() -> list[str]:
    """The addresses ComfyUI was started with (--listen, comma-separated), read lazily: the pack also loads
    without ComfyUI, and then only loopback is allowed."""
    try:
        from comfy.cli_args import args  # ComfyUI's

        listen = str(getattr(args, "listen", "") or "127.0.0.1")
    except Exception:
        return ["127.0.0.1"]
    return [part.strip().strip("[]").lower() for part in listen.split(",")]


@dataclass(frozen=True)
class Gate:
    """Decides whether a request may reach a route of the pack (see the module doc for why each check)."""

    listen_hosts: Collection[str] = ("127.0.0.1",)
    extra_hosts: Collection[str] = ()  # DASHSCOPE_ALLOWED_HOSTS: names a LAN user reaches ComfyUI by
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    @classmethod
    def for_comfyui(cls) -> Gate:
        extra = [h.strip().lower() for h in os.environ.get("DASHSCOPE_ALLOWED_HOSTS", "").split(",") if h.strip()]
        return cls(listen_hosts=comfyui_listen_hosts(), extra_hosts=extra)

    def host_allowed(self, host: str) -> bool:
        if is_loopback_host(host) or host in self.extra_hosts:
            return True
        if host in self.listen_hosts and host not in _WILDCARDS:
            return True
        # Listening on every address: any IP literal may be ours. A rebinding attack always arrives under a
        # *name* (the attacker's domain), so an IP-literal Host is safe to allow; names must be listed.
        return _is_ip(host) and any(h in _WILDCARDS for h in self.listen_hosts)

    def refusal(self, method: str, headers: Mapping[str, str]) -> str | None:
        """Why the request is refused (None = allowed)."""
        host_header = headers.get("Host", "")
        host = _host_name(host_header)
        if host is None or not self.host_allowed(host):
            return (
                f"Host {host_header!r} is not this ComfyUI's address (loopback, --listen or DASHSCOPE_ALLOWED_HOSTS); "
                "refused (a DNS-rebinding page, or a proxy that rewrites Host)."
            )
        origin = headers.get("Origin")
        write = method not in ("GET", "HEAD")
        if origin is None:
            # A browser sends Origin on every POST; only same-origin GETs may lack it.
            if write:
                return "The request has no Origin header; only the ComfyUI page itself may change these settings."
        elif origin == "null" or urlsplit(origin).netloc.lower() != host_header.lower():
            return f"Origin {origin!r} does not match Host {host_header!r}; only the ComfyUI page itself may call this."
        if headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            return "The request comes from another site; refused."
        if not write:
            return None
        media_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            return f"Only application/json bodies are accepted (got {media_type or 'none'!r})."
        if not hmac.compare_digest(headers.get(TOKEN_HEADER, "").encode(), self.token.encode()):
            return "The request lacks this ComfyUI's settings token (reload the page if ComfyUI was restarted)."
        return None


def register(routes: Any, gate: Gate | None = None) -> Gate:
    """Attach the handlers to an aiohttp RouteTableDef (ComfyUI's ``PromptServer.instance.routes``), every one
    behind the gate: a route the pack adds later is declared here too, under ``@guarded``. Returns the gate."""
    import asyncio

    from aiohttp import web

    gate = gate or Gate.for_comfyui()

    def guarded(handler: Callable[[web.Request], Any]) -> Callable[[web.Request], Any]:
        async def handle(request: web.Request) -> web.StreamResponse:
            reason = gate.refusal(request.method, request.headers)
            if reason is None and (request.content_length or 0) > MAX_BODY_BYTES:
                reason = "The request body is too large."
            if reason is not None:
                log.warning("DashScope settings: refused %s %s: %s", request.method, request.path, reason)
                return web.json_response({"error": reason, "refused": True}, status=403)
            try:
                return await handler(request)
            except ConfigError as err:  # loud in the dialog; the file is left for the user to fix
                return web.json_response({"error": str(err), "config_error": True}, status=500)

        return handle

    async def json_object(request: web.Request) -> Mapping[str, Any]:
        try:
            payload = await request.json()
        except ValueError:
            raise SettingsInputError("Expected a JSON object.") from None
        if not isinstance(payload, Mapping):
            raise SettingsInputError("Expected a JSON object.")
        return payload

    @routes.get(ROUTE)
    @guarded
    async def get_settings(request: web.Request) -> web.Response:
        try:
            return web.json_response({**settings_view(), "token": gate.token})
        except ConfigError as err:  # the page still gets its token, so a later save shows this error, not a 403
            return web.json_response({"error": str(err), "config_error": True, "token": gate.token}, status=500)

    @routes.post(ROUTE)
    @guarded
    async def post_settings(request: web.Request) -> web.Response:
        try:
            return web.json_response(apply_update(await json_object(request)))
        except SettingsInputError as err:
            return web.json_response({"error": str(err)}, status=400)

    @routes.post(TEST_ROUTE)
    @guarded
    async def post_test(request: web.Request) -> web.Response:
        try:
            await json_object(request)
        except SettingsInputError as err:
            return web.json_response({"error": str(err)}, status=400)
        return web.json_response(await asyncio.to_thread(check_connection))

    return gate


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

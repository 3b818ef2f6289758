"""Where the client's settings come from: environment first, then the pack's own settings file.

The API key is never a node widget (widget values are saved into every workflow JSON and every PNG).
Lookup order, first hit wins:
  key:       DASHSCOPE_API_KEY  >  settings file "api_key"
  base URL:  DASHSCOPE_BASE_URL  >  DASHSCOPE_HTTP_BASE_URL (the SDK's name)  >  settings file "base_url"
             >  the region's URL (DASHSCOPE_REGION or settings "region", default China)
  workspace: DASHSCOPE_WORKSPACE  >  settings file "workspace"

The settings file is ``settings.json`` in the pack's data folder (``paths.data_dir()``: outside the pack, so
no zip of custom_nodes carries the key, and outside ComfyUI's user folder, which ComfyUI serves at /userdata),
folder 0700, file 0600; DASHSCOPE_PACK_CONFIG names another file. A file left at the old place
(``<pack>/config/dashscope.json``) is moved there on first use.

The key is bound to its host: it goes only to an official DashScope host, to a base URL chosen in the
environment (the emulator), or to a host saved in the dialog together with that key. A ``refusal`` on the
Settings says why the key may not be sent; the transport raises it instead of sending anything.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import PackError, remember_secret
from .paths import FOLDER_NAME, data_dir

log = logging.getLogger("comfyui_dashscope")

REGIONS: dict[str, str] = {
    "china": "https://dashscope.aliyuncs.com/api/v1",
    "international": "https://dashscope-intl.aliyuncs.com/api/v1",
}
DEFAULT_REGION = "china"

# Where a base URL's service runs. Temporary uploads (getPolicy, oss:// URLs) exist only in China (Beijing)
# (official-reference-2026-12.md §6); elsewhere pictures can only go inline, as data URIs.
BEIJING = "China (Beijing)"
_REGION_OF_HOST = {
    "dashscope.aliyuncs.com": BEIJING,
    "dashscope-intl.aliyuncs.com": "Singapore",
    "dashscope-us.aliyuncs.com": "US (Virginia)",
    "cn-beijing": BEIJING,
    "ap-southeast-1": "Singapore",
    "us-east-1": "US (Virginia)",
}
_REGION_OF_SETTING = {"china": BEIJING, "international": "Singapore"}

# Hosts run by Alibaba Cloud for DashScope (official reference: the two regional hosts, the Virginia host, and the
# workspace hosts {WorkspaceId}.{region}.maas.aliyuncs.com). A key may go to these whatever the settings file says.
OFFICIAL_HOSTS = frozenset({"dashscope.aliyuncs.com", "dashscope-intl.aliyuncs.com", "dashscope-us.aliyuncs.com"})
_WORKSPACE_HOST = re.compile(r"[a-z0-9][a-z0-9-]{0,62}\.(?:cn-beijing|ap-southeast-1|us-east-1)\.maas\.aliyuncs\.com")

SETTINGS_FILE = "settings.json"
_PACK_ROOT = Path(__file__).resolve().parents[2]
LEGACY_CONFIG_PATH = _PACK_ROOT / "config" / "dashscope.json"

_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]+")


class ConfigError(PackError):
    """The settings file exists but cannot be used; it is never overwritten until the user fixes it."""


class BaseUrlError(ValueError):
    """A base URL the key may not be sent to; the message says why."""


# ---- where the file lives ----------------------------------------------------------------------
def config_path(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    override = environ.get("DASHSCOPE_PACK_CONFIG")
    if override:
        return Path(override)
    path = data_dir(environ) / SETTINGS_FILE
    _move_legacy_file(path)
    return path


def _private_dir(folder: Path) -> None:
    """Create the folder owner-only; the pack's own data folder is kept owner-only even if it existed."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)  # exist_ok: another thread may win the race
        os.chmod(folder, 0o700)
    elif folder.name == FOLDER_NAME:
        os.chmod(folder, 0o700)


def _move_legacy_file(target: Path) -> None:
    """Move a settings file from the pack folder (where it ended up in backups) to the data folder, once."""
    legacy = LEGACY_CONFIG_PATH
    if not legacy.is_file():
        return
    with config_lock(target):
        if not legacy.is_file():  # another process moved it while we waited
            return
        if target.exists():
            log.warning("DashScope: an old settings file is left at %s; it is no longer read, delete it.", legacy)
            return
        try:
            # Moved byte for byte: a damaged file stays damaged (and loud) rather than being replaced.
            _write_bytes(legacy.read_bytes(), target)
            legacy.unlink()
        except OSError as exc:
            raise ConfigError(
                f"Could not move the DashScope settings file from {legacy} to {target} ({exc.strerror or exc})."
            ) from None
        with contextlib.suppress(OSError):
            legacy.parent.rmdir()  # only when empty
        log.info("DashScope: moved the settings file from %s to %s", legacy, target)


@contextlib.contextmanager
def config_lock(path: Path) -> Iterator[None]:
    """An exclusive lock beside the settings file, held across read-modify-write by every process."""
    _private_dir(path.parent)
    handle = _open_lock(path.with_name(path.name + ".lock"))
    try:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(handle, msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock on every platform


def _open_lock(lock: Path) -> int:
    """The lock file, never through a symbolic link: one planted there would have the pack create or open the
    file it points to (O_NOFOLLOW where the platform has it, a check just before elsewhere)."""
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    try:
        if not nofollow and lock.is_symlink():
            raise OSError(errno.ELOOP, "symbolic link")
        return os.open(lock, os.O_RDWR | os.O_CREAT | nofollow, 0o600)
    except OSError as exc:
        if exc.errno != errno.ELOOP and not lock.is_symlink():
            raise
        raise ConfigError(
            f"The DashScope settings lock {lock} is a symbolic link; the pack does not follow links there. Delete "
            "it (the pack makes a new one), then save the settings again."
        ) from None


# ---- reading and writing -------------------------------------------------------------------------
def read_config(path: Path | None = None) -> dict[str, Any]:
    """The settings file as a dict ({} when there is none). A damaged file raises ConfigError: replacing it
    with the next save would silently lose the key, so the user is told instead."""
    path = path or config_path()
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"The DashScope settings file {path} cannot be read ({type(exc).__name__}: {exc}). It was left as it "
            "is: fix it or delete it, then save the settings again (Settings > DashScope)."
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(
            f"The DashScope settings file {path} does not hold a JSON object. It was left as it is: fix it or "
            "delete it, then save the settings again (Settings > DashScope)."
        )
    return data


def _write_bytes(data: bytes, path: Path) -> None:
    _private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".dashscope-", suffix=".json")
    try:
        if hasattr(os, "fchmod"):  # not on Windows, where the user's profile folder is private anyway
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    os.chmod(path, 0o600)


def write_config(data: Mapping[str, Any], path: Path | None = None) -> None:
    """Write the settings atomically with owner-only permissions (they hold the API key)."""
    path = path or config_path()
    _write_bytes(json.dumps(dict(data), ensure_ascii=False, indent=2).encode("utf-8"), path)


def update_config(change: Callable[[dict[str, Any]], None], path: Path | None = None) -> dict[str, Any]:
    """Read, change and write the settings under the lock, so two ComfyUI processes cannot lose an update.
    ``change`` may raise to abandon the update; the file is then untouched."""
    path = path or config_path()
    with config_lock(path):
        config = read_config(path)
        change(config)
        write_config(config, path)
    return config


# ---- what may be sent where ------------------------------------------------------------------------
def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_official_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host in OFFICIAL_HOSTS or bool(_WORKSPACE_HOST.fullmatch(host))


def url_host(url: str) -> str:
    return (urlsplit(url.strip()).hostname or "").lower()


def checked_base_url(url: str) -> str:
    """The URL without a trailing slash, if a key may be sent to it: https (http only to a loopback host), a
    host, no user:password@, no query or fragment. Raises BaseUrlError saying what is wrong."""
    url = url.strip().rstrip("/")
    if any(ch.isspace() or ord(ch) < 0x21 or ord(ch) > 0x7E for ch in url):
        raise BaseUrlError("The base URL may only hold printable ASCII characters without spaces.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise BaseUrlError(f"The base URL {url!r} is not a valid URL.") from None
    host = parts.hostname or ""
    if "@" in parts.netloc:
        raise BaseUrlError("The base URL may not carry a user name or password (user:password@host).")
    if "?" in url or "#" in url:
        raise BaseUrlError("The base URL may not carry a query (?…) or a fragment (#…).")
    if not host:
        raise BaseUrlError(f"The base URL {url!r} names no host.")
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(host)):
        return url
    raise BaseUrlError(
        f"The base URL {url!r} is refused: only https:// URLs are allowed (plain http:// only to this machine), "
        "because the API key travels with every request."
    )


def key_problem(key: str) -> str:
    """Why a key cannot go into an HTTP header ("" when it can): only printable ASCII, at least 8 characters."""
    if any(ord(ch) < 0x21 or ord(ch) > 0x7E for ch in key):
        return (
            "The API key holds characters that cannot be sent in an HTTP header (only printable ASCII without spaces "
            "is possible; a DashScope key looks like sk-…). Copy it again from the 百炼 / Model Studio console."
        )
    if len(key) < 8:
        return "That does not look like a DashScope API key (they look like sk-…)."
    return ""


@dataclass(frozen=True)
class Settings:
    base_url: str
    # repr=False: a Settings object printed in a traceback or a log must not show the key.
    api_key: str | None = field(default=None, repr=False)
    workspace: str | None = None
    request_timeout: float = 60.0
    # A synchronous generation (wan2.6, qwen-image) answers only when its images are made: a paid answer must not
    # be thrown away at the 60 s request timeout.
    generation_timeout: float = 300.0
    task_timeout: float = 900.0
    max_concurrent: int = 4
    max_images_per_run: int = 32  # the spending guard: the most images one node run may bill
    # Fetch an earlier task of the same request from the journal instead of paying again (nodes/reuse.py).
    reuse_results: bool = True
    # Per-model overrides of the service limits, e.g. an account with a raised quota:
    # {"wanx-v1": {"concurrency": 4, "qps": 2}}
    model_limits: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    key_source: str = "none"  # "env" | "config" | "none": shown in the settings dialog
    base_url_source: str = "region"  # "env" | "config" | "region"
    refusal: str = ""  # why the key may not be sent with these settings ("" = it may)
    region: str = DEFAULT_REGION  # the region setting; decides only for a base URL that is not an official host

    def __post_init__(self) -> None:
        remember_secret(self.api_key)  # so every error message scrubs it, wherever it was built

    @property
    def service_region(self) -> str:
        """Where the service of the base URL runs: told by an official host itself (dashscope-intl, a workspace host
        in ap-southeast-1, ...), otherwise (a gateway, the emulator) by the region setting."""
        host = url_host(self.base_url)
        if is_official_host(host):
            return _REGION_OF_HOST.get(host) or _REGION_OF_HOST[host.split(".")[1]]
        return _REGION_OF_SETTING.get(self.region, BEIJING)

    @property
    def temporary_uploads(self) -> bool:
        """Whether DashScope's temporary storage serves this region (only China (Beijing) does)."""
        return self.service_region == BEIJING

    @property
    def trusted_host(self) -> bool:
        """An official host, or one chosen in the environment: its answers may be shown to the user."""
        return self.base_url_source == "env" or is_official_host(url_host(self.base_url))


def _number(value: Any, default: float, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


def _refusal(key: str, key_source: str, base_url: str, url_source: str, workspace: str) -> str:
    if not key:
        return ""
    problem = key_problem(key)
    if problem:
        return problem
    try:
        checked_base_url(base_url)
    except BaseUrlError as err:
        return f"{err} The API key was not sent."
    if key_source == "env" and url_source == "config" and not is_official_host(url_host(base_url)):
        return (
            f"The DASHSCOPE_API_KEY key is not sent to {url_host(base_url)}: that base URL comes from the settings "
            "file and is not an official DashScope host. Clear the custom base URL in Settings > DashScope, or set "
            "DASHSCOPE_BASE_URL in the environment if that host is meant to get the key."
        )
    if workspace and not _PLAIN_ID.fullmatch(workspace):
        return "The workspace id may only hold letters, digits, '-' and '_' (e.g. llm-abc123)."
    return ""


def load_settings(environ: Mapping[str, str] | None = None, config: Mapping[str, Any] | None = None) -> Settings:
    environ = os.environ if environ is None else environ
    config = read_config(config_path(environ)) if config is None else config

    key = (environ.get("DASHSCOPE_API_KEY") or "").strip()
    key_source = "env" if key else "none"
    if not key:
        key = str(config.get("api_key") or "").strip()
        key_source = "config" if key else "none"

    base_url = (environ.get("DASHSCOPE_BASE_URL") or environ.get("DASHSCOPE_HTTP_BASE_URL") or "").strip()
    url_source = "env"
    if not base_url:
        base_url, url_source = str(config.get("base_url") or "").strip(), "config"
    region = (environ.get("DASHSCOPE_REGION") or str(config.get("region") or DEFAULT_REGION)).strip().lower()
    region = region if region in REGIONS else DEFAULT_REGION
    if not base_url:
        base_url, url_source = REGIONS[region], "region"

    workspace = (environ.get("DASHSCOPE_WORKSPACE") or str(config.get("workspace") or "")).strip()
    limits = config.get("model_limits") if isinstance(config.get("model_limits"), dict) else {}

    return Settings(
        base_url=base_url.rstrip("/"),
        api_key=key or None,
        workspace=workspace or None,
        request_timeout=_number(config.get("request_timeout"), 60.0, 5.0, 600.0),
        generation_timeout=_number(config.get("generation_timeout"), 300.0, 30.0, 1800.0),
        task_timeout=_number(environ.get("DASHSCOPE_TASK_TIMEOUT") or config.get("task_timeout"), 900.0, 1.0, 86400.0),
        max_concurrent=int(_number(config.get("max_concurrent"), 4, 1, 32)),
        max_images_per_run=int(_number(config.get("max_images_per_run"), 32, 1, 1000)),
        reuse_results=config.get("reuse_results") is not False,
        model_limits=limits,
        key_source=key_source,
        base_url_source=url_source,
        refusal=_refusal(key, key_source, base_url.rstrip("/"), url_source, workspace),
        region=region,
    )

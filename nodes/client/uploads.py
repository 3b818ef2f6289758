"""DashScope's temporary storage (spec section 9.2): getPolicy, the form POST, the ``oss://`` URL.

An upload is bound to the model named in getPolicy and lives 48 h, so the cache is keyed by
(service, model, content hash) and forgets entries an hour before the service deletes them. Running the
same graph twice therefore uploads nothing the second time. The storage host gets no DashScope headers.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from .errors import DashScopeError
from .transport import CancelCheck, Retryable, Transport

UPLOAD_LIFETIME = 48 * 3600.0
SAFETY_MARGIN = 3600.0
_POLICY_MARGIN = 30.0
MIME = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp", "zip": "application/zip"}


class UploadError(DashScopeError):
    hint = "Uploading an input image to DashScope's temporary storage failed."


@dataclass(frozen=True)
class _Policy:
    fields: dict[str, Any]
    fetched_at: float

    @property
    def fresh(self) -> bool:
        lifetime = float(self.fields.get("expire_in_seconds") or 300)
        return time.monotonic() - self.fetched_at < lifetime - _POLICY_MARGIN


class UploadCache:
    """Thread-safe map (service, model, sha256) -> (oss URL, expiry on the monotonic clock)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._key_locks: dict[tuple[str, str, str], threading.Lock] = {}

    def get(self, key: tuple[str, str, str]) -> str | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit and hit[1] > time.monotonic():
                return hit[0]
            self._entries.pop(key, None)
            return None

    def put(self, key: tuple[str, str, str], url: str, ttl: float = UPLOAD_LIFETIME - SAFETY_MARGIN) -> None:
        with self._lock:
            self._entries[key] = (url, time.monotonic() + ttl)

    def lock_for(self, key: tuple[str, str, str]) -> threading.Lock:
        """Two nodes uploading the same pixels at once share one upload."""
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


UPLOAD_CACHE = UploadCache()


class Uploader:
    def __init__(self, transport: Transport, cache: UploadCache = UPLOAD_CACHE):
        self.transport = transport
        self.cache = cache
        self._policies: dict[str, _Policy] = {}
        self._policy_lock = threading.Lock()

    def upload(self, data: bytes, model: str, ext: str, cancelled: CancelCheck | None = None) -> str:
        """Return an ``oss://`` URL for ``data`` usable by ``model``, uploading only if not cached."""
        digest = hashlib.sha256(data).hexdigest()
        key = (self.transport.settings.base_url, model, digest)
        with self.cache.lock_for(key):
            cached = self.cache.get(key)
            if cached:
                return cached
            url = self._upload_new(data, model, f"{digest[:32]}.{ext}", cancelled)
            self.cache.put(key, url)
            return url

    def _policy(self, model: str, cancelled: CancelCheck | None) -> dict[str, Any]:
        # Held while fetching, so a batch of parallel uploads shares one policy instead of asking for one each.
        with self._policy_lock:
            policy = self._policies.get(model)
            if policy and policy.fresh:
                return policy.fields
            return self._fetch_policy(model, cancelled)

    def _fetch_policy(self, model: str, cancelled: CancelCheck | None) -> dict[str, Any]:
        body = self.transport.api(
            "GET", "/uploads", idempotent=True, params={"action": "getPolicy", "model": model}, cancelled=cancelled
        )
        fields = body.get("data")
        needed = ("policy", "signature", "upload_dir", "upload_host", "oss_access_key_id")
        if not isinstance(fields, dict) or any(not fields.get(name) for name in needed):
            raise UploadError("getPolicy answered without the fields an upload needs.", code="BadResponse")
        if urlsplit(str(fields["upload_host"])).scheme not in ("http", "https"):
            raise UploadError("getPolicy named an upload host that is not http(s).", code="BadResponse")
        self._policies[model] = _Policy(fields, time.monotonic())
        return fields

    def _upload_new(self, data: bytes, model: str, filename: str, cancelled: CancelCheck | None) -> str:
        policy = self._policy(model, cancelled)
        object_key = f"{str(policy['upload_dir']).rstrip('/')}/{filename}"
        form = {
            "OSSAccessKeyId": policy["oss_access_key_id"],
            "Signature": policy["signature"],
            "policy": policy["policy"],
            "key": object_key,
            "x-oss-object-acl": policy.get("x_oss_object_acl") or "private",
            "x-oss-forbid-overwrite": policy.get("x_oss_forbid_overwrite") or "true",
            "success_action_status": "200",
        }
        mime = MIME.get(filename.rsplit(".", 1)[-1], "application/octet-stream")

        def attempt(abandon: threading.Event) -> requests.Response:
            return self.transport.post_form(str(policy["upload_host"]), form, (filename, data, mime), abandon)

        def post() -> None:
            response = self.transport.transfer(
                attempt, cancelled=cancelled, what="upload to DashScope storage", size=len(data)
            )
            if response.status_code in (200, 201, 204):
                return
            # Overwrite is forbidden, so 409 means an earlier try of this same upload got through.
            if response.status_code == 409:
                return
            if response.status_code >= 500 or response.status_code == 429:
                raise Retryable(f"storage answered HTTP {response.status_code}")
            code = _xml_field(response.text, "Code") or f"HTTP{response.status_code}"
            message = _xml_field(response.text, "Message") or "the storage host refused the upload"
            raise UploadError(message, code=code, http_status=response.status_code)

        self.transport.repeat(post, what="Upload to DashScope storage", cancelled=cancelled)
        return "oss://" + object_key


def _xml_field(text: str, name: str) -> str:
    match = re.search(rf"<{name}>(.*?)</{name}>", text or "", re.S)
    return match.group(1).strip() if match else ""

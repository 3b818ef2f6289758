"""The temporary-storage side of uploads (spec 9.2): policies, the multipart form POST, stored objects."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import uuid
from email.parser import BytesParser
from email.policy import HTTP


def parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """A multipart/form-data body -> (text fields, file fields {name: (filename, bytes)})."""
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_param("filename", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if filename is not None:
            files[name] = (filename, payload)
        else:
            fields[name] = payload.decode("utf-8")
    return fields, files


class Storage:
    """Policies handed out by getPolicy, and the objects posted with them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.policies: dict[str, dict[str, str]] = {}  # signature -> {policy, upload_dir, model}
        self.objects: dict[str, bytes] = {}  # "oss://key" -> bytes

    def new_policy(self, model: str, upload_host: str) -> dict[str, object]:
        upload_dir = (
            f"dashscope-instant/{hashlib.md5(model.encode()).hexdigest()}/{time.strftime('%Y-%m-%d')}/{uuid.uuid4()}"
        )
        expiry = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 300))
        document = {
            "expiration": expiry,
            "conditions": [
                ["content-length-range", 0, 1073741824],
                ["starts-with", "$key", upload_dir],
                {"bucket": "dashscope-file-mgr"},
                {"x-oss-object-acl": "private"},
                {"x-oss-forbid-overwrite": "true"},
            ],
        }
        policy = base64.b64encode(json.dumps(document).encode()).decode()
        signature = base64.b64encode(hashlib.sha1((policy + upload_dir).encode()).digest()).decode()
        with self._lock:
            self.policies[signature] = {
                "policy": policy,
                "upload_dir": upload_dir,
                "model": model,
                "expires": str(time.time() + 300),
            }
        return {
            "policy": policy,
            "signature": signature,
            "upload_dir": upload_dir,
            "upload_host": upload_host,
            "expire_in_seconds": 300,
            "max_file_size_mb": 1024,
            "capacity_limit_mb": 999999999,
            "oss_access_key_id": "LTAIemulator",
            "x_oss_object_acl": "private",
            "x_oss_forbid_overwrite": "true",
        }

    def accept(self, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[int, str, str]:
        """Store one posted object; returns (status, OSS-style XML error or '', the policy's model)."""
        with self._lock:
            grant = self.policies.get(fields.get("Signature", ""))
            if (
                grant is None
                or grant["policy"] != fields.get("policy")
                or fields.get("OSSAccessKeyId") != "LTAIemulator"
            ):
                return 403, _xml("SignatureDoesNotMatch", "The request signature we calculated does not match."), ""
            if float(grant["expires"]) < time.time():
                return 403, _xml("AccessDenied", "Invalid according to Policy: Policy expired."), ""
            key = fields.get("key", "")
            if not key.startswith(grant["upload_dir"] + "/") or "file" not in files:
                return 403, _xml("AccessDenied", "Invalid according to Policy: Policy Condition failed."), ""
            url = "oss://" + key
            if url in self.objects:
                return (
                    409,
                    _xml("FileAlreadyExists", "The object you specified already exists and can not be overwritten."),
                    grant["model"],
                )
            self.objects[url] = files["file"][1]
            return 200, "", grant["model"]


def _xml(code: str, message: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{uuid.uuid4().hex}</RequestId></Error>'

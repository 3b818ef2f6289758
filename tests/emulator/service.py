"""The emulator's HTTP side and task engine (spec sections 2-9, 13)."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import io
import json
import re
import threading
import time
import uuid
import zipfile
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import numpy as np
from PIL import Image

from . import catalog, pictures, strict
from .fault_plan import Faults
from .storage import Storage, parse_multipart

MODEL_MISSING = "Model not exist."
_INLINE = catalog.Model("(debug view)", (), data_uri=True)  # reads any inline or uploaded picture
CHINA = dt.timezone(dt.timedelta(hours=8))


def _stamp(moment: float | None) -> str | None:
    if moment is None:
        return None
    return dt.datetime.fromtimestamp(moment, CHINA).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


@dataclass
class RecordedRequest:
    host: str
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any
    form: dict[str, str] | None
    files: dict[str, tuple[str, bytes]] | None
    time: float
    status: int = 0


@dataclass
class ResultRecord:
    url: str
    color: tuple[int, int, int]
    width: int
    height: int
    mode: str


@dataclass
class TaskRecord:
    task_id: str
    model: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    status: str = "PENDING"
    submitted_at: float = 0.0
    started_at: float | None = None
    ended_at: float | None = None
    results: list[ResultRecord] = field(default_factory=list)
    code: str = ""
    message: str = ""
    output: dict[str, Any] = field(default_factory=dict)
    usage: dict[str, Any] = field(default_factory=dict)
    run_seconds: float = 0.2
    suspend_until: float = 0.0
    endless: bool = False
    fault: dict[str, Any] = field(default_factory=dict)
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))


class _Server(ThreadingHTTPServer):
    # socketserver's listen backlog of 5 overflows when a batch opens dozens of connections at once on a loaded
    # machine: the kernel then resets connections that never reach a handler, which the pack must (rightly) treat as
    # an ambiguous submit. The real service's front end does not refuse a burst that way, so neither does its double.
    request_queue_size = 128


class _Drop(Exception):
    """Close the connection without an answer."""


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


class TaskFailure(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class Emulator:
    def __init__(
        self,
        api_key: str | None = None,
        task_seconds: float = 0.2,
        enforce_limits: bool = True,
        serve_retired: bool = True,
        ports: tuple[int, int, int] = (0, 0, 0),
        strict: bool = True,
        clock_offset: float = 0.0,
        region: str = "china",
    ):
        self.api_key = api_key
        # Seconds the service's clock runs ahead of this machine's (negative: behind), in its Date header and in
        # every time it reports, as when the client's PC clock is off.
        self.clock_offset = clock_offset
        # "china" (Beijing) or another region ("singapore"): temporary uploads exist only in China (Beijing)
        # (official-reference-2026-12.md §6), so elsewhere getPolicy is refused.
        self.region = region
        # Strict (the default, and the tests' fixture): refuse a field the model's official page does not list,
        # a documented field in the wrong place, or an official field's wrong value, with 400 InvalidParameter.
        self.strict = strict
        self.enforce_limits = enforce_limits
        self.serve_retired = serve_retired
        self.faults = Faults()
        self.storage = Storage()
        self.segmentation_persons = 3
        self.tasks: dict[str, TaskRecord] = {}
        self._requests: list[RecordedRequest] = []
        self._counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._lock = threading.RLock()
        self._seconds: dict[str | None, float] = {None: task_seconds}
        self._limits: dict[str, dict[str, float]] = {}
        self._submits: dict[str, deque[float]] = defaultdict(deque)
        self._queries: deque[float] = deque()  # task queries of the last second (peak_queries_per_second)
        self._retired_overrides: dict[str, bool] = {}
        self._results: dict[str, bytes] = {}
        self._files: dict[str, bytes] = {}
        self._jobs: dict[str, dict[str, Any]] = {}
        self._ports = ports
        self._servers: list[ThreadingHTTPServer] = []
        self._stop = threading.Event()
        self.sync_results: list[ResultRecord] = []  # results of sync calls (they have no task)

    # ---- lifecycle ------------------------------------------------------------------------
    def start(self) -> Emulator:
        for role, port in zip(("api", "storage", "results"), self._ports, strict=True):
            server = _Server(("127.0.0.1", port), _handler_for(self, role))
            server.daemon_threads = True
            self._servers.append(server)
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        threading.Thread(target=self._engine, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def _url(self, index: int) -> str:
        return f"http://127.0.0.1:{self._servers[index].server_address[1]}"

    @property
    def base_url(self) -> str:
        return self._url(0) + "/api/v1"

    @property
    def storage_url(self) -> str:
        return self._url(1)

    @property
    def results_url(self) -> str:
        return self._url(2)

    # ---- inspection and control ---------------------------------------------------------------
    def now(self) -> float:
        """The service's clock (epoch seconds): this machine's plus ``clock_offset``."""
        return time.time() + self.clock_offset

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def uploads(self) -> dict[str, bytes]:
        return dict(self.storage.objects)

    def count(self, kind: str, model: str | None = None) -> int:
        with self._lock:
            per_model = self._counts.get(kind, {})
            return per_model.get(model, 0) if model else sum(per_model.values())

    def _bump(self, kind: str, model: str = "") -> None:
        with self._lock:
            self._counts[kind][model] += 1

    def clear_records(self) -> None:
        with self._lock:
            self._requests.clear()
            self._counts.clear()

    def set_task_seconds(self, seconds: float, model: str | None = None) -> None:
        self._seconds[model] = seconds

    def set_limits(self, model: str, qps: float | None = None, concurrency: int | None = None) -> None:
        limits = self._limits.setdefault(model, {})
        if qps is not None:
            limits["qps"] = qps
        if concurrency is not None:
            limits["concurrency"] = concurrency

    def retire(self, model: str) -> None:
        self._retired_overrides[model] = True

    def unretire(self, model: str) -> None:
        self._retired_overrides[model] = False

    def _limit(self, model: catalog.Model, name: str) -> float:
        return self._limits.get(model.name, {}).get(name, getattr(model, name))

    def _is_retired(self, model: catalog.Model) -> bool:
        if model.name in self._retired_overrides:
            return self._retired_overrides[model.name]
        return model.retired and not self.serve_retired

    # ---- HTTP dispatch ------------------------------------------------------------------------
    def handle(self, role: str, req: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self._requests.append(req)
        if role == "storage":
            return self._storage_post(req)
        if role == "results":
            return self._download(req)
        request_id = str(uuid.uuid4())
        try:
            self._authorise(req)
            status, body = self._route(req)
            body.setdefault("request_id", request_id)
            return status, {"Content-Type": "application/json"}, json.dumps(body, ensure_ascii=False).encode()
        except ApiError as err:
            if err.status == 429:
                self._bump("throttled", (req.json or {}).get("model", "") if isinstance(req.json, dict) else "")
            body = {"code": err.code, "message": err.message, "request_id": request_id}
            headers = {"Content-Type": "application/json", "X-Request-ID": request_id, **err.headers}
            return err.status, headers, json.dumps(body, ensure_ascii=False).encode()

    def _authorise(self, req: RecordedRequest) -> None:
        auth = req.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            raise ApiError(401, "InvalidApiKey", "No API-key provided.")
        if self.api_key is not None and auth[7:].strip() != self.api_key:
            raise ApiError(401, "InvalidApiKey", "Invalid API-key provided.")

    def _route(self, req: RecordedRequest) -> tuple[int, dict[str, Any]]:
        path = req.path[len("/api/v1") :] if req.path.startswith("/api/v1") else req.path
        parts = [p for p in path.split("/") if p]
        if req.method == "GET" and parts == ["tasks"]:
            return 200, self._list_tasks(req.query)
        if req.method == "GET" and len(parts) == 2 and parts[0] == "tasks":
            return 200, self._poll(parts[1])
        if req.method == "POST" and len(parts) == 3 and parts[0] == "tasks" and parts[2] == "cancel":
            return 200, self._cancel(parts[1])
        if req.method == "GET" and parts == ["uploads"]:
            return 200, self._policy(req.query)
        if req.method == "POST" and parts == ["files"]:
            return 200, self._upload_file(req)
        if parts[:1] == ["fine-tunes"]:
            return 200, self._fine_tune(req, parts)
        if req.method == "GET" and parts == ["__emulator__", "counts"]:
            # Not a DashScope route: lets a benchmark that runs the emulator in another process read its counters.
            with self._lock:
                return 200, {"counts": {kind: dict(per_model) for kind, per_model in self._counts.items()}}
        if req.method == "GET" and parts == ["__emulator__", "requests"]:
            # Not a DashScope route either: the bodies of the model calls received, for a run in another process
            # (real ComfyUI) to show what was sent. Inline pictures are shortened to their length.
            return 200, {"requests": self._recorded_calls()}
        if req.method == "POST" and parts[:1] == ["services"]:
            return 200, self._submit(req, "/" + "/".join(parts))
        raise ApiError(404, "NotFound", f"No route for {req.method} {path}.")

    def _recorded_calls(self) -> list[dict[str, Any]]:
        def short(value: Any) -> Any:
            if isinstance(value, str) and value.startswith(("data:", "oss://")):
                try:  # which picture it is: its size
                    picture = Image.open(
                        io.BytesIO(self._fetch_bytes(_INLINE, value, {"x-dashscope-ossresourceresolve": "enable"}))
                    )
                    size = f"{picture.width}x{picture.height}"
                except Exception:  # a debug view: any picture it cannot read is shown as such
                    size = "unreadable"
                return f"{value[:24]}... ({len(value)} characters, {size} picture)"
            if isinstance(value, dict):
                return {k: short(v) for k, v in value.items()}
            if isinstance(value, list):
                return [short(v) for v in value]
            return value

        calls = [r for r in self.requests if r.host == "api" and r.method == "POST" and "/services/" in r.path]
        return [
            {
                "path": r.path,
                "status": r.status,
                "async": r.headers.get("x-dashscope-async") == "enable",
                "body": short(r.json),
            }
            for r in calls
        ]

    # ---- tasks ----------------------------------------------------------------------------------
    def _submit(self, req: RecordedRequest, path: str) -> dict[str, Any]:
        body = req.json if isinstance(req.json, dict) else None
        name = str((body or {}).get("model") or "")
        self._bump("submit", name)
        if self.faults.take("submit_drop_before"):
            raise _Drop()
        fault = self.faults.take("submit_error")
        if fault:
            headers = {"Retry-After": str(fault["retry_after"])} if fault.get("retry_after") is not None else {}
            raise ApiError(fault["status"], fault["code"], fault["message"], headers)
        if body is None:
            raise ApiError(400, "InvalidParameter.JsonPhrase", "The request body is not valid JSON.")
        if not name:
            raise ApiError(400, "BadRequest.EmptyModel", "Required parameter 'model' missing.")
        model = catalog.find(name)
        if model is None or self._is_retired(model):
            raise ApiError(400, "InvalidParameter", MODEL_MISSING)
        route = model.route(path)
        if route is None:
            raise ApiError(400, "InvalidParameter", f"Model {name} is not served at {path}.")
        if "input" not in body:
            raise ApiError(400, "BadRequest.EmptyInput", "Required parameter 'input' missing.")
        wants_async = req.headers.get("x-dashscope-async") == "enable"
        sync_call = route.sync
        if sync_call and wants_async:
            # UNCONFIRMED: the spec only says not to send it; we refuse it like the async-only paths refuse its absence.
            raise ApiError(400, "InvalidParameter", "current user api does not support asynchronous calls")
        if not sync_call and not wants_async:
            raise ApiError(403, "AccessDenied", "current user api does not support synchronous calls")
        self._throttle(model)
        _gateway_checks(model, route, body)
        if self.strict:
            refusal = strict.problem(model, route, body)
            if refusal:
                raise ApiError(400, "InvalidParameter", refusal)
        if sync_call:
            self._bump("sync_call", name)
            return self._run_sync(model, route, body, req)
        task = TaskRecord(
            task_id=str(uuid.uuid4()),
            model=name,
            path=route.path,
            body=body,
            headers=dict(req.headers),
            submitted_at=time.monotonic(),
            run_seconds=self._seconds.get(name, self._seconds[None]),
        )
        task.fault = {k: v for k in ("fail_task", "partial_task", "hostile") if (v := self.faults.take(k))}
        suspend = self.faults.take("suspend_task")
        if suspend:
            task.suspend_until = suspend["seconds"]
        task.endless = bool(self.faults.take("never_finish"))
        with self._lock:
            self.tasks[task.task_id] = task
        self._bump("task_created", name)
        self._answer_lost()
        return {"output": {"task_status": "PENDING", "task_id": task.task_id}}

    def _answer_lost(self) -> None:
        """Faults that lose the answer of a request that did create its task (or training job)."""
        if self.faults.take("submit_drop_after"):
            raise _Drop()
        slow = self.faults.take("submit_slow_after")
        if slow:
            time.sleep(slow["seconds"])
        fault = self.faults.take("submit_error_after")
        if fault:
            raise ApiError(fault["status"], fault["code"], "An internal error has occured, please try again later.")

    def _throttle(self, model: catalog.Model) -> None:
        if not self.enforce_limits:
            return
        qps = self._limit(model, "qps")
        now = time.monotonic()
        with self._lock:
            window = self._submits[model.name]
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= max(int(qps), 1):
                raise ApiError(429, "Throttling.RateQuota", "Requests rate limit exceeded, please try again later.")
            window.append(now)

    def _measure_query_rate(self) -> None:
        """The most task queries seen in any one second (the service documents 20 per second per account)."""
        now = time.monotonic()
        with self._lock:
            self._queries.append(now)
            while now - self._queries[0] >= 1.0:
                self._queries.popleft()
            peak = self._counts["peak_queries_per_second"]
            peak["all"] = max(peak["all"], len(self._queries))

    def _engine(self) -> None:
        """Move tasks along: PENDING -> RUNNING (within the model's concurrency) -> SUCCEEDED / FAILED."""
        while not self._stop.wait(0.01):
            now = time.monotonic()
            with self._lock:
                tasks = [t for t in self.tasks.values() if t.status in ("PENDING", "RUNNING", "SUSPENDED")]
            running: dict[str, int] = defaultdict(int)
            for task in tasks:
                if task.status in ("RUNNING", "SUSPENDED"):
                    running[task.model] += 1
            for task in sorted(tasks, key=lambda t: t.submitted_at):
                model = catalog.find(task.model)
                if task.status == "PENDING":
                    limit = self._limit(model, "concurrency") if self.enforce_limits else 10**6
                    if running[task.model] < limit:
                        running[task.model] += 1
                        task.started_at = now
                        if task.suspend_until:
                            task.status, task.suspend_until = "SUSPENDED", now + task.suspend_until
                        else:
                            task.status = "RUNNING"
                elif task.status == "SUSPENDED" and now >= task.suspend_until:
                    task.status, task.started_at = "RUNNING", now
                elif (
                    task.status == "RUNNING" and not task.endless and now - (task.started_at or now) >= task.run_seconds
                ):
                    self._finish(task, model)

    def _finish(self, task: TaskRecord, model: catalog.Model) -> None:
        try:
            if "fail_task" in task.fault:
                raise TaskFailure(task.fault["fail_task"]["code"], task.fault["fail_task"]["message"])
            route = model.route(task.path)
            images = self._inputs(model, route, task.body, task.headers)
            task.output = self._produce(model, route, task.body, images, task.task_id, task.fault)
            count = sum(1 for r in task.output.get("results", []) if "url" in r or "png_url" in r) or len(task.results)
            task.usage = {"image_count": count}
            task.status = "SUCCEEDED"
        except TaskFailure as failure:
            task.code, task.message, task.status = failure.code, failure.message, "FAILED"
        task.ended_at = time.monotonic()

    def _poll(self, task_id: str) -> dict[str, Any]:
        task = self.tasks.get(task_id)
        self._bump("poll", task.model if task else "")
        self._measure_query_rate()
        if self.faults.take("poll_reset"):
            raise _Drop()
        fault = self.faults.take("poll_error")
        if fault:
            raise ApiError(fault["status"], fault["code"], "An internal error has occured, please try again later.")
        if task is None:
            return {"output": {"task_id": task_id, "task_status": "UNKNOWN"}}
        wall = self.now() - time.monotonic()
        output: dict[str, Any] = {
            "task_id": task.task_id,
            "task_status": task.status,
            "submit_time": _stamp(task.submitted_at + wall),
        }
        if task.started_at:
            output["scheduled_time"] = _stamp(task.started_at + wall)
        answer: dict[str, Any] = {"output": output}
        model = catalog.find(task.model)
        metrics = model.metrics
        n = _slots(model.route(task.path), task.body)
        if task.status == "RUNNING" and metrics:
            output["task_metrics"] = {"TOTAL": n, "SUCCEEDED": 0, "FAILED": 0}
        if task.ended_at:
            output["end_time"] = _stamp(task.ended_at + wall)
        if task.status == "SUCCEEDED":
            output.update(task.output)
            answer["usage"] = task.usage
            if metrics:
                ok = task.usage.get("image_count", 0)
                output["task_metrics"] = {"TOTAL": n, "SUCCEEDED": ok, "FAILED": n - ok}
        elif task.status == "FAILED":
            output.update(code=task.code, message=task.message)
        return answer

    def _cancel(self, task_id: str) -> dict[str, Any]:
        task = self.tasks.get(task_id)
        self._bump("cancel", task.model if task else "")
        with self._lock:
            if task is None or task.status != "PENDING":
                raise ApiError(
                    400,
                    "UnsupportedOperation",
                    "Failed to cancel the task, please confirm if the task is in PENDING status.",
                )
            task.status, task.ended_at = "CANCELED", time.monotonic()
        return {}

    def _list_tasks(self, query: dict[str, str]) -> dict[str, Any]:
        rows = [
            t
            for t in self.tasks.values()
            if (not query.get("status") or t.status == query["status"])
            and (not query.get("model_name") or t.model == query["model_name"])
        ]
        page, size = int(query.get("page_no", 1)), int(query.get("page_size", 10))
        chosen = rows[(page - 1) * size : page * size]
        wall = self.now() - time.monotonic()

        def epoch_ms(moment: float | None) -> int | None:
            return None if moment is None else int((moment + wall) * 1000)

        # The official shape (a flat answer; items say "status", times in epoch ms). start_time / end_time are
        # accepted but not applied: their query format is not settled (YYYYMMDDhhmmss or epoch ms).
        data = [
            {
                "task_id": t.task_id,
                "status": t.status,
                "model_name": t.model,
                "region": "cn-beijing" if self.region == "china" else "ap-southeast-1",
                "request_id": t.request_id,
                "api_key_id": "emulator",
                "gmt_create": epoch_ms(t.submitted_at),
                "start_time": epoch_ms(t.started_at),
                "end_time": epoch_ms(t.ended_at),
            }
            for t in chosen
        ]
        return {
            "total": len(rows),
            "total_page": max(1, -(-len(rows) // size)),
            "page_no": page,
            "page_size": size,
            "data": data,
        }

    # ---- inputs --------------------------------------------------------------------------------
    def _fetch(self, model: catalog.Model, url: Any, headers: dict[str, str]) -> Image.Image:
        data = self._fetch_bytes(model, url, headers)
        try:
            image = Image.open(io.BytesIO(data))
            image.load()
        except Exception:
            raise TaskFailure("InvalidParameter.ImageFormat", "The input image format is not supported.") from None
        return image

    def _fetch_bytes(self, model: catalog.Model, url: Any, headers: dict[str, str]) -> bytes:
        if not isinstance(url, str) or not url:
            raise TaskFailure("InvalidParameter", "An image URL is empty.")
        if not url.isascii():
            raise TaskFailure("InvalidURL", "Invalid URL provided in your request.")
        if url.startswith("oss://"):
            if headers.get("x-dashscope-ossresourceresolve") != "enable":
                raise TaskFailure("InvalidParameter.FileDownload", "download for input_image error")
            data = self.storage.objects.get(url)
        elif url.startswith("data:"):
            if not model.data_uri:
                raise TaskFailure("InvalidParameter.FileDownload", "download for input_image error")
            data = base64.b64decode(url.split(",", 1)[1])
        elif url.startswith((self.results_url, self.storage_url)):
            data = self._results.get(urlsplit(url).path)
        else:
            data = None  # no internet here: anything else cannot be fetched
        if data is None:
            raise TaskFailure("InvalidParameter.FileDownload", "download for input_image error")
        return data

    def _inputs(
        self, model: catalog.Model, route: catalog.Route, body: dict[str, Any], headers: dict[str, str]
    ) -> dict[str, list[Image.Image]]:
        inp = body.get("input") or {}
        found: dict[str, list[Image.Image]] = {}
        for name in route.image_fields:
            value = inp.get(name)
            if value:
                found[name] = [self._fetch(model, v, headers) for v in (value if isinstance(value, list) else [value])]
        for message in inp.get("messages") or []:
            for part in message.get("content") or []:
                if isinstance(part, dict) and part.get("image"):
                    found.setdefault("content", []).append(self._fetch(model, part["image"], headers))
        if isinstance(inp.get("image"), dict) and inp["image"].get("image_url"):
            found["image_url"] = [self._fetch(model, inp["image"]["image_url"], headers)]
        fonts = [
            inp.get("ttf_url"),
            (inp.get("text") or {}).get("ttf_url") if isinstance(inp.get("text"), dict) else None,
        ]
        for url in filter(None, fonts):
            if self._fetch_bytes(model, url, headers)[:4] not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
                raise TaskFailure("InvalidParameter.FileDownload", "ttf_url does not point to a TrueType/OpenType font")
        edges = inp.get("reference_edge") or {}
        for key in ("foreground_edge", "background_edge"):
            if edges.get(key):
                found[key] = [self._fetch(model, v, headers) for v in edges[key]]
        if model.name == "wanx-background-generation-v2" and found.get("base_image_url"):
            if found["base_image_url"][0].mode != "RGBA":
                raise TaskFailure("BadRequest.UnsupportedFileFormat", "Base image require RGBA format, but is RGB")
        boxes = (body.get("parameters") or {}).get("bbox_list")
        for picture, entry in zip(found.get("content", []), boxes or [], strict=False):
            for x1, y1, x2, y2 in entry:
                if x2 > picture.width or y2 > picture.height:
                    raise TaskFailure(
                        "InvalidParameter", f"bbox {[x1, y1, x2, y2]} lies outside its {picture.size} image."
                    )
        if model.name in ("wanx-virtualmodel", "virtualmodel-v2") and found.get("mask_image_url"):
            # Spec 11.12: the mask has the base image's resolution (added by the portrait / e-commerce engineer).
            if found["mask_image_url"][0].size != found["base_image_url"][0].size:
                raise TaskFailure("InvalidParameter", "mask_image_url must have the resolution of base_image_url.")
        if model.name == "facechain-generation":
            resources = body.get("resources") or []
            style = (body.get("parameters") or {}).get("style", "")
            if style != "train_free_portrait_url_template":
                known = {j.get("finetuned_output") for j in self._jobs.values()}
                if not resources or any(r.get("resource_id") not in known for r in resources):
                    raise TaskFailure("Resource.AccessDenied", "The resource does not exist or is not accessible.")
        return found

    # ---- outputs -------------------------------------------------------------------------------
    def _store(self, task_id: str, index: int, role: str, data: bytes, fmt: str) -> str:
        path = f"/results/{task_id}/{index}{'-' + role if role else ''}.{fmt}"
        self._results[path] = data
        expires = int(self.now()) + 86400
        return f"{self.results_url}{path}?Expires={expires}&OSSAccessKeyId=emulator&Signature={uuid.uuid4().hex[:16]}"

    def _produce(
        self,
        model: catalog.Model,
        route: catalog.Route,
        body: dict[str, Any],
        images: dict[str, list[Image.Image]],
        task_id: str,
        fault: dict[str, Any],
    ) -> dict[str, Any]:
        failed = set(fault.get("partial_task", {}).get("failed", ()))
        slots = []
        task = self.tasks.get(task_id)
        for index in range(_slots(route, body)):
            if index in failed:
                slots.append(None)
                continue
            files = pictures.render(model.name, body, images, index, self.segmentation_persons)
            urls = {}
            for role, data, width, height, mode, color in files:
                fmt = "svg" if mode == "SVG" else ("jpg" if data[:2] == b"\xff\xd8" else "png")
                urls[role] = self._store(task_id or "sync-" + uuid.uuid4().hex[:8], index, role, data, fmt)
                if role == "" and task is not None:
                    task.results.append(ResultRecord(urls[role], color, width, height, mode))
                elif role == "" and task is None:
                    self.sync_results.append(ResultRecord(urls[role], color, width, height, mode))
            slots.append(urls)
        hostile = fault.get("hostile", {}).get("kind")
        if hostile == "many_results" and slots and slots[0]:
            # One result listed many times over, each copy at its own URL (the answer of a broken or hostile service).
            size = fault["hostile"].get("size")
            first = _solid_png(*size) if size else self._results[urlsplit(slots[0][""]).path]
            count = fault["hostile"].get("count", 500)
            slots = [{"": self._store(task_id or "sync", i, "", first, "png")} for i in range(count)]
        elif hostile == "big_images":
            for urls in slots:
                if urls:
                    self._results[urlsplit(urls[""]).path] = _solid_png(*fault["hostile"].get("size", (8192, 8192)))
        if hostile == "file_scheme":
            slots = [{"": "file:///etc/passwd"} for _ in slots]
        elif hostile in ("corrupt_image", "huge_image"):
            for urls in slots:
                if urls:
                    self._results[urlsplit(urls[""]).path] = (
                        b"not an image at all" if hostile == "corrupt_image" else _huge_png()
                    )
        if hostile == "missing_fields":
            return {}
        timeout_slot = {
            "code": "InternalError.Timeout",
            "message": "An internal timeout error has occured during execution, please try again later or contact service support.",
        }
        if route.shape == "A":
            return {"results": [{"url": s[""]} if s else dict(timeout_slot) for s in slots]}
        if route.shape == "B":
            return {"output_image_url": slots[0][""]}
        if route.shape == "C":
            return {"output_image_url": slots[0][""], "output_vis_image_url": slots[0]["vis"]}
        if route.shape == "D":
            good = [s for s in slots if s]
            return {
                "render_urls": [s[""] for s in good],
                "bg_urls": [s["bg"] for s in good],
                "auxiliary_parameters": [f"aux-{task_id[:8]}-{i}" for i in range(len(good))],
            }
        if route.shape == "E":
            return {"results": [{"png_url": s[""], "svg_url": s["svg"]} if s else dict(timeout_slot) for s in slots]}
        if route.shape == "F":
            return {
                "choices": [
                    {
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": [{"image": s[""]} for s in slots if s]},
                    }
                ]
            }
        raise AssertionError(route.shape)

    def _run_sync(
        self, model: catalog.Model, route: catalog.Route, body: dict[str, Any], req: RecordedRequest
    ) -> dict[str, Any]:
        time.sleep(self._seconds.get(model.name, self._seconds[None]))
        try:
            answer = (
                self._face_detect(model, body, req.headers)
                if route.shape == "G"
                else self._generate(model, route, body, req)
            )
        except TaskFailure as failure:
            raise ApiError(400, failure.code, failure.message) from None
        self._bump("sync_generated", model.name)  # made (and billed at the real service) before the answer goes
        self._answer_lost()  # the same faults as after a task is created: the answer is lost, the result exists
        return answer

    def _generate(
        self, model: catalog.Model, route: catalog.Route, body: dict[str, Any], req: RecordedRequest
    ) -> dict[str, Any]:
        images = self._inputs(model, route, body, req.headers)
        before = len(self.sync_results)
        output = self._produce(model, route, body, images, "", {})
        made = self.sync_results[before:]
        first = made[0] if made else None
        usage = {"image_count": len(made), "width": first.width if first else 0, "height": first.height if first else 0}
        return {"output": output, "usage": usage}

    def _face_detect(self, model: catalog.Model, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        urls = (body.get("input") or {}).get("images") or []
        if not 1 <= len(urls) <= 10:
            raise ApiError(400, "InvalidParameter", "input.images must hold 1 to 10 image URLs.")
        is_face, reasons = [], []
        for url in urls:
            image = self._fetch(model, url, headers)
            w, h = image.size
            if not (256 <= w <= 4096 and 256 <= h <= 4096):
                is_face.append(False)
                reasons.append("image resolution out of range")
            elif float(np.asarray(image.convert("L")).std()) < 8:
                is_face.append(False)
                reasons.append("no face detected")
            else:
                is_face.append(True)
                reasons.append("")
        return {"output": {"is_face": is_face, "failed_reason": reasons}, "usage": {}}

    # ---- uploads, files and fine-tunes ---------------------------------------------------------
    def _policy(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("action") != "getPolicy" or not query.get("model"):
            raise ApiError(400, "InvalidParameter", "action=getPolicy and model are required.")
        if self.region != "china":
            # UNCONFIRMED: no page shows how another region's host answers getPolicy; the page says only that the
            # feature is "available only in the China (Beijing) region". A refusal of this shape is assumed.
            self._bump("policy_refused", query["model"])
            raise ApiError(
                403, "AccessDenied", "Uploading temporary files is available only in the China (Beijing) region."
            )
        self._bump("policy", query["model"])
        return {"data": self.storage.new_policy(query["model"], self.storage_url)}

    def _storage_post(self, req: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        if req.method != "POST":
            return 405, {}, b""
        fault = self.faults.take("upload_error")
        if fault:
            return fault["status"], {"Content-Type": "application/xml"}, b"<Error><Code>InternalError</Code></Error>"
        status, xml, model = self.storage.accept(req.form or {}, req.files or {})
        if status == 200:
            self._bump("upload", model)
        return status, {"Content-Type": "application/xml"} if xml else {}, xml.encode()

    def _upload_file(self, req: RecordedRequest) -> dict[str, Any]:
        files = req.files or {}
        if "files" not in files:
            raise ApiError(400, "InvalidParameter", "multipart field 'files' is required.")
        name, data = files["files"]
        file_id = "file-" + uuid.uuid4().hex[:16]
        self._files[file_id] = data
        return {"data": {"uploaded_files": [{"file_id": file_id, "name": name}]}}

    def _fine_tune(self, req: RecordedRequest, parts: list[str]) -> dict[str, Any]:
        if req.method == "POST" and len(parts) == 1:
            body = req.json or {}
            if body.get("model") != "facechain-finetune":
                raise ApiError(400, "InvalidParameter", MODEL_MISSING)
            model = catalog.find("facechain-finetune")
            refusal = self.strict and strict.problem(model, model.routes[0], body)
            if refusal:
                raise ApiError(400, "InvalidParameter", refusal)
            ids = body.get("training_file_ids") or []
            if not ids or any(i not in self._files for i in ids):
                raise ApiError(400, "InvalidParameter", "training_file_ids must name uploaded files.")
            for file_id in ids:
                try:
                    names = zipfile.ZipFile(io.BytesIO(self._files[file_id])).namelist()
                except zipfile.BadZipFile:
                    raise ApiError(400, "InvalidParameter", "The training file is not a zip archive.") from None
                if not [n for n in names if n.lower().endswith((".jpg", ".jpeg", ".png"))]:
                    raise ApiError(400, "InvalidParameter", "The training zip holds no images.")
            job_id = "ft-" + uuid.uuid4().hex[:16]
            self._jobs[job_id] = {
                "job_id": job_id,
                "model": "facechain-finetune",
                "training_file_ids": list(ids),
                "created": time.monotonic(),
                "create_time": _stamp(self.now())[:19],
                "finetuned_output": "facelora-" + uuid.uuid4().hex[:12],
            }
            self._bump("task_created", "facechain-finetune")
            self._answer_lost()
            return {"output": {"job_id": job_id, "status": "PENDING"}}
        if req.method == "GET" and len(parts) == 2:
            job = self._jobs.get(parts[1])
            if job is None:
                raise ApiError(404, "NotFound", "The fine-tune job does not exist.")
            return {"output": self._job_view(job)}
        if req.method == "GET" and len(parts) == 1:
            # The SDK's FineTunes.list (UNCONFIRMED on an official page): output.jobs[], page_no, page_size, total.
            jobs = list(self._jobs.values())
            page, size = int(req.query.get("page_no", 1)), int(req.query.get("page_size", 10))
            chosen = jobs[(page - 1) * size : page * size]
            return {
                "output": {
                    "jobs": [self._job_view(j) for j in chosen],
                    "page_no": page,
                    "page_size": size,
                    "total": len(jobs),
                }
            }
        raise ApiError(404, "NotFound", "No such fine-tune route.")

    def _job_view(self, job: dict[str, Any]) -> dict[str, Any]:
        age = time.monotonic() - job["created"]
        seconds = self._seconds.get("facechain-finetune", self._seconds[None])
        status = "SUCCEEDED" if age >= seconds else ("RUNNING" if age >= seconds / 4 else "PENDING")
        view = {key: job[key] for key in ("job_id", "model", "training_file_ids", "create_time")}
        view["status"] = status
        if status == "SUCCEEDED":
            view["finetuned_output"] = job["finetuned_output"]
        return view

    # ---- result host ---------------------------------------------------------------------------
    def _download(self, req: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        self._bump("download")
        fault = self.faults.take("download_error")
        if fault:
            return fault["status"], {"Content-Type": "application/xml"}, b"<Error><Code>NoSuchKey</Code></Error>"
        data = self._results.get(req.path)
        if data is None:
            return 404, {"Content-Type": "application/xml"}, b"<Error><Code>NoSuchKey</Code></Error>"
        expires = req.query.get("Expires")
        if expires and expires.isdigit() and int(expires) < self.now():
            return (
                403,
                {"Content-Type": "application/xml"},
                b"<Error><Code>AccessDenied</Code><Message>Request has expired.</Message></Error>",
            )
        if self.faults.take("download_truncated"):
            return 200, {"Content-Length": str(len(data)), "X-Truncate": "1"}, data[: len(data) // 2]
        slow = self.faults.take("slow_download")
        kind = (
            "image/svg+xml"
            if req.path.endswith(".svg")
            else ("image/jpeg" if req.path.endswith(".jpg") else "image/png")
        )
        headers = {"Content-Type": kind, **({"X-Trickle": str(slow["seconds"])} if slow else {})}
        squeeze = self.faults.take("gzip_download")
        if squeeze and (squeeze["always"] or "gzip" in req.headers.get("accept-encoding", "")):
            # As a CDN does: the body compressed, Content-Length counting the compressed bytes.
            data = gzip.compress(data)
            headers["Content-Encoding"] = "gzip"
        return 200, headers, data


def _trickle_write(stream: Any, payload: bytes, seconds: float) -> None:
    """Send a body in small pieces spread over ``seconds`` (a slow result host); a client that gives up ends it."""
    pieces = 50
    size = max(1, -(-len(payload) // pieces))
    for start in range(0, len(payload), size):
        stream.write(payload[start : start + size])
        stream.flush()
        time.sleep(seconds / pieces)


def _trickle_read(stream: Any, length: int, seconds: float) -> bytes:
    """Read a body in small pieces spread over ``seconds`` (a slow storage host); short if the client went away."""
    pieces = 50
    size = max(1, -(-length // pieces))
    body = bytearray()
    while len(body) < length:
        chunk = stream.read(min(size, length - len(body)))
        if not chunk:
            break
        body += chunk
        time.sleep(seconds / pieces)
    return bytes(body)


def _slots(route: catalog.Route, body: dict[str, Any]) -> int:
    """How many images a request makes: its n, or the model's documented default n when it leaves n out."""
    inp, par = body.get("input") or {}, body.get("parameters") or {}
    if route.field("input.generate_num") is not None:
        return (
            max(1, min(int(inp.get("generate_num") or 1), 4))
            if inp.get("generate_mode", "generate") == "generate"
            else 1
        )
    n = route.field("parameters.n")
    default = n.default if n is not None and n.has_default else 1
    return max(1, int(par.get("n", default) or 1))


def _gateway_checks(model: catalog.Model, route: catalog.Route, body: dict[str, Any]) -> None:
    """What the gateway rejects synchronously (400 InvalidParameter); content problems fail the task later."""
    par = body.get("parameters")
    if par is not None and not isinstance(par, dict):
        raise ApiError(400, "InvalidParameter", "parameters must be an object.")
    n = (par or {}).get("n")
    if n is not None and not (isinstance(n, int) and 1 <= n <= route.n_max):
        message = (
            "num_images_per_prompt must be 1"
            if route.n_max == 1
            else f"parameters.n must be between 1 and {route.n_max}."
        )
        raise ApiError(400, "InvalidParameter", message)
    if model.name == "wanx-v1":
        size = (par or {}).get("size", "1024*1024")
        allowed = ["1024*1024", "720*1280", "768*1152", "1280*720"]
        if size not in allowed:
            raise ApiError(400, "InvalidParameter", f"The size is not match the allowed size {allowed}")
        if not (body.get("input") or {}).get("prompt"):
            raise ApiError(400, "InvalidParameter", "input.prompt is required.")
        if len((body.get("input") or {}).get("prompt", "")) > 800:
            raise ApiError(400, "InvalidParameter", "input.prompt is longer than 800 characters.")
    _picture_count(model, route, body.get("input") or {})
    if model.name.startswith("wan2.7-image"):
        _wan27_rules(model.name, body.get("input") or {}, par or {})
    if model.name == "wanx-poster-generation-v1" and par != {}:
        raise ApiError(400, "InvalidParameter", "parameters must be present as {} for the poster model.")
    _portrait_commerce_checks(model.name, body.get("input") or {}, par or {})


def _pictures(inp: dict[str, Any]) -> list[Any]:
    """The pictures of a messages body (one content item each)."""
    return [
        part["image"]
        for message in inp.get("messages") or []
        if isinstance(message, dict)
        for part in message.get("content") or []
        if isinstance(part, dict) and "image" in part
    ]


def _picture_count(model: catalog.Model, route: catalog.Route, inp: dict[str, Any]) -> None:
    """As many pictures as the page says the model takes (a picture field's low-high), where it says so."""
    for item in route.fields:
        if not item.image or item.high is None:
            continue
        if item.path == "input.messages[].content[].image":
            count = len(_pictures(inp))
        else:
            value = inp.get(item.path.split(".", 1)[1])
            count = len(value) if isinstance(value, list) else int(value is not None)
        if count > item.high or (count and count < (item.low or 0)) or (item.required and not count):
            low = int(item.low or 0) if item.required else 0
            raise ApiError(
                400, "InvalidParameter", f"{model.name} takes {low}-{int(item.high)} input images, got {count}."
            )


_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_RATIO = re.compile(r"^\d{1,3}(\.\d{1,2})?%$")


def _wan27_rules(name: str, inp: dict[str, Any], par: dict[str, Any]) -> None:
    """wan2.7's documented rules: n 1-4 (1-12 in an image set), 4K only for pro text-to-image, a palette of 3-10
    colours adding up to 100% and not in an image set, one bbox_list entry per picture (addendum section 1)."""

    def bad(message: str) -> None:
        raise ApiError(400, "InvalidParameter", message)

    count, image_set = len(_pictures(inp)), par.get("enable_sequential") is True
    if isinstance(par.get("n"), int) and par["n"] > 4 and not image_set:
        bad("parameters.n must be between 1 and 4 unless enable_sequential is true.")
    size = par.get("size")
    if size == "4K" and (name != "wan2.7-image-pro" or count or image_set):
        bad("4K is supported only by wan2.7-image-pro text-to-image (not image sets, not editing).")
    if isinstance(size, str) and "*" in size:
        width, height = pictures.parse_size(size, (0, 0))
        most = 4096 if name == "wan2.7-image-pro" and not count and not image_set else 2048
        if not 768 * 768 <= width * height <= most * most or max(width, height) > 8 * min(width, height):
            bad(f"size {size} is outside 768*768-{most}*{most} total pixels, aspect at most 8:1.")
    palette = par.get("color_palette")
    if palette is not None:
        if image_set:
            bad("color_palette cannot be used with enable_sequential.")
        if not isinstance(palette, list) or not 3 <= len(palette) <= 10:
            bad("color_palette must hold 3 to 10 colours.")
        for colour in palette:
            if not (_HEX.match(str(colour.get("hex"))) and _RATIO.match(str(colour.get("ratio")))):
                bad(f"color_palette entry {colour!r} must be {{'hex': '#RRGGBB', 'ratio': 'NN.NN%'}}.")
        if abs(sum(float(c["ratio"][:-1]) for c in palette) - 100.0) > 0.001:
            bad("the ratios of color_palette must add up to 100%.")
    boxes = par.get("bbox_list")
    if boxes is not None:
        if not isinstance(boxes, list) or len(boxes) != count:
            bad(f"bbox_list must hold one list of boxes per input image ({count}).")
        for entry in boxes:
            for box in entry if isinstance(entry, list) else [None]:
                if not (isinstance(box, list) and len(box) == 4 and all(isinstance(v, int) for v in box)):
                    bad(f"each box of bbox_list must be [x1, y1, x2, y2] in pixels, not {box!r}.")
                if not (0 <= box[0] < box[2] and 0 <= box[1] < box[3]):
                    bad(f"box {box} must have x1 < x2 and y1 < y2.")


# Added by the portrait / e-commerce engineer: the required fields and enumerations of spec 11.9-11.13, so that the
# nodes' requests are checked against the documented shapes (a wrong type or value is a 400, as at the gateway).
# The value lists are the catalog's; strict mode checks the same and more, these stay for lenient runs.
def _portrait_commerce_checks(name: str, inp: dict[str, Any], par: dict[str, Any]) -> None:
    def bad(message: str) -> None:
        raise ApiError(400, "InvalidParameter", message)

    if name == "wanx-style-repaint-v1":
        index = inp.get("style_index")
        if not isinstance(index, int) or index not in catalog.REPAINT_STYLES:
            bad("input.style_index is missing or not a documented style.")
        if index == -1 and not inp.get("style_ref_url"):
            bad("input.style_ref_url is required when style_index is -1.")
    elif name == "wanx-style-cosplay-v1" and inp.get("model_index") != 1:
        bad("input.model_index must be 1.")
    elif name in ("wanx-virtualmodel", "virtualmodel-v2"):
        sizes = ["512", "1024"] if name == "wanx-virtualmodel" else ["1024", "2048"]
        if par.get("short_side_size") not in sizes:
            bad(f"parameters.short_side_size must be one of {sizes} (a string).")
        for key in ("prompt", "face_prompt"):
            if not isinstance(inp.get(key), str) or not inp[key] or len(inp[key]) >= 100:
                bad(f"input.{key} is required and must be shorter than 100 characters.")
    elif name == "shoemodel-v1":
        shoes = inp.get("shoe_image_url")
        if not isinstance(shoes, list) or not 1 <= len(shoes) <= 2:
            bad("input.shoe_image_url must be a list of fewer than 3 images.")
    elif name == "facechain-generation":
        style = par.get("style")
        if style not in catalog.FACECHAIN_STYLES:
            bad("parameters.style is missing or unknown.")
        if style in ("portrait_url_template", "train_free_portrait_url_template") and not inp.get("template_url"):
            bad("input.template_url is required in template modes.")
        if style == "train_free_portrait_url_template" and not 1 <= len(inp.get("user_urls") or []) <= 5:
            bad("input.user_urls must hold 1 to 5 photos in train-free mode.")


_SOLID_PNGS: dict[tuple[int, int], bytes] = {}


def _solid_png(width: int, height: int) -> bytes:
    """A real, decodable PNG of one colour: a few KB on the wire for any size (compressed row by row, cached)."""
    import struct
    import zlib

    if (width, height) not in _SOLID_PNGS:

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        squeeze = zlib.compressobj(9)
        row = b"\x00" + bytes((200, 120, 40)) * width
        body = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        _SOLID_PNGS[(width, height)] = (
            b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
        )
    return _SOLID_PNGS[(width, height)]


def _huge_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def _handler_for(emulator: Emulator, role: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # quiet, and never prints headers
            pass

        def date_time_string(self, timestamp: float | None = None) -> str:  # the Date header, on the service's clock
            return super().date_time_string(emulator.now() if timestamp is None else timestamp)

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            uploading = role == "storage" or parts.path.endswith("/files")
            slow = emulator.faults.take("slow_upload") if uploading and self.command == "POST" else None
            try:
                body = _trickle_read(self.rfile, length, slow["seconds"]) if slow else self.rfile.read(length)
            except OSError:
                body = b""
            if slow and len(body) < length:  # the client gave up mid-upload: nothing is stored
                self.close_connection = True
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            parsed, form, files = None, None, None
            content_type = headers.get("content-type", "")
            if content_type.startswith("multipart/form-data"):
                form, files = parse_multipart(content_type, body)
            elif body:
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = None
            record = RecordedRequest(
                role,
                self.command,
                parts.path,
                dict(parse_qsl(parts.query)),
                headers,
                body,
                parsed,
                form,
                files,
                time.monotonic(),
            )
            try:
                status, out_headers, payload = emulator.handle(role, record)
            except _Drop:
                record.status = -1
                self.close_connection = True
                self.connection.shutdown(2)
                return
            record.status = status
            try:
                self._answer(status, out_headers, payload)
            except OSError:  # the client gave up (a timeout or a Stop): what several faults test
                self.close_connection = True

        def _answer(self, status: int, out_headers: dict[str, str], payload: bytes) -> None:
            self.send_response(status)
            truncate = out_headers.pop("X-Truncate", None)
            trickle = out_headers.pop("X-Trickle", None)
            for key, value in out_headers.items():
                self.send_header(key, value)
            if "Content-Length" not in out_headers:
                self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if trickle:
                _trickle_write(self.wfile, payload, float(trickle))
                return
            self.wfile.write(payload)
            if truncate:
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    return Handler

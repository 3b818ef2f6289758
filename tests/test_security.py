"""Issue 11: no other web page, host or user can change the pack's settings or receive the key.

The attacks run through the real aiohttp routes (``register`` on a real aiohttp server on 127.0.0.1). Each one
supplies everything the pack's own page would send except the one thing under test, so each check is shown to
hold on its own. An "attacker" HTTP server on 127.0.0.1 records every request it gets: it must get none.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import stat
import struct
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import torch
from PIL import Image

from tests.conftest import TEST_KEY, node_inputs, run_node, submodule

SECRET = "sk-" + "securitycheck" + "7d1e"
ENV_NAMES = (
    "DASHSCOPE_API_KEY",
    "DASHSCOPE_BASE_URL",
    "DASHSCOPE_HTTP_BASE_URL",
    "DASHSCOPE_REGION",
    "DASHSCOPE_WORKSPACE",
    "DASHSCOPE_ALLOWED_HOSTS",
)


# ---- fixtures -----------------------------------------------------------------------------------
class Attacker:
    """A tiny HTTP server that records every request (with its headers) and answers with a fixed JSON body."""

    def __init__(self, answer: dict | None = None) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.answer = answer or {"output": {"task_status": "UNKNOWN"}, "leak": "ATTACKER-BODY"}
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                recorder.requests.append((self.command, self.path, dict(self.headers)))
                body = json.dumps(recorder.answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _record

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def attacker():
    server = Attacker()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def routes(pack, tmp_path, monkeypatch):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DASHSCOPE_PACK_CONFIG", str(tmp_path / "data" / "settings.json"))
    return submodule(pack, "nodes.settings_routes")


@pytest.fixture
def config_file(tmp_path):
    return tmp_path / "data" / "settings.json"


def serve(routes, scenario, gate=None):
    """Run ``scenario(client, own_headers)`` against the pack's routes on a real aiohttp server on 127.0.0.1.
    ``own_headers`` is what the pack's own page sends on a write: its Origin and the token read through GET."""
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    async def main():
        table = web.RouteTableDef()
        used_gate = routes.register(table, gate or routes.Gate(listen_hosts=("127.0.0.1",)))
        application = web.Application()
        application.add_routes(table)
        async with TestClient(TestServer(application, host="127.0.0.1")) as client:
            own = {
                "Origin": f"http://127.0.0.1:{client.port}",
                "Content-Type": "application/json",
                routes.TOKEN_HEADER: used_gate.token,
            }
            return await scenario(client, own)

    return asyncio.run(main())


# ---- the attacks of the issue, through the real routes ----------------------------------------------
def _attacks(port: int, attacker_port: int) -> dict[str, dict[str, str]]:
    """Headers of each attack that differ from the pack's own page (content type included)."""
    json_type = {"Content-Type": "application/json"}
    return {
        "origin null (sandboxed iframe, data: page)": {**json_type, "Origin": "null"},
        "foreign origin": {**json_type, "Origin": f"http://127.0.0.1:{attacker_port}"},
        "no origin": {**json_type, "Origin": ""},
        "rebinding host": {
            **json_type,
            "Host": f"attacker.example:{port}",
            "Origin": f"http://attacker.example:{port}",
        },
        "LAN host": {**json_type, "Host": f"192.168.1.20:{port}", "Origin": f"http://192.168.1.20:{port}"},
        "text/plain body (no preflight)": {"Content-Type": "text/plain"},
        "form body (no preflight)": {"Content-Type": "application/x-www-form-urlencoded"},
        "missing token": {**json_type, "X-DashScope-Pack-Token": ""},
    }


def test_every_attack_is_refused_changes_nothing_and_reaches_no_foreign_host(routes, config_file, attacker):
    routes.apply_update({"api_key": SECRET})
    before = config_file.read_bytes()
    seen: dict[str, tuple[int, int, int, str]] = {}

    async def scenario(client, own):
        attacks = _attacks(client.port, attacker.server.server_address[1])
        for name, changed in attacks.items():
            headers = {**own, **changed}
            if headers.get("Origin") == "":
                del headers["Origin"]
            body = json.dumps({"base_url": attacker.base_url, "region": "international"})
            switched = await client.post(routes.ROUTE, data=body, headers=headers)
            tested = await client.post(routes.TEST_ROUTE, data="{}", headers=headers)
            read = await client.get(routes.ROUTE, headers={k: v for k, v in changed.items() if k in ("Host", "Origin")})
            reason = (await switched.json())["error"]
            seen[name] = (switched.status, tested.status, read.status, reason)

    serve(routes, scenario)
    for name, (switched, tested, read, reason) in seen.items():
        assert switched == 403 and tested == 403, (name, switched, tested)
        assert reason, name
        if name in ("origin null (sandboxed iframe, data: page)", "foreign origin", "rebinding host", "LAN host"):
            assert read == 403, name  # and the token is not handed out either
    assert config_file.read_bytes() == before
    assert attacker.requests == []


def test_the_refusal_says_why(routes):
    async def scenario(client, own):
        answers = {}
        for name, headers in {
            "null": {**own, "Origin": "null"},
            "host": {**own, "Host": f"rebind.example:{client.port}", "Origin": f"http://rebind.example:{client.port}"},
            "type": {**own, "Content-Type": "text/plain"},
            "token": {**own, routes.TOKEN_HEADER: "guess"},
        }.items():
            response = await client.post(routes.ROUTE, data='{"region": "international"}', headers=headers)
            answers[name] = (response.status, (await response.json())["error"])
        return answers

    answers = serve(routes, scenario)
    assert answers["null"][0] == 403 and "Origin 'null'" in answers["null"][1]
    assert answers["host"][0] == 403 and "rebind.example" in answers["host"][1]
    assert answers["type"][0] == 403 and "application/json" in answers["type"][1]
    assert answers["token"][0] == 403 and "token" in answers["token"][1]


def test_the_own_page_saves_tests_and_removes_the_key(routes, config_file, emulator, monkeypatch):
    monkeypatch.setenv("DASHSCOPE_BASE_URL", emulator.base_url)

    async def scenario(client, own):
        token = (await (await client.get(routes.ROUTE)).json())["token"]
        assert token == own[routes.TOKEN_HEADER]
        saved = await client.post(routes.ROUTE, json={"api_key": TEST_KEY}, headers=own)
        tested = await (await client.post(routes.TEST_ROUTE, json={}, headers=own)).json()
        removed = await (await client.post(routes.ROUTE, json={"clear_key": True}, headers=own)).json()
        return saved.status, tested, removed

    status, tested, removed = serve(routes, scenario)
    assert status == 200 and tested["ok"] is True and removed["key_set"] is False
    assert "api_key" not in json.loads(config_file.read_text())
    assert emulator.count("task_created") == 0


def test_a_base_url_switch_without_a_key_drops_the_key_so_nothing_reaches_the_new_host(routes, config_file, attacker):
    routes.apply_update({"api_key": SECRET})

    async def scenario(client, own):
        switched = await (await client.post(routes.ROUTE, json={"base_url": attacker.base_url}, headers=own)).json()
        tested = await (await client.post(routes.TEST_ROUTE, json={}, headers=own)).json()
        return switched, tested

    switched, tested = serve(routes, scenario)
    assert switched["key_set"] is False and switched["key_dropped"] is True
    assert SECRET not in config_file.read_text()
    assert tested["ok"] is False and "No DashScope API key" in tested["message"]
    assert attacker.requests == []


def test_the_environment_key_never_goes_to_a_base_url_from_the_file(routes, config_file, attacker, monkeypatch):
    config_file.parent.mkdir(parents=True)
    config_file.write_text(json.dumps({"base_url": attacker.base_url}))
    monkeypatch.setenv("DASHSCOPE_API_KEY", SECRET)
    result = routes.check_connection()
    assert result["ok"] is False and result["code"] == "KeyRefused"
    assert "not an official DashScope host" in result["message"] and SECRET not in result["message"]
    assert routes.settings_view()["key_refused"]
    assert attacker.requests == []


def test_the_environment_base_url_is_trusted_with_the_environment_key(routes, emulator, monkeypatch):
    monkeypatch.setenv("DASHSCOPE_BASE_URL", emulator.base_url)
    monkeypatch.setenv("DASHSCOPE_API_KEY", TEST_KEY)
    assert routes.check_connection()["ok"] is True


def test_a_foreign_host_is_reported_reachable_never_with_its_answer(routes, attacker):
    # The user's own choice (key and host saved together): the key goes there, but the dialog shows no body.
    routes.apply_update({"api_key": SECRET, "base_url": attacker.base_url})
    result = routes.check_connection()
    assert "reachable" in result["message"] and "ATTACKER-BODY" not in json.dumps(result)
    attacker.answer = {"code": "X", "message": "internal page ATTACKER-BODY"}
    result = routes.check_connection()
    assert result["ok"] is False and "ATTACKER-BODY" not in json.dumps(result)
    attacker.stop()
    assert "not reachable" in routes.check_connection()["message"]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://dashscope.example.com/api/v1", "only https"),
        ("https://user:pw@dashscope.aliyuncs.com/api/v1", "user name"),
        ("https://dashscope.aliyuncs.com/api/v1?x=1", "query"),
        ("https://dashscope.aliyuncs.com/api/v1#frag", "fragment"),
        ("https://dashscope.aliyuncs.com:99999/api/v1", "not a valid URL"),
        ("https://dashscope.aliyuncs.com/api/v1\n", ""),  # trailing whitespace is stripped: accepted
    ],
)
def test_base_url_rules(routes, url, words):
    if not words:
        assert routes.apply_update({"base_url": url})["base_url"] == url.strip()
        return
    with pytest.raises(routes.SettingsInputError, match=words):
        routes.apply_update({"base_url": url})


def test_official_and_workspace_hosts_keep_the_key(routes):
    routes.apply_update({"api_key": SECRET})
    for url in (
        "https://dashscope-intl.aliyuncs.com/api/v1",
        "https://llm-abc123.cn-beijing.maas.aliyuncs.com/api/v1",
        "https://dashscope.aliyuncs.com/api/v1",
    ):
        assert routes.apply_update({"base_url": url})["key_set"] is True
    assert routes.apply_update({"base_url": "https://maas.aliyuncs.com.evil.example/api/v1"})["key_set"] is False


def test_hosts_a_lan_user_reaches_comfyui_by(routes, monkeypatch):
    lan = routes.Gate(listen_hosts=("0.0.0.0",), extra_hosts=("studio.lan",))
    assert lan.host_allowed("192.168.1.20") and lan.host_allowed("studio.lan")
    assert not lan.host_allowed("attacker.example")  # a rebinding name is never an IP literal
    assert not routes.Gate(listen_hosts=("127.0.0.1",)).host_allowed("192.168.1.20")
    assert routes.Gate(listen_hosts=("192.168.1.20",)).host_allowed("192.168.1.20")

    # Read lazily from ComfyUI's own arguments (the pack also loads without ComfyUI: loopback only).
    fake = type(sys)("comfy.cli_args")
    fake.args = type("Args", (), {"listen": "10.0.0.5,::1"})()
    monkeypatch.setitem(sys.modules, "comfy", type(sys)("comfy"))
    monkeypatch.setitem(sys.modules, "comfy.cli_args", fake)
    monkeypatch.setenv("DASHSCOPE_ALLOWED_HOSTS", "Studio.LAN")
    gate = routes.Gate.for_comfyui()
    assert gate.host_allowed("10.0.0.5") and gate.host_allowed("studio.lan") and not gate.host_allowed("10.0.0.6")


# ---- stored settings ------------------------------------------------------------------------------
def test_a_corrupt_settings_file_is_loud_and_never_replaced(pack, routes, config_file, service, monkeypatch):
    monkeypatch.setenv("DASHSCOPE_PACK_CONFIG", str(config_file))
    config_file.parent.mkdir(parents=True)
    config_file.write_text('{"api_key": "sk-half-written')
    before = config_file.read_bytes()
    client = submodule(pack, "nodes.client")
    settings = submodule(pack, "nodes.client.settings")

    with pytest.raises(settings.ConfigError, match="cannot be read"):
        routes.apply_update({"api_key": SECRET})

    async def scenario(client_, own):
        shown = await client_.get(routes.ROUTE)
        answer = await shown.json()
        own = {**own, routes.TOKEN_HEADER: answer["token"]}  # the page still gets its token, so saves say why
        saved = await client_.post(routes.ROUTE, json={"api_key": SECRET}, headers=own)
        return shown.status, answer, saved.status, await saved.json()

    shown_status, shown, saved_status, saved = serve(routes, scenario)
    assert shown_status == 500 and str(config_file) in shown["error"] and shown["config_error"]
    assert saved_status == 500 and "left as it is" in saved["error"]
    assert config_file.read_bytes() == before

    with pytest.raises(client.PackError, match="cannot be read"):  # the node says so too, before any request
        run_node(pack, "DashScopeImgWanxTextToImage", **node_inputs(pack, "DashScopeImgWanxTextToImage", prompt="cat"))
    assert service.requests == []


def test_read_modify_write_loses_no_update(pack, tmp_path, monkeypatch):
    settings = submodule(pack, "nodes.client.settings")
    path = tmp_path / "data" / "settings.json"
    original = settings.read_config

    def slow_read(p=None):  # widen the window between read and write, where an unlocked update gets lost
        data = original(p)
        threading.Event().wait(0.01)
        return data

    monkeypatch.setattr(settings, "read_config", slow_read)

    def writer(name: str) -> None:
        for i in range(5):
            settings.update_config(lambda c, name=name, i=i: c.__setitem__(f"{name}{i}", i), path)

    failures: list[BaseException] = []

    def guarded(name: str) -> None:
        try:
            writer(name)
        except BaseException as exc:  # a thread's exception would otherwise vanish
            failures.append(exc)

    threads = [threading.Thread(target=guarded, args=(f"w{n}-",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(json.loads(path.read_text())) == 30


def test_the_lock_holds_against_another_process(pack, tmp_path):
    settings = submodule(pack, "nodes.client.settings")
    path = tmp_path / "data" / "settings.json"
    probe = (
        "import fcntl, os, sys\n"
        "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
        "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept BlockingIOError:\n    print('busy')\n"
        "else:\n    print('free')\n"
    )
    lock_file = str(path) + ".lock"
    with settings.config_lock(path):
        held = subprocess.run([sys.executable, "-c", probe, lock_file], capture_output=True, text=True).stdout
    released = subprocess.run([sys.executable, "-c", probe, lock_file], capture_output=True, text=True).stdout
    assert held.strip() == "busy" and released.strip() == "free"


@pytest.mark.parametrize("victim_exists", [False, True])
def test_a_symlink_planted_at_the_settings_lock_is_not_followed(pack, tmp_path, victim_exists):
    settings = submodule(pack, "nodes.client.settings")
    path = tmp_path / "data" / "settings.json"
    path.parent.mkdir()
    victim = tmp_path / "victim.txt"
    if victim_exists:
        victim.write_text("the victim's own")
    path.with_name("settings.json.lock").symlink_to(victim)
    with pytest.raises(settings.ConfigError, match="symbolic link"):
        settings.update_config(lambda config: config.update(region="china"), path)
    assert victim.exists() == victim_exists and not path.exists()  # neither created through the link nor saved
    if victim_exists:
        assert victim.read_text() == "the victim's own"


def test_the_key_file_lives_in_the_data_folder_and_an_old_one_is_moved(pack, tmp_path, monkeypatch):
    settings = submodule(pack, "nodes.client.settings")
    monkeypatch.delenv("DASHSCOPE_PACK_CONFIG", raising=False)
    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)
    monkeypatch.delenv("DASHSCOPE_BASE_URL", raising=False)
    monkeypatch.setenv("DASHSCOPE_PACK_HOME", str(tmp_path / "home" / "comfyui-dashscope-image"))
    legacy = tmp_path / "pack" / "config" / "dashscope.json"
    legacy.parent.mkdir(parents=True)
    legacy.write_text(json.dumps({"api_key": SECRET, "region": "international"}))
    monkeypatch.setattr(settings, "LEGACY_CONFIG_PATH", legacy)

    path = settings.config_path()
    assert path == tmp_path / "home" / "comfyui-dashscope-image" / "settings.json"
    assert not legacy.exists() and not legacy.parent.exists()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    loaded = settings.load_settings()
    assert loaded.api_key == SECRET and loaded.base_url.startswith("https://dashscope-intl")

    # A damaged old file is moved as it is, and stays loud.
    legacy.parent.mkdir()
    legacy.write_text("{broken")
    path.unlink()
    with pytest.raises(settings.ConfigError):
        settings.load_settings()
    assert path.read_text() == "{broken" and not legacy.exists()


def test_a_key_that_cannot_go_in_a_header_is_refused_clearly(routes, config_file, attacker, monkeypatch):
    routes.apply_update({"api_key": SECRET})
    before = config_file.read_bytes()

    async def scenario(client, own):
        response = await client.post(routes.ROUTE, json={"api_key": "sk-ключ1234567"}, headers=own)
        return response.status, await response.json()

    status, answer = serve(routes, scenario)
    assert status == 400 and "printable ASCII" in answer["error"]
    assert config_file.read_bytes() == before

    monkeypatch.setenv("DASHSCOPE_BASE_URL", attacker.base_url)
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-ключ1234567")
    result = routes.check_connection()  # an answer, not a 500
    assert result["ok"] is False and "printable ASCII" in result["message"]
    assert attacker.requests == []


# ---- hostile service answers ---------------------------------------------------------------------------
def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height grey pixels with a tiny IDAT: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_a_png_bomb_is_refused_before_decoding(pack, monkeypatch):
    images = submodule(pack, "nodes.images")
    from PIL import ImageFile

    def never(*args, **kwargs):
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never)
    bomb = _png_header_only(40000, 40000)  # 1.6 G pixels claimed by a ~100 byte file
    for decode in (images.decode_image, images.decode_gray):
        with pytest.raises(ValueError, match="pixels allowed"):
            decode(bomb)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO"])
def test_only_png_jpeg_and_webp_are_decoded(pack, fmt):
    images = submodule(pack, "nodes.images")
    buffer = io.BytesIO()
    Image.new("L", (16, 16)).save(buffer, fmt)
    for decode in (images.decode_image, images.decode_gray):
        with pytest.raises(ValueError, match="not a PNG, JPEG or WebP"):
            decode(buffer.getvalue())


def _label_png(values: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(values.astype(np.uint8), "L").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_label_map_with_too_many_persons_is_refused_before_any_mask(pack):
    segmentation = submodule(pack, "nodes.segmentation")
    client = submodule(pack, "nodes.client")
    label = np.arange(64 * 64).reshape(64, 64) % 256  # 255 "persons" in a few kilobytes
    fetched = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return _label_png(label)

    outcome = client.TaskOutcome("t1", "r1", {"output_image_url": "https://x/l.png", "output_vis_image_url": "v"})
    with pytest.raises(
        client.TaskFailedError, match=f"255 persons; this node returns at most {segmentation.MAX_PERSONS}"
    ):
        segmentation.collect_segmentation(outcome, fetch)
    assert fetched == ["https://x/l.png"]  # refused before the preview was even downloaded


def test_person_masks_past_the_memory_budget_are_refused(pack, service, monkeypatch):
    segmentation = submodule(pack, "nodes.segmentation")
    client = submodule(pack, "nodes.client")
    monkeypatch.setattr(segmentation, "MAX_MASK_BYTES", 600 * 900 * 4 * 2)  # room for two persons only
    with pytest.raises(client.TaskFailedError, match="person masks of 900x600 px would need"):
        run_node(pack, "DashScopeImgPersonSegmentation", image=torch.rand(1, 600, 900, 3))


# ---- ids, key scrub, signed URLs ---------------------------------------------------------------------
def test_a_job_id_with_a_path_in_it_is_refused_before_any_request(pack, service):
    client = submodule(pack, "nodes.client")
    train = pack.NODE_CLASS_MAPPINGS["DashScopeImgFaceChainTrain"]
    verdict = train.VALIDATE_INPUTS(timeout_minutes=5, job_id="../uploads?x#")
    assert isinstance(verdict, str) and "'job_id'" in verdict  # refused at queue time, naming the input
    with pytest.raises(client.InputError, match="job_id"):
        run_node(
            pack,
            "DashScopeImgFaceChainTrain",
            photos=torch.rand(1, 512, 512, 3),
            timeout_minutes=5,
            job_id="../uploads?x#",
        )
    assert service.requests == []


def test_a_task_id_from_the_service_is_checked_before_it_goes_into_a_url(pack, attacker):
    client = submodule(pack, "nodes.client")
    tasks = submodule(pack, "nodes.client.tasks")
    transport = submodule(pack, "nodes.client.transport").Transport(
        client.Settings(base_url=attacker.base_url, api_key=SECRET)
    )
    for bad in ("../files?x#", "a/b", "", "id with space"):
        with pytest.raises(client.DashScopeError, match="not a valid id"):
            tasks.wait(transport, bad, timeout=1)
        assert tasks.cancel(transport, bad) is False
    assert attacker.requests == []


def test_the_key_is_scrubbed_from_fine_tune_and_per_image_failures(pack):
    client = submodule(pack, "nodes.client")
    finetune = submodule(pack, "nodes.client.finetune")
    echoed = Attacker({"output": {"status": "FAILED", "code": "BadKey", "message": f"key {SECRET} refused"}})
    try:
        transport = submodule(pack, "nodes.client.transport").Transport(
            client.Settings(base_url=echoed.base_url, api_key=SECRET)
        )
        with pytest.raises(client.TaskFailedError) as failed:
            finetune.wait_for_job(transport, "job-1", timeout=5)
    finally:
        echoed.stop()
    assert (
        SECRET not in str(failed.value)
        and SECRET not in failed.value.message
        and "key *** refused" in str(failed.value)
    )

    output = {"results": [{"code": "InternalError", "message": f"echo {SECRET}"}, {"code": "X", "message": "y"}]}
    with pytest.raises(client.TaskFailedError) as every:
        client.successful_urls(output, "t1")
    assert SECRET not in str(every.value) and "echo ***" in str(every.value)


def test_signed_urls_stay_out_of_error_text(pack):
    client = submodule(pack, "nodes.client")
    results = submodule(pack, "nodes.client.results")
    signed = "https://dashscope-result.oss-cn-beijing.aliyuncs.com/a/b.png?Expires=1&OSSAccessKeyId=k&Signature=s%3D"
    error = client.TaskFailedError(f"see {signed} for details")
    assert "Signature" not in str(error) and "OSSAccessKeyId" not in str(error) and "/a/b.png" in str(error)
    error.message = error.message + f"; their results: {signed}"  # how the runner widens a batch's error
    assert "Signature" not in error._render()
    with pytest.raises(client.DownloadError) as bad:
        results.check_url("file:///etc/passwd?Signature=s")
    assert "passwd" not in str(bad.value) and "Signature" not in str(bad.value)


# ---- font_file ------------------------------------------------------------------------------------------
def test_font_file_cannot_follow_a_link_out_of_the_fonts_folder(pack, tmp_path, monkeypatch):
    design = submodule(pack, "nodes.design")
    validation = submodule(pack, "nodes.validation")
    client = submodule(pack, "nodes.client")
    fonts = tmp_path / "input" / "fonts"
    fonts.mkdir(parents=True)
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "id_rsa.ttf").write_bytes(b"-----BEGIN PRIVATE KEY-----")
    (fonts / "escape.ttf").symlink_to(outside / "id_rsa.ttf")
    (fonts / "good.ttf").write_bytes(b"\0\1\0\0font")
    with open(fonts / "huge.ttf", "wb") as handle:
        handle.truncate(31 * 1024 * 1024)  # sparse: the size check must come before any read
    monkeypatch.setenv("DASHSCOPE_FONT_DIR", str(fonts))
    check = validation.Check("DashScope WordArt")

    with pytest.raises(client.InputError, match="leads out of the fonts folder"):
        design.font_fields(check, "dongfangdakai", "escape.ttf")
    with pytest.raises(client.InputError, match="larger than 30 MB"):
        design.font_fields(check, "dongfangdakai", "huge.ttf")
    with pytest.raises(client.InputError, match="not a .ttf/.otf file"):
        design.font_fields(check, "dongfangdakai", "../private/id_rsa.ttf")
    assert design.font_fields(check, "dongfangdakai", "good.ttf")["ttf_url"].encoded.data == b"\0\1\0\0font"

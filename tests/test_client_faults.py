"""The client against the emulator's fault injection: what recovers, what fails clearly, and what is never
sent twice or sent with the key."""

from __future__ import annotations

import logging
import socket
import time

import pytest

from tests.conftest import TEST_KEY, submodule

WANX = {"model": "wanx-v1", "input": {"prompt": "a cat"}, "parameters": {"n": 1, "size": "1024*1024"}}


@pytest.fixture
def client_mod(pack):
    return submodule(pack, "nodes.client")


@pytest.fixture
def make_client(client_mod, emulator):
    """A client on the emulator with short backoff, so fault tests stay fast."""

    def make(base_url: str | None = None, key: str = TEST_KEY, **settings):
        config = client_mod.Settings(base_url=base_url or emulator.base_url, api_key=key, **settings)
        retry = client_mod.RetryPolicy(base_delay=0.01, max_delay=0.05, connect_timeout=2.0)
        return client_mod.DashScopeClient(config, retry=retry, schedule=client_mod.PollSchedule(first=0.05, cap=0.2))

    return make


def _png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (1, 2, 3)).save(buffer, "PNG")
    return buffer.getvalue()


def _endpoint(pack, name="wanx-v1"):
    return submodule(pack, "nodes.models").MODELS[name]


def test_throttled_submits_are_retried_and_create_exactly_one_task(pack, emulator, make_client):
    emulator.faults.submit_errors(2, status=429, code="Throttling.RateQuota")
    outcome = make_client().run(_endpoint(pack), WANX)
    assert emulator.count("submit") == 3 and emulator.count("throttled") == 2
    assert emulator.count("task_created") == 1 and outcome.task_id in emulator.tasks


def test_retry_after_is_honoured(pack, emulator, make_client):
    emulator.faults.submit_errors(1, retry_after=0.6)
    started = time.monotonic()
    make_client().run(_endpoint(pack), WANX)
    submits = [r.time for r in emulator.requests if r.method == "POST"]
    assert submits[1] - submits[0] >= 0.55
    assert time.monotonic() - started >= 0.6


def test_quota_exhaustion_is_not_retried(pack, emulator, make_client, client_mod):
    emulator.faults.submit_errors(
        1, status=429, code="Throttling.AllocationQuota", message="Free allocated quota exceeded."
    )
    with pytest.raises(client_mod.BillingError) as caught:
        make_client().run(_endpoint(pack), WANX)
    assert emulator.count("submit") == 1
    assert "Throttling.AllocationQuota" in str(caught.value) and "top up" in str(caught.value)


def test_polls_recover_from_5xx_and_connection_resets(pack, emulator, make_client):
    emulator.faults.poll_errors(2, status=503, code="ServiceUnavailable")
    emulator.faults.poll_resets(2)
    outcome = make_client().run(_endpoint(pack), WANX)
    assert outcome.output["results"][0]["url"]
    assert emulator.count("task_created") == 1


def test_a_dropped_connection_after_submit_is_never_resent_but_recovered(pack, emulator, make_client):
    emulator.faults.submit_drop_after_create(1)
    outcome = make_client().run(_endpoint(pack), WANX)
    assert emulator.count("submit") == 1 and emulator.count("task_created") == 1
    [task] = emulator.tasks.values()
    assert outcome.task_id == task.task_id and outcome.output["results"][0]["url"]


def test_a_connection_that_never_opened_is_retried(pack, make_client, client_mod):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = make_client(base_url=f"http://127.0.0.1:{closed_port}/api/v1")
    started = time.monotonic()
    with pytest.raises(client_mod.NetworkError) as caught:
        client.run(_endpoint(pack), WANX)
    assert "Could not reach" in str(caught.value)
    assert time.monotonic() - started < 5


def test_downloads_recover_from_404_and_truncation_and_fail_clearly_when_it_persists(
    pack, emulator, make_client, client_mod
):
    client = make_client()
    outcome = client.run(_endpoint(pack), WANX)
    url = outcome.output["results"][0]["url"]
    emulator.faults.download_errors(2, status=404)
    emulator.faults.download_truncated(1)
    assert client.download(url)[:8] == b"\x89PNG\r\n\x1a\n"
    assert emulator.count("download") == 4
    emulator.faults.download_errors(10, status=404)
    with pytest.raises(client_mod.DownloadError):
        client.download(url, task_id=outcome.task_id)


def test_a_failed_task_carries_code_message_and_task_id(pack, emulator, make_client, client_mod):
    emulator.faults.fail_tasks(1, code="InvalidParameter.FileDownload", message="download for input_image error")
    with pytest.raises(client_mod.TaskFailedError) as caught:
        make_client().run(_endpoint(pack), WANX)
    error = caught.value
    [task] = emulator.tasks.values()
    assert error.code == "InvalidParameter.FileDownload" and error.task_id == task.task_id
    assert "download for input_image error" in str(error) and task.task_id in str(error)


def test_content_inspection_failure_is_typed(pack, emulator, make_client, client_mod):
    emulator.faults.fail_tasks(1, code="DataInspectionFailed", message="Input data may contain inappropriate content.")
    with pytest.raises(client_mod.ContentInspectionError):
        make_client().run(_endpoint(pack), WANX)


def test_suspended_task_is_waited_for(pack, emulator, make_client):
    emulator.faults.suspend_tasks(1, seconds=0.5)
    seen = []
    make_client().run(_endpoint(pack), WANX, on_progress=lambda p: seen.append(p.stage))
    assert "SUSPENDED" in seen and seen[-1] == "SUCCEEDED"


def test_partial_results_keep_the_good_images(pack, emulator, make_client, client_mod):
    emulator.faults.partial_tasks(1, failed_indices=(2,))
    body = {**WANX, "parameters": {"n": 4, "size": "1024*1024"}}
    outcome = make_client().run(_endpoint(pack), body)
    urls, failed = client_mod.successful_urls(outcome.output, outcome.task_id)
    assert len(urls) == 3 and len(failed) == 1 and failed[0].code == "InternalError.Timeout"


def test_a_task_that_never_finishes_times_out_with_its_id(pack, emulator, make_client, client_mod):
    emulator.faults.never_finish(1)
    started = time.monotonic()
    with pytest.raises(client_mod.TaskTimeoutError) as caught:
        make_client().run(_endpoint(pack), WANX, timeout=1.0)
    assert time.monotonic() - started < 2.0
    [task] = emulator.tasks.values()
    assert caught.value.task_id == task.task_id and task.task_id in str(caught.value)


def test_hostile_result_urls_are_refused_without_touching_the_disk(pack, emulator, make_client, client_mod):
    emulator.faults.hostile_results(1, "file_scheme")
    client = make_client()
    outcome = client.run(_endpoint(pack), WANX)
    url = outcome.output["results"][0]["url"]
    assert url.startswith("file://")
    with pytest.raises(client_mod.DownloadError, match="not http"):
        client.download(url)


def test_a_success_without_results_is_a_clear_error(pack, emulator, make_client, client_mod):
    emulator.faults.hostile_results(1, "missing_fields")
    outcome = make_client().run(_endpoint(pack), WANX)
    with pytest.raises(client_mod.TaskFailedError, match="no result image"):
        client_mod.successful_urls(outcome.output, outcome.task_id)


def test_the_key_never_appears_in_errors_logs_or_non_api_requests(pack, emulator, make_client, client_mod, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_client()
    # A successful run with an upload and a download, then a bad key, then a failure.
    url = client.upload(_png_bytes(), "wanx-v1", "png")
    outcome = client.run(_endpoint(pack), client_mod.Prepared({**WANX, "input": {"prompt": "x", "ref_img": url}}, True))
    client.download(outcome.output["results"][0]["url"])
    errors = []
    for attempt in (lambda: make_client(key="sk-wrong" + "0" * 20).run(_endpoint(pack), WANX),):
        with pytest.raises(client_mod.AuthenticationError) as caught:
            attempt()
        errors.append(caught.value)
    emulator.faults.fail_tasks(1, code="InternalError", message=f"echo {TEST_KEY}")
    with pytest.raises(client_mod.TaskFailedError) as caught:
        client.run(_endpoint(pack), WANX)
    errors.append(caught.value)
    for error in errors:
        assert TEST_KEY not in str(error) and TEST_KEY not in repr(error.__dict__)
    assert "InvalidApiKey" in str(errors[0]) and "region" in str(errors[0])
    assert TEST_KEY not in caplog.text
    assert TEST_KEY not in repr(client.settings)
    others = [r for r in emulator.requests if r.host != "api"]
    assert {r.host for r in others} == {"storage", "results"}
    assert all("authorization" not in r.headers and TEST_KEY.encode() not in r.body for r in others)


def test_workspace_header_is_sent_when_set(pack, emulator, make_client):
    make_client(workspace="llm-abc123").run(_endpoint(pack), WANX)
    assert all(r.headers.get("x-dashscope-workspace") == "llm-abc123" for r in emulator.requests if r.host == "api")


def test_upload_cache_is_keyed_by_content_and_model_and_policy_is_reused(emulator, make_client, client_mod):
    client_mod.UPLOAD_CACHE.clear()
    client = make_client()
    first = client.upload(b"same bytes", "wanx-v1", "png")
    assert client.upload(b"same bytes", "wanx-v1", "png") == first
    client.upload(b"other bytes", "wanx-v1", "png")
    client.upload(b"same bytes", "wanx-x-painting", "png")
    assert emulator.count("upload") == 3
    assert emulator.count("policy", "wanx-v1") == 1 and emulator.count("policy", "wanx-x-painting") == 1


def test_base_url_precedence(client_mod, tmp_path):
    env = {"DASHSCOPE_BASE_URL": "http://a/api/v1", "DASHSCOPE_HTTP_BASE_URL": "http://b/api/v1"}
    config = {"base_url": "http://c/api/v1", "region": "international"}
    assert client_mod.load_settings(env, config).base_url == "http://a/api/v1"
    del env["DASHSCOPE_BASE_URL"]
    assert client_mod.load_settings(env, config).base_url == "http://b/api/v1"
    assert client_mod.load_settings({}, config).base_url == "http://c/api/v1"
    assert client_mod.load_settings({}, {"region": "international"}).base_url == client_mod.REGIONS["international"]
    assert client_mod.load_settings({}, {}).base_url == client_mod.REGIONS["china"]
    env_key = client_mod.load_settings({"DASHSCOPE_API_KEY": "sk-env"}, {"api_key": "sk-config"})
    assert env_key.api_key == "sk-env" and env_key.key_source == "env"


def test_a_task_answer_without_the_output_wrapper_is_read(pack, emulator, make_client, monkeypatch):
    """Fields at the top level instead of inside ``output``: the task is still followed to its paid result."""
    wrapped = emulator._poll

    def unwrapped(task_id):
        answer = wrapped(task_id)
        return {**answer.pop("output"), **answer}

    monkeypatch.setattr(emulator, "_poll", unwrapped)
    outcome = make_client().run(_endpoint(pack), WANX)
    urls, failed = submodule(pack, "nodes.client").successful_urls(outcome.output, outcome.task_id)
    assert outcome.output["task_status"] == "SUCCEEDED" and len(urls) == 1 and not failed


def test_the_client_inlines_small_images_only_for_models_whose_page_documents_data_uris(pack, make_client, client_mod):
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Picture:  # what the client asks of an image: bytes, extension, MIME type
        data: bytes
        ext: str = "png"
        mime: str = "image/png"

    models = submodule(pack, "nodes.models").MODELS
    inline_model = next(spec for spec in models.values() if spec.data_uri)
    client = make_client()
    small = client_mod.ImageRef(Picture(_png_bytes()))
    inline = client.prepare(inline_model, {"input": {"image": small}})
    assert inline.body["input"]["image"].startswith("data:image/png;base64,")
    assert inline.headers() == {}
    large = client_mod.ImageRef(Picture(_png_bytes() + b"\0" * client_mod.INLINE_LIMIT))
    uploaded = client.prepare(inline_model, {"input": {"images": [large]}})
    assert uploaded.body["input"]["images"][0].startswith("oss://")
    assert uploaded.headers() == {"X-DashScope-OssResourceResolve": "enable"}
    urls_only = client.prepare(models["wanx-v1"], {"input": {"ref_img": small}})
    assert urls_only.body["input"]["ref_img"].startswith("oss://") and urls_only.uses_oss

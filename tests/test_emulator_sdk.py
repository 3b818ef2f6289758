"""The official `dashscope` SDK, unmodified, pointed at the emulator: the proof that the emulator speaks
the service's real wire protocol (and so that tests against it mean something)."""

from __future__ import annotations

import io
import time
import zipfile

import numpy as np
import pytest
import requests
from PIL import Image

from tests.conftest import TEST_KEY

dashscope = pytest.importorskip("dashscope")
from dashscope import ImageSynthesis  # noqa: E402


@pytest.fixture
def sdk(emulator, monkeypatch):
    monkeypatch.setattr(dashscope, "base_http_api_url", emulator.base_url)
    monkeypatch.setattr(dashscope, "api_key", TEST_KEY)
    return emulator


def _png(path, size=(320, 320), color=(10, 200, 30)):
    image = Image.new("RGB", size, color)
    image.save(path)
    return path


def test_sdk_text_to_image_round_trip(sdk):
    response = ImageSynthesis.call(model="wanx-v1", prompt="一只猫", n=2, size="1024*1024", api_key=TEST_KEY)
    assert response.status_code == 200, response
    assert response.output.task_status == "SUCCEEDED"
    urls = [r.url for r in response.output.results]
    assert len(urls) == 2
    for url in urls:
        image = Image.open(io.BytesIO(requests.get(url, timeout=10).content))
        assert image.format == "PNG" and image.size == (1024, 1024)
    assert response.usage.image_count == 2


def test_sdk_local_file_goes_through_its_upload_path(sdk, tmp_path):
    sketch = _png(tmp_path / "sketch.png", (512, 512), (255, 255, 255))
    response = ImageSynthesis.call(
        model="wanx-sketch-to-image-lite",
        prompt="a house",
        sketch_image_url=str(sketch),
        task="image2image",
        n=1,
        size="768*768",
        api_key=TEST_KEY,
    )
    assert response.status_code == 200, response
    assert response.output.task_status == "SUCCEEDED"
    policy = [r for r in sdk.requests if r.host == "api" and r.path.endswith("/uploads")]
    assert policy and policy[0].query == {"action": "getPolicy", "model": "wanx-sketch-to-image-lite"}
    [post] = [r for r in sdk.requests if r.host == "storage"]
    assert "authorization" not in post.headers
    for field in (
        "OSSAccessKeyId",
        "Signature",
        "policy",
        "key",
        "x-oss-object-acl",
        "x-oss-forbid-overwrite",
        "success_action_status",
    ):
        assert field in post.form
    assert post.files["file"][0] == "sketch.png" and post.status == 200
    [submit] = [r for r in sdk.requests if r.host == "api" and r.method == "POST"]
    assert submit.path.endswith("/services/aigc/image2image/image-synthesis")
    assert submit.json["input"]["sketch_image_url"] == "oss://" + post.form["key"]
    assert submit.headers["x-dashscope-ossresourceresolve"] == "enable"
    stored = np.asarray(Image.open(io.BytesIO(sdk.uploads["oss://" + post.form["key"]])))
    assert stored.shape == (512, 512, 3) and stored.min() == 255


def test_sdk_sees_a_failed_task_with_code_and_message(sdk):
    sdk.faults.fail_tasks(1, code="InvalidParameter.DataInspection", message="inspection timed out")
    response = ImageSynthesis.call(model="wanx-v1", prompt="x", n=1, api_key=TEST_KEY)
    assert response.output.task_status == "FAILED"
    assert response.output.code == "InvalidParameter.DataInspection"
    assert response.output.message == "inspection timed out"


def test_sdk_async_call_fetch_and_cancel_a_pending_task(sdk):
    sdk.set_task_seconds(30)
    first = ImageSynthesis.async_call(model="wanx-v1", prompt="first", n=1, api_key=TEST_KEY)
    second = ImageSynthesis.async_call(model="wanx-v1", prompt="second", n=1, api_key=TEST_KEY)
    assert first.status_code == 200 and first.output.task_status == "PENDING"
    time.sleep(0.1)
    fetched = ImageSynthesis.fetch(first, api_key=TEST_KEY)
    assert fetched.output.task_status == "RUNNING"
    # wanx-v1 runs one task at a time per account: the second waits as PENDING and can be cancelled.
    assert ImageSynthesis.fetch(second, api_key=TEST_KEY).output.task_status == "PENDING"
    cancelled = ImageSynthesis.cancel(second, api_key=TEST_KEY)
    assert cancelled.status_code == 200
    assert ImageSynthesis.fetch(second, api_key=TEST_KEY).output.task_status == "CANCELED"
    refused = ImageSynthesis.cancel(first, api_key=TEST_KEY)
    assert refused.status_code == 400 and refused.code == "UnsupportedOperation"


def test_sdk_reports_a_bad_key(sdk):
    response = ImageSynthesis.async_call(model="wanx-v1", prompt="x", n=1, api_key="sk-wrong-key-000000")
    assert response.status_code == 401 and response.code == "InvalidApiKey"
    assert sdk.count("task_created") == 0


def test_sdk_lists_tasks_and_fine_tune_jobs(sdk, tmp_path):
    """The lists the pack reads to recover a lost submit answer: GET /tasks and GET /fine-tunes."""
    done = ImageSynthesis.call(model="wanx-v1", prompt="x", n=1, api_key=TEST_KEY)
    listed = ImageSynthesis.list(model_name="wanx-v1", page_no=1, page_size=10, api_key=TEST_KEY)
    assert listed.status_code == 200
    [item] = listed.output["data"]  # the SDK puts the flat answer under output
    assert item["task_id"] == done.output.task_id and item["status"] == "SUCCEEDED"
    assert isinstance(item["gmt_create"], int) and listed.output["total"] == 1

    photos = tmp_path / "photos.zip"
    with zipfile.ZipFile(photos, "w") as bundle:
        bundle.write(_png(tmp_path / "face.png"), "face.png")
    uploaded = dashscope.Files.upload(file_path=str(photos), purpose="fine-tune", api_key=TEST_KEY)
    file_id = uploaded.output["uploaded_files"][0]["file_id"]
    job = dashscope.FineTunes.call(model="facechain-finetune", training_file_ids=[file_id], api_key=TEST_KEY)
    jobs = dashscope.FineTunes.list(api_key=TEST_KEY)
    assert jobs.status_code == 200 and jobs.output.total == 1
    assert jobs.output.jobs[0].job_id == job.output.job_id and jobs.output.jobs[0].training_file_ids == [file_id]


def test_sdk_image_generation_async_call_for_wan26(sdk):
    """The official SDK's ImageGeneration.async_call posts wan2.6-t2i's messages body to image-generation with
    X-DashScope-Async (official-reference-2026-12.md §5); the emulator's route for it answers as the pack expects."""
    from dashscope.aigc.image_generation import ImageGeneration

    messages = [{"role": "user", "content": [{"text": "a lighthouse"}]}]
    created = ImageGeneration.async_call(model="wan2.6-t2i", messages=messages, n=1, size="1280*1280")
    assert created.status_code == 200, created
    [submit] = [r for r in sdk.requests if r.host == "api" and r.method == "POST"]
    assert submit.path.endswith("/services/aigc/image-generation/generation")
    assert submit.headers.get("x-dashscope-async") == "enable"
    done = ImageGeneration.wait(created)
    assert done.status_code == 200 and done.output.task_status == "SUCCEEDED", done
    [choice] = done.output.choices
    assert choice["message"]["content"][0]["image"].startswith(sdk.results_url)


def test_sdk_image_generation_for_wan27_sync_and_async(sdk):
    """ImageGeneration (SDK >= 1.25.15 per the wan2.7 page): the sync call on multimodal-generation and async_call +
    wait on image-generation, with the page's example parameters; the answers carry choices[].message.content[]."""
    from dashscope.aigc.image_generation import ImageGeneration
    from dashscope.api_entities.dashscope_response import Message

    message = Message(role="user", content=[{"text": "一间有着精致窗户的花店"}])
    answer = ImageGeneration.call(
        model="wan2.7-image-pro",
        api_key=TEST_KEY,
        messages=[message],
        n=1,
        size="2K",
        watermark=False,
        thinking_mode=True,
    )
    assert answer.status_code == 200, answer
    assert [part["image"][:4] for part in answer.output.choices[0].message.content] == ["http"]
    task = ImageGeneration.async_call(model="wan2.7-image", api_key=TEST_KEY, messages=[message], n=2, size="2K")
    assert task.status_code == 200, task
    done = ImageGeneration.wait(task, api_key=TEST_KEY)
    assert done.output.task_status == "SUCCEEDED"
    images = [part["image"] for choice in done.output.choices for part in choice["message"]["content"]]
    assert len(images) == 2 and done.usage.image_count == 2
    posts = [r for r in sdk.requests if r.host == "api" and r.method == "POST"]
    assert [r.path.rsplit("/aigc/", 1)[-1] for r in posts] == [
        "multimodal-generation/generation",
        "image-generation/generation",
    ]
    assert posts[1].headers["x-dashscope-async"] == "enable"

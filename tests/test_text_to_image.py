"""Text-to-image nodes end to end against the emulator: what is sent, what comes back, status, errors."""

from __future__ import annotations

import pytest
import torch

from tests.conftest import api_requests, assert_refused_before_any_request, run_node, submodule


def _submits(emu):
    return [r for r in api_requests(emu, "/services/aigc/", "POST")]


def _result_colors(emu):
    return [tuple(r.color) for task in emu.tasks.values() for r in task.results]


def _image_colors(images: torch.Tensor):
    return [tuple(round(float(v) * 255) for v in img[img.shape[0] // 2, img.shape[1] // 2]) for img in images]


def test_wanx_v1_text_to_image_sends_the_spec_fields_and_returns_every_image(pack, service, canvas):
    images, alpha, task_ids, urls, _ = run_node(
        pack,
        "DashScopeImgWanxTextToImage",
        prompt="一只猫",
        negative_prompt="blurry",
        style="<anime>",
        size="720*1280",
        n=3,
        seed=42,
        unique_id="7",
    )
    [submit] = _submits(service)
    assert submit.path.endswith("/services/aigc/text2image/image-synthesis")
    assert submit.headers["x-dashscope-async"] == "enable"
    assert submit.json == {
        "model": "wanx-v1",
        "input": {"prompt": "一只猫", "negative_prompt": "blurry"},
        "parameters": {"style": "<anime>", "size": "720*1280", "n": 3, "seed": 42},
    }
    assert images.shape == (3, 1280, 720, 3) and images.dtype == torch.float32
    assert alpha.shape == (3, 1280, 720) and torch.all(alpha == 1)
    assert sorted(_image_colors(images)) == sorted(_result_colors(service))
    [task] = service.tasks.values()
    assert task_ids == task.task_id
    assert urls.splitlines() == [r.url for r in task.results]
    # The canvas showed progress, and the final line keeps the task id visible.
    texts = [t for node, t in canvas.texts if node == "7"]
    assert texts and task.task_id in texts[-1] and "3 images" in texts[-1]


def test_similar_image_uploads_the_reference_once_per_content(pack, service):
    reference = torch.rand(2, 300, 400, 3)
    reference[1] = reference[0]  # the same pixels twice: one upload serves both tasks
    images, _, task_ids, *_ = run_node(
        pack,
        "DashScopeImgWanxSimilarImage",
        reference=reference,
        prompt="a cat",
        negative_prompt="",
        style="<auto>",
        size="1024*1024",
        n=1,
        seed=1,
        ref_strength=0.7,
        ref_mode="refonly",
    )
    submits = _submits(service)
    assert len(submits) == 2 and len(task_ids.splitlines()) == 2
    for submit in submits:
        assert submit.json["input"]["ref_img"].startswith("oss://")
        assert submit.headers["x-dashscope-ossresourceresolve"] == "enable"
        assert submit.json["parameters"]["ref_strength"] == 0.7 and submit.json["parameters"]["ref_mode"] == "refonly"
    assert service.count("upload") == 1
    storage = [r for r in service.requests if r.host == "storage"]
    assert storage and all("authorization" not in r.headers for r in storage)
    assert images.shape == (2, 1024, 1024, 3)


def test_modern_models_use_the_sync_multimodal_protocol(pack, service):
    images, _, task_ids, *_ = run_node(
        pack,
        "DashScopeImgModernTextToImage",
        model="wan2.6-t2i",
        prompt="海边的灯塔",
        negative_prompt="people",
        width=1280,
        height=960,
        n=2,
        seed=5,
        prompt_extend=False,
        watermark=False,
    )
    [call] = api_requests(service, "multimodal-generation")
    assert "x-dashscope-async" not in call.headers
    assert call.json["input"] == {"messages": [{"role": "user", "content": [{"text": "海边的灯塔"}]}]}
    assert call.json["parameters"] == {
        "size": "1280*960",
        "n": 2,
        "seed": 5,
        "prompt_extend": False,
        "watermark": False,
        "negative_prompt": "people",
    }
    assert images.shape == (2, 960, 1280, 3)
    assert task_ids == ""  # sync calls have no task


def test_one_image_per_call_models_are_called_n_times(pack, service):
    images, *_ = run_node(
        pack,
        "DashScopeImgModernTextToImage",
        model="qwen-image-plus",
        prompt="logo",
        negative_prompt="",
        width=1328,
        height=1328,
        n=2,
        seed=10,
        prompt_extend=True,
        watermark=False,
    )
    calls = api_requests(service, "multimodal-generation")
    assert [c.json["parameters"]["n"] for c in calls] == [1, 1]
    assert sorted(c.json["parameters"]["seed"] for c in calls) == [10, 11]
    assert images.shape[0] == 2


def test_older_wan_models_use_the_async_text2image_protocol(pack, service):
    run_node(
        pack,
        "DashScopeImgModernTextToImage",
        model="wan2.2-t2i-flash",
        prompt="mountains",
        negative_prompt="",
        width=1024,
        height=768,
        n=1,
        seed=0,
        prompt_extend=False,
        watermark=True,
    )
    [submit] = _submits(service)
    assert submit.path.endswith("text2image/image-synthesis")
    assert submit.json["input"] == {"prompt": "mountains"}
    assert submit.json["parameters"]["size"] == "1024*768" and submit.json["parameters"]["watermark"] is True


def test_custom_model_name_needs_no_code_change(pack, service):
    models = submodule(pack, "nodes.models")
    assert "wan2.7-t2i" not in models.MODELS
    spec = models.guess_spec("wan2.7-t2i")
    assert spec.sync and spec.path == models.MULTIMODAL
    assert not models.guess_spec("wanx2.1-t2i-turbo").sync


@pytest.mark.parametrize(
    ("node", "model", "extra", "expected"),
    [
        (
            "DashScopeImgStableDiffusion",
            "stable-diffusion-xl",
            {"negative_prompt": "", "width": "768", "height": "1024", "n": 2, "steps": 30, "scale": 7.5, "seed": 3},
            {"size": "768*1024", "n": 2, "steps": 30, "scale": 7.5, "seed": 3},
        ),
        (
            "DashScopeImgFlux",
            "flux-dev",
            {"size": "768*512", "steps": 50, "guidance": 3.5, "seed": 9},
            {"size": "768*512", "steps": 50, "guidance": 3.5, "seed": 9},
        ),
    ],
)
def test_retired_third_party_models_keep_working_to_the_documented_protocol(
    pack, service, node, model, extra, expected
):
    images, *_ = run_node(pack, node, model=model, prompt="a red fox", **extra)
    [submit] = _submits(service)
    assert submit.json["model"] == model and submit.json["parameters"] == expected
    width, height = (int(v) for v in expected["size"].split("*"))
    assert images.shape[1:] == (height, width, 3)


def test_retired_model_error_names_the_successor(pack, service):
    service.retire("stable-diffusion-xl")
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.ModelUnavailableError) as caught:
        run_node(
            pack,
            "DashScopeImgStableDiffusion",
            model="stable-diffusion-xl",
            prompt="x",
            negative_prompt="",
            width="1024",
            height="1024",
            n=1,
            steps=20,
            scale=7.0,
            seed=0,
        )
    assert "wan2.6-t2i" in str(caught.value) and "retired" in str(caught.value)
    assert service.count("task_created") == 0


def test_failed_task_reports_code_message_and_task_id(pack, service):
    service.faults.fail_tasks(1, code="InternalError.Algo", message="inference exploded")
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.TaskFailedError) as caught:
        run_node(
            pack,
            "DashScopeImgWanxTextToImage",
            prompt="x",
            negative_prompt="",
            style="<auto>",
            size="1024*1024",
            n=1,
            seed=0,
        )
    [task] = service.tasks.values()
    text = str(caught.value)
    assert "InternalError.Algo" in text and "inference exploded" in text and task.task_id in text


@pytest.mark.parametrize(
    ("node", "inputs", "names"),
    [
        ("DashScopeImgWanxTextToImage", {"prompt": "x" * 801}, ("prompt", "800")),
        ("DashScopeImgWanxTextToImage", {"size": "999*999"}, ("size", "1024*1024")),
        ("DashScopeImgWanxTextToImage", {"n": 5}, ("'n'", "between 1 and 4")),
        ("DashScopeImgWanxTextToImage", {"negative_prompt": "y" * 501}, ("negative_prompt", "500")),
        ("DashScopeImgModernTextToImage", {"width": 4000, "height": 4000}, ("size", "1440")),
        ("DashScopeImgModernTextToImage", {"model": "qwen-image", "width": 1000, "height": 1000}, ("size", "1664*928")),
        ("DashScopeImgModernTextToImage", {"width": 2560, "height": 384}, ("size", "aspect")),
        ("DashScopeImgStableDiffusion", {"model": "stable-diffusion-v1.5", "width": "1024"}, ("width", "512x512")),
        ("DashScopeImgStableDiffusion", {"steps": 501}, ("steps", "500")),
        ("DashScopeImgStableDiffusion", {"prompt": ""}, ("prompt", "empty")),
        ("DashScopeImgFlux", {"guidance": 25.0}, ("guidance", "20")),
        ("DashScopeImgFlux", {"size": "100*100"}, ("size", "allowed")),
        ("DashScopeImgFlux", {"prompt": "p" * 900}, ("prompt", "800")),
        ("DashScopeImgWanxSimilarImage", {"reference": torch.rand(1, 100, 400, 3)}, ("reference", "256")),
        ("DashScopeImgWanxSimilarImage", {"ref_strength": 1.5}, ("ref_strength", "between 0.0 and 1.0")),
        ("DashScopeImgWanxSimilarImage", {"reference": torch.rand(0, 300, 300, 3)}, ("reference", "empty")),
    ],
)
def test_bad_inputs_fail_before_any_request(pack, service, node, inputs, names):
    defaults = {
        "DashScopeImgWanxTextToImage": dict(
            prompt="cat", negative_prompt="", style="<auto>", size="1024*1024", n=1, seed=0
        ),
        "DashScopeImgWanxSimilarImage": dict(
            reference=torch.rand(1, 300, 300, 3),
            prompt="cat",
            negative_prompt="",
            style="<auto>",
            size="1024*1024",
            n=1,
            seed=0,
            ref_strength=0.5,
            ref_mode="repaint",
        ),
        "DashScopeImgModernTextToImage": dict(
            model="wan2.6-t2i",
            prompt="cat",
            negative_prompt="",
            width=1280,
            height=1280,
            n=1,
            seed=0,
            prompt_extend=False,
            watermark=False,
        ),
        "DashScopeImgStableDiffusion": dict(
            model="stable-diffusion-xl",
            prompt="cat",
            negative_prompt="",
            width="512",
            height="512",
            n=1,
            steps=20,
            scale=7.0,
            seed=0,
        ),
        "DashScopeImgFlux": dict(model="flux-schnell", prompt="cat", size="1024*1024", steps=4, guidance=3.5, seed=0),
    }[node]
    assert_refused_before_any_request(pack, service, node, {**defaults, **inputs}, names)


def test_missing_key_fails_before_any_request_and_says_how_to_set_it(pack, service, monkeypatch):
    monkeypatch.delenv("DASHSCOPE_API_KEY")
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.MissingApiKeyError) as caught:
        run_node(
            pack,
            "DashScopeImgWanxTextToImage",
            prompt="x",
            negative_prompt="",
            style="<auto>",
            size="1024*1024",
            n=1,
            seed=0,
        )
    assert "DASHSCOPE_API_KEY" in str(caught.value) and "Settings" in str(caught.value)
    assert service.requests == []


def test_stop_cancels_a_pending_task_at_the_service(pack, service, monkeypatch):
    """ComfyUI's Stop while the task is still queued: the wait ends within a second and the task is cancelled."""
    import threading
    import time

    import requests as plain_requests

    from tests.conftest import TEST_KEY

    bridge = submodule(pack, "nodes.comfy_bridge")
    client = submodule(pack, "nodes.client")
    service.set_task_seconds(30)
    # Occupy the model's single slot at the service (concurrency 1) so our task stays PENDING there.
    plain_requests.post(
        service.base_url + "/services/aigc/text2image/image-synthesis",
        json={"model": "wanx-v1", "input": {"prompt": "blocker"}, "parameters": {"n": 1}},
        headers={"Authorization": f"Bearer {TEST_KEY}", "X-DashScope-Async": "enable"},
        timeout=10,
    ).raise_for_status()
    stop = threading.Event()
    monkeypatch.setattr(bridge, "interrupted", stop.is_set)
    timer = threading.Timer(1.5, stop.set)
    timer.start()
    started = time.monotonic()
    with pytest.raises(client.TaskCanceledError) as caught:
        run_node(
            pack,
            "DashScopeImgWanxTextToImage",
            prompt="x",
            negative_prompt="",
            style="<auto>",
            size="1024*1024",
            n=1,
            seed=0,
        )
    took = time.monotonic() - started
    assert took < 1.5 + 1.0, f"cancel took {took:.2f}s after Stop"
    ours = [t for t in service.tasks.values() if t.body["input"]["prompt"] == "x"]
    assert len(ours) == 1 and ours[0].status == "CANCELED"
    assert service.count("cancel") == 1
    assert "cancelled at the service" in str(caught.value)

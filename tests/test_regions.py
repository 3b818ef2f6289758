"""Issue 16, the Singapore region: DashScope's temporary uploads exist only in China (Beijing). Elsewhere every
picture goes inline as a data URI where the model's page allows it, fitted to the page's per-picture limit (and
the node says what it changed); a model that only an upload would serve is refused before anything is paid."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import io

import numpy as np
import pytest
import torch
from PIL import Image

from tests.conftest import TEST_KEY, api_requests, node_inputs, run_node, submodule
from tests.emulator import Emulator


@pytest.fixture
def singapore(service, monkeypatch):
    """The emulator acting as the Singapore service, and the pack told it is in that region."""
    service.region = "singapore"
    monkeypatch.setenv("DASHSCOPE_REGION", "international")
    return service


@pytest.mark.parametrize(
    ("base_url", "region", "where"),
    [
        ("https://dashscope.aliyuncs.com/api/v1", "international", "China (Beijing)"),  # the host decides
        ("https://dashscope-intl.aliyuncs.com/api/v1", "china", "Singapore"),
        ("https://dashscope-us.aliyuncs.com/api/v1", "china", "US (Virginia)"),
        ("https://llm-a1.ap-southeast-1.maas.aliyuncs.com/api/v1", "china", "Singapore"),
        ("https://llm-a1.cn-beijing.maas.aliyuncs.com/api/v1", "international", "China (Beijing)"),
        ("http://127.0.0.1:9/api/v1", "international", "Singapore"),  # a custom host: the region setting
        ("http://127.0.0.1:9/api/v1", "china", "China (Beijing)"),
    ],
)
def test_the_region_of_a_base_url(pack, base_url, region, where):
    settings = submodule(pack, "nodes.client").Settings(base_url=base_url, region=region)
    assert settings.service_region == where
    assert settings.temporary_uploads == (where == "China (Beijing)")


def test_the_region_setting_reaches_the_settings(pack):
    load = submodule(pack, "nodes.client").load_settings
    environ = {"DASHSCOPE_BASE_URL": "http://127.0.0.1:9/api/v1"}
    assert not load(environ={**environ, "DASHSCOPE_REGION": "international"}, config={}).temporary_uploads
    assert load(environ=environ, config={"region": "china"}).temporary_uploads
    assert load(environ={}, config={"region": "international"}).base_url.startswith("https://dashscope-intl")


def test_the_emulator_refuses_temporary_uploads_outside_beijing():
    emu = Emulator(api_key=TEST_KEY, region="singapore").start()
    try:
        import requests

        answer = requests.get(
            emu.base_url + "/uploads",
            params={"action": "getPolicy", "model": "qwen-image-edit-plus"},
            headers={"Authorization": f"Bearer {TEST_KEY}"},
            timeout=10,
        )
        assert answer.status_code == 403 and "China (Beijing)" in answer.json()["message"]
    finally:
        emu.stop()


QWEN_EDIT = dict(model="qwen-image-2.0", prompt="make it red", negative_prompt="", n=1, width=0, height=0, seed=0)


def test_in_singapore_a_model_with_data_uris_gets_every_picture_inline(pack, singapore):
    picture = torch.rand(1, 400, 400, 3)
    images, *_ = run_node(
        pack, "DashScopeImgQwenEdit", **node_inputs(pack, "DashScopeImgQwenEdit", image=picture, **QWEN_EDIT)
    )
    [call] = api_requests(singapore, "multimodal-generation")
    sent = call.json["input"]["messages"][0]["content"][0]["image"]
    assert sent.startswith("data:image/jpeg;base64,")
    assert Image.open(io.BytesIO(base64.b64decode(sent.split(",", 1)[1]))).size == (400, 400)
    assert api_requests(singapore, "/uploads") == [] and singapore.uploads == {}
    assert "x-dashscope-ossresourceresolve" not in call.headers
    assert images.shape[0] == 1


def test_in_singapore_a_model_that_needs_an_upload_refuses_the_whole_run_before_anything_is_sent(pack, singapore):
    client = submodule(pack, "nodes.client")
    inputs = node_inputs(pack, "DashScopeImgWanxSimilarImage", reference=torch.rand(3, 300, 300, 3), prompt="cat")
    with pytest.raises(client.InputError) as caught:
        run_node(pack, "DashScopeImgWanxSimilarImage", **inputs)
    message = str(caught.value)
    assert message.startswith("DashScope wanx-v1 Similar Image: input 'reference'")
    assert "Singapore" in message and "only in China (Beijing)" in message and "Settings > DashScope" in message
    assert singapore.requests == []


def _noise_jpeg(pack, side: int, quality: int = 95):
    """A picture JPEG cannot shrink much: noise."""
    images = submodule(pack, "nodes.images")
    pixels = np.random.default_rng(7).integers(0, 256, (side, side, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buffer, "JPEG", quality=quality, subsampling=0)
    return images.Encoded(buffer.getvalue(), "jpg", side, side)


def _with_limit(spec, megabytes: float):
    """The row with its picture field's per-picture limit lowered (so a small picture exercises the fitting)."""

    def lowered(field):
        if field.image is None:
            return field
        return dataclasses.replace(field, image=dataclasses.replace(field.image, max_mb=megabytes))

    return dataclasses.replace(spec, fields=tuple(map(lowered, spec.fields)))


def _edit_job(pack, spec, *pictures):
    runner = submodule(pack, "nodes.runner")
    content = [*({"image": runner.ImageRef(p)} for p in pictures), {"text": "make it red"}]
    body = spec.request({}, extra={"input.messages": [{"role": "user", "content": content}]})
    return runner.Job(spec, body)


@pytest.mark.parametrize(
    ("side", "limit", "change"),
    [(480, 0.25, "re-encoded as JPEG quality 85"), (1000, 0.2, "downscaled to")],
)
def test_a_picture_over_the_limit_is_fitted_and_the_node_says_so(pack, singapore, canvas, side, limit, change):
    client, runner = submodule(pack, "nodes.client"), submodule(pack, "nodes.runner")
    spec = _with_limit(submodule(pack, "nodes.models.editing").QWEN_EDIT["qwen-image-edit-plus"], limit)
    big, small = _noise_jpeg(pack, side), _noise_jpeg(pack, 120)
    assert client.inline_size(big) > limit * 1024 * 1024 >= client.inline_size(small)
    [result] = asyncio.run(runner.Runner("Qwen edit", "5").run([_edit_job(pack, spec, big, small)]))
    [call] = api_requests(singapore, "multimodal-generation")
    sent = [part["image"] for part in call.json["input"]["messages"][0]["content"] if "image" in part]
    assert all(len(uri) <= limit * 1024 * 1024 for uri in sent)
    first = Image.open(io.BytesIO(base64.b64decode(sent[0].split(",", 1)[1])))
    assert 384 <= first.size[0] <= side and first.size == first.size[::-1]  # never below the row's smallest side
    assert base64.b64decode(sent[1].split(",", 1)[1]) == small.data  # a picture that fits is sent as it is
    final = canvas.texts[-1][1]
    assert f"image 1 {change}" in final and f"to fit {limit:g} MB inline (Singapore: no temporary uploads)" in final
    if change == "downscaled to":
        assert f"downscaled to {first.size[0]}x{first.size[1]}" in final and first.size[0] < side
    assert "image 2" not in final and result.images


def test_a_picture_that_cannot_fit_refuses_the_run_before_any_job_is_paid(pack, singapore):
    client, runner = submodule(pack, "nodes.client"), submodule(pack, "nodes.runner")
    images = submodule(pack, "nodes.images")
    spec = _with_limit(submodule(pack, "nodes.models.editing").QWEN_EDIT["qwen-image-edit-plus"], 0.05)
    fits = _noise_jpeg(pack, 60)
    noise = np.random.default_rng(3).integers(0, 256, (400, 400, 3), dtype=np.uint8)
    exact = images.encode_pil(Image.fromarray(noise, "RGB"), lossless=True)  # a PNG keeps its pixels
    jobs = [_edit_job(pack, spec, fits), _edit_job(pack, spec, exact)]  # the second job of the run cannot go
    with pytest.raises(client.InputError) as caught:
        asyncio.run(runner.Runner("Qwen edit").run(jobs))
    message = str(caught.value)
    assert message.startswith("Qwen edit: input 'image'") and "exact PNG" in message and "Singapore" in message
    assert singapore.requests == []


def test_the_client_itself_never_uploads_outside_beijing(pack, singapore):
    client, runner = submodule(pack, "nodes.client"), submodule(pack, "nodes.runner")
    spec = submodule(pack, "nodes.models").MODELS["wanx-v1"]
    body = spec.request({"prompt": "cat", "reference": runner.ImageRef(_noise_jpeg(pack, 300))})
    with pytest.raises(client.NoTemporaryUploadsError, match="only in China"):
        client.DashScopeClient(client.load_settings()).prepare(spec, body)
    assert singapore.requests == []

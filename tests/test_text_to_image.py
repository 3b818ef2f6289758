"""Text-to-image nodes end to end against the emulator: what is sent, what comes back, status, errors."""

from __future__ import annotations

import dataclasses

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


WAN_QWEN = dict(
    model="wan2.6-t2i",
    prompt="cat",
    negative_prompt="",
    width=0,
    height=0,
    n=1,
    seed=0,
    prompt_extend=False,
    watermark=False,
)
SD = dict(
    model="stable-diffusion-xl",
    prompt="cat",
    negative_prompt="",
    width="auto",
    height="auto",
    n=1,
    steps=0,
    guidance=0.0,
    seed=0,
)
FLUX = dict(model="flux-schnell", prompt="cat", size="auto", steps=0, guidance=0.0, seed=0)


def _defaults(pack, node_id):
    """The widget values a user gets by dropping the node (before typing a prompt)."""
    declared = pack.NODE_CLASS_MAPPINGS[node_id].INPUT_TYPES()
    entries = {**declared["required"], **declared.get("optional", {})}
    return {name: entry[1]["default"] for name, entry in entries.items()}


def test_wan26_runs_async_with_the_sync_calls_messages_body(pack, service):
    """Async first: wan2.6-t2i posts the messages body of its sync protocol to image-generation with
    X-DashScope-Async, so the image has a task id (journal, Stop, recovery, Task Result)."""
    images, _, task_ids, *_ = run_node(
        pack,
        "DashScopeImgModernTextToImage",
        **{**WAN_QWEN, "prompt": "海边的灯塔", "negative_prompt": "people", "width": 1440, "height": 1152, "n": 2},
    )
    assert api_requests(service, "multimodal-generation") == []
    [call] = _submits(service)
    assert call.path.endswith("/services/aigc/image-generation/generation")
    assert call.headers["x-dashscope-async"] == "enable"
    assert call.json["input"] == {"messages": [{"role": "user", "content": [{"text": "海边的灯塔"}]}]}
    # negative_prompt in parameters (the mirror's async example); prompt_extend (service default on, per
    # third-party schemas) and watermark are sent as the user set them.
    assert call.json["parameters"] == {
        "negative_prompt": "people",
        "size": "1440*1152",
        "n": 2,
        "seed": 0,
        "prompt_extend": False,
        "watermark": False,
    }
    assert images.shape == (2, 1152, 1440, 3)
    [task] = service.tasks.values()
    assert task_ids == task.task_id  # the task answer's choices were read


def test_models_without_an_async_protocol_stay_on_the_sync_call(pack, service):
    run_node(pack, "DashScopeImgModernTextToImage", **{**WAN_QWEN, "model": "qwen-image-max"})
    [call] = api_requests(service, "multimodal-generation")
    assert "x-dashscope-async" not in call.headers and service.count("task_created") == 0


@pytest.mark.parametrize(
    ("model", "width", "height", "ok"),
    [
        ("wan2.6-t2i", 1696, 960, True),  # recommended by the same pages, 0.6 % under 1280*1280
        ("wan2.5-t2i-preview", 960, 1696, True),
        ("wan2.5-t2i-preview", 1024, 1024, False),  # the old third-party bound (from 768*768) let this through
        ("wan2.5-t2i-preview", 768, 2700, True),  # the page's own example of a free size
        ("wan2.6-t2i", 1700, 960, False),  # not a named size, under the bound
        ("wan2.6-t2i", 2880, 720, True),
        ("wan2.6-t2i", 2900, 700, False),  # over 4:1
    ],
)
def test_wan_pixel_area_sizes(pack, model, width, height, ok):
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgModernTextToImage"]
    answer = cls.VALIDATE_INPUTS(**{**WAN_QWEN, "model": model, "width": width, "height": height})
    assert (answer is True) == ok, answer
    if not ok:
        assert "1280x1280" in answer or "4:1" in answer, answer


@pytest.mark.parametrize(
    ("model", "limit"),
    [
        ("wan2.6-t2i", 2100),
        ("wan2.5-t2i-preview", 2000),
        ("wan2.2-t2i-flash", 500),
        ("wanx2.1-t2i-plus", 500),
        ("wanx2.0-t2i-turbo", 800),
        ("qwen-image-plus", 800),
    ],
)
def test_each_model_has_its_own_prompt_length_and_a_longer_prompt_is_refused(pack, model, limit):
    """The service cuts a longer prompt silently (a paid image of a prompt the user did not write): refused."""
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgModernTextToImage"]
    assert cls.VALIDATE_INPUTS(**{**WAN_QWEN, "model": model, "prompt": "p" * limit}) is True
    refused = cls.VALIDATE_INPUTS(**{**WAN_QWEN, "model": model, "prompt": "p" * (limit + 1)})
    assert f"the limit is {limit}" in refused, refused
    tooltip = cls.INPUT_TYPES()["required"]["prompt"][1]["tooltip"]
    assert "cuts a longer prompt" in tooltip


@pytest.mark.parametrize("node_id", ["DashScopeImgModernTextToImage", "DashScopeImgStableDiffusion"])
def test_a_user_who_only_switches_the_model_gets_images(pack, service, node_id):
    """Every default widget value is valid for every model the node offers: size defaults to auto (left out)."""
    cls = pack.NODE_CLASS_MAPPINGS[node_id]
    defaults = {**_defaults(pack, node_id), "prompt": "a red fox"}
    names = cls.INPUT_TYPES()["required"]["model"][0]
    for name in names:
        values = {**defaults, "model": name}
        assert cls.VALIDATE_INPUTS(**values) is True, name
        run_node(pack, node_id, **values)
        assert "size" not in api_requests(service, "/services/aigc/", "POST")[-1].json["parameters"], name


def test_qwen_sends_only_what_differs_from_its_documented_defaults(pack, service):
    run_node(pack, "DashScopeImgModernTextToImage", **{**WAN_QWEN, "model": "qwen-image-2.0", "n": 1, "seed": 4})
    [call] = api_requests(service, "multimodal-generation")
    # prompt_extend: the page's default is true, so the node's false must be sent; watermark false and n 1 are
    # the page's defaults, so they are left out.
    assert call.json["parameters"] == {"prompt_extend": False, "seed": 4}


def test_one_image_per_call_models_are_called_n_times(pack, service):
    images, *_ = run_node(
        pack,
        "DashScopeImgModernTextToImage",
        **{**WAN_QWEN, "model": "qwen-image-plus", "width": 1328, "height": 1328, "n": 2, "seed": 10},
    )
    calls = _submits(service)
    # qwen-image-plus runs async (its page's asynchronous variant): prompt in input, one task per image.
    assert len(calls) == 2 and all(c.path.endswith("text2image/image-synthesis") for c in calls)
    assert all(c.json["input"] == {"prompt": "cat"} for c in calls)
    assert all("n" not in c.json["parameters"] for c in calls)  # n is fixed 1 (the default)
    assert sorted(c.json["parameters"]["seed"] for c in calls) == [10, 11]
    assert images.shape[0] == 2 and service.count("task_created") == 2


def test_a_snapshot_of_qwen_image_plus_speaks_the_sync_protocol(pack):
    """The page documents the async variant for the names qwen-image-plus and qwen-image only."""
    models = submodule(pack, "nodes.models")
    snapshot = models.guess_spec("qwen-image-plus-2026-01-09")
    assert snapshot.sync and snapshot.path == models.MULTIMODAL
    assert not models.guess_spec("qwen-image-plus").sync


def test_older_wan_models_use_the_async_text2image_protocol(pack, service):
    run_node(
        pack,
        "DashScopeImgModernTextToImage",
        **{**WAN_QWEN, "model": "wan2.2-t2i-flash", "prompt": "mountains", "negative_prompt": "fog"}
        | {"width": 1024, "height": 768, "watermark": True},
    )
    [submit] = _submits(service)
    assert submit.path.endswith("text2image/image-synthesis")
    assert submit.json["input"] == {"prompt": "mountains", "negative_prompt": "fog"}  # async: in input
    assert submit.json["parameters"] == {
        "size": "1024*768",
        "n": 1,
        "seed": 0,
        "prompt_extend": False,
        "watermark": True,
    }


def test_z_image_gets_only_the_fields_its_notes_name(pack, service):
    run_node(pack, "DashScopeImgModernTextToImage", **{**WAN_QWEN, "model": "z-image-turbo", "n": 2})
    calls = api_requests(service, "multimodal-generation")
    # No seed, n or watermark: nothing documents them for z-image-turbo (every field of it is UNCONFIRMED).
    assert [c.json["parameters"] for c in calls] == [{"prompt_extend": False}] * 2
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgModernTextToImage"]
    refused = cls.VALIDATE_INPUTS(**{**WAN_QWEN, "model": "z-image-turbo", "negative_prompt": "blur"})
    assert "negative_prompt" in refused and "z-image-turbo" in refused


def test_custom_model_needs_no_code_change(pack, service):
    models = submodule(pack, "nodes.models")
    assert "wan2.7-t2i" not in models.MODELS
    spec = models.guess_spec("wan2.7-t2i")
    assert not spec.sync and spec.path == models.IMAGE_GENERATION  # wan2.6's async protocol, assumed
    assert spec.results == ("choices[].message.content[].image",)
    assert not models.is_confirmed(spec.page)
    assert not models.guess_spec("wanx2.1-t2i-turbo").sync
    # A dated snapshot follows its model's row: qwen-image-max's five fixed sizes, one image per call.
    snapshot = models.guess_spec("qwen-image-max-2025-12-30")
    assert snapshot.field("size").enum == models.model("qwen-image-max").field("size").enum
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgModernTextToImage"]
    values = {**WAN_QWEN, "custom_model": "qwen-image-max-2025-12-30", "width": 1024, "height": 1024}
    assert "1664*928" in cls.VALIDATE_INPUTS(**values)


def test_adding_a_model_to_the_wan_qwen_node_is_one_row(pack, monkeypatch):
    rows = submodule(pack, "nodes.models.text_to_image")
    new = dataclasses.replace(rows.WAN26, name="wan2.6-t2i-next")
    monkeypatch.setattr(rows, "WAN_QWEN", (*rows.WAN_QWEN, new))
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgModernTextToImage"]
    model, options = cls.INPUT_TYPES()["required"]["model"]
    assert "wan2.6-t2i-next" in model
    assert cls.spec({"model": "wan2.6-t2i-next"}) is new
    assert "wan2.6-t2i-next" in cls.INPUT_TYPES()["required"]["width"][1]["tooltip"]
    assert "1280x1280" in cls.VALIDATE_INPUTS(**{**WAN_QWEN, "model": "wan2.6-t2i-next", "width": 512, "height": 512})


def test_flux_sends_steps_and_guidance_only_when_asked(pack, service):
    defaults = {**_defaults(pack, "DashScopeImgFlux"), "model": "flux-dev", "prompt": "cat"}
    run_node(pack, "DashScopeImgFlux", **defaults)
    run_node(pack, "DashScopeImgFlux", **defaults | {"size": "768*512", "steps": 50, "guidance": 3.5})
    plain, asked = (s.json for s in _submits(service))
    # No page documents FLUX's fields: by default only the prompt goes (dev no longer runs at schnell's 4 steps).
    assert plain == {"model": "flux-dev", "input": {"prompt": "cat"}, "parameters": {}}
    assert asked["parameters"] == {"size": "768*512", "steps": 50, "guidance": 3.5}


def test_stable_diffusion_3_5_sends_cfg_and_shift(pack, service):
    defaults = {**_defaults(pack, "DashScopeImgStableDiffusion"), "model": "stable-diffusion-3.5-large", "prompt": "x"}
    run_node(pack, "DashScopeImgStableDiffusion", **defaults)
    asked = {"width": "768", "height": "1024", "n": 2, "seed": 3, "steps": 30, "guidance": 5.0, "shift": 2.5}
    run_node(pack, "DashScopeImgStableDiffusion", **defaults | asked)
    plain, asked = (s.json["parameters"] for s in _submits(service))
    assert plain == {"n": 1, "seed": 0}  # the page's name is cfg (default 4.5): no `scale` ever goes to 3.5
    assert asked == {"size": "768*1024", "n": 2, "steps": 30, "cfg": 5.0, "shift": 2.5, "seed": 3}


def test_stable_diffusion_xl_sends_its_guesses_only_when_asked(pack, service):
    defaults = {**_defaults(pack, "DashScopeImgStableDiffusion"), "prompt": "x"}
    run_node(pack, "DashScopeImgStableDiffusion", **defaults)
    run_node(pack, "DashScopeImgStableDiffusion", **defaults | {"steps": 30, "guidance": 7.5})
    plain, asked = (s.json for s in _submits(service))
    assert plain["parameters"] == {"n": 1}  # n is always sent: the service would pick the (billed) count
    assert asked["parameters"] == {"n": 1, "steps": 30, "scale": 7.5}
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgStableDiffusion"]
    assert "shift" in cls.VALIDATE_INPUTS(**SD, shift=3.0)


@pytest.mark.parametrize(
    ("node_id", "saved", "expected"),
    [
        (
            "DashScopeImgStableDiffusion",
            ["stable-diffusion-xl", "a lighthouse", "", "1024", "1024", 1, 50, 10.0, 7, "fixed"],
            {"width": "1024", "n": 1, "steps": 50, "guidance": 10.0, "seed": 7},
        ),
        (
            "DashScopeImgFlux",
            ["flux-schnell", "a neon street", "1024*1024", 4, 3.5, 7, "fixed"],
            {"size": "1024*1024", "steps": 4, "guidance": 3.5, "seed": 7},
        ),
    ],
)
def test_seed_era_workflows_keep_their_widget_values(pack, node_id, saved, expected):
    """UI workflows store widget values by position: the retired nodes keep their old order (new inputs last)."""
    from tests.workflow_builder import definitions

    names = []
    for item in definitions(pack)[node_id].widgets:
        names += [item.name, f"{item.name}__control"] if item.has_control else [item.name]
    loaded = dict(zip(names, saved, strict=False))
    assert {k: loaded[k] for k in expected} == expected
    widgets = {k: v for k, v in loaded.items() if not k.endswith("__control")}
    assert pack.NODE_CLASS_MAPPINGS[node_id].VALIDATE_INPUTS(**widgets) is True


def test_retired_models_keep_working_and_return_images(pack, service):
    images, *_ = run_node(pack, "DashScopeImgFlux", **FLUX | {"size": "576*1024"})
    assert images.shape[1:] == (1024, 576, 3)


def test_retired_model_error_names_the_successor(pack, service):
    service.retire("stable-diffusion-xl")
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.ModelUnavailableError) as caught:
        run_node(pack, "DashScopeImgStableDiffusion", **SD)
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


WANX = dict(prompt="cat", negative_prompt="", style="<auto>", size="1024*1024", n=1, seed=0)
SIMILAR = dict(reference=torch.rand(1, 300, 300, 3), **WANX, ref_strength=0.5, ref_mode="repaint")
BAD_INPUTS = [
    ("DashScopeImgWanxTextToImage", {"prompt": "x" * 801}, ("prompt", "800")),
    ("DashScopeImgWanxTextToImage", {"size": "999*999"}, ("size", "1024*1024")),
    ("DashScopeImgWanxTextToImage", {"n": 5}, ("'n'", "between 1 and 4")),
    ("DashScopeImgWanxTextToImage", {"negative_prompt": "y" * 501}, ("negative_prompt", "500")),
    ("DashScopeImgModernTextToImage", {"width": 4000, "height": 4000}, ("size", "1440")),
    # wan2.6-t2i: total pixels 1280x1280-1440x1440 (official); the old rule let 1280x960 through.
    ("DashScopeImgModernTextToImage", {"width": 1280, "height": 960}, ("size", "1280x1280")),
    ("DashScopeImgModernTextToImage", {"model": "qwen-image", "width": 1000, "height": 1000}, ("size", "1664*928")),
    ("DashScopeImgModernTextToImage", {"width": 2880, "height": 640}, ("size", "aspect")),
    ("DashScopeImgModernTextToImage", {"width": 1280}, ("width", "both")),
    ("DashScopeImgModernTextToImage", {"model": "qwen-image-2.0", "prompt": "p" * 1301}, ("prompt", "1300")),
    ("DashScopeImgModernTextToImage", {"prompt": "  "}, ("prompt", "empty")),
    ("DashScopeImgModernTextToImage", {"model": "z-image-turbo", "watermark": True}, ("watermark", "z-image")),
    (
        "DashScopeImgStableDiffusion",
        {"model": "stable-diffusion-v1.5", "width": "1024", "height": "1024"},
        ("size", "512*512"),
    ),
    (
        "DashScopeImgStableDiffusion",
        {"model": "stable-diffusion-3.5-large", "prompt": "a " * 76},
        ("prompt", "75 words"),
    ),
    ("DashScopeImgStableDiffusion", {"steps": 501}, ("steps", "500")),
    ("DashScopeImgStableDiffusion", {"prompt": ""}, ("prompt", "empty")),
    ("DashScopeImgStableDiffusion", {"shift": 2.0}, ("shift", "stable-diffusion-xl")),
    ("DashScopeImgFlux", {"guidance": 25.0}, ("guidance", "20")),
    ("DashScopeImgFlux", {"size": "100*100"}, ("size", "allowed")),
    ("DashScopeImgFlux", {"prompt": ""}, ("prompt", "empty")),
    ("DashScopeImgWanxSimilarImage", {"reference": torch.rand(1, 100, 400, 3)}, ("reference", "256")),
    ("DashScopeImgWanxSimilarImage", {"ref_strength": 1.5}, ("ref_strength", "between 0.0 and 1.0")),
    ("DashScopeImgWanxSimilarImage", {"reference": torch.rand(0, 300, 300, 3)}, ("reference", "empty")),
]
GOOD = {
    "DashScopeImgWanxTextToImage": WANX,
    "DashScopeImgWanxSimilarImage": SIMILAR,
    "DashScopeImgModernTextToImage": WAN_QWEN,
    "DashScopeImgStableDiffusion": SD,
    "DashScopeImgFlux": FLUX,
}


@pytest.mark.parametrize(("node", "inputs", "names"), BAD_INPUTS)
def test_bad_inputs_fail_before_any_request(pack, service, node, inputs, names):
    assert_refused_before_any_request(pack, service, node, {**GOOD[node], **inputs}, names)


@pytest.mark.parametrize(("node", "inputs", "names"), [case for case in BAD_INPUTS if "reference" not in case[1]])
def test_bad_widgets_are_refused_when_the_graph_is_queued(pack, node, inputs, names):
    cls = pack.NODE_CLASS_MAPPINGS[node]
    widgets = {k: v for k, v in {**GOOD[node], **inputs}.items() if k != "reference"}
    refused = cls.VALIDATE_INPUTS(**widgets)
    assert isinstance(refused, str) and refused.startswith(cls.DISPLAY_NAME), refused
    assert all(word in refused for word in names), refused
    assert cls.VALIDATE_INPUTS(**{k: v for k, v in GOOD[node].items() if k != "reference"}) is True


def test_queue_time_checks_skip_inputs_fed_by_links(pack):
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgModernTextToImage"]
    assert cls.VALIDATE_INPUTS(**{k: v for k, v in WAN_QWEN.items() if k != "prompt"}) is True
    assert cls.VALIDATE_INPUTS(**{k: v for k, v in WAN_QWEN.items() if k != "width"}) is True


def test_tooltips_state_each_models_limits_from_its_row(pack):
    rows = submodule(pack, "nodes.models.text_to_image")
    required = pack.NODE_CLASS_MAPPINGS["DashScopeImgModernTextToImage"].INPUT_TYPES()["required"]
    prompt_tip, width_tip = required["prompt"][1]["tooltip"], required["width"][1]["tooltip"]
    assert "qwen-image-2.0, qwen-image-2.0-pro: at most 1300 tokens" in prompt_tip
    assert "total pixels 1280x1280-1440x1440; aspect at most 4:1" in width_tip
    assert all(spec.name in width_tip for spec in rows.WAN_QWEN)
    flux_steps = pack.NODE_CLASS_MAPPINGS["DashScopeImgFlux"].INPUT_TYPES()["required"]["steps"][1]["tooltip"]
    assert "UNCONFIRMED" in flux_steps and "0 = auto" in flux_steps


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

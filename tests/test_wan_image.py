"""The new models through their nodes against the strict emulator: wan2.7-image(-pro), wan2.6-image and
wan2.5-i2i-preview through the Wan Image node; qwen-image-3.0(-pro) and qwen-image-2.1-pro through the Wan / Qwen
text-to-image and the Qwen edit nodes; dated snapshots; the bad-input matrix."""

from __future__ import annotations

import base64
import io

import pytest
import torch
from PIL import Image

from tests.conftest import api_requests, assert_refused_before_any_request, node_inputs, run_node, submodule

WAN = "DashScopeImgWanImage"
QWEN_EDIT = "DashScopeImgQwenEdit"
T2I = "DashScopeImgModernTextToImage"


def _calls(emu):
    return api_requests(emu, "/services/aigc/", "POST")


def _picture(ref: str, emu) -> Image.Image:
    data = base64.b64decode(ref.split(",", 1)[1]) if ref.startswith("data:") else emu.uploads[ref]
    return Image.open(io.BytesIO(data))


def _solid(height: int, width: int, rgb: tuple[int, int, int], batch: int = 1) -> torch.Tensor:
    return torch.tensor(rgb, dtype=torch.float32).div(255).expand(batch, height, width, 3).clone()


def _wan(pack, **values):
    return node_inputs(pack, WAN, **{"prompt": "一间有着精致窗户的花店", **values})


def test_wan27_text_to_image_is_one_async_task_with_thinking_and_4k(pack, service):
    images, _, task_ids, *_ = run_node(pack, WAN, **_wan(pack, model="wan2.7-image-pro", size="4K", n=2))
    [submit] = _calls(service)
    assert submit.path.endswith("/services/aigc/image-generation/generation")
    assert submit.headers["x-dashscope-async"] == "enable"
    # As the page's example: the text alone, then n (always sent), size, watermark and thinking_mode.
    assert submit.json == {
        "model": "wan2.7-image-pro",
        "input": {"messages": [{"role": "user", "content": [{"text": "一间有着精致窗户的花店"}]}]},
        "parameters": {"size": "4K", "n": 2, "watermark": False, "thinking_mode": True},
    }
    [task] = service.tasks.values()
    assert task_ids == task.task_id and images.shape == (2, 1024, 1024, 3)


def test_wan27_edit_sends_three_pictures_in_order_after_the_text(pack, service):
    two = torch.cat([_solid(300, 400, (200, 0, 0)), _solid(300, 400, (0, 200, 0))])  # a batch: pictures 1 and 2
    third = _solid(500, 260, (0, 0, 200))
    run_node(pack, WAN, **_wan(pack, image=two, image_2=third, prompt="把图3的颜色用在图1和图2上", size="2K"))
    [submit] = _calls(service)
    content = submit.json["input"]["messages"][0]["content"]
    assert content[0] == {"text": "把图3的颜色用在图1和图2上"} and len(content) == 4
    sent = [_picture(part["image"], service) for part in content[1:]]
    assert [p.size for p in sent] == [(400, 300), (400, 300), (260, 500)]
    colours = [p.convert("RGB").getpixel((5, 5)) for p in sent]  # JPEG: within a few levels
    assert [[round(c / 50) for c in colour] for colour in colours] == [[4, 0, 0], [0, 4, 0], [0, 0, 4]]
    # An edit: thinking_mode has no effect and is left out; the seed is not documented by any page.
    assert submit.json["parameters"] == {"size": "2K", "n": 1, "watermark": False}
    # The emulator's debug view (not a DashScope route) shows the same call to a run in another process.
    import requests

    from tests.conftest import TEST_KEY

    view = requests.get(
        service.base_url + "/__emulator__/requests", headers={"Authorization": f"Bearer {TEST_KEY}"}, timeout=10
    ).json()["requests"]
    shown = view[-1]["body"]["input"]["messages"][0]["content"]
    assert view[-1]["async"] and [part.get("image", "text")[-16:] for part in shown] == [
        "text",
        "400x300 picture)",
        "400x300 picture)",
        "260x500 picture)",
    ]


def test_an_image_set_of_four_comes_back_as_one_batch_of_four(pack, service):
    images, _, task_ids, urls, _ = run_node(pack, WAN, **_wan(pack, enable_sequential=True, n=4))
    [submit] = _calls(service)
    assert submit.json["parameters"] == {"n": 4, "watermark": False, "enable_sequential": True}
    assert images.shape[0] == 4 and len(urls.splitlines()) == 4 and len(task_ids.splitlines()) == 1


def test_a_mask_painted_as_two_regions_sends_two_boxes(pack, service):
    mask = torch.zeros(1, 300, 400)
    mask[0, 20:60, 10:50] = 1.0
    mask[0, 200:280, 300:390] = 1.0
    other = _solid(250, 250, (9, 9, 9))
    run_node(pack, WAN, **_wan(pack, image=_solid(300, 400, (1, 2, 3)), bbox=mask, image_2=other, negative_prompt="雾"))
    [submit] = _calls(service)
    assert submit.json["parameters"]["negative_prompt"] == "雾"  # the messages protocol: in parameters
    # One entry per picture, in picture order; pixel coordinates of that picture; [] for the picture without boxes.
    assert submit.json["parameters"]["bbox_list"] == [[[10, 20, 50, 60], [300, 200, 390, 280]], []]
    [task] = service.tasks.values()
    assert task.status == "SUCCEEDED"  # the emulator checked the boxes against the pictures it fetched


def test_a_palette_read_from_a_picture_and_one_typed(pack, service):
    source = torch.zeros(1, 100, 100, 3)
    source[0, :60] = torch.tensor([0.8, 0.2, 0.2])
    source[0, 60:90] = torch.tensor([0.2, 0.8, 0.2])
    source[0, 90:] = torch.tensor([0.2, 0.2, 0.8])
    run_node(pack, WAN, **_wan(pack, color_palette_image=source, color_palette_count=4))
    run_node(pack, WAN, **_wan(pack, color_palette="#C0392B 40%, #F1C40F 35%, #2C3E50 25%"))
    read, typed = (call.json["parameters"]["color_palette"] for call in _calls(service))
    assert read == [
        {"hex": "#CC3333", "ratio": "60.00%"},
        {"hex": "#33CC33", "ratio": "30.00%"},
        {"hex": "#3333CC", "ratio": "10.00%"},
    ]
    assert typed == [
        {"hex": "#C0392B", "ratio": "40.00%"},
        {"hex": "#F1C40F", "ratio": "35.00%"},
        {"hex": "#2C3E50", "ratio": "25.00%"},
    ]


def test_wan26_image_edits_through_its_async_messages_protocol(pack, service):
    pictures = _solid(400, 400, (10, 20, 30), batch=2)
    images, _, task_ids, *_ = run_node(pack, WAN, **_wan(pack, model="wan2.6-image", image=pictures, size="1K"))
    [submit] = _calls(service)
    assert submit.path.endswith("image-generation/generation") and submit.headers["x-dashscope-async"] == "enable"
    assert [list(part) for part in submit.json["input"]["messages"][0]["content"]] == [["text"], ["image"], ["image"]]
    assert submit.json["parameters"] == {"size": "1K", "n": 1, "prompt_extend": False, "watermark": False}
    assert task_ids and images.shape[0] == 1


def test_wan25_edits_through_image_synthesis_with_its_pictures_in_input(pack, service):
    pictures = [_solid(400, 400, (50, 0, 0)), _solid(400, 600, (0, 50, 0))]
    values = dict(model="wan2.5-i2i-preview", image=pictures[0], image_2=pictures[1], n=2, negative_prompt="雾")
    run_node(pack, WAN, **_wan(pack, **values, width=1024, height=1024))
    [submit] = _calls(service)
    assert submit.path.endswith("/services/aigc/image2image/image-synthesis")
    # This protocol keeps the prompt, the pictures (uploaded: no page documents Base64) and negative_prompt in input.
    assert (
        submit.json["input"]["prompt"] == "一间有着精致窗户的花店" and submit.json["input"]["negative_prompt"] == "雾"
    )
    assert [_picture(ref, service).size for ref in submit.json["input"]["images"]] == [(400, 400), (600, 400)]
    assert submit.json["parameters"] == {"size": "1024*1024", "n": 2, "prompt_extend": False, "watermark": False}
    [task] = service.tasks.values()
    assert len(task.results) == 2


def test_every_default_suits_every_model_the_wan_node_offers(pack):
    cls = pack.NODE_CLASS_MAPPINGS[WAN]
    for model in cls.INPUT_TYPES()["required"]["model"][0]:
        assert cls.VALIDATE_INPUTS(**_wan(pack, model=model)) is True, model


# --- qwen-image-3.0 / 3.0-pro / 2.1-pro ---------------------------------------------------------------------------
def test_qwen3_draws_through_the_text_to_image_node(pack, service):
    run_node(pack, T2I, **node_inputs(pack, T2I, model="qwen-image-3.0-pro", prompt="海报", width=1024, height=1536))
    [call] = _calls(service)
    assert call.path.endswith("multimodal-generation/generation") and "x-dashscope-async" not in call.headers
    assert call.json["input"] == {"messages": [{"role": "user", "content": [{"text": "海报"}]}]}
    # n is always sent (billing); the seed is not (no page documents it for qwen-image-3.0).
    assert call.json["parameters"] == {"size": "1024*1536", "n": 1, "prompt_extend": False, "watermark": False}


@pytest.mark.parametrize(("model", "most"), [("qwen-image-3.0", 3), ("qwen-image-2.1-pro", 10)])
def test_a_qwen_edit_with_the_models_most_references(pack, service, model, most):
    batch = torch.cat([_solid(400, 400, (k * 20, 0, 0)) for k in range(most - 1)])
    inputs = node_inputs(pack, QWEN_EDIT, model=model, prompt="合成", image=_solid(400, 500, (1, 1, 1)), image_2=batch)
    run_node(pack, QWEN_EDIT, **inputs)
    [call] = _calls(service)
    content = call.json["input"]["messages"][0]["content"]
    assert [list(part) for part in content] == [["image"]] * most + [["text"]]
    assert [_picture(part["image"], service).getpixel((2, 2))[0] for part in content[:most]] == [1] + [
        k * 20 for k in range(most - 1)
    ]
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.InputError, match=rf"image_3' holds picture {most + 1}; {model} takes 1-{most}"):
        run_node(pack, QWEN_EDIT, **{**inputs, "image_3": _solid(400, 400, (5, 5, 5))})
    assert len(_calls(service)) == 1


def test_old_qwen_edit_batches_still_make_one_edit_per_picture(pack, service):
    batch = torch.cat([_solid(400, 400, (1, 1, 1)), _solid(400, 400, (2, 2, 2))])
    inputs = node_inputs(pack, QWEN_EDIT, prompt="x", image=batch, image_2=_solid(400, 400, (3, 3, 3)))
    run_node(pack, QWEN_EDIT, **inputs)
    run_node(pack, QWEN_EDIT, **{**inputs, "image_batch": "all pictures in one edit"})
    contents = [c.json["input"]["messages"][0]["content"] for c in _calls(service)]
    shades = [[_picture(p["image"], service).getpixel((0, 0))[0] for p in c[:-1]] for c in contents]
    assert sorted(shades[:2]) == [[1, 3], [2, 3]] and shades[2] == [1, 2, 3]  # the two edits run concurrently


def test_old_qwen_edit_workflows_keep_their_widget_values_in_place(pack):
    """A UI workflow holds widget values by position: the new inputs come after the ones saved before."""
    from tests.workflow_builder import definitions

    names = []
    for item in definitions(pack)[QWEN_EDIT].widgets:
        names += [item.name, f"{item.name}__control"] if item.has_control else [item.name]
    saved = ["qwen-image-edit-plus", "a hat", "", 2, 0, 0, 7, "fixed", True, False, "stop the graph"]
    loaded = dict(zip(names, saved, strict=False))
    assert loaded["model"] == "qwen-image-edit-plus" and loaded["n"] == 2 and loaded["seed"] == 7
    assert loaded["if_some_images_fail"] == "stop the graph" and names[len(saved) :] == ["custom_model", "image_batch"]


@pytest.mark.parametrize("snapshot", ["qwen-image-edit-plus-2025-12-15", "qwen-image-edit-max-2026-01-16"])
def test_dated_qwen_edit_snapshots_reach_the_service_under_their_own_names(pack, service, snapshot):
    inputs = node_inputs(pack, QWEN_EDIT, prompt="x", image=_solid(400, 400, (1, 1, 1)), custom_model=snapshot)
    run_node(pack, QWEN_EDIT, **{**inputs, "n": 2, "width": 1024, "height": 768})
    [call] = _calls(service)
    assert call.json["model"] == snapshot and call.path.endswith("multimodal-generation/generation")
    assert call.json["parameters"] == {"n": 2, "seed": 0, "size": "1024*768", "prompt_extend": False}
    cls = pack.NODE_CLASS_MAPPINGS[QWEN_EDIT]
    assert "2048" in cls.VALIDATE_INPUTS(**{**inputs, "width": 4096, "height": 512})  # the family's limits


def test_every_model_node_takes_a_dated_snapshot_of_a_listed_model(pack):
    for node_id, model in [
        (WAN, "wan2.7-image-pro-2026-11-20"),
        (QWEN_EDIT, "qwen-image-2.0-2026-03-03"),
        (T2I, "qwen-image-3.0-2026-07-20"),
        ("DashScopeImgStableDiffusion", "stable-diffusion-xl-2024-01-01"),
        ("DashScopeImgFlux", "flux-dev-2025-01-01"),
        ("DashScopeImgVirtualModel", "virtualmodel-v2-2026-01-01"),
    ]:
        cls = pack.NODE_CLASS_MAPPINGS[node_id]
        values = node_inputs(pack, node_id, prompt="x", face_prompt="y", custom_model=model)
        assert cls.VALIDATE_INPUTS(**values) is True, node_id
        assert cls.spec(values).name == model if hasattr(cls, "spec") else True
        if node_id != T2I:  # the text-to-image node guesses any newer name; the others take snapshots only
            refused = cls.VALIDATE_INPUTS(**{**values, "custom_model": "wan9-image"})
            assert "'custom_model'" in refused and "YYYY-MM-DD" in refused, node_id


# --- the bad-input matrix: refused before any request, naming node, input and limit ------------------------------
PIC = _solid(300, 300, (1, 1, 1))
BAD = [
    (WAN, dict(n=6), ("'n'", "between 1 and 4")),
    (WAN, dict(enable_sequential=True, n=13), ("'n'", "12")),
    (WAN, dict(image=PIC, size="4K"), ("'size'", "1K, 2K or W*H")),
    (WAN, dict(model="wan2.7-image", size="4K"), ("'size'", "1K, 2K or W*H")),
    (
        WAN,
        dict(enable_sequential=True, color_palette="#111111 50%, #222222 25%, #333333 25%"),
        ("color_palette", "image set"),
    ),
    (WAN, dict(color_palette="#111111 50%, #222222 50%"), ("'color_palette'", "2 items", "3-10")),
    (WAN, dict(image=_solid(300, 300, (1, 1, 1), batch=10)), ("'image'", "picture 10", "1-9")),
    (WAN, dict(image=_solid(200, 300, (1, 1, 1))), ("image (picture 1)", "240")),
    (WAN, dict(image=PIC, bbox=torch.ones(1, 100, 100)), ("'bbox'", "100x100", "300x300")),
    (WAN, dict(model="wan2.6-image", image=PIC, bbox=torch.ones(1, 300, 300)), ("'bbox'", "takes no bbox_list")),
    (WAN, dict(model="wan2.6-image"), ("'image'", "not connected", "1-4")),
    (WAN, dict(model="wan2.5-i2i-preview", image=PIC, enable_sequential=True), ("enable_sequential", "wan2.5")),
    (WAN, dict(color_palette="#111111 40%", color_palette_image=PIC), ("'color_palette'", "one way")),
    (WAN, dict(size="2K", width=1024, height=1024), ("'size'", "auto")),
    (WAN, dict(custom_model="wan2.7-image-latest"), ("'custom_model'", "YYYY-MM-DD")),
    (QWEN_EDIT, dict(model="qwen-image-3.0", width=256, height=256), ("'width'", "512x512")),
    (QWEN_EDIT, dict(model="qwen-image-2.0-pro", image_2=_solid(400, 400, (1, 1, 1), batch=3)), ("image_2", "1-3")),
    (QWEN_EDIT, dict(custom_model="qwen-image-edit-plus-2025-13-01"), ("'custom_model'", "YYYY-MM-DD")),
    (T2I, dict(model="qwen-image-3.0", width=4096, height=4096), ("'size'", "2048x2048")),
]


@pytest.mark.parametrize(("node", "inputs", "words"), BAD, ids=[f"{b[0][12:]}-{i}" for i, b in enumerate(BAD)])
def test_bad_inputs_fail_before_any_request(pack, service, node, inputs, words):
    needed = {"image": PIC} if node == QWEN_EDIT and "image" not in inputs else {}
    values = node_inputs(pack, node, prompt="x", **needed, **inputs)
    assert_refused_before_any_request(pack, service, node, values, words)


def test_widget_rules_are_checked_when_the_graph_is_queued(pack):
    """Only widgets are known at queue time: a value is refused when every use of the model refuses it (pictures
    may still come), so 4K passes there and is refused inside the node when pictures are connected."""
    cls = pack.NODE_CLASS_MAPPINGS[WAN]
    assert "between 1 and 4" in cls.VALIDATE_INPUTS(**_wan(pack, n=6))
    assert "image set" in cls.VALIDATE_INPUTS(**_wan(pack, enable_sequential=True, color_palette="#111111"))
    assert cls.VALIDATE_INPUTS(**_wan(pack, model="wan2.7-image-pro", size="4K")) is True
    assert "1K, 2K" in cls.VALIDATE_INPUTS(**_wan(pack, model="wan2.7-image-pro", size="4K", enable_sequential=True))

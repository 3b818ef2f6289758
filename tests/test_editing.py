"""Editing nodes end to end against the emulator: what the service receives, what comes back, chains."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
import torch
from PIL import Image

from tests.conftest import api_requests, assert_refused_before_any_request, run_node, submodule
from tests.emulator.pictures import segmentation_label


def _submits(emu):
    return [r for r in api_requests(emu, "/services/aigc/", "POST")]


def _image(ref: str, emu) -> Image.Image:
    """An image field as the service received it: an uploaded oss:// object or a data URI."""
    data = base64.b64decode(ref.split(",", 1)[1]) if ref.startswith("data:") else emu.uploads[ref]
    return Image.open(io.BytesIO(data))


def _box_mask(height, width, top, left, bottom, right):
    mask = torch.zeros(height, width)
    mask[top:bottom, left:right] = 1.0
    return mask


PAINT = dict(prompt="a red balloon")


@pytest.mark.parametrize("composite", [True, False])
def test_inpainting_sends_an_exact_mask_and_composites_outside_it(pack, service, composite):
    torch.manual_seed(1)
    image = torch.rand(1, 400, 600, 3)
    mask = _box_mask(400, 600, 100, 200, 300, 400)
    mask[100, 200] = 0.7  # a soft edge value must arrive as pure white
    images, *_ = run_node(pack, "DashScopeImgInpainting", image=image, mask=mask, composite=composite, **PAINT)
    [submit] = _submits(service)
    sent_mask = np.asarray(_image(submit.json["input"]["mask_image_url"], service))
    assert sent_mask.shape == (400, 600) and set(np.unique(sent_mask)) == {0, 255}
    assert sent_mask[100, 200] == 255 and sent_mask[50, 50] == 0
    assert submit.json["parameters"] == {}  # style, size and n are UNCONFIRMED: sent only when set
    assert submit.headers["x-dashscope-ossresourceresolve"] == "enable"
    [result] = next(iter(service.tasks.values())).results
    if composite:
        assert images.shape == (1, 400, 600, 3)
        outside = mask[None, ..., None].expand_as(images) < 0.5
        original = image.mul(255).round().div(255)  # the input as sent (8-bit)
        assert torch.allclose(images[outside], image[outside]) or torch.allclose(images[outside], original[outside])
        inside = images[0, 200, 300].mul(255).round().tolist()
        assert inside == list(result.color)
    else:
        assert images.shape == (1, 1024, 1024, 3)


def test_inpainting_batch_runs_one_task_per_image(pack, service):
    image = torch.rand(2, 300, 300, 3)
    images, _, task_ids, *_ = run_node(
        pack, "DashScopeImgInpainting", image=image, mask=_box_mask(300, 300, 0, 0, 100, 100), composite=True, **PAINT
    )
    assert images.shape == (2, 300, 300, 3) and len(task_ids.splitlines()) == 2 and len(service.tasks) == 2


def test_erase_sends_image_masks_and_flags(pack, service):
    image = torch.rand(1, 600, 800, 3)
    erase = _box_mask(600, 800, 100, 100, 200, 200)
    keep = _box_mask(600, 800, 300, 300, 500, 500)
    images, *_ = run_node(
        pack,
        "DashScopeImgErase",
        image=image,
        mask=erase,
        keep_mask=keep,
        dilate=True,
        fast_mode=False,
        add_watermark=False,
    )
    [submit] = _submits(service)
    assert submit.headers.get("x-dashscope-datainspection") == "enable"
    assert submit.json["parameters"] == {"dilate_flag": True}  # fast_mode at its default, no watermark asked
    fields = submit.json["input"]
    assert np.asarray(_image(fields["foreground_url"], service))[400, 400] == 255
    assert np.asarray(_image(fields["mask_url"], service))[150, 150] == 255
    assert images.shape == (1, 600, 800, 3)


def test_segmentation_then_pick_then_erase_everyone_but_person_two(pack, service):
    image = torch.rand(1, 600, 900, 3)
    masks, union, label, preview, count, _ = run_node(pack, "DashScopeImgPersonSegmentation", image=image)
    expected = segmentation_label(900, 600, 3)
    assert count == 3 and masks.shape == (3, 600, 900)
    for k in range(3):
        assert torch.equal(masks[k], torch.from_numpy(expected == k + 1).float())
    assert torch.equal(union[0], torch.from_numpy(expected > 0).float())
    assert torch.allclose(label[0, ..., 0] * 255, torch.from_numpy(expected).float())
    assert preview.shape == (1, 600, 900, 3)
    others, person_two = run_node(pack, "DashScopeImgPickPersons", person_masks=masks, selection="all except 2")
    assert torch.equal(others[0], torch.from_numpy((expected == 1) | (expected == 3)).float())
    keep, _ = run_node(pack, "DashScopeImgPickPersons", person_masks=masks, selection="2")
    run_node(
        pack,
        "DashScopeImgErase",
        image=image,
        mask=others,
        keep_mask=keep,
        dilate=True,
        fast_mode=False,
        add_watermark=False,
    )
    erase = [r for r in _submits(service) if r.json["model"] == "image-erase-completion"][0]
    sent = np.asarray(_image(erase.json["input"]["mask_url"], service))
    assert np.array_equal(sent == 255, (expected == 1) | (expected == 3))
    assert np.array_equal(np.asarray(_image(erase.json["input"]["foreground_url"], service)) == 255, expected == 2)


@pytest.mark.parametrize(
    ("selection", "chosen"),
    [("1", [1]), ("1,3", [1, 3]), ("2-3", [2, 3]), ("all", [1, 2, 3]), ("not 1", [2, 3]), ("none", [])],
)
def test_pick_person_selection_language(pack, selection, chosen):
    seg = submodule(pack, "nodes.segmentation")
    assert seg.parse_selection(selection, 3, submodule(pack, "nodes.validation").Check("x")) == chosen


def test_outpainting_sends_only_the_chosen_mode(pack, service):
    ramp = torch.linspace(0, 1, 512)
    image = torch.stack(
        [ramp[None, :].expand(512, 512), ramp[:, None].expand(512, 512), torch.full((512, 512), 0.5)], -1
    )[None]
    common = dict(
        output_ratio="16:9",
        x_scale=1.0,
        y_scale=1.0,
        top_offset=0,
        bottom_offset=0,
        left_offset=0,
        right_offset=0,
        angle=0,
        best_quality=False,
        limit_image_size=True,
        add_watermark=False,
    )
    images, *_ = run_node(
        pack,
        "DashScopeImgOutpainting",
        image=image,
        mode="offsets",
        **{**common, "left_offset": 128, "right_offset": 64},
    )
    [submit] = _submits(service)
    params = submit.json["parameters"]
    assert (
        params["left_offset"] == 128
        and params["right_offset"] == 64
        and "output_ratio" not in params
        and "x_scale" not in params
    )
    assert submit.json["input"]["image_url"].startswith("data:image/jpeg;base64,")  # this model takes inline images
    assert images.shape == (1, 512, 704, 3)
    assert torch.allclose(images[0, :, 128:640], image[0], atol=0.05)  # the original sits where the offsets put it


def test_background_generation_sends_an_rgba_cutout(pack, service):
    image = torch.rand(1, 300, 400, 3)
    mask = _box_mask(300, 400, 50, 50, 250, 350)
    images, *_ = run_node(
        pack,
        "DashScopeImgBackground",
        foreground=image,
        mask=mask,
        ref_prompt="大理石台面，柔和阳光",
        neg_ref_prompt="",
        model_version="v3",
        n=2,
        noise_level=300,
        ref_prompt_weight=0.5,
        scene_type="none",
    )
    [submit] = _submits(service)
    assert submit.path.endswith("/background-generation/generation/")
    sent = _image(submit.json["input"]["base_image_url"], service)
    assert sent.mode == "RGBA" and sent.format == "PNG"
    alpha = np.asarray(sent)[..., 3]
    assert alpha[100, 100] == 255 and alpha[10, 10] == 0
    assert submit.json["parameters"] == {"model_version": "v3", "n": 2}  # no ref image: no noise_level / weight
    assert images.shape == (2, 300, 400, 3)
    assert torch.allclose(images[0, 150, 200], image[0, 150, 200], atol=0.01)  # foreground kept


def test_sketch_is_sent_as_clean_black_lines_on_white(pack, service):
    sketch = torch.zeros(1, 300, 300, 3)  # white lines on black...
    sketch[:, 100:105, :, :] = 0.9
    run_node(
        pack,
        "DashScopeImgSketch",
        sketch=sketch,
        prompt="a house",
        style="<anime>",
        n=1,
        sketch_weight=8,
        sketch_extraction=False,
        invert=True,
        binarize=True,
        threshold=0.5,
    )
    [submit] = _submits(service)
    sent = np.asarray(_image(submit.json["input"]["sketch_image_url"], service))
    assert set(np.unique(sent)) == {0, 255} and sent[102, 50] == 0 and sent[0, 0] == 255
    assert submit.json["parameters"] == {"n": 1, "style": "<anime>", "sketch_weight": 8}


def test_wan_edit_sends_only_the_functions_fields(pack, service):
    image = torch.rand(1, 512, 640, 3)
    base = dict(
        prompt="make it night",
        n=1,
        seed=3,
        strength=0.7,
        top_scale=1.5,
        bottom_scale=1.0,
        left_scale=1.0,
        right_scale=1.0,
        upscale_factor=2,
        is_sketch=False,
        watermark=False,
    )
    images, *_ = run_node(pack, "DashScopeImgWanEdit", image=image, function="expand", **base)
    [submit] = _submits(service)
    assert submit.json["input"]["function"] == "expand" and "mask_image_url" not in submit.json["input"]
    assert submit.json["parameters"] == {"seed": 3, "top_scale": 1.5}  # only expand's sides that differ from 1.0
    assert submit.json["input"]["base_image_url"].startswith("data:image/jpeg;base64,")
    assert images.shape == (1, 768, 640, 3)


def test_wan_edit_with_mask_sends_the_mask(pack, service):
    image = torch.rand(1, 512, 512, 3)
    base = dict(
        prompt="a hat",
        n=1,
        seed=0,
        strength=0.5,
        top_scale=1.0,
        bottom_scale=1.0,
        left_scale=1.0,
        right_scale=1.0,
        upscale_factor=1,
        is_sketch=False,
        watermark=False,
    )
    run_node(
        pack,
        "DashScopeImgWanEdit",
        image=image,
        function="description_edit_with_mask",
        mask=_box_mask(512, 512, 0, 0, 64, 64),
        **base,
    )
    [submit] = _submits(service)
    mask = np.asarray(_image(submit.json["input"]["mask_image_url"], service))
    assert mask.shape == (512, 512) and mask[10, 10] == 255 and mask[200, 200] == 0
    assert submit.json["parameters"] == {"seed": 0}


def test_qwen_edit_sends_pictures_in_order_then_the_instruction(pack, service):
    first, second = torch.rand(1, 400, 400, 3), torch.rand(1, 400, 600, 3)
    images, *_ = run_node(
        pack,
        "DashScopeImgQwenEdit",
        image=first,
        image_2=second,
        model="qwen-image-2.0",
        prompt="把图1的杯子放到图2的桌上",
        negative_prompt="",
        n=2,
        width=0,
        height=0,
        seed=4,
        prompt_extend=False,
        watermark=False,
    )
    [call] = api_requests(service, "multimodal-generation")
    content = call.json["input"]["messages"][0]["content"]
    assert [list(part) for part in content] == [["image"], ["image"], ["text"]]
    assert _image(content[1]["image"], service).size == (600, 400)
    assert call.json["parameters"] == {"n": 2, "seed": 4, "prompt_extend": False}
    assert images.shape == (2, 400, 600, 3)  # the last picture's aspect


def test_qwen_image_2_row_documents_editing_and_an_edit_sends_a_2048_size(pack, service):
    """One qwen-image-2.0 row holds both uses: its picture field (optional there, required when editing). The text-to-
    image default size 2048*2048 is not an edit's default (that follows the last picture), so an edit asking for
    2048*2048 must send it rather than leave it out as a 'service default'."""
    models = submodule(pack, "nodes.models")
    row = models.MODELS["qwen-image-2.0"]
    assert not row.field("image").required and row.field("size").default == "2048*2048"
    editing = submodule(pack, "nodes.models.editing").QWEN_EDIT_20["qwen-image-2.0"]
    assert editing.field("image").required and not editing.field("size").has_default
    assert editing.field("image").image == row.field("image").image  # the rule is written once
    run_node(pack, "DashScopeImgQwenEdit", image=torch.rand(1, 400, 400, 3), **{**QWEN, "width": 2048, "height": 2048})
    [call] = api_requests(service, "multimodal-generation")
    assert call.json["parameters"]["size"] == "2048*2048"
    assert call.json["input"]["messages"][0]["role"] == "user"


def test_retired_edit_model_error_names_its_successor(pack, service):
    service.retire("qwen-image-edit")
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.ModelUnavailableError, match="qwen-image-2.0"):
        run_node(
            pack,
            "DashScopeImgQwenEdit",
            image=torch.rand(1, 400, 400, 3),
            model="qwen-image-edit",
            prompt="x",
            negative_prompt="",
            n=1,
            width=0,
            height=0,
            seed=0,
            prompt_extend=False,
            watermark=False,
        )


IMG = torch.rand(1, 600, 600, 3)
MASK = _box_mask(600, 600, 0, 0, 100, 100)
EDIT = dict(
    prompt="x",
    n=1,
    seed=0,
    strength=0.5,
    top_scale=1.0,
    bottom_scale=1.0,
    left_scale=1.0,
    right_scale=1.0,
    upscale_factor=1,
    is_sketch=False,
    watermark=False,
)
OUT = dict(
    output_ratio="16:9",
    x_scale=1.0,
    y_scale=1.0,
    top_offset=0,
    bottom_offset=0,
    left_offset=0,
    right_offset=0,
    angle=0,
    best_quality=False,
    limit_image_size=True,
    add_watermark=False,
)
BG = dict(
    ref_prompt="beach",
    neg_ref_prompt="",
    model_version="v2",
    n=1,
    noise_level=300,
    ref_prompt_weight=0.5,
    scene_type="none",
)
SKETCH = dict(
    prompt="house",
    style="<auto>",
    n=1,
    sketch_weight=10,
    sketch_extraction=False,
    invert=False,
    binarize=True,
    threshold=0.5,
)
QWEN = dict(
    model="qwen-image-2.0",
    prompt="x",
    negative_prompt="",
    n=1,
    width=0,
    height=0,
    seed=0,
    prompt_extend=False,
    watermark=False,
)

BAD = [
    (
        "DashScopeImgInpainting",
        dict(image=IMG, mask=_box_mask(500, 600, 0, 0, 9, 9), **PAINT, composite=True),
        ("mask", "600x500", "600x600"),
    ),
    (
        "DashScopeImgInpainting",
        dict(image=IMG, mask=MASK, **{**PAINT, "prompt": "x" * 76}, composite=True),
        ("prompt", "75"),
    ),
    (
        "DashScopeImgInpainting",
        dict(image=torch.rand(1, 256, 600, 3), mask=torch.ones(256, 600), **PAINT, composite=True),
        ("image", "more than 256"),
    ),
    ("DashScopeImgInpainting", dict(image=IMG, mask=torch.zeros(600, 600), **PAINT, composite=True), ("mask", "empty")),
    (
        "DashScopeImgErase",
        dict(
            image=torch.rand(1, 400, 600, 3),
            mask=torch.ones(400, 600),
            dilate=False,
            fast_mode=False,
            add_watermark=False,
        ),
        ("image", "512"),
    ),
    (
        "DashScopeImgErase",
        dict(image=IMG, mask=torch.ones(2, 600, 600), dilate=False, fast_mode=False, add_watermark=False),
        ("mask", "holds 2"),
    ),
    (
        "DashScopeImgErase",
        dict(image=IMG, mask=MASK, keep_mask=torch.ones(10, 10), dilate=False, fast_mode=False, add_watermark=False),
        ("keep_mask", "must match"),
    ),
    (
        "DashScopeImgOutpainting",
        dict(image=IMG, mode="offsets", **{**OUT, "top_offset": 1000, "bottom_offset": 900}),
        ("top_offset", "3x"),
    ),
    ("DashScopeImgOutpainting", dict(image=IMG, mode="scale", **OUT), ("x_scale", "both 1.0")),
    ("DashScopeImgOutpainting", dict(image=IMG, mode="rotate only", **{**OUT, "angle": 90}), ("angle", "90")),
    ("DashScopeImgOutpainting", dict(image=torch.rand(1, 5000, 600, 3), mode="ratio", **OUT), ("image", "4096")),
    ("DashScopeImgPersonSegmentation", dict(image=torch.rand(1, 300, 600, 3)), ("image", "512")),
    ("DashScopeImgPersonSegmentation", dict(image=torch.rand(0, 600, 600, 3)), ("image", "empty")),
    ("DashScopeImgPersonSegmentation", dict(image=torch.rand(1, 600, 4200, 3)), ("image", "4096")),
    ("DashScopeImgPickPersons", dict(person_masks=torch.ones(3, 8, 8), selection="4"), ("selection", "1 to 3")),
    ("DashScopeImgPickPersons", dict(person_masks=torch.ones(3, 8, 8), selection="two"), ("selection", "'two'")),
    (
        "DashScopeImgPickPersons",
        dict(person_masks=torch.ones(2, 8, 8), selection="all except 0"),
        ("selection", "person 0"),
    ),
    ("DashScopeImgBackground", dict(foreground=IMG, **BG), ("mask", "transparency")),
    (
        "DashScopeImgBackground",
        dict(foreground=IMG, mask=MASK, **{**BG, "ref_prompt": ""}),
        ("ref_prompt", "at least one"),
    ),
    (
        "DashScopeImgBackground",
        dict(foreground=torch.rand(1, 2100, 600, 3), mask=torch.ones(2100, 600), **BG),
        ("foreground", "2048"),
    ),
    (
        "DashScopeImgBackground",
        dict(foreground=IMG, mask=MASK, **{**BG, "ref_prompt": "字" * 130}),
        ("ref_prompt", "120"),
    ),
    ("DashScopeImgSketch", dict(sketch=torch.rand(1, 200, 300, 3), **SKETCH), ("sketch", "256")),
    ("DashScopeImgSketch", dict(sketch=IMG, **{**SKETCH, "prompt": ""}), ("prompt", "empty")),
    ("DashScopeImgSketch", dict(sketch=IMG, **{**SKETCH, "sketch_weight": 11}), ("sketch_weight", "10")),
    ("DashScopeImgWanEdit", dict(image=IMG, function="description_edit_with_mask", **EDIT), ("mask", "not connected")),
    ("DashScopeImgWanEdit", dict(image=torch.rand(1, 500, 600, 3), function="colorization", **EDIT), ("image", "512")),
    ("DashScopeImgWanEdit", dict(image=IMG, function="expand", **{**EDIT, "top_scale": 2.5}), ("top_scale", "2.0")),
    (
        "DashScopeImgQwenEdit",
        dict(image=IMG, **{**QWEN, "model": "qwen-image-edit", "n": 2}),
        ("'n'", "between 1 and 1"),
    ),
    ("DashScopeImgQwenEdit", dict(image=IMG, **{**QWEN, "width": 1024}), ("width", "both")),
    ("DashScopeImgQwenEdit", dict(image=torch.rand(1, 300, 600, 3), **QWEN), ("image", "384")),
    (
        "DashScopeImgQwenEdit",
        dict(image=IMG, **{**QWEN, "model": "qwen-image-edit", "prompt": "p" * 801}),
        ("prompt", "800"),
    ),
]


@pytest.mark.parametrize(("node", "inputs", "words"), BAD, ids=[f"{b[0][12:]}-{i}" for i, b in enumerate(BAD)])
def test_bad_inputs_fail_before_any_request(pack, service, node, inputs, words):
    assert_refused_before_any_request(pack, service, node, inputs, words)


# --- result shapes: the row's documented shapes first, then the generic ones ---------------------------------


def _answer_in(shape: str, url: str) -> dict:
    """A finished task's output holding one image at ``url`` in the given shape (companions beside it)."""
    main, *companions = shape.split("+")
    beside = {name: f"{url}#{name}" for name in companions}
    if main == "choices[].message.content[].image":
        return {"choices": [{"message": {"role": "assistant", "content": [{"image": url}]}}]}
    if main.startswith("results[]."):
        return {"results": [{main.split(".", 1)[1]: url, **beside}]}
    if main == "render_urls":
        return {"render_urls": [url], **{name: [value] for name, value in beside.items()}}
    return {main: url, **beside}


def test_every_model_reads_its_documented_shapes_and_every_generic_one(pack):
    models, results = submodule(pack, "nodes.models"), submodule(pack, "nodes.client.results")
    checked = 0
    for spec in models.MODELS.values():
        for shape in dict.fromkeys((*spec.results, *results.GENERIC_SHAPES)):
            url = f"https://results.example/{spec.name}.png"
            urls, failed = results.successful_urls(_answer_in(shape, url), "t-1", spec.results)
            assert (urls, failed) == ([url], []), (spec.name, shape)
            checked += 1
    assert checked >= len(models.MODELS) * len(results.GENERIC_SHAPES)


@pytest.mark.parametrize("model", ["image-out-painting", "image-erase-completion", "image-instance-segmentation"])
def test_the_documented_shape_wins_over_a_generic_one(pack, model):
    """An answer holding output_image_url and also a results[] list: these models document output_image_url,
    so that is the image (the old reader took results[] first, whatever the model)."""
    runner, models = submodule(pack, "nodes.runner"), submodule(pack, "nodes.models")
    spec = models.model(model)
    assert spec.results[0].startswith("output_image_url")
    output = {"output_image_url": "https://r.example/real.png", "results": [{"url": "https://r.example/other.png"}]}
    outcome = submodule(pack, "nodes.client").TaskOutcome("t-1", "r-1", output)
    fetched = []
    picture = _png(np.zeros((8, 8), np.uint8))
    segmentation = submodule(pack, "nodes.segmentation").collect_segmentation
    collect = segmentation if model == "image-instance-segmentation" else runner.reader_for(spec)
    result = collect(outcome, lambda url: fetched.append(url) or picture)
    assert fetched == ["https://r.example/real.png"] and result.urls == fetched


def _png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("shape", ["output_image_url+output_vis_image_url", "results[].url", "result_url"])
def test_segmentation_reads_its_label_map_from_any_shape(pack, shape):
    """The old reader knew only output_image_url: an answer in another shape failed after the task was paid."""
    seg, client = submodule(pack, "nodes.segmentation"), submodule(pack, "nodes.client")
    label = segmentation_label(90, 60, 2)
    files = {
        "https://r.example/label.png": _png(label),
        "https://r.example/vis.png": _png(np.zeros((60, 90, 3), np.uint8)),
    }
    if shape == "results[].url":
        output = {"results": [{"url": "https://r.example/label.png"}, {"url": "https://r.example/vis.png"}]}
    elif shape == "result_url":
        output = {"result_url": "https://r.example/label.png"}
    else:
        output = {
            "output_image_url": "https://r.example/label.png",
            "output_vis_image_url": "https://r.example/vis.png",
        }
    result = seg.collect_segmentation(client.TaskOutcome("t-1", "r-1", output), files.__getitem__)
    assert np.array_equal(result.extra["label"], label)
    assert ("vis" in result.extra) == (shape != "result_url")


def test_shape_companions_stay_beside_their_image(pack):
    """The poster's backgrounds / refine parameters and WordArt's SVGs ride along with each image's slot."""
    results = submodule(pack, "nodes.client.results")
    poster = {"render_urls": ["https://r/1", "https://r/2"], "bg_urls": ["https://b/1", "https://b/2"]}
    poster["auxiliary_parameters"] = ["a1", "a2"]
    slots = results.result_slots(poster, ("render_urls+bg_urls+auxiliary_parameters",))
    assert [(s.url, s.extra) for s in slots] == [
        ("https://r/1", {"bg_urls": "https://b/1", "auxiliary_parameters": "a1"}),
        ("https://r/2", {"bg_urls": "https://b/2", "auxiliary_parameters": "a2"}),
    ]
    semantic = {"results": [{"png_url": "https://p/1", "svg_url": "https://s/1"}, {"code": "X", "message": "m"}]}
    # No documented shape given: the generic readers still find the PNG beside a failed slot.
    urls, failed = results.successful_urls(semantic)
    assert urls == ["https://p/1"] and [f.code for f in failed] == ["X"]
    assert results.result_slots(semantic, ("results[].png_url+svg_url",))[0].extra == {"svg_url": "https://s/1"}


# --- requests carry the documented fields the user set, nothing guessed unless asked -------------------------


def _defaults(pack, node_id: str, **values):
    """The node's widget defaults (what a user who changes nothing sends), updated with ``values``."""
    spec = pack.NODE_CLASS_MAPPINGS[node_id].INPUT_TYPES()
    widgets = {
        name: entry[1].get("default", entry[0][0] if isinstance(entry[0], list) else None)
        for section in ("required", "optional")
        for name, entry in spec.get(section, {}).items()
        if isinstance(entry[0], list) or entry[0] in ("INT", "FLOAT", "STRING", "BOOLEAN")
    }
    return {**widgets, **values}


def test_sketch_with_defaults_sends_only_what_differs_from_the_service(pack, service):
    """Official: size only 768*768 (default), sketch_weight default 10, n default 4, style default <auto>."""
    row = submodule(pack, "nodes.models").model("wanx-sketch-to-image-lite")
    assert (row.field("sketch_weight").default, row.field("n").default, row.field("size").enum) == (10, 4, ("768*768",))
    styles = pack.NODE_CLASS_MAPPINGS["DashScopeImgSketch"].INPUT_TYPES()["required"]["style"][0]
    assert "<photography>" not in styles and "<portrait>" not in styles and len(styles) == 8
    run_node(pack, "DashScopeImgSketch", **_defaults(pack, "DashScopeImgSketch", sketch=IMG, prompt="a house"))
    [submit] = _submits(service)
    assert submit.json["parameters"] == {"n": 1}  # the node's n=1 differs from the service's 4
    assert submit.json["input"]["prompt"] == "a house"


def test_outpainting_sends_only_the_mode_and_what_the_user_changed(pack, service):
    run_node(pack, "DashScopeImgOutpainting", **_defaults(pack, "DashScopeImgOutpainting", image=IMG))
    [submit] = _submits(service)
    # angle 0, best_quality off, limit_image_size on are the service's defaults; the watermark (on at the
    # service) is turned off by the node's default, so that one documented field is sent.
    assert submit.json["parameters"] == {"output_ratio": "16:9", "add_watermark": False}


def test_background_v2_leaves_model_version_out_and_v3_sends_it(pack, service):
    for version in ("v2", "v3"):
        inputs = _defaults(pack, "DashScopeImgBackground", foreground=IMG, mask=MASK, ref_prompt="beach")
        run_node(pack, "DashScopeImgBackground", **{**inputs, "model_version": version, "reference": IMG})
    first, second = _submits(service)
    assert first.json["parameters"] == {}  # v2, n=1, noise_level 300, weight 0.5: all the service's defaults
    assert second.json["parameters"] == {"model_version": "v3"}
    assert first.json["input"]["ref_prompt"] == "beach" and "scene_type" not in first.json["parameters"]


def test_erase_sends_fast_mode_and_the_unconfirmed_watermark_only_on_request(pack, service):
    plain = _defaults(pack, "DashScopeImgErase", image=IMG, mask=MASK)
    assert plain["add_watermark"] is False
    run_node(pack, "DashScopeImgErase", **plain)
    run_node(pack, "DashScopeImgErase", **{**plain, "fast_mode": True, "add_watermark": True})
    first, second = _submits(service)
    assert first.json["parameters"] == {"dilate_flag": False}
    assert second.json["parameters"] == {"dilate_flag": False, "fast_mode": True, "add_watermark": True}
    tooltip = pack.NODE_CLASS_MAPPINGS["DashScopeImgErase"].INPUT_TYPES()["optional"]["add_watermark"][1]["tooltip"]
    assert "UNCONFIRMED" in tooltip


def test_inpainting_sends_its_unconfirmed_parameters_only_when_set(pack, service):
    inputs = _defaults(pack, "DashScopeImgInpainting", image=IMG, mask=MASK, prompt="a hat")
    run_node(pack, "DashScopeImgInpainting", **inputs)
    run_node(pack, "DashScopeImgInpainting", **{**inputs, "style": "<anime>", "size": "720*1280", "n": 2})
    first, second = _submits(service)
    assert first.json["parameters"] == {}
    assert second.json["parameters"] == {"style": "<anime>", "size": "720*1280", "n": 2}
    optional = pack.NODE_CLASS_MAPPINGS["DashScopeImgInpainting"].INPUT_TYPES()["optional"]
    assert all("UNCONFIRMED" in optional[name][1]["tooltip"] for name in ("style", "size", "n"))


NODE_IMAGE_FIELDS = [
    ("DashScopeImgSketch", dict(sketch=IMG, prompt="a house"), "sketch_image_url", False),
    ("DashScopeImgInpainting", dict(image=IMG, mask=MASK, prompt="a hat"), "base_image_url", False),
    ("DashScopeImgPersonSegmentation", dict(image=IMG), "image_url", False),
    ("DashScopeImgErase", dict(image=IMG, mask=MASK), "image_url", False),
    ("DashScopeImgBackground", dict(foreground=IMG, mask=MASK, ref_prompt="beach"), "base_image_url", False),
    ("DashScopeImgWanEdit", dict(image=IMG, prompt="night"), "base_image_url", True),
    ("DashScopeImgOutpainting", dict(image=IMG), "image_url", True),
]


@pytest.mark.parametrize(
    ("node", "inputs", "name", "inline"), NODE_IMAGE_FIELDS, ids=[n[0][12:] for n in NODE_IMAGE_FIELDS]
)
def test_images_go_inline_only_where_the_page_documents_base64(pack, service, node, inputs, name, inline):
    run_node(pack, node, **_defaults(pack, node, **inputs))
    sent = _submits(service)[0].json["input"][name]
    assert sent.startswith("data:image/") if inline else sent.startswith("oss://")


def test_inpainting_limits_come_from_the_row_only(pack, monkeypatch):
    """The 75-character prompt and the 256-4096 px bound are written once, in the model row."""
    import dataclasses
    import inspect

    editing = submodule(pack, "nodes.editing")
    source = inspect.getsource(editing)
    assert "75" not in source and "4096" not in source and "256" not in source
    row = editing.X_PAINTING
    fields = tuple(dataclasses.replace(f, max_length=10) if f.name == "prompt" else f for f in row.fields)
    monkeypatch.setattr(editing, "X_PAINTING", dataclasses.replace(row, fields=fields))
    refused = pack.NODE_CLASS_MAPPINGS["DashScopeImgInpainting"].VALIDATE_INPUTS(prompt="x" * 11)
    assert isinstance(refused, str) and "10" in refused and "prompt" in refused


# --- VALIDATE_INPUTS: widget-level checks at queue time --------------------------------------------------------

EDITING_NODES = [
    ("DashScopeImgInpainting", {"prompt": "a hat"}),
    ("DashScopeImgErase", {}),
    ("DashScopeImgOutpainting", {}),
    ("DashScopeImgPersonSegmentation", {}),
    ("DashScopeImgPickPersons", {}),
    ("DashScopeImgBackground", {"ref_prompt": "beach"}),
    ("DashScopeImgSketch", {"prompt": "a house"}),
    ("DashScopeImgWanEdit", {"prompt": "night"}),
    ("DashScopeImgQwenEdit", {"prompt": "night"}),
]


@pytest.mark.parametrize(("node", "needed"), EDITING_NODES, ids=[n[0][12:] for n in EDITING_NODES])
def test_default_widgets_are_valid_for_every_model_the_node_offers(pack, node, needed):
    cls = pack.NODE_CLASS_MAPPINGS[node]
    values = _defaults(pack, node, **needed)
    models = cls.INPUT_TYPES()["required"].get("model")
    for model in models[0] if models else [None]:
        assert cls.VALIDATE_INPUTS(**({**values, "model": model} if model else values)) is True, model


QUEUE_BAD = [
    ("DashScopeImgInpainting", dict(prompt="x" * 76), ("prompt", "75")),
    ("DashScopeImgInpainting", dict(prompt=" "), ("prompt", "empty")),
    ("DashScopeImgInpainting", dict(prompt="x", style="<photography>"), ("style", "<photography>")),
    ("DashScopeImgInpainting", dict(prompt="x", n=5), ("'n'", "4")),
    ("DashScopeImgSketch", dict(prompt="x", style="<portrait>"), ("style", "<portrait>")),
    ("DashScopeImgSketch", dict(prompt="x", sketch_weight=11), ("sketch_weight", "10")),
    ("DashScopeImgSketch", dict(prompt="x" * 76), ("prompt", "75")),
    ("DashScopeImgSketch", dict(prompt=""), ("prompt", "empty")),
    ("DashScopeImgOutpainting", dict(mode="scale", x_scale=1.0, y_scale=1.0), ("x_scale", "both 1.0")),
    ("DashScopeImgOutpainting", dict(mode="rotate only", angle=180), ("angle", "180")),
    ("DashScopeImgOutpainting", dict(mode="scale", x_scale=3.5, y_scale=1.0), ("x_scale", "3")),
    ("DashScopeImgOutpainting", dict(mode="ratio", output_ratio="2:1"), ("output_ratio", "2:1")),
    ("DashScopeImgBackground", dict(ref_prompt="字" * 130), ("ref_prompt", "120")),
    ("DashScopeImgBackground", dict(ref_prompt="x", model_version="v4"), ("model_version", "v4")),
    ("DashScopeImgBackground", dict(ref_prompt="x", noise_level=1000), ("noise_level", "999")),
    ("DashScopeImgWanEdit", dict(prompt="x" * 801), ("prompt", "800")),
    ("DashScopeImgWanEdit", dict(prompt="x", function="expand", top_scale=2.5), ("top_scale", "2.0")),
    ("DashScopeImgWanEdit", dict(prompt="x", function="description_edit", strength=1.5), ("strength", "1.0")),
    ("DashScopeImgWanEdit", dict(prompt="x", function="zoom"), ("function", "zoom")),
    ("DashScopeImgQwenEdit", dict(prompt="x", model="qwen-image-edit", n=2), ("'n'", "between 1 and 1")),
    ("DashScopeImgQwenEdit", dict(prompt="x", width=1024, height=0), ("width", "both")),
    ("DashScopeImgQwenEdit", dict(prompt="x", model="qwen-image-edit-plus", width=256, height=1024), ("width", "512")),
    ("DashScopeImgQwenEdit", dict(prompt="x", model="qwen-image-2.0", width=400, height=400), ("width", "512x512")),
    ("DashScopeImgQwenEdit", dict(prompt="p" * 801, model="qwen-image-edit-max"), ("prompt", "800")),
    ("DashScopeImgQwenEdit", dict(prompt="p" * 1301), ("prompt", "1300")),
]


@pytest.mark.parametrize(
    ("node", "values", "words"), QUEUE_BAD, ids=[f"{b[0][12:]}-{i}" for i, b in enumerate(QUEUE_BAD)]
)
def test_validate_inputs_refuses_bad_widgets_naming_node_input_and_limit(pack, node, values, words):
    cls = pack.NODE_CLASS_MAPPINGS[node]
    message = cls.VALIDATE_INPUTS(**_defaults(pack, node, **values))
    assert isinstance(message, str) and message.startswith(cls.DISPLAY_NAME), message
    for word in words:
        assert word in message, message

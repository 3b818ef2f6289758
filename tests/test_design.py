"""Design nodes end to end: posters with their refine step, WordArt texture / semantic / surnames."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
import torch
from PIL import Image

from tests.conftest import api_requests, assert_refused_before_any_request, run_node, submodule

POSTER = dict(
    title="春季新品发布会",
    sub_title="焕新登场",
    body_text="全场八折 限时三天",
    prompt_text_zh="粉色樱花 清新 春天",
    prompt_text_en="",
    wh_ratios="竖版",
    lora_name="浓郁色彩",
    lora_weight=0.8,
    ctrl_ratio=0.7,
    ctrl_step=0.7,
    creative_title_layout=False,
    generate_mode="generate",
    generate_num=2,
)
TEXTURE = dict(
    text="福",
    font_name="shuheiti",
    font_file="none",
    output_image_ratio="1:1",
    prompt="金色浮雕",
    texture_style="material",
    image_short_size=704,
    n=1,
    alpha_channel=False,
)
SEMANTIC = dict(
    text="春",
    prompt="盛开的樱花枝",
    steps=30,
    n=1,
    font_name="dongfangdakai",
    font_file="none",
    output_image_ratio="1:1",
)
SURNAME = dict(
    surname="王",
    style="ink_hero",
    prompt="",
    font_name="dongfangdakai",
    font_file="none",
    text_strength=0.5,
    text_inverse=False,
    n=1,
)


def _submits(emu):
    return api_requests(emu, "/services/aigc/", "POST")


def test_poster_sends_every_field_in_input_and_returns_posters_backgrounds_and_refine_parameters(pack, service):
    posters, backgrounds, auxiliary, task_ids, urls = run_node(pack, "DashScopeImgPoster", **POSTER)
    [submit] = _submits(service)
    assert submit.json["parameters"] == {}
    sent = submit.json["input"]
    assert sent["title"] == "春季新品发布会" and sent["wh_ratios"] == "竖版" and sent["lora_name"] == "浓郁色彩"
    assert sent["generate_mode"] == "generate" and sent["generate_num"] == 2 and "auxiliary_parameters" not in sent
    assert posters.shape == (2, 1024, 576, 3) and backgrounds.shape == (2, 1024, 576, 3)
    assert not torch.equal(posters, backgrounds)
    lines = auxiliary.splitlines()
    assert len(lines) == 2 and len(urls.splitlines()) == 2
    # The refine step: one line of auxiliary parameters into a second poster node in mode sr.
    refined, *_ = run_node(
        pack, "DashScopeImgPoster", **{**POSTER, "generate_mode": "sr"}, auxiliary_parameters=lines[1]
    )
    refine = _submits(service)[-1].json["input"]
    assert (
        refine["generate_mode"] == "sr" and refine["auxiliary_parameters"] == lines[1] and "generate_num" not in refine
    )
    assert refined.shape[0] == 1


def test_poster_with_no_style_sends_an_empty_lora_name(pack, service):
    run_node(pack, "DashScopeImgPoster", **{**POSTER, "lora_name": "none", "generate_num": 1})
    assert _submits(service)[0].json["input"]["lora_name"] == ""


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"title": "标" * 31}, ("'title'", "31 characters", "1 too many")),
        ({"sub_title": "副" * 33}, ("'sub_title'", "3 too many")),
        ({"body_text": "正文" * 26}, ("'body_text'", "limit is 50", "2 too many")),
        (
            {
                "prompt_text_zh": "花" * 40,
                "prompt_text_en": "pink cherry blossom in spring with soft light and mist everywhere",
            },
            ("prompt_text_zh", "51", "1 too many"),
        ),
        ({"title": ""}, ("'title'", "empty")),
        ({"prompt_text_zh": ""}, ("prompt_text_en", "both empty")),
        ({"generate_mode": "hrf"}, ("auxiliary_parameters", "0 lines")),
        ({"lora_weight": 1.5}, ("lora_weight", "between 0.0 and 1.0")),
    ],
)
def test_poster_limits_count_cjk_characters_and_fail_before_any_request(pack, service, change, words):
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.InputError) as caught:
        run_node(pack, "DashScopeImgPoster", **{**POSTER, **change})
    for word in words:
        assert word in str(caught.value), str(caught.value)
    assert service.requests == []


def test_a_withheld_poster_is_skipped_not_downloaded(pack, service, monkeypatch):
    design = submodule(pack, "nodes.design")
    client = submodule(pack, "nodes.client")
    outcome = client.TaskOutcome(
        "t1", "r1", {"render_urls": [client.MODERATED], "bg_urls": [client.MODERATED], "auxiliary_parameters": ["x"]}
    )
    fetched = []
    with pytest.raises(client.ContentInspectionError):
        design.collect_poster(outcome, fetched.append)
    assert fetched == []


def test_wordart_texture_text_mode_with_alpha_returns_the_glyph_mask(pack, service):
    images, alpha, *_ = run_node(pack, "DashScopeImgWordArtTexture", **{**TEXTURE, "alpha_channel": True, "n": 2})
    [submit] = _submits(service)
    assert submit.path.endswith("/services/aigc/wordart/texture")
    assert submit.json["input"]["text"] == {"text_content": "福", "output_image_ratio": "1:1", "font_name": "shuheiti"}
    assert submit.json["parameters"] == {"image_short_size": 704, "n": 2, "alpha_channel": True}
    assert images.shape == (2, 704, 704, 3) and alpha.shape == (2, 704, 704)
    expected = torch.zeros(704, 704)
    expected[176:528, 176:528] = 1.0  # the emulator's glyph rectangle
    assert torch.equal(alpha[0], expected)


def test_wordart_texture_from_a_mask_sends_white_text_on_black(pack, service):
    mask = torch.zeros(400, 600)
    mask[100:300, 100:500] = 1
    run_node(pack, "DashScopeImgWordArtTexture", **TEXTURE, text_mask=mask)
    [submit] = _submits(service)
    assert "text" not in submit.json["input"]
    sent = np.asarray(Image.open(io.BytesIO(service.uploads[submit.json["input"]["image"]["image_url"]])))
    assert sent.shape == (400, 600) and sent[200, 300] == 255 and sent[10, 10] == 0


def _font_bytes() -> bytes:
    return b"\x00\x01\x00\x00" + struct.pack(">H", 0) + b"\x00" * 64  # a TrueType header is enough here


def test_a_custom_font_file_is_uploaded_and_sent_as_ttf_url(pack, service, tmp_path, monkeypatch):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "MyBrand.ttf").write_bytes(_font_bytes())
    monkeypatch.setenv("DASHSCOPE_FONT_DIR", str(fonts))
    design = submodule(pack, "nodes.design")
    assert design.font_files() == ["none", "MyBrand.ttf"]
    run_node(pack, "DashScopeImgWordArtTexture", **{**TEXTURE, "font_file": "MyBrand.ttf"})
    [submit] = _submits(service)
    text = submit.json["input"]["text"]
    assert "font_name" not in text and text["ttf_url"].startswith("oss://") and text["ttf_url"].endswith(".ttf")
    assert service.uploads[text["ttf_url"]] == _font_bytes()
    assert next(iter(service.tasks.values())).status == "SUCCEEDED"


def test_wordart_semantic_returns_mask_image_and_svg(pack, service):
    mask, images, svgs, task_id = run_node(pack, "DashScopeImgWordArtSemantic", **{**SEMANTIC, "n": 2})
    [submit] = _submits(service)
    assert submit.json["input"] == {
        "text": "春",
        "prompt": "盛开的樱花枝",
        "font_name": "dongfangdakai",
        "output_image_ratio": "1:1",
    }
    assert submit.json["parameters"] == {"steps": 30, "n": 2}
    assert mask.shape == (2, 1024, 1024) and mask[0, 512, 512] == 1.0 and mask[0, 10, 10] == 0.0
    assert (
        images.shape == (2, 1024, 1024, 3)
        and len(svgs.splitlines()) == 2
        and all(u.split("?")[0].endswith(".svg") for u in svgs.splitlines())
    )
    assert task_id in service.tasks


def test_wordart_surnames_sends_surname_style_font_and_reference(pack, service):
    images, *_ = run_node(pack, "DashScopeImgWordArtSurnames", **SURNAME, reference=torch.rand(1, 300, 300, 3))
    [submit] = _submits(service)
    sent = submit.json["input"]
    assert sent["surname"] == "王" and sent["style"] == "ink_hero" and sent["text"] == {"font_name": "dongfangdakai"}
    assert sent["ref_image_url"].startswith("oss://")
    assert submit.json["parameters"] == {"text_strength": 0.5, "text_inverse": False, "n": 1}
    assert images.shape[0] == 1


def test_retired_surnames_model_names_a_successor(pack, service):
    service.retire("wordart-surnames")
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.ModelUnavailableError, match="qwen-image-2.0"):
        run_node(pack, "DashScopeImgWordArtSurnames", **SURNAME)


BAD = [
    ("DashScopeImgWordArtTexture", {**TEXTURE, "text": "一二三四五六七"}, ("text", "7 characters", "1 too many")),
    ("DashScopeImgWordArtTexture", {**TEXTURE, "prompt": "p" * 201}, ("prompt", "200")),
    ("DashScopeImgWordArtTexture", {**TEXTURE, "image_short_size": 700}, ("image_short_size", "multiple of 64")),
    ("DashScopeImgWordArtTexture", {**TEXTURE, "text_image": torch.rand(1, 300, 900, 3)}, ("text_image", "2:1")),
    ("DashScopeImgWordArtTexture", {**TEXTURE, "font_file": "../secret.ttf"}, ("font_file", "input/fonts")),
    ("DashScopeImgWordArtSemantic", {**SEMANTIC, "prompt": ""}, ("prompt", "empty")),
    ("DashScopeImgWordArtSemantic", {**SEMANTIC, "steps": 5}, ("steps", "between 10 and 100")),
    ("DashScopeImgWordArtSemantic", {**SEMANTIC, "text": ""}, ("text", "empty")),
    ("DashScopeImgWordArtSurnames", {**SURNAME, "surname": "欧阳"}, ("surname", "exactly one")),
    ("DashScopeImgWordArtSurnames", {**SURNAME, "style": "custom"}, ("prompt", "empty")),
    ("DashScopeImgWordArtSurnames", {**SURNAME, "text_strength": 2.0}, ("text_strength", "1.0")),
]


@pytest.mark.parametrize(("node", "inputs", "words"), BAD, ids=[f"{b[0][12:]}-{i}" for i, b in enumerate(BAD)])
def test_bad_inputs_fail_before_any_request(pack, service, node, inputs, words):
    assert_refused_before_any_request(pack, service, node, inputs, words)

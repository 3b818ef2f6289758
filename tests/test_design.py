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
    font_name="fangzhengkaiti",
    font_file="none",
    output_image_ratio="1280x720",
)
SURNAME = dict(
    surname="王",
    style="ink_hero",
    prompt="",
    font_name="auto",
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


def test_refining_every_line_of_a_generate_run_makes_one_task_per_line(pack, service):
    """The example graph feeds a whole auxiliary_parameters output (one line per poster) into an hrf node."""
    _, _, auxiliary, *_ = run_node(pack, "DashScopeImgPoster", **POSTER)
    refined, backgrounds, refined_auxiliary, task_ids, _ = run_node(
        pack, "DashScopeImgPoster", **{**POSTER, "generate_mode": "hrf"}, auxiliary_parameters=auxiliary + "\n"
    )
    refines = [r.json["input"] for r in _submits(service)[1:]]
    assert sorted(r["auxiliary_parameters"] for r in refines) == sorted(auxiliary.splitlines())
    assert all(r["generate_mode"] == "hrf" and "generate_num" not in r for r in refines)
    assert refined.shape[0] == backgrounds.shape[0] == 2 and len(task_ids.splitlines()) == 2
    assert len(refined_auxiliary.splitlines()) == 2


def test_poster_sends_no_empty_strings_and_no_service_defaults(pack, service):
    """Issue 12: empty sub_title / body_text / prompt / lora_name were sent as ""; parameters stays {} (required)."""
    plain = {**POSTER, "sub_title": " ", "body_text": "", "prompt_text_en": "", "lora_name": "none", "generate_num": 1}
    run_node(pack, "DashScopeImgPoster", **{**plain, "wh_ratios": "横版"})
    [submit] = _submits(service)
    assert submit.json == {
        "model": "wanx-poster-generation-v1",
        "input": {"generate_mode": "generate", "title": "春季新品发布会", "prompt_text_zh": "粉色樱花 清新 春天"},
        "parameters": {},
    }


def test_a_title_that_reads_none_is_still_sent(pack, service):
    run_node(pack, "DashScopeImgPoster", **{**POSTER, "title": "none", "lora_name": "none"})
    sent = _submits(service)[0].json["input"]
    assert sent["title"] == "none" and "lora_name" not in sent


def test_poster_style_list_is_the_official_one(pack):
    official = "2D插画1 2D插画2 浩瀚星云 浓郁色彩 光线粒子 透明玻璃 剪纸工艺 折纸工艺 中国水墨 中国刺绣 真实场景 2D卡通 儿童水彩 赛博背景 浅蓝抽象 深蓝抽象 抽象点线 童话油画"
    row = submodule(pack, "nodes.models").model("wanx-poster-generation-v1")
    assert list(row.field("lora_name").enum) == official.split()
    options, declared = pack.NODE_CLASS_MAPPINGS["DashScopeImgPoster"].INPUT_TYPES()["required"]["lora_name"]
    assert options == ["none", *official.split()] and declared["default"] == "none"
    assert row.field("lora_weight").default == 0.8 and row.field("ctrl_step").default == 0.7
    assert row.results == ("render_urls[]", "bg_urls[]", "auxiliary_parameters[]")


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
        ({"generate_mode": "hrf"}, ("auxiliary_parameters", "is empty", "generate run")),
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
    # Only what the user set: the ratio 1:1, the style material and the short side 704 are the service's own.
    assert submit.json["input"] == {"text": {"text_content": "福", "font_name": "shuheiti"}, "prompt": "金色浮雕"}
    assert submit.json["parameters"] == {"n": 2, "alpha_channel": True}
    assert submit.headers["x-dashscope-datainspection"] == "enable"  # as the official quick start's example
    assert images.shape == (2, 704, 704, 3) and alpha.shape == (2, 704, 704)
    expected = torch.zeros(704, 704)
    expected[176:528, 176:528] = 1.0  # the emulator's glyph rectangle
    assert torch.equal(alpha[0], expected)


def test_wordart_texture_sends_a_set_ratio_size_and_style_and_always_the_image_count(pack, service):
    changed = {"output_image_ratio": "16:9", "image_short_size": 512, "texture_style": "lego", "prompt": ""}
    run_node(pack, "DashScopeImgWordArtTexture", **{**TEXTURE, **changed, "font_name": "dongfangdakai"})
    [submit] = _submits(service)
    assert submit.json["input"] == {
        "text": {"text_content": "福", "output_image_ratio": "16:9"},
        "texture_style": "lego",
    }
    assert submit.json["parameters"] == {"image_short_size": 512, "n": 1}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("一二三四五六", ("'text'", "6 characters", "the limit is 5")),  # the old limit allowed 6
        ("福 到", ("'text'", "' '", "Chinese characters, digits and letters only")),
        (
            "新年!",
            (
                "'text'",
                "'!'",
            ),
        ),
        ("ｈｉ", ("'text'", "'ｈｉ'")),
    ],
)
def test_wordart_texture_text_is_fewer_than_six_chinese_characters_digits_or_letters(pack, service, text, words):
    assert_refused_before_any_request(pack, service, "DashScopeImgWordArtTexture", {**TEXTURE, "text": text}, words)


def test_wordart_texture_accepts_five_characters_mixing_chinese_digits_and_letters(pack):
    node = pack.NODE_CLASS_MAPPINGS["DashScopeImgWordArtTexture"]
    assert node.VALIDATE_INPUTS(**{**TEXTURE, "text": "AI福2026"[:5]}) is True


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
    assert submit.json["input"] == {"text": "春", "prompt": "盛开的樱花枝"}
    assert submit.json["parameters"] == {"n": 2}  # steps 30, the font and the ratio are the service's defaults
    assert mask.shape == (2, 1024, 1024) and mask[0, 512, 512] == 1.0 and mask[0, 10, 10] == 0.0
    assert (
        images.shape == (2, 1024, 1024, 3)
        and len(svgs.splitlines()) == 2
        and all(u.split("?")[0].endswith(".svg") for u in svgs.splitlines())
    )
    assert task_id in service.tasks


def test_wordart_semantic_puts_font_and_ratio_in_parameters(pack, service, tmp_path, monkeypatch):
    """Issue 12: font_name / ttf_url / output_image_ratio went in input; the official table lists them in parameters."""
    chosen = {"font_name": "kuaileti", "output_image_ratio": "720x1280", "steps": 40}
    run_node(pack, "DashScopeImgWordArtSemantic", **{**SEMANTIC, **chosen})
    body = _submits(service)[-1].json
    assert body["input"] == {"text": "春", "prompt": "盛开的樱花枝"}
    assert body["parameters"] == {"steps": 40, "n": 1, "font_name": "kuaileti", "output_image_ratio": "720x1280"}
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "Brand.ttf").write_bytes(_font_bytes())
    monkeypatch.setenv("DASHSCOPE_FONT_DIR", str(fonts))
    run_node(pack, "DashScopeImgWordArtSemantic", **{**SEMANTIC, **chosen, "font_file": "Brand.ttf"})
    body = _submits(service)[-1].json
    assert set(body["input"]) == {"text", "prompt"} and "font_name" not in body["parameters"]
    assert service.uploads[body["parameters"]["ttf_url"]] == _font_bytes()


def test_wordart_semantic_reads_png_url_and_falls_back_to_generic_shapes(pack):
    """Issue 12: results were read only from png_url; an answer with results[].url came back empty."""
    design = submodule(pack, "nodes.design")
    client = submodule(pack, "nodes.client")
    row = submodule(pack, "nodes.models").model("wordart-semantic")
    assert row.results[:2] == ("results[].png_url", "results[].svg_url")
    picture = io.BytesIO()
    Image.new("RGB", (8, 4), "white").save(picture, "PNG")
    fetched = []

    def fetch(url):
        fetched.append(url)
        return picture.getvalue()

    shapes = [
        {"results": [{"png_url": "https://r/a.png", "svg_url": "https://r/a.svg"}]},
        {"results": [{"url": "https://r/a.png"}]},
        {"output_image_url": "https://r/a.png"},
    ]
    for output in shapes:
        result = design.collect_semantic(client.TaskOutcome("t1", "r1", output), fetch)
        assert result.urls == ["https://r/a.png"] and result.images[0][0].shape == (4, 8, 3)
    assert fetched == ["https://r/a.png"] * 3  # the SVG is passed on as a URL, never decoded
    assert result.extra["svg"] == [""]


def test_wordart_surnames_sends_surname_style_font_and_reference(pack, service):
    diy = {**SURNAME, "style": "diy", "font_name": "gufeng2", "text_strength": 0.7}
    images, *_ = run_node(pack, "DashScopeImgWordArtSurnames", **diy, reference=torch.rand(1, 300, 300, 3))
    [submit] = _submits(service)
    sent = submit.json["input"]
    # Third-party clients of the retired model: the font and the strength sit in input.text.
    assert sent["surname"] == "王" and sent["style"] == "diy"
    assert sent["text"] == {"font_name": "gufeng2", "text_strength": 0.7}
    assert sent["ref_image_url"].startswith("oss://") and "prompt" not in sent
    assert submit.json["parameters"] == {"n": 1}
    assert images.shape[0] == 1


def test_wordart_surnames_preset_sends_surname_and_style_only_and_offers_the_gufeng_fonts(pack, service):
    run_node(pack, "DashScopeImgWordArtSurnames", **{**SURNAME, "surname": "欧阳"})
    assert _submits(service)[0].json == {
        "model": "wordart-surnames",
        "input": {"surname": "欧阳", "style": "ink_hero"},
        "parameters": {"n": 1},
    }
    fonts = pack.NODE_CLASS_MAPPINGS["DashScopeImgWordArtSurnames"].INPUT_TYPES()["required"]["font_name"]
    assert fonts[0] == ["auto", "gufeng1", "gufeng2", "gufeng3", "gufeng4", "gufeng5"]
    assert fonts[1]["default"] == "auto" and "UNCONFIRMED" in fonts[1]["tooltip"]
    row = submodule(pack, "nodes.models").model("wordart-surnames")
    assert not any(field.confirmed for field in row.fields) and not submodule(pack, "nodes.models").is_confirmed(
        row.page
    )


def test_retired_surnames_model_names_a_successor(pack, service):
    service.retire("wordart-surnames")
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.ModelUnavailableError, match="qwen-image-2.0"):
        run_node(pack, "DashScopeImgWordArtSurnames", **SURNAME)


BAD = [
    ("DashScopeImgWordArtTexture", {**TEXTURE, "text": "一二三四五六七"}, ("text", "7 characters", "2 too many")),
    ("DashScopeImgWordArtTexture", {**TEXTURE, "text": ""}, ("text", "empty", "text_mask")),
    ("DashScopeImgWordArtTexture", {**TEXTURE, "prompt": "p" * 200}, ("prompt", "limit is 199")),
    ("DashScopeImgWordArtTexture", {**TEXTURE, "prompt": ""}, ("prompt", "empty", "material")),
    ("DashScopeImgWordArtTexture", {**TEXTURE, "image_short_size": 700}, ("image_short_size", "multiple of 64")),
    ("DashScopeImgWordArtTexture", {**TEXTURE, "text_image": torch.rand(1, 300, 900, 3)}, ("text_image", "2:1")),
    ("DashScopeImgWordArtTexture", {**TEXTURE, "font_file": "../secret.ttf"}, ("font_file", "'../secret.ttf'")),
    ("DashScopeImgWordArtSemantic", {**SEMANTIC, "prompt": ""}, ("prompt", "empty")),
    ("DashScopeImgWordArtSemantic", {**SEMANTIC, "steps": 5}, ("steps", "between 10 and 100")),
    ("DashScopeImgWordArtSemantic", {**SEMANTIC, "text": ""}, ("text", "empty")),
    ("DashScopeImgWordArtSemantic", {**SEMANTIC, "output_image_ratio": "1:1"}, ("output_image_ratio", "1280x720")),
    ("DashScopeImgWordArtSurnames", {**SURNAME, "surname": "欧阳修"}, ("surname", "limit is 2")),
    ("DashScopeImgWordArtSurnames", {**SURNAME, "style": "diy"}, ("prompt", "empty", "reference")),
    ("DashScopeImgWordArtSurnames", {**SURNAME, "font_name": "dongfangdakai"}, ("font_name", "gufeng1")),
    ("DashScopeImgWordArtSurnames", {**SURNAME, "text_strength": 2.0}, ("text_strength", "1.0")),
]


@pytest.mark.parametrize(("node", "inputs", "words"), BAD, ids=[f"{b[0][12:]}-{i}" for i, b in enumerate(BAD)])
def test_bad_inputs_fail_before_any_request(pack, service, node, inputs, words):
    assert_refused_before_any_request(pack, service, node, inputs, words)


VALIDATE_BAD = [
    ("DashScopeImgPoster", {**POSTER, "title": "标" * 31}, ("'title'", "limit is 30")),
    ("DashScopeImgPoster", {**POSTER, "prompt_text_zh": "", "prompt_text_en": ""}, ("prompt_text_en", "both empty")),
    ("DashScopeImgPoster", {**POSTER, "prompt_text_zh": "花" * 51}, ("prompt_text_zh", "limit is 50")),
    ("DashScopeImgPoster", {**POSTER, "lora_name": "水彩"}, ("'lora_name'", "2D插画1")),
    ("DashScopeImgPoster", {**POSTER, "ctrl_step": 0.0}, ("'ctrl_step'", "between 0.05 and 1")),
    ("DashScopeImgPoster", {**POSTER, "wh_ratios": "landscape"}, ("'wh_ratios'", "横版")),
    ("DashScopeImgWordArtTexture", {**TEXTURE, "text": "福气满满来了"}, ("'text'", "limit is 5")),
    ("DashScopeImgWordArtTexture", {**TEXTURE, "text": "福_"}, ("'text'", "'_'")),
    ("DashScopeImgWordArtTexture", {**TEXTURE, "image_short_size": 1088}, ("'image_short_size'", "1024")),
    ("DashScopeImgWordArtTexture", {**TEXTURE, "output_image_ratio": "1280x720"}, ("output_image_ratio", "16:9")),
    ("DashScopeImgWordArtSemantic", {**SEMANTIC, "prompt": "p" * 201}, ("'prompt'", "limit is 200")),
    ("DashScopeImgWordArtSemantic", {**SEMANTIC, "n": 5}, ("'n'", "between 1 and 4")),
    ("DashScopeImgWordArtSurnames", {**SURNAME, "surname": ""}, ("'surname'", "empty")),
    ("DashScopeImgWordArtSurnames", {**SURNAME, "style": "custom"}, ("'style'", "diy")),
]


@pytest.mark.parametrize(
    ("node", "widgets", "words"), VALIDATE_BAD, ids=[f"{b[0][12:]}-{i}" for i, b in enumerate(VALIDATE_BAD)]
)
def test_validate_inputs_refuses_bad_widgets_when_the_graph_is_queued(pack, node, widgets, words):
    answer = pack.NODE_CLASS_MAPPINGS[node].VALIDATE_INPUTS(**widgets)
    assert isinstance(answer, str) and answer.startswith(pack.NODE_DISPLAY_NAME_MAPPINGS[node]), answer
    for word in words:
        assert word in answer, answer


@pytest.mark.parametrize(
    ("node", "widgets"),
    [
        ("DashScopeImgPoster", POSTER),
        ("DashScopeImgPoster", {**POSTER, "generate_mode": "hrf"}),  # the refine line comes through a link
        ("DashScopeImgWordArtTexture", TEXTURE),
        ("DashScopeImgWordArtTexture", {**TEXTURE, "text": ""}),  # a text picture may be connected
        ("DashScopeImgWordArtSemantic", SEMANTIC),
        ("DashScopeImgWordArtSurnames", SURNAME),
        ("DashScopeImgWordArtSurnames", {**SURNAME, "style": "diy"}),  # a reference picture may be connected
    ],
)
def test_validate_inputs_accepts_good_widgets_and_every_default(pack, node, widgets):
    cls = pack.NODE_CLASS_MAPPINGS[node]
    assert cls.VALIDATE_INPUTS(**widgets) is True
    declared = {**cls.INPUT_TYPES()["required"], **cls.INPUT_TYPES().get("optional", {})}
    defaults = {k: v[1]["default"] for k, v in declared.items() if "default" in v[1] and not v[1].get("forceInput")}
    # Every default except the texts the user must type is valid as it stands.
    typed = {k: widgets[k] for k in ("title", "prompt_text_zh", "text", "prompt", "surname") if k in widgets}
    assert cls.VALIDATE_INPUTS(**{**defaults, **typed}) is True


def test_each_poster_prompt_row_limit_counts_chinese_characters_and_english_words(pack):
    """The page's "combined <= 50 chars/words" is each prompt's own max_length too, in the page's unit: an English
    prompt of 60 characters but 12 words is within it, 51 words are not (and neither are 51 Chinese characters)."""
    validation = submodule(pack, "nodes.validation")
    poster = submodule(pack, "nodes.models").MODELS["wanx-poster-generation-v1"]
    check = validation.Check("Poster")
    for name in ("prompt_text_zh", "prompt_text_en"):
        assert poster.field(name).max_length == 50
        assert (
            validation.check_field(check, poster.field(name), "pink cherry blossom " * 4)
            == ("pink cherry blossom " * 4).strip()
        )
        for text in ("word " * 51, "花" * 51):
            with pytest.raises(submodule(pack, "nodes.client").InputError, match="51 Chinese characters"):
                validation.check_field(check, poster.field(name), text)


def test_cjk_counting_lives_in_a_shared_module(pack):
    rules = submodule(pack, "nodes.text_rules")
    assert rules.characters_and_words("粉色樱花 pink cherry blossom") == 7
    assert rules.characters_and_words("") == 0
    assert rules.outside_cjk_letters_digits("福A1 福!!") == " !"
    assert not hasattr(submodule(pack, "nodes.design"), "prompt_units")


def test_font_folder_comes_through_the_comfy_bridge(pack, tmp_path, monkeypatch):
    """folder_paths is ComfyUI's: only comfy_bridge touches it; fonts live in <input>/fonts."""
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "Brand.otf").write_bytes(_font_bytes())
    monkeypatch.delenv("DASHSCOPE_FONT_DIR", raising=False)
    monkeypatch.setattr(submodule(pack, "nodes.comfy_bridge"), "input_directory", lambda: tmp_path)
    assert submodule(pack, "nodes.design").font_files() == ["none", "Brand.otf"]
    source = (submodule(pack, "nodes.design").__file__, "folder_paths")
    assert source[1] not in open(source[0], encoding="utf-8").read()


def test_every_field_of_the_design_rows_cites_a_page_or_says_why_not(pack):
    models = submodule(pack, "nodes.models")
    for name in ("wanx-poster-generation-v1", "wordart-texture", "wordart-semantic", "wordart-surnames"):
        row = models.model(name)
        assert row.fields and row.results
        for field in row.fields:
            assert field.source.startswith("https://help.aliyun.com/") or (
                field.source.startswith("UNCONFIRMED: ") and len(field.source) > 40
            ), (name, field.path)
    poster = models.model("wanx-poster-generation-v1")
    assert all(field.confirmed for field in poster.fields)
    texture = models.model("wordart-texture")
    unconfirmed = {f.name for f in texture.fields if not f.confirmed}
    assert unconfirmed >= {"text", "output_image_ratio", "prompt", "texture_style", "image_short_size", "n"}

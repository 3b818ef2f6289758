"""The emulator's strict mode: what the official pages do not document is refused as the real gateway would
(400 InvalidParameter naming the field), so a pack that sends a guessed or misplaced field fails its tests."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import TEST_KEY
from tests.emulator import Emulator
from tests.emulator.catalog import BACKGROUND, T2I, VIRTUAL_MODEL, WORDART

ASYNC = {"Authorization": f"Bearer {TEST_KEY}", "X-DashScope-Async": "enable"}


def submit(emu: Emulator, path: str, body: dict) -> requests.Response:
    return requests.post(emu.base_url + path, json=body, headers=ASYNC, timeout=10)


def refused(answer: requests.Response, *words: str) -> None:
    assert answer.status_code == 400, answer.text
    error = answer.json()
    assert error["code"] == "InvalidParameter", error
    for word in words:
        assert word in error["message"], error


def test_strict_is_the_default(emulator):
    assert Emulator().strict and emulator.strict


def test_an_undocumented_field_is_refused_and_named(emulator):
    body = {"model": "wanx-v1", "input": {"prompt": "a cat"}, "parameters": {"steps": 4}}
    refused(submit(emulator, T2I, body), "parameters.steps", "wanx-v1")
    assert emulator.count("task_created") == 0


def test_a_documented_field_in_the_wrong_place_is_refused_with_its_place(emulator):
    body = {"model": "wordart-semantic", "input": {"text": "文字", "prompt": "竹子", "font_name": "shuheiti"}}
    refused(submit(emulator, WORDART + "semantic", body), "input.font_name", "parameters.font_name")
    body["parameters"] = {"font_name": body["input"].pop("font_name")}
    assert submit(emulator, WORDART + "semantic", body).status_code == 200


def test_wrong_enum_and_out_of_range_values_of_official_fields_are_refused(emulator):
    keep = {"model": "virtualmodel-v2", "input": {}, "parameters": {"short_side_size": "1024"}}
    keep["input"] = {
        "base_image_url": "http://x/a.png",
        "mask_image_url": "http://x/m.png",
        "prompt": "a model in a park",
        "face_prompt": "smiling",
    }
    refused(
        submit(emulator, VIRTUAL_MODEL, {**keep, "input": {**keep["input"], "aspect_ratio": "keep"}}), "aspect_ratio"
    )
    refused(
        submit(emulator, VIRTUAL_MODEL, {**keep, "input": {**keep["input"], "bgstyle_scale": 1.5}}), "bgstyle_scale"
    )
    body = {"model": "wanx-v1", "input": {"prompt": "x"}, "parameters": {"style": "<cyberpunk>"}}
    refused(submit(emulator, T2I, body), "parameters.style")


def test_a_field_whose_place_the_page_leaves_open_is_accepted_in_either_place(emulator):
    emulator.set_limits("shoemodel-v1", qps=10)
    body = {
        "model": "shoemodel-v1",
        "input": {"template_image_url": "http://x/t.png", "shoe_image_url": ["http://x/s.png"]},
        "parameters": {"n": 1},
    }
    for place in ("input", "parameters"):
        sent = {**body, place: {**body[place], "scale": 6.0}}
        assert submit(emulator, VIRTUAL_MODEL, sent).status_code == 200
    sent = {**body, "scale": 6.0}
    refused(submit(emulator, VIRTUAL_MODEL, sent), "'scale'")


def test_trailing_slash_and_none_are_both_served(emulator):
    body = {
        "model": "wanx-background-generation-v2",
        "input": {"base_image_url": "http://x/a.png", "ref_prompt": "sea"},
    }
    for path in (BACKGROUND, BACKGROUND + "/"):
        assert submit(emulator, path, body).status_code == 200


def test_a_missing_required_official_field_is_refused(emulator):
    body = {"model": "wanx-poster-generation-v1", "input": {"generate_mode": "generate"}, "parameters": {}}
    refused(submit(emulator, T2I, body), "input.title")


def test_the_pages_required_parameters_are_refused_when_missing(emulator):
    """shoemodel-v1's field list says "parameters … 必选 — 图片生成的数量" (n is required); the poster page says
    parameters is required and must be {}."""
    body = {
        "model": "shoemodel-v1",
        "input": {"template_image_url": "http://x/t.png", "shoe_image_url": ["http://x/s.png"]},
        "parameters": {},
    }
    refused(submit(emulator, VIRTUAL_MODEL, body), "parameters.n")
    poster = {"model": "wanx-poster-generation-v1", "input": {"generate_mode": "generate", "title": "春"}}
    poster["input"]["prompt_text_zh"] = "樱花"
    refused(submit(emulator, T2I, poster), "parameters")
    assert submit(emulator, T2I, {**poster, "parameters": {}}).status_code == 200


@pytest.fixture
def lenient():
    emu = Emulator(api_key=TEST_KEY, strict=False).start()
    yield emu
    emu.stop()


def test_lenient_mode_accepts_what_strict_mode_refuses(lenient):
    body = {"model": "wanx-v1", "input": {"prompt": "a cat"}, "parameters": {"steps": 4}}
    assert submit(lenient, T2I, body).status_code == 200


def test_the_catalog_is_well_formed():
    """Every route has a path, no place is claimed twice, and a model's names are its own (no pack import)."""
    import inspect

    from tests.emulator import catalog

    assert "nodes" not in inspect.getsource(catalog).replace("nodes/models", "")
    for model in catalog.MODELS.values():
        assert model.routes and len(set(model.paths)) == len(model.paths), model.name
        for route in model.routes:
            assert route.path.startswith("/") and not route.path.endswith("/"), (model.name, route.path)
            places = [place for f in route.fields for place in f.places]
            assert len(places) == len(set(places)), (model.name, route.path)
            assert all(c in catalog.CONFIDENCES for _, c in route.results), model.name

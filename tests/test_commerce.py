"""E-commerce nodes end to end against the emulator: virtual model (v1, v2) and shoe model."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from tests.conftest import api_requests, assert_refused_before_any_request, run_node


def _submits(emu):
    return api_requests(emu, "/services/aigc/", "POST")


def _photo(h=600, w=400, seed=0, batch=1):
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(batch, h, w, 3, generator=generator)


def _uploaded(emu, url: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(emu.uploads[url])))


V2 = dict(
    model="virtualmodel-v2",
    prompt="a woman walking on a beach at sunset",
    face_prompt="smiling young woman",
    short_side_size="1024",
    n=1,
    predefined_face="none",
    real_person=False,
    bgstyle_scale=0.4,
    aspect_ratio="3:4",
    portrait_style=False,
    seed=10_000_005,
)
# wanx-virtualmodel: the v2-only inputs at the values that send nothing.
V1 = dict(
    V2,
    model="wanx-virtualmodel",
    short_side_size="512",
    predefined_face="girl2",
    real_person=True,
    bgstyle_scale=0.7,
    aspect_ratio="keep",
    portrait_style=True,
)


def _garment_masks():
    masks = torch.zeros(2, 600, 400)
    masks[0, 200:400, 100:300] = 1  # the first photo's garment
    masks[1, 0:100, 0:100] = 0.7  # the second's; soft values become exact white
    return masks


# ---- virtual model -------------------------------------------------------------------------------


def test_virtual_model_v2_sends_each_photo_with_its_own_mask_and_the_v2_fields(pack, service, canvas):
    images, _, task_ids, *_ = run_node(
        pack,
        "DashScopeImgVirtualModel",
        image=_photo(batch=2),
        mask=_garment_masks(),
        background=_photo(500, 500, 9),
        unique_id="3",
        **V2,
    )
    submits = sorted(_submits(service), key=lambda r: r.time)
    assert len(submits) == 2 and len(task_ids.splitlines()) == 2
    for submit in submits:
        body = submit.json
        assert submit.path.endswith("/virtualmodel/generation") and body["model"] == "virtualmodel-v2"
        # short_side_size a string, as the page requires; n = 1 is the service default, so it is left out.
        assert body["parameters"] == {"short_side_size": "1024"}
        sent = body["input"]
        assert sent["prompt"] == V2["prompt"] and sent["face_prompt"] == V2["face_prompt"]
        assert sent["realPerson"] is False and sent["bgstyle_scale"] == 0.4 and sent["aspect_ratio"] == "3:4"
        assert sent["style"] == "" and sent["seed"] == 10_000_005 % 10_000_001  # the service's seed range
        assert "predefined_face_id" not in sent and sent["background_image_url"].startswith("oss://")
        assert sent["base_image_url"].startswith("oss://")  # no data URI for this model (spec 9.1)
    # Each photo went with its own mask: exact 0/255, white = keep, the photo's size.
    masks = {s.json["input"]["base_image_url"]: _uploaded(service, s.json["input"]["mask_image_url"]) for s in submits}
    bases = {url: _uploaded(service, url) for url in masks}
    assert all(set(np.unique(m)) <= {0, 255} and m.shape == (600, 400) for m in masks.values())
    whites = sorted(int((m == 255).sum()) for m in masks.values())
    assert whites == [100 * 100, 200 * 200]
    assert all(b.shape[:2] == (600, 400) for b in bases.values())
    assert images.shape == (2, 1536, 1024, 3)  # short side 1024
    assert canvas.progress[-1] == (2, 2, "3")


def test_virtual_model_v1_sends_the_predefined_face_and_no_v2_fields(pack, service):
    mask = torch.zeros(600, 400)
    mask[300:, :] = 1
    images, *_ = run_node(
        pack, "DashScopeImgVirtualModel", image=_photo(), mask=mask, face_image=_photo(300, 300, 4), **V1
    )
    [submit] = _submits(service)
    sent = submit.json["input"]
    assert submit.json["model"] == "wanx-virtualmodel" and submit.json["parameters"]["short_side_size"] == "512"
    assert sent["predefined_face_id"] == "girl2" and sent["face_image_url"].startswith("oss://")
    assert not {"realPerson", "bgstyle_scale", "aspect_ratio", "style", "seed"} & set(sent)
    assert "background_image_url" not in sent
    assert images.shape == (1, 768, 512, 3)


def test_virtual_model_v1_leaves_out_the_v2_values_a_saved_workflow_holds_and_says_so(pack, service, canvas):
    # A workflow saved with v2 settings, switched to wanx-virtualmodel: queued and run, the v2 values not sent.
    leftover = {**V1, "real_person": False, "aspect_ratio": "3:4", "portrait_style": False, "bgstyle_scale": 0.7}
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgVirtualModel"]
    assert cls.VALIDATE_INPUTS(**leftover) is True
    run_node(pack, "DashScopeImgVirtualModel", image=_photo(), mask=MASK, unique_id="5", **leftover)
    [submit] = _submits(service)
    assert not {"realPerson", "bgstyle_scale", "aspect_ratio", "style", "seed"} & set(submit.json["input"])
    last = canvas.texts[-1][1].splitlines()
    # bgstyle_scale sits at its default (0.7): nothing to say about it.
    assert last[-3:] == [
        "real person not sent: wanx-virtualmodel takes none",
        "aspect ratio not sent: wanx-virtualmodel takes none",
        "portrait style not sent: wanx-virtualmodel takes none",
    ]


def test_one_mask_and_one_background_serve_a_batch_of_photos(pack, service):
    mask = torch.zeros(600, 400)
    mask[10:20, 10:20] = 1
    run_node(
        pack,
        "DashScopeImgVirtualModel",
        image=_photo(batch=3),
        mask=mask,
        background=_photo(400, 400, 5),
        **{**V2, "portrait_style": True},
    )
    sent = [s.json["input"] for s in _submits(service)]
    assert len(sent) == 3 and len({s["base_image_url"] for s in sent}) == 3
    assert len({s["mask_image_url"] for s in sent}) == 1 and len({s["background_image_url"] for s in sent}) == 1
    assert all("style" not in s for s in sent)  # 'portrait' is the service default: left out


def test_virtual_model_states_its_trial_status(pack):
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgVirtualModel"]
    tooltip = cls.INPUT_TYPES()["required"]["model"][1]["tooltip"]
    assert "free trial" in tooltip and "wanx-virtualmodel" in tooltip and "virtualmodel-v2" in tooltip


def test_virtual_model_v2_sends_the_official_aspect_values_and_leaves_keep_out(pack, service):
    """The page's aspect values are 比例不变 (the default), 2:1 … 1:2: 'keep' is not one of them."""
    mask = torch.ones(600, 400)
    run_node(pack, "DashScopeImgVirtualModel", image=_photo(), mask=mask, **{**V2, "aspect_ratio": "keep"})
    run_node(pack, "DashScopeImgVirtualModel", image=_photo(), mask=mask, **{**V2, "aspect_ratio": "9:16"})
    keep, portrait = (s.json["input"] for s in _submits(service))
    assert "aspect_ratio" not in keep and portrait["aspect_ratio"] == "9:16"


def test_virtual_model_v2_defaults_send_only_the_required_and_user_set_fields(pack, service):
    defaults = {**V2, "real_person": True, "bgstyle_scale": 0.7, "aspect_ratio": "keep", "portrait_style": True}
    run_node(pack, "DashScopeImgVirtualModel", image=_photo(), mask=torch.ones(600, 400), **defaults)
    [submit] = _submits(service)
    # The v2 fields sit in input (as on the page); at their service defaults they are left out.
    assert set(submit.json["input"]) == {"base_image_url", "mask_image_url", "prompt", "face_prompt", "seed"}
    assert submit.json["parameters"] == {"short_side_size": "1024"}


def test_virtual_model_v2_sends_a_face_image_too(pack, service):
    """The page lists face_image_url for both versions (only predefined_face_id is V1 only)."""
    run_node(
        pack,
        "DashScopeImgVirtualModel",
        image=_photo(batch=2),
        mask=torch.ones(600, 400),
        face_image=_photo(300, 300, 4),
        **V2,
    )
    sent = [s.json["input"] for s in _submits(service)]
    assert len(sent) == 2 and all(s["face_image_url"].startswith("oss://") for s in sent)
    assert _uploaded(service, sent[0]["face_image_url"]).shape[:2] == (300, 300)


def _widgets(cls) -> dict:
    """Every widget at its default value (what a freshly placed node queues)."""
    declared = {**cls.INPUT_TYPES()["required"], **cls.INPUT_TYPES().get("optional", {})}
    return {k: v[1]["default"] for k, v in declared.items() if len(v) > 1 and "default" in v[1]}


@pytest.mark.parametrize("model", ["virtualmodel-v2", "wanx-virtualmodel"])
def test_virtual_model_default_widgets_are_valid_for_every_model(pack, model):
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgVirtualModel"]
    values = {**_widgets(cls), "model": model, "prompt": "a walk on the beach", "face_prompt": "smiling"}
    assert cls.VALIDATE_INPUTS(**values) is True
    del values["prompt"]  # fed by another node: unknown at queue time
    assert cls.VALIDATE_INPUTS(**values) is True


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"prompt": "p" * 100}, ("prompt", "99")),
        ({"face_prompt": ""}, ("face_prompt", "empty")),
        ({"model": "virtualmodel-v2", "short_side_size": "512"}, ("short_side_size", "1024, 2048")),
        ({"model": "wanx-virtualmodel", "short_side_size": "2048"}, ("short_side_size", "512, 1024")),
        ({"n": 5}, ("'n'", "1 and 4")),
    ],
)
def test_virtual_model_refuses_bad_widgets_at_queue_time(pack, change, words):
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgVirtualModel"]
    values = {**_widgets(cls), "prompt": "a walk on the beach", "face_prompt": "smiling", **change}
    message = cls.VALIDATE_INPUTS(**values)
    assert isinstance(message, str) and message.startswith(cls.DISPLAY_NAME), message
    assert all(word in message for word in words), message


# ---- shoe model ------------------------------------------------------------------------------------


def test_shoe_model_sends_both_views_from_two_inputs(pack, service):
    images, *_ = run_node(
        pack,
        "DashScopeImgShoeModel",
        template=_photo(600, 800),
        shoes=_photo(400, 400, 1),
        shoes_2=_photo(400, 500, 2),
        n=2,
        scale=6.5,
    )
    [submit] = _submits(service)
    assert submit.path.endswith("/virtualmodel/generation") and submit.json["model"] == "shoemodel-v1"
    sent = submit.json["input"]
    assert isinstance(sent["shoe_image_url"], list) and len(sent["shoe_image_url"]) == 2
    assert [_uploaded(service, u).shape[:2] for u in sent["shoe_image_url"]] == [(400, 400), (400, 500)]
    assert submit.json["parameters"] == {"n": 2, "scale": 6.5}
    assert images.shape == (2, 600, 800, 3)


def test_shoe_model_template_batch_runs_one_task_each_with_a_batch_of_views(pack, service):
    images, _, task_ids, *_ = run_node(
        pack,
        "DashScopeImgShoeModel",
        template=_photo(600, 800, batch=2),
        shoes=_photo(300, 300, batch=2),
        n=1,
        scale=5.0,
    )
    submits = _submits(service)
    assert len(submits) == 2 and len(task_ids.splitlines()) == 2 and images.shape[0] == 2
    assert submits[0].json["input"]["shoe_image_url"] == submits[1].json["input"]["shoe_image_url"]
    assert len(submits[0].json["input"]["shoe_image_url"]) == 2
    assert submits[0].json["input"]["template_image_url"] != submits[1].json["input"]["template_image_url"]


def test_shoe_model_sends_scale_only_when_the_user_sets_it(pack, service):
    """scale's place in the body is UNCONFIRMED: off (0) by default, and then not sent at all."""
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgShoeModel"]
    option = cls.INPUT_TYPES()["optional"]["scale"][1]
    assert option["default"] == 0 and option["advanced"] is True and "UNCONFIRMED" in option["tooltip"]
    run_node(pack, "DashScopeImgShoeModel", template=_photo(600, 800), shoes=_photo(400, 400), n=1)
    run_node(pack, "DashScopeImgShoeModel", template=_photo(600, 800), shoes=_photo(400, 400), n=1, scale=3.0)
    unset, chosen = (s.json for s in _submits(service))
    assert unset["parameters"] == {"n": 1}  # the page marks the count as required: always sent
    assert "scale" not in unset["input"] and "scale" not in unset
    assert chosen["parameters"] == {"n": 1, "scale": 3.0}


def test_shoe_model_widgets_are_checked_at_queue_time(pack):
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgShoeModel"]
    assert cls.VALIDATE_INPUTS(n=1, scale=0.0) is True and cls.VALIDATE_INPUTS(n=4, scale=8.0) is True
    message = cls.VALIDATE_INPUTS(n=1, scale=1.5)
    assert isinstance(message, str) and message.startswith(cls.DISPLAY_NAME) and "scale" in message
    assert "between 2.0 and 8.0" in message
    assert "'n'" in cls.VALIDATE_INPUTS(n=5, scale=0.0)


# ---- bad inputs: refused before any request -----------------------------------------------------

MASK = torch.ones(600, 400)
SHOE = dict(template=_photo(600, 800), shoes=_photo(400, 400), n=1)
BAD = [
    ("DashScopeImgVirtualModel", dict(image=_photo(), mask=torch.ones(500, 400), **V2), ("mask", "must match")),
    ("DashScopeImgVirtualModel", dict(image=_photo(), mask=torch.zeros(600, 400), **V2), ("mask", "empty")),
    ("DashScopeImgVirtualModel", dict(image=_photo(900, 400), mask=torch.ones(900, 400), **V2), ("image", "2:1")),
    ("DashScopeImgVirtualModel", dict(image=_photo(200, 300), mask=torch.ones(200, 300), **V2), ("image", "256")),
    ("DashScopeImgVirtualModel", dict(image=_photo(), mask=MASK, **{**V2, "prompt": "p" * 100}), ("prompt", "99")),
    (
        "DashScopeImgVirtualModel",
        dict(image=_photo(), mask=MASK, **{**V2, "face_prompt": " "}),
        ("face_prompt", "empty"),
    ),
    (
        "DashScopeImgVirtualModel",
        dict(image=_photo(), mask=MASK, **{**V2, "short_side_size": "512"}),
        ("short_side_size", "1024, 2048"),
    ),
    (
        "DashScopeImgVirtualModel",
        dict(image=_photo(), mask=MASK, **{**V1, "short_side_size": "2048"}),
        ("short_side_size", "512, 1024"),
    ),
    ("DashScopeImgVirtualModel", dict(image=_photo(), mask=MASK, **{**V2, "n": 5}), ("'n'", "between 1 and 4")),
    (
        "DashScopeImgVirtualModel",
        dict(image=_photo(batch=2), mask=torch.ones(3, 600, 400), **V2),
        ("mask", "give 1 or 2"),
    ),
    (
        "DashScopeImgVirtualModel",
        dict(image=_photo(), mask=MASK, background=_photo(300, 700), **V2),
        ("background", "2:1"),
    ),
    (
        "DashScopeImgVirtualModel",
        dict(image=_photo(), mask=MASK, face_image=_photo(2100, 300), **V1),
        ("face_image", "2048"),
    ),
    ("DashScopeImgShoeModel", dict(SHOE, shoes=_photo(400, 400, batch=3)), ("shoes", "3 views", "1-2")),
    (
        "DashScopeImgShoeModel",
        dict(SHOE, shoes=_photo(400, 400, batch=2), shoes_2=_photo(400, 400)),
        ("shoes", "3 views"),
    ),
    ("DashScopeImgShoeModel", dict(SHOE, template=_photo(400, 800)), ("template", "1.5")),
    ("DashScopeImgShoeModel", dict(SHOE, shoes_2=_photo(300, 500)), ("shoes", "1.5")),
    ("DashScopeImgShoeModel", dict(SHOE, scale=9.0), ("scale", "8.0")),
    ("DashScopeImgShoeModel", dict(SHOE, scale=1.0), ("scale", "between 2.0 and 8.0")),
    (
        "DashScopeImgVirtualModel",
        dict(image=_photo(), mask=MASK, face_image=_photo(300, 300, batch=2), **V2),
        ("face_image", "give 1"),
    ),
    ("DashScopeImgShoeModel", dict(SHOE, n=0), ("'n'", "between 1 and 4")),
]


@pytest.mark.parametrize(("node", "inputs", "words"), BAD, ids=[f"{b[0][12:]}-{i}" for i, b in enumerate(BAD)])
def test_bad_inputs_fail_before_any_request(pack, service, node, inputs, words):
    assert_refused_before_any_request(pack, service, node, inputs, words)


def test_an_oversized_photo_is_refused_before_any_request(pack, service):
    """The encoded size is checked too: the virtual model takes at most 5 MB (noise at 2000 px encodes larger)."""
    big = torch.rand(1, 2000, 2000, 3)
    assert_refused_before_any_request(
        pack, service, "DashScopeImgVirtualModel", dict(image=big, mask=torch.ones(2000, 2000), **V2), ("image", "5 MB")
    )

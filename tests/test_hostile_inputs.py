"""Issue 17, inputs: a malformed input is an InputError naming the node and the input, raised before any request.

IMAGE and MASK tensors from other nodes may have any shape, type and value; text from an API-format workflow may hold
characters no request can carry. Each is refused (or, for the shapes other packs commonly produce, read the standard
way) before anything is uploaded or billed, and text is also judged when the graph is queued.
"""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import pytest
import torch
from PIL import Image

from tests.conftest import api_requests, assert_refused_before_any_request, node_inputs, run_node

PAINT = "DashScopeImgInpainting"
SIDE = 300


def _image(**changes):
    image = torch.rand(1, SIDE, SIDE, 3)
    for key, value in changes.items():
        image[0, 10, 10, int(key[-1])] = value
    return image


def _mask():
    mask = torch.zeros(1, SIDE, SIDE)
    mask[0, 100:200, 100:200] = 1.0
    return mask


def _paint(pack, **inputs):
    return node_inputs(pack, PAINT, **{"image": _image(), "mask": _mask(), "prompt": "a red balloon", **inputs})


BAD_IMAGES = [
    ("two-channels", torch.rand(1, SIDE, SIDE, 2), "2 colour channels"),
    ("no-channels", torch.rand(1, SIDE, SIDE, 0), "0 colour channels"),
    ("five-channels", torch.rand(1, SIDE, SIDE, 5), "5 colour channels"),
    ("five-dimensions", torch.rand(1, 1, SIDE, SIDE, 3), "shape [1, 1, 300, 300, 3]"),
    ("no-pixels", torch.rand(1, 0, SIDE, 3), "no pixels"),
    ("a-nan-pixel", _image(c0=math.nan), "1 NaN or infinite values"),
    ("an-infinite-pixel", _image(c1=math.inf), "NaN or infinite"),
    ("a-minus-infinite-pixel", _image(c2=-math.inf), "NaN or infinite"),
    ("all-nan", torch.full((1, SIDE, SIDE, 3), math.nan), "NaN or infinite"),
    ("int64", torch.randint(0, 256, (1, SIDE, SIDE, 3)), "int64 values"),
    ("uint8", torch.randint(0, 256, (1, SIDE, SIDE, 3), dtype=torch.uint8), "uint8 values"),
    ("bool", torch.ones(1, SIDE, SIDE, 3, dtype=torch.bool), "bool values"),
    ("not-a-tensor", np.zeros((1, SIDE, SIDE, 3), dtype=np.float32), "not an IMAGE tensor"),
]


@pytest.mark.parametrize(("image", "problem"), [b[1:] for b in BAD_IMAGES], ids=[b[0] for b in BAD_IMAGES])
def test_a_malformed_image_is_refused_naming_the_input_before_any_request(pack, service, image, problem):
    assert_refused_before_any_request(pack, service, PAINT, {**_paint(pack), "image": image}, ("'image'", problem))


BAD_MASKS = [
    ("all-infinite", torch.full((1, SIDE, SIDE), math.inf), "NaN or infinite"),
    ("a-nan", torch.where(_mask() > 0, math.nan, 0.0), "NaN or infinite"),
    ("int64", torch.ones(1, SIDE, SIDE, dtype=torch.int64), "int64 values"),
    ("three-channels", torch.ones(1, SIDE, SIDE, 3), "shape [1, 300, 300, 3]"),
    ("five-dimensions", torch.ones(1, 1, SIDE, SIDE, 1), "a MASK is [batch, height, width]"),
]


@pytest.mark.parametrize(("mask", "problem"), [b[1:] for b in BAD_MASKS], ids=[b[0] for b in BAD_MASKS])
def test_a_malformed_mask_is_refused_naming_the_input_before_any_request(pack, service, mask, problem):
    assert_refused_before_any_request(pack, service, PAINT, {**_paint(pack), "mask": mask}, ("'mask'", problem))


def _sent(service, field):
    [submit] = api_requests(service, "/services/aigc/", "POST")
    ref = submit.json["input"][field]
    data = base64.b64decode(ref.split(",", 1)[1]) if ref.startswith("data:") else service.uploads[ref]
    return np.asarray(Image.open(io.BytesIO(data)))


@pytest.mark.parametrize(
    "shape",
    [
        lambda m: m,
        lambda m: m[0],
        lambda m: m[:, None],
        lambda m: m[..., None],  # [B, H, W, 1], as other packs produce
        lambda m: m > 0.5,  # bool
    ],
    ids=["B-H-W", "H-W", "B-1-H-W", "B-H-W-1", "bool"],
)
def test_every_common_mask_shape_sends_the_same_mask(pack, service, shape):
    run_node(pack, PAINT, **{**_paint(pack), "mask": shape(_mask())})
    sent = _sent(service, "mask_image_url")
    assert sent.shape == (SIDE, SIDE) and sent[150, 150] == 255 and sent[50, 50] == 0


def test_a_gray_image_is_sent_as_rgb(pack, service):
    gray = torch.full((1, SIDE, SIDE, 1), 0.5)
    run_node(pack, PAINT, **{**_paint(pack), "image": gray})
    sent = _sent(service, "base_image_url")
    assert sent.shape == (SIDE, SIDE, 3) and abs(int(sent[5, 5, 0]) - 128) <= 2


# ---- text -------------------------------------------------------------------------------------------------
def _string_widgets(cls):
    spec = cls.INPUT_TYPES()
    declared = {**spec.get("required", {}), **spec.get("optional", {})}
    return [name for name, entry in declared.items() if entry[0] == "STRING"]


def test_a_lone_surrogate_in_any_text_is_refused_at_queue_time(pack):
    checked = 0
    for node_id, cls in sorted(pack.NODE_CLASS_MAPPINGS.items()):
        for name in _string_widgets(cls):
            verdict = cls.VALIDATE_INPUTS(**{name: "a \ud800 cat"})
            assert isinstance(verdict, str), f"{node_id}.{name} accepted a lone surrogate"
            assert verdict.startswith(cls.DISPLAY_NAME) and f"'{name}'" in verdict and "surrogate" in verdict
            assert "\ud800" not in verdict  # the message itself can be printed and sent as JSON
            checked += 1
    assert checked >= 20


def test_a_lone_surrogate_from_a_link_is_refused_before_any_request(pack, service):
    inputs = _paint(pack, prompt="half an emoji \udc00")
    assert_refused_before_any_request(pack, service, PAINT, inputs, ("'prompt'", "U+DC00", "position 15"))


def test_control_characters_are_removed_from_text_before_it_is_sent(pack, service):
    run_node(pack, PAINT, **_paint(pack, prompt="a red\x00 balloon\x1b\x7f\x85,\ttied\nto a post"))
    [submit] = api_requests(service, "/services/aigc/", "POST")
    assert submit.json["input"]["prompt"] == "a red balloon,\ttied\nto a post"

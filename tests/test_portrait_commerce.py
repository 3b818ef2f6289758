"""Portrait and e-commerce nodes end to end: cosplay, style repaint, FaceChain, virtual model, shoe model."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from tests.conftest import api_requests, assert_refused_before_any_request, run_node, submodule


def _submits(emu):
    return api_requests(emu, "/services/aigc/", "POST")


def _face(h=512, w=400, seed=0):
    torch.manual_seed(seed)
    return torch.rand(1, h, w, 3)


def test_style_repaint_preset_and_custom_reference(pack, service):
    images, *_ = run_node(pack, "DashScopeImgStyleRepaint", portrait=_face(), style="14: gongbi (国风工笔)")
    [first] = _submits(service)
    assert first.path.endswith("/image-generation/generation")
    assert first.json["input"]["style_index"] == 14 and first.json["input"]["image_url"].startswith(
        "data:image/jpeg;base64,"
    )
    assert "parameters" not in first.json
    assert images.shape == (1, round(512 * 1536 / 400), 1536, 3)  # short side 1536
    run_node(
        pack,
        "DashScopeImgStyleRepaint",
        portrait=_face(),
        style="custom: style reference image",
        style_reference=_face(300, 300, 1),
    )
    second = _submits(service)[-1].json["input"]
    assert second["style_index"] == -1 and second["style_ref_url"].startswith("data:")


def test_every_documented_repaint_style_is_offered(pack):
    portrait = submodule(pack, "nodes.portrait")
    indices = sorted(int(choice.split(":")[0]) for choice in portrait.STYLE_CHOICES if choice[0].isdigit())
    assert indices == [*range(10), 14, 15, *range(30, 41)]


def test_cosplay_sends_face_and_template(pack, service):
    images, *_ = run_node(pack, "DashScopeImgCosplay", face=_face(), template=_face(600, 400, 2), model_index=1)
    [submit] = _submits(service)
    sent = submit.json["input"]
    assert (
        sent["model_index"] == 1
        and sent["face_image_url"].startswith("oss://")
        and sent["template_image_url"].startswith("oss://")
    )
    assert images.shape == (1, 600, 400, 3)


def test_face_check_reports_which_photos_pass_and_why(pack, service):
    photos = torch.rand(3, 400, 400, 3)
    photos[1] = 0.5  # a flat grey picture: no face
    passed_photos, report, passed, all_passed = run_node(pack, "DashScopeImgFaceCheck", photos=photos)
    [call] = api_requests(service, "facedetection")
    assert len(call.json["input"]["images"]) == 3 and "x-dashscope-async" not in call.headers
    assert report.splitlines() == ["photo 1: ok", "photo 2: no face detected", "photo 3: ok"]
    assert passed == 2 and all_passed is False and passed_photos.shape == (2, 400, 400, 3)


def test_train_then_generate_and_reuse_the_resource_id(pack, service, canvas):
    photos = torch.rand(3, 512, 512, 3)
    (resource,) = run_node(pack, "DashScopeImgFaceChainTrain", photos=photos, timeout_minutes=5, unique_id="4")
    [upload] = [r for r in service.requests if r.path.endswith("/files")]
    names = zipfile.ZipFile(io.BytesIO(upload.files["files"][1])).namelist()
    assert names == ["photo_01.jpg", "photo_02.jpg", "photo_03.jpg"]
    [create] = [r for r in service.requests if r.path.endswith("/fine-tunes") and r.method == "POST"]
    assert create.json["model"] == "facechain-finetune" and len(create.json["training_file_ids"]) == 1
    assert resource.startswith("facelora-")
    assert any(node == "4" for node, _ in canvas.texts)
    common = dict(
        mode="LoRA + preset style", preset_style="f_idcard_female", resource_id=resource, n=2, skin_retouch=True
    )
    images, *_ = run_node(pack, "DashScopeImgFaceChainGenerate", **common)
    images_again, *_ = run_node(pack, "DashScopeImgFaceChainGenerate", **{**common, "n": 1})
    generate = [r for r in _submits(service)]
    assert all(r.json["resources"] == [{"resource_id": resource, "resource_type": "facelora"}] for r in generate)
    assert generate[0].json["parameters"] == {"n": 2, "style": "f_idcard_female", "size": "768*1024"}
    assert images.shape == (2, 1024, 768, 3) and images_again.shape[0] == 1
    assert service.count("task_created", "facechain-finetune") == 1  # re-use did not train again


def test_train_free_generation_sends_photos_and_template(pack, service):
    images, *_ = run_node(
        pack,
        "DashScopeImgFaceChainGenerate",
        mode="train-free (photos + template)",
        preset_style="f_idcard_male",
        resource_id="",
        n=1,
        skin_retouch=False,
        photos=torch.rand(2, 512, 512, 3),
        template=_face(800, 600),
    )
    [submit] = _submits(service)
    assert submit.path.endswith("/album/gen_potrait") and "resources" not in submit.json
    assert len(submit.json["input"]["user_urls"]) == 2 and submit.json["input"]["template_url"].startswith("oss://")
    assert submit.json["parameters"] == {"n": 1, "style": "train_free_portrait_url_template", "skin_retouch": False}


def test_unknown_resource_id_fails_with_the_service_code(pack, service):
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.TaskFailedError, match="Resource.AccessDenied"):
        run_node(
            pack,
            "DashScopeImgFaceChainGenerate",
            mode="LoRA + preset style",
            preset_style="f_idcard_male",
            resource_id="facelora-nope",
            n=1,
            skin_retouch=True,
        )


VM = dict(
    model="virtualmodel-v2",
    prompt="a woman walking on a beach at sunset",
    face_prompt="smiling young woman",
    short_side_size="1024",
    n=1,
    predefined_face="none",
    real_person=True,
    bgstyle_scale=0.7,
    aspect_ratio="keep",
    seed=5,
)


def test_virtual_model_keeps_the_garment_mask_and_sends_v2_fields(pack, service):
    image = torch.rand(2, 600, 400, 3)
    mask = torch.zeros(600, 400)
    mask[200:400, 100:300] = 1
    images, *_ = run_node(
        pack, "DashScopeImgVirtualModel", image=image, mask=mask, background=torch.rand(1, 500, 500, 3), **VM
    )
    submits = _submits(service)
    assert len(submits) == 2
    sent = submits[0].json
    assert sent["parameters"] == {"short_side_size": "1024", "n": 1}
    assert (
        sent["input"]["realPerson"] is True
        and sent["input"]["aspect_ratio"] == "keep"
        and "background_image_url" in sent["input"]
    )
    mask_sent = np.asarray(Image.open(io.BytesIO(service.uploads[sent["input"]["mask_image_url"]])))
    assert mask_sent.shape == (600, 400) and mask_sent[300, 200] == 255 and mask_sent[0, 0] == 0
    assert images.shape == (2, 1536, 1024, 3)


def test_shoe_model_sends_every_view(pack, service):
    images, *_ = run_node(
        pack,
        "DashScopeImgShoeModel",
        template=torch.rand(1, 600, 800, 3),
        shoes=torch.rand(1, 400, 400, 3),
        shoes_2=torch.rand(1, 400, 500, 3),
        n=2,
        scale=5.0,
    )
    [submit] = _submits(service)
    assert submit.path.endswith("/virtualmodel/generation")
    assert len(submit.json["input"]["shoe_image_url"]) == 2 and submit.json["parameters"] == {"n": 2, "scale": 5.0}
    assert images.shape == (2, 600, 800, 3)


MASK = torch.ones(600, 400)
BAD = [
    (
        "DashScopeImgStyleRepaint",
        dict(portrait=_face(), style="custom: style reference image"),
        ("style_reference", "not connected"),
    ),
    (
        "DashScopeImgStyleRepaint",
        dict(portrait=torch.rand(1, 200, 600, 3), style="2: anime (二次元)"),
        ("portrait", "256"),
    ),
    (
        "DashScopeImgStyleRepaint",
        dict(portrait=torch.rand(1, 300, 700, 3), style="2: anime (二次元)"),
        ("portrait", "2:1"),
    ),
    ("DashScopeImgCosplay", dict(face=torch.rand(1, 300, 600, 3), template=_face(), model_index=1), ("face", "1.8")),
    ("DashScopeImgCosplay", dict(face=torch.rand(0, 300, 300, 3), template=_face(), model_index=1), ("face", "empty")),
    (
        "DashScopeImgCosplay",
        dict(face=_face(), template=torch.rand(1, 100, 100, 3), model_index=1),
        ("template", "256"),
    ),
    ("DashScopeImgFaceCheck", dict(photos=torch.rand(6, 300, 300, 3)), ("photos", "at most 5")),
    ("DashScopeImgFaceCheck", dict(photos=torch.rand(1, 200, 300, 3)), ("photos", "256")),
    ("DashScopeImgFaceCheck", dict(photos=torch.rand(0, 300, 300, 3)), ("photos", "empty")),
    (
        "DashScopeImgFaceChainTrain",
        dict(photos=torch.rand(21, 300, 300, 3), timeout_minutes=5),
        ("photos", "at most 20"),
    ),
    ("DashScopeImgFaceChainTrain", dict(photos=torch.rand(1, 5000, 300, 3), timeout_minutes=5), ("photos", "4096")),
    ("DashScopeImgFaceChainTrain", dict(photos=torch.rand(0, 300, 300, 3), timeout_minutes=5), ("photos", "empty")),
    (
        "DashScopeImgFaceChainGenerate",
        dict(mode="LoRA + preset style", preset_style="f_idcard_male", resource_id=" ", n=1, skin_retouch=True),
        ("resource_id", "empty"),
    ),
    (
        "DashScopeImgFaceChainGenerate",
        dict(
            mode="train-free (photos + template)",
            preset_style="f_idcard_male",
            resource_id="",
            n=1,
            skin_retouch=True,
            template=_face(600, 600),
        ),
        ("photos", "not connected"),
    ),
    (
        "DashScopeImgFaceChainGenerate",
        dict(
            mode="LoRA + template",
            preset_style="f_idcard_male",
            resource_id="x",
            n=1,
            skin_retouch=True,
            template=torch.rand(1, 400, 400, 3),
        ),
        ("template", "512"),
    ),
    (
        "DashScopeImgFaceChainGenerate",
        dict(mode="LoRA + template", preset_style="f_idcard_male", resource_id="x", n=6, skin_retouch=True),
        ("'n'", "between 1 and 5"),
    ),
    (
        "DashScopeImgVirtualModel",
        dict(image=torch.rand(1, 600, 400, 3), mask=torch.ones(500, 400), **VM),
        ("mask", "must match"),
    ),
    (
        "DashScopeImgVirtualModel",
        dict(image=torch.rand(1, 900, 400, 3), mask=torch.ones(900, 400), **VM),
        ("image", "2:1"),
    ),
    (
        "DashScopeImgVirtualModel",
        dict(image=torch.rand(1, 600, 400, 3), mask=MASK, **{**VM, "prompt": "p" * 100}),
        ("prompt", "99"),
    ),
    (
        "DashScopeImgVirtualModel",
        dict(image=torch.rand(1, 600, 400, 3), mask=MASK, **{**VM, "short_side_size": "512"}),
        ("short_side_size", "1024"),
    ),
    (
        "DashScopeImgShoeModel",
        dict(template=torch.rand(1, 600, 800, 3), shoes=torch.rand(3, 400, 400, 3), n=1, scale=5.0),
        ("shoes", "1 or 2"),
    ),
    (
        "DashScopeImgShoeModel",
        dict(template=torch.rand(1, 400, 800, 3), shoes=torch.rand(1, 400, 400, 3), n=1, scale=5.0),
        ("template", "1.5"),
    ),
    (
        "DashScopeImgShoeModel",
        dict(template=torch.rand(1, 600, 800, 3), shoes=torch.rand(1, 400, 400, 3), n=1, scale=9.0),
        ("scale", "8.0"),
    ),
]


@pytest.mark.parametrize(("node", "inputs", "words"), BAD, ids=[f"{b[0][12:]}-{i}" for i, b in enumerate(BAD)])
def test_bad_inputs_fail_before_any_request(pack, service, node, inputs, words):
    assert_refused_before_any_request(pack, service, node, inputs, words)

"""Portrait nodes end to end against the emulator: cosplay, style repaint, FaceChain face check / train / generate."""

from __future__ import annotations

import base64
import io
import threading
import time
import zipfile

import pytest
import torch
from PIL import Image

from tests.conftest import api_requests, assert_refused_before_any_request, run_node, submodule


def _submits(emu):
    return api_requests(emu, "/services/aigc/", "POST")


def _photo(h=512, w=400, seed=0, batch=1):
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(batch, h, w, 3, generator=generator)


def _data_uri_size(uri: str) -> tuple[int, int]:
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).size


# ---- style repaint ------------------------------------------------------------------------------


def test_style_repaint_preset_sends_the_style_index_inline_and_returns_the_1536_short_side(pack, service):
    images, alpha, task_ids, urls, _ = run_node(
        pack, "DashScopeImgStyleRepaint", portrait=_photo(), style="14: gongbi (国风工笔)"
    )
    [submit] = _submits(service)
    assert submit.path.endswith("/image-generation/generation")
    assert submit.json["model"] == "wanx-style-repaint-v1"
    sent = submit.json["input"]
    assert sent["style_index"] == 14 and "style_ref_url" not in sent and "parameters" not in submit.json
    # Data URI allowed for this model (spec 9.1): no upload at all.
    assert sent["image_url"].startswith("data:image/jpeg;base64,") and _data_uri_size(sent["image_url"]) == (400, 512)
    assert service.count("upload") == 0
    assert images.shape == (1, round(512 * 1536 / 400), 1536, 3)  # the service's short side 1536
    assert task_ids == submit_task_id(service) and urls.split("?")[0].endswith(".jpg")


def submit_task_id(emu) -> str:
    return "\n".join(emu.tasks)


def test_every_documented_repaint_style_is_offered_with_a_stable_value(pack):
    portrait = submodule(pack, "nodes.portrait")
    assert sorted(i for i in portrait.STYLE_INDEX.values() if i >= 0) == [*range(10), 14, 15, *range(30, 41)]
    # Values saved in shared workflows: changing them would break those workflows.
    assert portrait.STYLE_INDEX["0: retro comic (复古漫画)"] == 0
    assert portrait.STYLE_INDEX["40: badge world (吧唧世界)"] == 40
    assert portrait.STYLE_INDEX["custom: style reference image"] == -1


def test_style_repaint_custom_reference_batch_runs_one_task_per_reference(pack, service, canvas):
    references = torch.cat([_photo(300, 300, 1), _photo(300, 300, 2)])
    images, _, task_ids, *_ = run_node(
        pack,
        "DashScopeImgStyleRepaint",
        portrait=_photo(),
        style="custom: style reference image",
        style_reference=references,
        unique_id="7",
    )
    submits = _submits(service)
    assert len(submits) == 2 and len(task_ids.splitlines()) == 2
    sent = [s.json["input"] for s in submits]
    assert all(s["style_index"] == -1 for s in sent)
    assert sent[0]["style_ref_url"] != sent[1]["style_ref_url"]
    assert [_data_uri_size(s["style_ref_url"]) for s in sent] == [(300, 300), (300, 300)]
    assert sent[0]["image_url"] == sent[1]["image_url"]  # the one portrait is used for both
    assert images.shape[0] == 2
    assert canvas.progress[-1] == (2, 2, "7")


def test_style_repaint_portrait_batch_runs_one_task_per_picture(pack, service):
    images, _, task_ids, *_ = run_node(
        pack, "DashScopeImgStyleRepaint", portrait=_photo(batch=3), style="2: anime (二次元)"
    )
    assert len(_submits(service)) == 3 and len(set(task_ids.splitlines())) == 3 and images.shape[0] == 3


def test_style_repaint_states_its_list_price_and_limits_from_its_row(pack):
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgStyleRepaint"]
    assert "list price ¥0.12 per image" in cls.DESCRIPTION
    required = cls.INPUT_TYPES()["required"]
    assert (
        "Each side 256-5760 px, the short side at most 3240 px, aspect at most 2:1, at most 10 MB"
        in (required["portrait"][1]["tooltip"])
    )
    assert cls.VALIDATE_INPUTS(style=required["style"][1]["default"]) is True
    message = cls.VALIDATE_INPUTS(style="12: not a style")
    assert message.startswith(cls.DISPLAY_NAME) and "style" in message and "allowed values" in message


# ---- cosplay (retired model) -------------------------------------------------------------------


def test_cosplay_uploads_face_and_template_and_pairs_batches(pack, service):
    images, *_ = run_node(
        pack, "DashScopeImgCosplay", face=_photo(batch=2), template=_photo(600, 400, 2), model_index=1
    )
    submits = _submits(service)
    assert len(submits) == 2
    for submit in submits:
        sent = submit.json["input"]
        assert sent["model_index"] == 1 and submit.json["model"] == "wanx-style-cosplay-v1"
        # No data URI for cosplay (spec 9.1): temporary storage with the resolve header.
        assert sent["face_image_url"].startswith("oss://") and sent["template_image_url"].startswith("oss://")
        assert submit.headers.get("x-dashscope-ossresourceresolve") == "enable"
    assert submits[0].json["input"]["template_image_url"] == submits[1].json["input"]["template_image_url"]
    assert submits[0].json["input"]["face_image_url"] != submits[1].json["input"]["face_image_url"]
    assert images.shape == (2, 600, 400, 3)


def test_cosplay_states_its_retirement_and_the_service_refusal_names_the_successor(pack, service):
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgCosplay"]
    assert "retired at the service on 2025-07-02" in cls.DESCRIPTION
    assert "2025-07-02" in cls.INPUT_TYPES()["required"]["model_index"][1]["tooltip"]
    service.retire("wanx-style-cosplay-v1")
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.ModelUnavailableError) as caught:
        run_node(pack, "DashScopeImgCosplay", face=_photo(), template=_photo(), model_index=1)
    assert "Portrait Style Repaint" in str(caught.value)
    assert service.count("task_created") == 0


# ---- FaceChain face check ---------------------------------------------------------------------


def test_face_check_reports_which_photos_pass_and_why(pack, service):
    photos = _photo(400, 400, batch=3)
    photos[1] = 0.5  # a flat grey picture: no face for the emulator's detector
    passed_photos, report, passed, all_passed = run_node(pack, "DashScopeImgFaceCheck", photos=photos)
    [call] = api_requests(service, "facedetection")
    assert call.json["model"] == "facechain-facedetect" and len(call.json["input"]["images"]) == 3
    assert "x-dashscope-async" not in call.headers and service.count("task_created") == 0  # synchronous
    assert report.splitlines() == ["photo 1: ok", "photo 2: no face detected", "photo 3: ok"]
    assert passed == 2 and all_passed is False
    assert torch.equal(passed_photos, photos[[0, 2]])  # the passing photos, untouched


def test_face_check_stops_the_workflow_when_nothing_usable_is_left(pack, service):
    client = submodule(pack, "nodes.client")
    grey = torch.full((2, 300, 300, 3), 0.5)
    with pytest.raises(client.InputError, match="0 of 2 ok") as caught:
        run_node(pack, "DashScopeImgFaceCheck", photos=grey)
    assert "photo 2: no face detected" in str(caught.value)
    mixed = torch.cat([_photo(300, 300), grey[:1]])
    with pytest.raises(client.InputError, match="1 of 2 ok"):
        run_node(pack, "DashScopeImgFaceCheck", photos=mixed, require_all=True)
    *_, passed, all_passed = run_node(pack, "DashScopeImgFaceCheck", photos=mixed, require_all=False)
    assert passed == 1 and all_passed is False


# ---- FaceChain training and generation --------------------------------------------------------

LORA = dict(mode="LoRA + preset style", preset_style="f_idcard_female", n=2, skin_retouch=True)


def test_train_then_generate_and_reuse_the_resource_id_without_training_again(pack, service, canvas):
    photos = _photo(512, 512, batch=3)
    (resource,) = run_node(pack, "DashScopeImgFaceChainTrain", photos=photos, timeout_minutes=5, unique_id="4")
    [upload] = api_requests(service, "/files", "POST")
    archive = zipfile.ZipFile(io.BytesIO(upload.files["files"][1]))
    assert archive.namelist() == ["photo_01.jpg", "photo_02.jpg", "photo_03.jpg"]
    assert Image.open(archive.open("photo_02.jpg")).size == (512, 512)
    [create] = api_requests(service, "/fine-tunes", "POST")
    assert create.json["model"] == "facechain-finetune" and len(create.json["training_file_ids"]) == 1
    assert api_requests(service, "/fine-tunes/", "GET")  # polled its own job route, not /tasks
    assert resource.startswith("facelora-")
    texts = [text for node, text in canvas.texts if node == "4"]
    assert resource in texts[-1]  # shown on the node, to copy into other workflows
    images, *_ = run_node(pack, "DashScopeImgFaceChainGenerate", resource_id=resource, **LORA)
    images_again, *_ = run_node(pack, "DashScopeImgFaceChainGenerate", resource_id=resource, **{**LORA, "n": 1})
    generate = _submits(service)
    assert [g.path.endswith("/album/gen_potrait") for g in generate] == [True, True]
    assert all(g.json["resources"] == [{"resource_id": resource, "resource_type": "facelora"}] for g in generate)
    assert generate[0].json["parameters"] == {"n": 2, "style": "f_idcard_female", "size": "768*1024"}
    assert "template_url" not in generate[0].json["input"]
    assert images.shape == (2, 1024, 768, 3) and images_again.shape[0] == 1
    assert service.count("task_created", "facechain-finetune") == 1  # re-use did not train again


def test_a_stopped_training_is_resumed_by_job_id_without_a_second_training(pack, service, monkeypatch):
    bridge = submodule(pack, "nodes.comfy_bridge")
    client = submodule(pack, "nodes.client")
    service.set_task_seconds(3.0, "facechain-finetune")
    stop = threading.Event()
    monkeypatch.setattr(bridge, "interrupted", stop.is_set)
    threading.Timer(0.8, stop.set).start()
    started = time.monotonic()
    with pytest.raises(client.TaskCanceledError) as caught:
        run_node(pack, "DashScopeImgFaceChainTrain", photos=_photo(batch=2), timeout_minutes=5)
    assert time.monotonic() - started < 2.5
    job_id = caught.value.task_id
    assert job_id.startswith("ft-") and "job_id" in str(caught.value)
    stop.clear()
    (resource,) = run_node(
        pack, "DashScopeImgFaceChainTrain", photos=_photo(batch=2), timeout_minutes=5, job_id=f" {job_id} "
    )
    assert resource.startswith("facelora-")
    assert service.count("task_created", "facechain-finetune") == 1
    assert len(api_requests(service, "/files", "POST")) == 1  # the photos were not sent again


def test_train_free_generation_runs_one_task_per_template(pack, service):
    images, _, task_ids, *_ = run_node(
        pack,
        "DashScopeImgFaceChainGenerate",
        mode="train-free (photos + template)",
        preset_style="f_idcard_male",
        resource_id="ignored-here",
        n=1,
        skin_retouch=False,
        photos=_photo(512, 512, batch=2),
        template=_photo(800, 600, 3, batch=2),
    )
    submits = _submits(service)
    assert len(submits) == 2 and len(task_ids.splitlines()) == 2 and images.shape == (2, 1024, 768, 3)
    for submit in submits:
        body = submit.json
        assert "resources" not in body  # train-free: no LoRA
        assert len(body["input"]["user_urls"]) == 2 and body["input"]["template_url"].startswith("oss://")
        assert body["parameters"] == {"n": 1, "style": "train_free_portrait_url_template", "skin_retouch": False}
    assert submits[0].json["input"]["user_urls"] == submits[1].json["input"]["user_urls"]
    assert submits[0].json["input"]["template_url"] != submits[1].json["input"]["template_url"]


def test_lora_template_mode_sends_template_and_resource(pack, service):
    (resource,) = run_node(pack, "DashScopeImgFaceChainTrain", photos=_photo(batch=1), timeout_minutes=5)
    run_node(
        pack,
        "DashScopeImgFaceChainGenerate",
        mode="LoRA + template",
        preset_style="f_idcard_male",
        resource_id=resource,
        n=3,
        skin_retouch=True,
        template=_photo(1024, 768),
    )
    [submit] = _submits(service)
    assert submit.json["parameters"] == {"n": 3, "style": "portrait_url_template"}
    assert submit.json["resources"][0]["resource_id"] == resource and "user_urls" not in submit.json["input"]


def test_generation_states_its_retirement_and_unknown_resource_fails_with_the_service_code(pack, service):
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgFaceChainGenerate"]
    assert "retired at the service on 2026-10-10" in cls.DESCRIPTION
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.TaskFailedError, match="Resource.AccessDenied"):
        run_node(pack, "DashScopeImgFaceChainGenerate", resource_id="facelora-nope", **LORA)


def test_train_free_leaves_the_default_skin_retouch_out(pack, service):
    """skin_retouch defaults to true at the service: only a change from it is sent."""
    run_node(pack, "DashScopeImgFaceChainGenerate", **{**FREE_RUN, "skin_retouch": True})
    [submit] = _submits(service)
    assert submit.json["parameters"] == {"n": 1, "style": "train_free_portrait_url_template"}
    assert "resources" not in submit.json and len(submit.json["input"]["user_urls"]) == 1


def test_facechain_generate_checks_widgets_at_queue_time(pack):
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgFaceChainGenerate"]
    declared = cls.INPUT_TYPES()["required"]
    defaults = {k: v[1]["default"] for k, v in declared.items()}
    assert cls.VALIDATE_INPUTS(**defaults) is True  # train-free needs no resource id
    assert cls.VALIDATE_INPUTS(**{**defaults, "mode": "LoRA + template", "resource_id": "facelora-1"}) is True
    empty = cls.VALIDATE_INPUTS(**{**defaults, "mode": "LoRA + preset style"})
    assert empty.startswith(cls.DISPLAY_NAME) and "resource_id" in empty and "empty" in empty
    linked = {k: v for k, v in defaults.items() if k != "resource_id"}  # fed by FaceChain Train
    assert cls.VALIDATE_INPUTS(**{**linked, "mode": "LoRA + preset style"}) is True
    assert "between 1 and 5" in cls.VALIDATE_INPUTS(**{**defaults, "n": 6})


@pytest.mark.parametrize(
    ("node", "good", "bad", "words"),
    [
        ("DashScopeImgCosplay", {"model_index": 1}, {"model_index": 2}, ("model_index", "allowed values: 1")),
        ("DashScopeImgFaceChainTrain", {"timeout_minutes": 60}, {"timeout_minutes": 1}, ("timeout_minutes", "5")),
        ("DashScopeImgStyleRepaint", {"style": "40: badge world (吧唧世界)"}, {"style": "16: x"}, ("style",)),
    ],
)
def test_portrait_widgets_are_checked_at_queue_time(pack, node, good, bad, words):
    cls = pack.NODE_CLASS_MAPPINGS[node]
    assert cls.VALIDATE_INPUTS(**good) is True
    message = cls.VALIDATE_INPUTS(**bad)
    assert isinstance(message, str) and message.startswith(cls.DISPLAY_NAME), message
    assert all(word in message for word in words), message


def test_portrait_rows_cite_a_page_or_say_unconfirmed_for_every_field(pack):
    models = submodule(pack, "nodes.models")
    names = [
        "wanx-style-repaint-v1",
        "wanx-style-cosplay-v1",
        "facechain-facedetect",
        "facechain-finetune",
        "facechain-generation",
        "wanx-virtualmodel",
        "virtualmodel-v2",
        "shoemodel-v1",
    ]
    for name in names:
        spec = models.model(name)
        assert spec.fields and spec.results, name
        for field in spec.fields:
            assert field.source.startswith(("https://help.aliyun.com/", "UNCONFIRMED: ")), (name, field.path)
            if field.type.startswith("image"):
                assert field.image is not None, (name, field.path)
    assert models.model("wanx-style-repaint-v1").price_cny == 0.12
    assert not any(f.path.startswith("parameters") for f in models.model("wanx-style-repaint-v1").fields)
    assert all(not f.confirmed for f in models.model("wanx-style-cosplay-v1").fields)
    assert not models.model("shoemodel-v1").field("scale").confirmed


# ---- bad inputs: refused before any request ---------------------------------------------------

GEN = dict(mode="LoRA + template", preset_style="f_idcard_male", resource_id="x", n=1, skin_retouch=True)
FREE = dict(GEN, mode="train-free (photos + template)", resource_id="")
FREE_RUN = dict(FREE, photos=_photo(512, 512), template=_photo(800, 600, 3))
BAD = [
    (
        "DashScopeImgStyleRepaint",
        dict(portrait=_photo(), style="custom: style reference image"),
        ("style_reference", "not connected"),
    ),
    ("DashScopeImgStyleRepaint", dict(portrait=_photo(200, 600), style="2: anime (二次元)"), ("portrait", "256")),
    ("DashScopeImgStyleRepaint", dict(portrait=_photo(300, 700), style="2: anime (二次元)"), ("portrait", "2:1")),
    ("DashScopeImgStyleRepaint", dict(portrait=_photo(3400, 3400), style="2: anime (二次元)"), ("portrait", "3240")),
    ("DashScopeImgStyleRepaint", dict(portrait=_photo(), style="2 anime"), ("style", "allowed values")),
    (
        "DashScopeImgStyleRepaint",
        dict(portrait=_photo(batch=2), style="custom: style reference image", style_reference=_photo(batch=3)),
        ("portrait", "give 1"),
    ),
    ("DashScopeImgCosplay", dict(face=_photo(300, 600), template=_photo(), model_index=1), ("face", "1.8")),
    ("DashScopeImgCosplay", dict(face=torch.rand(0, 300, 300, 3), template=_photo(), model_index=1), ("face", "empty")),
    ("DashScopeImgCosplay", dict(face=_photo(), template=_photo(100, 100), model_index=1), ("template", "256")),
    ("DashScopeImgCosplay", dict(face=_photo(), template=_photo(), model_index=2), ("model_index", "1")),
    ("DashScopeImgFaceCheck", dict(photos=_photo(300, 300, batch=11)), ("photos", "at most 10")),
    ("DashScopeImgFaceCheck", dict(photos=_photo(200, 300)), ("photos", "256")),
    ("DashScopeImgFaceCheck", dict(photos=torch.rand(0, 300, 300, 3)), ("photos", "empty")),
    (
        "DashScopeImgFaceChainTrain",
        dict(photos=_photo(300, 300, batch=11), timeout_minutes=5),
        ("photos", "at most 10"),
    ),
    ("DashScopeImgFaceChainTrain", dict(photos=_photo(4100, 300), timeout_minutes=5), ("photos", "4096")),
    ("DashScopeImgFaceChainTrain", dict(photos=torch.rand(0, 300, 300, 3), timeout_minutes=5), ("photos", "empty")),
    ("DashScopeImgFaceChainTrain", dict(photos=_photo(), timeout_minutes=1), ("timeout_minutes", "between 5")),
    ("DashScopeImgFaceChainGenerate", dict(GEN, mode="LoRA + preset style", resource_id=" "), ("resource_id", "empty")),
    ("DashScopeImgFaceChainGenerate", dict(FREE, template=_photo(600, 600)), ("photos", "not connected")),
    (
        "DashScopeImgFaceChainGenerate",
        dict(FREE, photos=_photo(), template=_photo(600, 600), n=0),
        ("'n'", "between 1 and 5"),
    ),
    ("DashScopeImgFaceChainGenerate", dict(GEN, template=_photo(400, 400)), ("template", "512")),
    ("DashScopeImgFaceChainGenerate", dict(GEN, template=_photo(1300, 1300)), ("template", "1260")),
    ("DashScopeImgFaceChainGenerate", dict(GEN), ("template", "not connected")),
    ("DashScopeImgFaceChainGenerate", dict(GEN, n=6, template=_photo(600, 600)), ("'n'", "between 1 and 5")),
    (
        "DashScopeImgFaceChainGenerate",
        dict(FREE, photos=_photo(2100, 500), template=_photo(600, 600)),
        ("photos", "2048"),
    ),
    (
        "DashScopeImgFaceChainGenerate",
        dict(FREE, photos=_photo(300, 300, batch=6), template=_photo(600, 600)),
        ("photos", "at most 5"),
    ),
]


@pytest.mark.parametrize(("node", "inputs", "words"), BAD, ids=[f"{b[0][12:]}-{i}" for i, b in enumerate(BAD)])
def test_bad_inputs_fail_before_any_request(pack, service, node, inputs, words):
    assert_refused_before_any_request(pack, service, node, inputs, words)


def test_a_photo_over_the_size_limit_is_refused_before_any_request(pack, service, monkeypatch):
    """Encoded sizes are checked too: train-free photos may be at most 3 MB (noise at 2048 px encodes larger)."""
    assert_refused_before_any_request(
        pack,
        service,
        "DashScopeImgFaceChainGenerate",
        dict(FREE, photos=torch.rand(1, 2048, 2048, 3), template=_photo(600, 600)),
        ("photos", "at most 3 MB"),
    )

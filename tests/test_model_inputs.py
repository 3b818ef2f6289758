"""Inputs follow the chosen model: each node with a model choice publishes, in its inputs' options, which models
document each input (the editor hides the rest); a value for an input the chosen model does not document is not
refused and not sent, and the node's status says so."""

from __future__ import annotations

import dataclasses
import json

from tests.conftest import api_requests, assert_refused_before_any_request, node_inputs, run_node, submodule

MODELS = "dashscope_models"
ROLE = "dashscope_role"


def _options(pack, node_id: str) -> dict[str, dict]:
    declared = pack.NODE_CLASS_MAPPINGS[node_id].INPUT_TYPES()
    entries = {**declared.get("required", {}), **declared.get("optional", {})}
    return {name: (entry[1] if len(entry) > 1 else {}) for name, entry in entries.items()}


def test_wan_qwen_inputs_name_the_models_that_document_them(pack):
    options = _options(pack, "DashScopeImgModernTextToImage")
    offered = pack.NODE_CLASS_MAPPINGS["DashScopeImgModernTextToImage"].INPUT_TYPES()["required"]["model"][0]
    for name in ("negative_prompt", "watermark"):
        assert "z-image-turbo" not in options[name][MODELS]
        assert set(options[name][MODELS]) == set(offered) - {"z-image-turbo"}
    # Every model documents a size and prompt_extend; n counts images (several calls where needed), and the seed
    # drives ComfyUI's re-runs: none of them is ever hidden.
    for name in ("width", "height", "prompt", "prompt_extend", "n", "seed"):
        assert MODELS not in options[name], name
    assert options["model"][ROLE] == "model" and options["custom_model"][ROLE] == "model_override"


def test_stable_diffusion_virtual_model_and_flux_publish_their_rows(pack):
    sd = _options(pack, "DashScopeImgStableDiffusion")
    assert sd["shift"][MODELS] == ["stable-diffusion-3.5-large", "stable-diffusion-3.5-large-turbo"]
    assert all(MODELS not in sd[name] for name in ("negative_prompt", "steps", "guidance", "width", "n"))
    vm = _options(pack, "DashScopeImgVirtualModel")
    assert vm["predefined_face"][MODELS] == ["wanx-virtualmodel"]
    for name in ("real_person", "bgstyle_scale", "aspect_ratio", "portrait_style"):
        assert vm[name][MODELS] == ["virtualmodel-v2"], name
    assert MODELS not in vm["seed"] and MODELS not in vm["short_side_size"]
    # Every FLUX row documents every FLUX input today: nothing to hide, but the picker is marked.
    flux = _options(pack, "DashScopeImgFlux")
    assert [name for name, o in flux.items() if MODELS in o] == [] and flux["model"][ROLE] == "model"
    # ComfyUI sends INPUT_TYPES as JSON through /object_info: the lists must survive it.
    assert json.loads(json.dumps(pack.NODE_CLASS_MAPPINGS["DashScopeImgVirtualModel"].INPUT_TYPES()))


def test_the_lists_come_from_the_rows(pack, monkeypatch):
    rows = submodule(pack, "nodes.models.text_to_image")
    bare = dataclasses.replace(
        rows.WAN26, name="wan-bare", fields=tuple(f for f in rows.WAN26.fields if f.name == "prompt")
    )
    monkeypatch.setattr(rows, "WAN_QWEN", (*rows.WAN_QWEN, bare))
    options = _options(pack, "DashScopeImgModernTextToImage")
    assert "wan-bare" not in options["negative_prompt"][MODELS]
    assert "wan-bare" not in options["width"][MODELS]  # no size field in that row: width and height now follow
    assert "wan2.6-t2i" in options["height"][MODELS]


def test_z_image_leaves_out_a_leftover_negative_prompt_and_says_so(pack, service, canvas):
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgModernTextToImage"]
    values = node_inputs(pack, "DashScopeImgModernTextToImage", model="z-image-turbo", prompt="a lighthouse")
    leftover = {**values, "negative_prompt": "blurry, people", "watermark": True}
    assert cls.VALIDATE_INPUTS(**leftover) is True  # queued, not refused
    run_node(pack, "DashScopeImgModernTextToImage", unique_id="7", **leftover)
    [call] = api_requests(service, "multimodal-generation")
    assert "negative_prompt" not in json.dumps(call.json) and "watermark" not in call.json["parameters"]
    assert call.json["input"]["messages"][0]["content"] == [{"text": "a lighthouse"}]
    final = canvas.texts[-1][1].splitlines()
    assert final[-2:] == [
        "negative prompt not sent: z-image-turbo takes none",
        "watermark not sent: z-image-turbo takes none",
    ]
    # The running status lines carry the note too, not only the last one.
    assert all("negative prompt not sent" in text for node_id, text in canvas.texts if node_id == "7")


def test_inputs_at_their_defaults_or_documented_say_nothing(pack, service, canvas):
    values = node_inputs(pack, "DashScopeImgModernTextToImage", model="z-image-turbo", prompt="a lighthouse")
    run_node(pack, "DashScopeImgModernTextToImage", unique_id="8", **values)
    assert all("not sent" not in text for _, text in canvas.texts)
    canvas.texts.clear()
    run_node(
        pack,
        "DashScopeImgModernTextToImage",
        unique_id="9",
        **{**values, "model": "wan2.6-t2i", "negative_prompt": "fog"},
    )
    assert all("not sent" not in text for _, text in canvas.texts)
    # wan2.6-t2i runs as a task (image-generation): the last paid request of the run
    assert '"fog"' in json.dumps(api_requests(service, "/services/aigc/", "POST")[-1].json)


def test_stable_diffusion_xl_leaves_out_shift(pack, service, canvas):
    values = node_inputs(pack, "DashScopeImgStableDiffusion", prompt="x", shift=2.5)
    assert pack.NODE_CLASS_MAPPINGS["DashScopeImgStableDiffusion"].VALIDATE_INPUTS(**values) is True
    run_node(pack, "DashScopeImgStableDiffusion", unique_id="4", **values)
    [submit] = [r for r in api_requests(service, "/services/aigc/", "POST")]
    assert "shift" not in submit.json["parameters"]
    assert canvas.texts[-1][1].splitlines()[-1] == "shift not sent: stable-diffusion-xl takes none"


# --- the Wan Image and Qwen edit nodes: per-use rules stay run-time checks; connections are refused ---------------
WAN = "DashScopeImgWanImage"
QWEN_EDIT = "DashScopeImgQwenEdit"


def _picture(batch: int = 1):
    import torch

    return torch.full((batch, 400, 400, 3), 0.5)


def test_wan_image_and_qwen_edit_publish_their_rows(pack):
    wan = _options(pack, WAN)
    wan27 = ["wan2.7-image-pro", "wan2.7-image"]
    for name in ("enable_sequential", "thinking_mode", "color_palette", "color_palette_count", "bbox", "bbox_9"):
        assert wan[name][MODELS] == wan27, name
    assert wan["color_palette_image"][MODELS] == wan27
    assert wan["prompt_extend"][MODELS] == ["wan2.6-image", "wan2.5-i2i-preview"]  # no wan2.7 page documents it
    # Every model takes pictures: the picture inputs stay (the pictures are counted over the connected inputs).
    for name in ("prompt", "negative_prompt", "size", "width", "height", "n", "watermark", "seed", "image", "image_9"):
        assert MODELS not in wan[name], name
    assert "Only wan2.7-image-pro, wan2.7-image take boxes" in wan["bbox_2"]["tooltip"]
    qwen = _options(pack, QWEN_EDIT)
    offered = qwen["model"]
    assert offered[ROLE] == "model" and qwen["custom_model"][ROLE] == "model_override"
    for name in ("width", "height", "prompt_extend"):
        assert "qwen-image-edit" not in qwen[name][MODELS] and "qwen-image-edit-plus" in qwen[name][MODELS], name
    for name in ("negative_prompt", "n", "watermark", "image", "image_2", "image_10"):
        assert MODELS not in qwen[name], name
    # The image tooltip gives each model's count from its row (qwen-image-2.1-pro: 1-10).
    assert "• qwen-image-2.1-pro: 1-10 pictures" in qwen["image"]["tooltip"]


def test_the_qwen_edit_lists_come_from_its_rows(pack, monkeypatch):
    node = submodule(pack, "nodes.image_to_image")
    plain = node.QWEN_EDIT_SPECS["qwen-image-edit"]
    size = node.QWEN_EDIT_SPECS["qwen-image-edit-plus"].field("size")
    bare = [f for f in plain.fields if f.name != "negative_prompt"]  # a row with a size and no negative prompt
    monkeypatch.setitem(node.QWEN_EDIT_SPECS, "qwen-image-edit", dataclasses.replace(plain, fields=(*bare, size)))
    options = _options(pack, QWEN_EDIT)
    assert MODELS not in options["width"]  # now every offered row documents a size
    offered = pack.NODE_CLASS_MAPPINGS[QWEN_EDIT].INPUT_TYPES()["required"]["model"][0]
    assert options["negative_prompt"][MODELS] == [name for name in offered if name != "qwen-image-edit"]
    assert options["prompt_extend"][MODELS][-1] == "qwen-image-edit-max"


def test_wan25_leaves_out_the_leftover_wan27_widgets_and_says_so(pack, service, canvas):
    """Issue 19: a saved wan2.7 setting (image set, no thinking, a palette, even a half-typed one) on a node switched
    to wan2.5-i2i-preview is not refused; it is not sent, and the status names each input."""
    cls = pack.NODE_CLASS_MAPPINGS[WAN]
    leftovers = dict(
        enable_sequential=True, thinking_mode=False, color_palette="#C0392B 40%, #F1", color_palette_count=7
    )
    values = node_inputs(pack, WAN, model="wan2.5-i2i-preview", prompt="换成夜景", **leftovers)
    assert cls.VALIDATE_INPUTS(**values) is True
    run_node(pack, WAN, unique_id="5", image=_picture(), **values)
    [submit] = api_requests(service, "/services/aigc/", "POST")
    assert submit.path.endswith("/image2image/image-synthesis")
    assert set(submit.json["parameters"]) == {"n", "prompt_extend", "watermark"}
    assert "color_palette" not in json.dumps(submit.json) and "thinking" not in json.dumps(submit.json)
    notes = [line for line in canvas.texts[-1][1].splitlines() if "not sent" in line]
    assert notes == [
        f"{name} not sent: wan2.5-i2i-preview takes none"
        for name in ("enable sequential", "thinking mode", "color palette", "color palette count")
    ]


def test_wan27_leaves_out_prompt_extend_and_wan26_says_nothing_at_the_defaults(pack, service, canvas):
    run_node(pack, WAN, unique_id="6", **node_inputs(pack, WAN, prompt="花店", prompt_extend=True))
    [submit] = api_requests(service, "/services/aigc/", "POST")
    assert "prompt_extend" not in submit.json["parameters"] and submit.json["parameters"]["thinking_mode"] is True
    assert canvas.texts[-1][1].splitlines()[-1] == "prompt extend not sent: wan2.7-image takes none"
    canvas.texts.clear()
    run_node(pack, WAN, unique_id="7", image=_picture(), **node_inputs(pack, WAN, model="wan2.6-image", prompt="x"))
    assert canvas.texts and all("not sent" not in text for _, text in canvas.texts)


def test_a_connected_picture_the_model_cannot_use_is_refused_before_paying(pack, service):
    """A connection is the user's explicit wiring: the model cannot take it, so nothing is paid for without it."""
    wan26 = node_inputs(pack, WAN, model="wan2.6-image", prompt="x", image=_picture())
    cases = [
        (WAN, dict(wan26, color_palette_image=_picture()), ("'color_palette_image' is connected", "wan2.7-image-pro")),
        (WAN, dict(wan26, image_7=_picture(4)), ("'image_7'", "picture 5", "wan2.6-image takes 1-4")),
        (
            QWEN_EDIT,
            node_inputs(pack, QWEN_EDIT, model="qwen-image-3.0", prompt="x", image=_picture(), image_10=_picture(3)),
            ("'image_10'", "picture 4", "qwen-image-3.0 takes 1-3"),
        ),
    ]
    for node_id, values, words in cases:
        assert_refused_before_any_request(pack, service, node_id, values, words)


def test_plain_qwen_image_edit_leaves_out_a_leftover_size_and_prompt_extend(pack, service, canvas):
    cls = pack.NODE_CLASS_MAPPINGS[QWEN_EDIT]
    values = node_inputs(pack, QWEN_EDIT, model="qwen-image-edit", prompt="戴帽子", width=1024, height=768)
    values["prompt_extend"] = True
    assert cls.VALIDATE_INPUTS(**values) is True  # before issue 19: "width must be 0"
    run_node(pack, QWEN_EDIT, unique_id="3", image=_picture(), **values)
    [call] = api_requests(service, "multimodal-generation")
    assert "size" not in call.json["parameters"] and "prompt_extend" not in call.json["parameters"]
    assert canvas.texts[-1][1].splitlines()[-3:] == [
        f"{name} not sent: qwen-image-edit takes none" for name in ("width", "height", "prompt extend")
    ]


def test_every_node_with_a_model_choice_has_inputs_that_follow_it(pack):
    """Issue 19: every node with a model picker maps its inputs to row fields, so a new node cannot forget it."""
    pickers = {
        node_id
        for node_id, cls in pack.NODE_CLASS_MAPPINGS.items()
        if isinstance(cls.INPUT_TYPES()["required"].get("model", (None,))[0], list)
    }
    assert {WAN, QWEN_EDIT, "DashScopeImgModernTextToImage", "DashScopeImgVirtualModel"} <= pickers
    for node_id in pickers:
        cls = pack.NODE_CLASS_MAPPINGS[node_id]
        assert cls.MODEL_INPUTS and _options(pack, node_id)["model"][ROLE] == "model", node_id

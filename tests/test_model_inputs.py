"""Inputs follow the chosen model: each node with a model choice publishes, in its inputs' options, which models
document each input (the editor hides the rest); a value for an input the chosen model does not document is not
refused and not sent, and the node's status says so."""

from __future__ import annotations

import dataclasses
import json

from tests.conftest import api_requests, node_inputs, run_node, submodule

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

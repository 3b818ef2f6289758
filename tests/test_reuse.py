"""Never paying twice: the same request, within the service's 24 h, is fetched from its journaled task, across
processes (a fresh copy of the pack reading the same journal), and a changed request is paid as usual."""

from __future__ import annotations

import json
import threading
import time

import torch

from tests.conftest import TEST_KEY, load_pack_like_comfyui, run_node, submodule

NODE = "DashScopeImgWanxSimilarImage"
INPUTS = dict(
    prompt="a lamp on a desk",
    negative_prompt="",
    style="<auto>",
    size="1024*1024",
    n=1,
    seed=7,
    ref_strength=0.5,
    ref_mode="repaint",
    unique_id="3",
)


def _reference(level: float = 0.4) -> torch.Tensor:
    return torch.full((1, 300, 300, 3), level)


def _restarted(tmp_path, name: str):
    """A second copy of the pack, loaded from scratch as a restarted ComfyUI would: no module state is shared,
    only the journal on disk."""
    return load_pack_like_comfyui(tmp_path / name / "custom_nodes", f"{name}.pack")


def test_the_same_request_after_a_restart_is_fetched_not_paid(pack, service, tmp_path, canvas):
    first, _, first_ids, *_ = run_node(pack, NODE, reference=_reference(), **INPUTS)
    restarted = _restarted(tmp_path, "again")
    recorder = []
    bridge = submodule(restarted, "nodes.comfy_bridge")
    bridge._send_text = lambda text, node_id: recorder.append(text)
    again, _, again_ids, *_ = run_node(restarted, NODE, reference=_reference(), **INPUTS)
    assert service.count("task_created") == 1
    assert again_ids == first_ids and torch.equal(again, first)
    # Queries and a download only: nothing was uploaded or submitted the second time.
    assert service.count("upload") == 1 and service.count("submit") == 1
    assert "reused 1 paid result" in recorder[-1] and "¥" not in recorder[-1]


def test_a_changed_seed_prompt_or_picture_is_a_new_request(pack, service, tmp_path):
    run_node(pack, NODE, reference=_reference(), **INPUTS)
    run_node(pack, NODE, reference=_reference(), **{**INPUTS, "seed": 8})
    run_node(pack, NODE, reference=_reference(), **{**INPUTS, "prompt": "a lamp on a table"})
    run_node(pack, NODE, reference=_reference(0.41), **INPUTS)
    assert service.count("task_created") == 4
    run_node(_restarted(tmp_path, "again"), NODE, reference=_reference(0.41), **INPUTS)
    assert service.count("task_created") == 4  # ...and each of them is found again


def test_reuse_turned_off_pays_again(pack, service, tmp_path):
    run_node(pack, NODE, reference=_reference(), **INPUTS)
    (tmp_path / "config.json").write_text(json.dumps({"reuse_results": False}), encoding="utf-8")
    run_node(pack, NODE, reference=_reference(), **INPUTS)
    assert service.count("task_created") == 2
    routes = submodule(pack, "nodes.settings_routes")
    environ = {"DASHSCOPE_PACK_CONFIG": str(tmp_path / "config.json")}
    assert routes.settings_view(environ)["reuse_results"] is False
    assert routes.apply_update({"reuse_results": True}, environ)["reuse_results"] is True


def test_a_task_still_running_elsewhere_is_waited_on(pack, service, tmp_path):
    service.set_task_seconds(1.5)
    journal = submodule(pack, "nodes.task_journal")
    first: list = []
    worker = threading.Thread(target=lambda: first.append(run_node(pack, NODE, reference=_reference(), **INPUTS)))
    worker.start()
    while not journal.read_tasks():  # the other "process" has created its task and journaled it
        time.sleep(0.02)
    assert journal.read_tasks()[0]["status"] == "CREATED"
    waited = run_node(_restarted(tmp_path, "second"), NODE, reference=_reference(), **INPUTS)
    worker.join()
    assert service.count("task_created") == 1
    assert waited[2] == first[0][2] and torch.equal(waited[0], first[0][0])


def test_a_task_the_service_no_longer_knows_is_paid_anew(pack, service, tmp_path):
    run_node(pack, NODE, reference=_reference(), **INPUTS)
    service.tasks.clear()  # expired at the service (or made with another key): it answers UNKNOWN
    images, _, task_ids, *_ = run_node(_restarted(tmp_path, "again"), NODE, reference=_reference(), **INPUTS)
    assert service.count("task_created") == 2 and images.shape[0] == 1 and task_ids in service.tasks


def test_repeats_of_one_request_in_a_run_each_get_their_task(pack, service, tmp_path):
    """Two identical references in one batch are two paid images on purpose, and both are found again."""
    twice = torch.cat([_reference(), _reference()])
    _, _, task_ids, *_ = run_node(pack, NODE, reference=twice, **INPUTS)
    assert service.count("task_created") == 2 and len(set(task_ids.splitlines())) == 2
    _, _, again, *_ = run_node(_restarted(tmp_path, "again"), NODE, reference=twice, **INPUTS)
    assert service.count("task_created") == 2 and again == task_ids


def test_the_fingerprint_hashes_pictures_by_content_and_holds_no_secret(pack, service):
    reuse = submodule(pack, "nodes.reuse")
    runner = submodule(pack, "nodes.runner")
    images = submodule(pack, "nodes.images")
    spec = submodule(pack, "nodes.models").MODELS["wanx-v1"]

    def job(level: float) -> object:
        picture = images.encode_image(torch.full((8, 8, 3), level))
        return runner.Job(spec, {"model": "wanx-v1", "input": {"ref_img": runner.ImageRef(picture)}})

    [a], [b], [c] = (reuse.fingerprints("https://x/api/v1", [job(level)]) for level in (0.2, 0.2, 0.3))
    assert a == b != c  # equal bytes, two objects: one fingerprint; other bytes: another
    run_node(pack, NODE, reference=_reference(), **INPUTS)
    text = submodule(pack, "nodes.task_journal").journal_path().read_text(encoding="utf-8")
    entry = json.loads(text.splitlines()[0])
    assert len(entry["fp"]) == 64 and TEST_KEY not in text and INPUTS["prompt"] not in text

"""A batch keeps what it paid for ('if some images fail'), the spending guard, and the price on the status line."""

from __future__ import annotations

import io
import json

import pytest
import torch
from PIL import Image

from tests.conftest import run_node, submodule

SIMILAR = dict(
    prompt="the same scene in autumn",
    negative_prompt="",
    style="<auto>",
    size="1024*1024",
    n=1,
    seed=0,
    ref_strength=0.5,
    ref_mode="repaint",
)
WANX = dict(prompt="cat", negative_prompt="", style="<auto>", size="1024*1024", seed=0)
CONTINUE = "continue with the images that succeeded"
REFUSAL = dict(code="DataInspectionFailed", message="Input data may contain inappropriate content.")


def _five_references() -> torch.Tensor:
    """Reference i is a flat grey of level i, so the emulator's copy of an upload tells which item it was."""
    return torch.stack([torch.full((300, 300, 3), (index + 1) / 10) for index in range(5)])


def _reference_index(emu, task) -> int:
    picture = Image.open(io.BytesIO(emu.uploads[task.body["input"]["ref_img"]])).convert("L")
    return round(picture.getpixel((0, 0)) / 25.5) - 1


def _failed_task(emu):
    [failed] = [t for t in emu.tasks.values() if t.status == "FAILED"]
    return failed


def test_a_batch_of_five_with_one_refused_task_returns_four_images_and_the_failure(pack, service, canvas):
    service.faults.fail_tasks(1, **REFUSAL)
    images, alpha, task_ids, urls, failures = run_node(
        pack,
        "DashScopeImgWanxSimilarImage",
        reference=_five_references(),
        if_some_images_fail=CONTINUE,
        unique_id="5",
        **SIMILAR,
    )
    failed = _failed_task(service)
    assert images.shape[0] == 4 and alpha.shape[0] == 4 and len(urls.splitlines()) == 4
    assert len(task_ids.splitlines()) == 4 and failed.task_id not in task_ids
    [line] = failures.splitlines()
    index = int(line.split()[0].removeprefix("index="))
    assert line == f"index={index} code=DataInspectionFailed task_id={failed.task_id} message={REFUSAL['message']}"
    assert index == _reference_index(service, failed)  # the index is the failed item's place in the batch
    final = [text for node, text in canvas.texts if node == "5"][-1]
    assert final.startswith("4 of 5 · 1 failed (DataInspectionFailed)")
    assert "4 images · about ¥0.64 at list price" in final
    assert service.count("task_created") == 5
    journal = submodule(pack, "nodes.task_journal").read_tasks()
    statuses = {entry["task_id"]: entry["status"] for entry in journal}
    assert statuses[failed.task_id] == "FAILED" and list(statuses.values()).count("SUCCEEDED") == 4


def test_stop_mode_still_fails_the_node_and_journals_the_paid_tasks(pack, service):
    client = submodule(pack, "nodes.client")
    service.faults.fail_tasks(1, **REFUSAL)
    with pytest.raises(client.ContentInspectionError) as caught:
        run_node(pack, "DashScopeImgWanxSimilarImage", reference=_five_references(), **SIMILAR)
    message = str(caught.value)
    assert "4 of 5 tasks succeeded" in message and "Task Result" in message
    assert service.count("task_created") == 5
    journal = submodule(pack, "nodes.task_journal").read_tasks()
    assert [e["status"] for e in journal].count("SUCCEEDED") == 4


def test_continue_mode_still_fails_when_nothing_succeeded(pack, service):
    client = submodule(pack, "nodes.client")
    service.faults.fail_tasks(1, **REFUSAL)
    with pytest.raises(client.ContentInspectionError):
        run_node(pack, "DashScopeImgWanxTextToImage", n=1, if_some_images_fail=CONTINUE, **WANX)


def test_every_image_node_offers_the_option_and_the_failures_output(pack):
    base = submodule(pack, "nodes.base")
    image_nodes = [cls for cls in pack.NODE_CLASS_MAPPINGS.values() if cls.RETURN_TYPES == base.IMAGE_OUTPUTS]
    assert len(image_nodes) >= 15
    for cls in image_nodes:
        optional = list(cls.INPUT_TYPES()["optional"])
        # Last, but before the inputs added to an existing node later (saved workflows hold widgets by position).
        late = list(cls.LATE_INPUTS)
        assert optional[len(optional) - len(late) - 1 :] == ["if_some_images_fail", *late], cls.NODE_ID
        assert cls.RETURN_NAMES[-1] == "failures"
        refused = cls.VALIDATE_INPUTS(if_some_images_fail="keep going somehow")
        assert isinstance(refused, str) and "if_some_images_fail" in refused, cls.NODE_ID


# ---- the spending guard ------------------------------------------------------------------------------------------


def _limit(tmp_path, count: int) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"max_images_per_run": count}), encoding="utf-8")


def test_the_spending_guard_refuses_a_batch_before_any_request(pack, service, tmp_path):
    runner = submodule(pack, "nodes.runner")
    _limit(tmp_path, 4)
    with pytest.raises(runner.SpendingLimitError) as caught:
        run_node(pack, "DashScopeImgWanxSimilarImage", reference=_five_references(), **SIMILAR)
    message = str(caught.value)
    assert message.startswith("DashScope wanx-v1 Similar Image: this run would bill up to 5 images")
    assert "(4 images per node run)" in message and "Settings > DashScope" in message
    assert service.requests == []


def test_a_body_without_n_counts_the_service_default(pack, service, tmp_path):
    """wanx-v1 bills 4 images when n is left out (the node leaves out n=4, the service default)."""
    runner = submodule(pack, "nodes.runner")
    models = submodule(pack, "nodes.models")
    spec = models.model("wanx-v1")
    assert runner.images_billed(runner.Job(spec, spec.request({"prompt": "x", "n": 4}))) == 4
    assert runner.images_billed(runner.Job(spec, spec.request({"prompt": "x", "n": 2}))) == 2
    assert runner.images_billed(runner.Job(models.model("wanx-background-generation-v2"), {"input": {}})) == 1
    _limit(tmp_path, 3)
    with pytest.raises(runner.SpendingLimitError, match="bill up to 4 images"):
        run_node(pack, "DashScopeImgWanxTextToImage", n=4, **WANX)
    assert service.requests == []
    run_node(pack, "DashScopeImgWanxTextToImage", n=3, **WANX)  # within the limit: runs
    assert service.count("task_created") == 1


def test_the_guard_setting_is_saved_from_the_dialog_within_its_range(pack, tmp_path, monkeypatch):
    routes = submodule(pack, "nodes.settings_routes")
    settings = submodule(pack, "nodes.client.settings")
    environ = {"DASHSCOPE_PACK_CONFIG": str(tmp_path / "dialog.json")}
    assert routes.settings_view(environ)["max_images_per_run"] == 32
    assert routes.apply_update({"max_images_per_run": 100}, environ)["max_images_per_run"] == 100
    assert settings.load_settings(environ).max_images_per_run == 100
    for bad in (0, 1001, "many"):
        with pytest.raises(routes.SettingsInputError, match="max_images_per_run"):
            routes.apply_update({"max_images_per_run": bad}, environ)


def test_the_status_line_shows_images_and_list_price(pack, service, canvas):
    run_node(pack, "DashScopeImgWanxTextToImage", n=2, unique_id="8", **WANX)
    final = [text for node, text in canvas.texts if node == "8"][-1]
    assert final.startswith("2 images · about ¥0.32 at list price · ")

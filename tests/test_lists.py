"""A node fed a list (RebatchImages, a folder loader) runs as one execution over every item: one spending-guard
check before any request, one status line, one failures text, outputs in item order."""

from __future__ import annotations

import dataclasses
import io
import json
import threading
import time

import pytest
import torch
from PIL import Image

from tests.conftest import TEST_KEY, node_inputs, run_list_node, submodule

NODE = "DashScopeImgBackground"
MODEL = "wanx-background-generation-v2"
CONTINUE = "continue with the images that succeeded"


@pytest.fixture
def fast(service, tmp_path):
    """A raised quota for the background model, so a list of a few items takes about one task's time."""
    service.set_limits(MODEL, qps=20, concurrency=8)
    config = {"model_limits": {MODEL: {"qps": 20, "concurrency": 8}}, "max_concurrent": 8}
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return service


def _foregrounds(count: int) -> list[torch.Tensor]:
    """Item i is 48 + 8 i pixels high, so every result tells which item it answers (the result has its size)."""
    pictures = []
    for index in range(count):
        picture = torch.full((1, 48 + 8 * index, 64, 4), 0.5)
        picture[..., 3] = 1.0
        pictures.append(picture)
    return pictures


def _picture(emu, task) -> Image.Image:
    return Image.open(io.BytesIO(emu.uploads[task.body["input"]["base_image_url"]]))


def _inputs(pack, **overrides):
    return {**node_inputs(pack, NODE, ref_prompt="a marble table"), "unique_id": "9", **overrides}


def test_a_list_is_one_run_with_one_status_line_and_outputs_in_item_order(pack, fast, canvas):
    images, alpha, task_ids, urls, failures = run_list_node(pack, NODE, **_inputs(pack, foreground=_foregrounds(5)))
    # One output per item, each at its own size: pictures of different sizes are not squeezed into one batch.
    assert [tuple(x.shape) for x in images] == [(1, 48 + 8 * i, 64, 3) for i in range(5)]
    assert [tuple(m.shape) for m in alpha] == [(1, 48 + 8 * i, 64) for i in range(5)]
    assert isinstance(task_ids, str) and len(task_ids.splitlines()) == 5 and len(urls.splitlines()) == 5
    assert failures == ""
    # The task ids are in item order too: the photo each task was sent tells its item.
    sent = [_picture(fast, fast.tasks[task_id]).height for task_id in task_ids.splitlines()]
    assert sent == [48 + 8 * i for i in range(5)]
    # One status line for the node, counting all five: no item writes its own "1 image" over the others.
    texts = [text for node, text in canvas.texts if node == "9"]
    assert all("1 image ·" not in text for text in texts)
    assert texts[-1].startswith("5 images · about ¥0.40 at list price")
    assert any(text.startswith("5 of 5") or " of 5" in text for text in texts[:-1])
    assert {total for _, total, node in canvas.progress if node == "9"} == {5}


def test_a_list_over_the_guard_is_refused_before_any_request(pack, service, tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"max_images_per_run": 4}), encoding="utf-8")
    runner = submodule(pack, "nodes.runner")
    with pytest.raises(runner.SpendingLimitError) as refused:
        run_list_node(pack, NODE, **_inputs(pack, foreground=_foregrounds(5)))
    assert "would bill up to 5 images (5 task(s))" in str(refused.value)
    assert service.requests == []


def test_one_bad_item_refuses_the_whole_list_before_any_request(pack, service):
    client = submodule(pack, "nodes.client")
    # Widgets may come as lists too; a shorter list repeats its last value (ComfyUI's rule).
    prompts = ["a marble table", "a beach", "word " * 200]
    with pytest.raises(client.InputError) as refused:
        run_list_node(pack, NODE, **_inputs(pack, foreground=_foregrounds(4), ref_prompt=prompts))
    assert "ref_prompt" in str(refused.value)
    assert service.requests == []


def test_continue_mode_leaves_out_the_failed_item_and_lists_it_once(pack, fast, canvas):
    fast.faults.fail_tasks(1, code="DataInspectionFailed", message="Input data may contain inappropriate content.")
    images, _, task_ids, _, failures = run_list_node(
        pack, NODE, **_inputs(pack, foreground=_foregrounds(4), if_some_images_fail=CONTINUE)
    )
    [failed] = [t for t in fast.tasks.values() if t.status == "FAILED"]
    [line] = failures.splitlines()
    index = int(line.split()[0].removeprefix("index="))
    assert f"task_id={failed.task_id}" in line and "DataInspectionFailed" in line
    # The other three items keep their order and their own sizes; the failed one is left out.
    assert [x.shape[1] for x in images] == [48 + 8 * i for i in range(4) if i != index]
    assert failed.task_id not in task_ids and len(task_ids.splitlines()) == 3
    final = [text for node, text in canvas.texts if node == "9"][-1]
    assert final.startswith("3 of 4 · 1 failed (DataInspectionFailed)")


def test_list_items_follow_comfyuis_mapping(pack):
    base = submodule(pack, "nodes.base")
    items = base.list_items({"image": ["a", "b", "c"], "prompt": ["p"], "n": [1, 2], "mask": []})
    assert items == [
        {"image": "a", "prompt": "p", "n": 1},
        {"image": "b", "prompt": "p", "n": 2},
        {"image": "c", "prompt": "p", "n": 2},
    ]
    assert base.list_items({"prompt": "plain", "n": 3}) == [{"prompt": "plain", "n": 3}]  # a direct call: one item


def test_queue_time_checks_read_widgets_given_as_lists(pack):
    """With INPUT_IS_LIST, ComfyUI hands VALIDATE_INPUTS each widget as a list of one and a link as (None,)."""
    cls = pack.NODE_CLASS_MAPPINGS[NODE]
    assert cls.INPUT_IS_LIST
    listed = {k: [v] for k, v in node_inputs(pack, NODE, ref_prompt="a table").items()}
    assert cls.VALIDATE_INPUTS(**listed, foreground=(None,)) is True
    refused = cls.VALIDATE_INPUTS(**{**listed, "n": [9]}, foreground=(None,))
    assert isinstance(refused, str) and "'n'" in refused


def test_every_image_node_returns_lists_of_pictures_and_one_text_per_run(pack):
    base = submodule(pack, "nodes.base")
    for cls in pack.NODE_CLASS_MAPPINGS.values():
        if tuple(cls.RETURN_TYPES) == base.IMAGE_OUTPUTS:
            assert cls.INPUT_IS_LIST, cls.__name__
            assert tuple(cls.OUTPUT_IS_LIST) == (True, True, False, False, False), cls.__name__


def test_task_queries_share_one_window_per_account_across_nodes(pack, fast, monkeypatch):
    """Every status query books a turn in the account's window (20 per second), whichever node or graph polls."""
    pacer = submodule(pack, "nodes.client.pacer")
    window = pacer.query_window(fast.base_url, TEST_KEY)
    assert window is pacer.query_window(fast.base_url, TEST_KEY) and window.allowed == 20
    assert pacer.query_window(fast.base_url, "sk-another-account") is not window
    booked = []
    original = window.book
    monkeypatch.setattr(window, "book", lambda *a, **k: booked.append(1) or original(*a, **k))
    run_list_node(pack, NODE, **_inputs(pack, foreground=_foregrounds(3)))
    assert len(booked) == fast.count("poll") > 0


def test_the_window_never_grants_more_than_allowed_in_any_second(pack):
    pacer = submodule(pack, "nodes.client.pacer")
    window = pacer.SlidingWindow(5, 1.0)
    times: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        booking = window.book()
        with lock:
            times.append(booking[0])

    workers = [threading.Thread(target=take) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    times.sort()
    assert all(later - earlier >= 1.0 for earlier, later in zip(times, times[5:], strict=False))


def test_a_submit_turn_counts_from_its_answer(pack):
    """The next turn is measured from when the answer came (the service counted the submit by then)."""
    pacer = submodule(pack, "nodes.client.pacer").ModelPacer(qps=1, concurrency=1)
    booking = pacer.wait_for_submit_turn()
    time.sleep(0.3)  # the answer takes 0.3 s
    pacer.settle(booking)
    answered = time.monotonic()
    pacer.wait_for_submit_turn()
    assert time.monotonic() - answered >= 1.0


def test_a_picture_that_could_pass_the_file_limit_is_encoded_and_refused_before_any_request(pack, service, monkeypatch):
    """Pictures are encoded when their job is sent, except one whose size bound passes the model's file limit:
    that one is encoded and checked at once, so the refusal still comes before any request."""
    node = submodule(pack, "nodes.image_to_image")
    client = submodule(pack, "nodes.client")
    monkeypatch.setattr(node, "_FOREGROUND", dataclasses.replace(node._FOREGROUND, max_mb=0.01))
    noisy = torch.rand(1, 64, 64, 4)
    with pytest.raises(client.InputError) as refused:
        run_list_node(pack, NODE, **_inputs(pack, foreground=[_foregrounds(1)[0], noisy]))
    assert "'foreground'" in str(refused.value) and "MB" in str(refused.value)
    assert service.requests == []


def test_pictures_are_encoded_when_sent_and_dropped_after(pack, fast, monkeypatch):
    jobs = submodule(pack, "nodes.jobs")
    encoded, released = [], []
    original_encoded, original_release = jobs.Deferred.encoded, jobs.Deferred.release
    monkeypatch.setattr(jobs.Deferred, "encoded", lambda self: encoded.append(id(self)) or original_encoded(self))
    monkeypatch.setattr(jobs.Deferred, "release", lambda self: released.append(id(self)) or original_release(self))
    runner = submodule(pack, "nodes.runner")
    run_all = runner.Runner.run_all
    at_start: list[int] = []

    async def spy(self, work, collects):
        at_start.append(len(encoded))  # nothing encoded yet when the run (and its first request) starts
        return await run_all(self, work, collects)

    monkeypatch.setattr(runner.Runner, "run_all", spy)
    run_list_node(pack, NODE, **_inputs(pack, foreground=_foregrounds(3)))
    assert at_start == [0]
    assert len(set(encoded)) == 3 and sorted(set(released)) == sorted(set(encoded))  # each photo dropped once sent


def test_the_status_line_counts_failures_and_the_time_left(pack):
    runner = submodule(pack, "nodes.runner")
    progress = submodule(pack, "nodes.client").Progress
    states = [progress("done")] * 57 + [progress("RUNNING")] + [progress("waiting")] * 142
    line = runner.progress_line(states, failed=2, elapsed=59.0)
    # 59 of 200 ended in 59 s: 141 left at the same pace, about 3 min (rounded up to whole minutes).
    assert line.splitlines() == ["57 of 200 · 2 failed · about 3 min left", "running · 59s"]
    assert runner.progress_line([progress("RUNNING")], failed=0, elapsed=4.0) == "running · 4s"

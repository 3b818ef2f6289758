"""Node-level reliability against the emulator's faults: partial results, broken result images, and
that no task is ever submitted twice."""

from __future__ import annotations

import pytest

from tests.conftest import node_inputs, run_node, submodule

WANX = dict(prompt="cat", negative_prompt="", style="<auto>", size="1024*1024", seed=0)


def test_partial_results_return_the_good_images_and_say_so_on_the_node(pack, service, canvas):
    service.faults.partial_tasks(1, failed_indices=(1,))
    # n=3: n=4 is wanx-v1's service default, so the node leaves it out, and the emulator defaults n to 1.
    images, _, task_ids, urls, failures = run_node(pack, "DashScopeImgWanxTextToImage", n=3, unique_id="9", **WANX)
    assert images.shape[0] == 2 and len(urls.splitlines()) == 2
    final = [text for node, text in canvas.texts if node == "9"][-1]
    assert "2 of 3 · 1 failed" in final and "2 images" in final and task_ids in final
    [failure] = failures.splitlines()
    assert failure.startswith("index=0 ") and f"task_id={task_ids}" in failure
    assert service.count("task_created") == 1


@pytest.mark.parametrize("kind", ["corrupt_image", "huge_image"])
def test_broken_result_images_fail_clearly(pack, service, kind):
    service.faults.hostile_results(1, kind)
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.DownloadError) as caught:
        run_node(pack, "DashScopeImgWanxTextToImage", n=1, **WANX)
    [task] = service.tasks.values()
    assert task.task_id in str(caught.value)
    assert ("larger than" in str(caught.value)) == (kind == "huge_image")
    assert service.count("task_created") == 1


def test_a_file_url_in_an_answer_is_never_read(pack, service, tmp_path):
    service.faults.hostile_results(1, "file_scheme")
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.DownloadError, match="not http"):
        run_node(pack, "DashScopeImgWanxTextToImage", n=1, **WANX)


def test_throttled_burst_inside_a_batch_creates_one_task_per_image(pack, service):
    import torch

    service.faults.submit_errors(3, status=429, code="Throttling")
    inputs = node_inputs(pack, "DashScopeImgWanxSimilarImage", reference=torch.rand(3, 300, 300, 3), prompt="x")
    images, _, task_ids, *_ = run_node(pack, "DashScopeImgWanxSimilarImage", **inputs)
    assert images.shape[0] == 3 and len(task_ids.splitlines()) == 3
    assert service.count("task_created") == 3 and service.count("throttled") == 3


def test_a_stop_seen_only_by_comfyuis_progress_hook_still_stops_the_node(pack, service, monkeypatch):
    """In ComfyUI the progress hook raises InterruptProcessingException on Stop and resets the flag, so the
    node's own check may never see it: the Stop must still end the wait, as an interruption."""
    import time

    bridge = submodule(pack, "nodes.comfy_bridge")
    client = submodule(pack, "nodes.client")

    class InterruptProcessingException(Exception):
        pass

    stop_at = time.monotonic() + 1.2

    def hook(value, total, node_id):
        if time.monotonic() > stop_at:
            raise InterruptProcessingException()

    monkeypatch.setattr(bridge, "_send_progress", hook)
    monkeypatch.setattr(bridge, "interrupted", lambda: False)  # the flag was already consumed by the hook
    service.set_task_seconds(30)
    started = time.monotonic()
    with pytest.raises(client.TaskCanceledError) as caught:
        run_node(pack, "DashScopeImgWanxTextToImage", n=1, unique_id="5", **WANX)
    assert time.monotonic() - started < 3.5
    assert caught.value.code == client.USER_STOP
    assert service.count("task_created") == 1

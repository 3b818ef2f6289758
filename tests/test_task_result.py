"""The DashScope Task Result node (fetches existing tasks, creates none) and the task journal behind it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import torch

from tests.conftest import (
    REPO,
    TEST_KEY,
    api_requests,
    load_pack_like_comfyui,
    run_node,
    submodule,
    task_made_elsewhere,
)

WANX = dict(prompt="一只猫", negative_prompt="", style="<auto>", size="1024*1024", seed=0)
FETCH = "DashScopeImgTaskResult"
T2I = "/services/aigc/text2image/image-synthesis"


def _submit_directly(emu, prompt: str = "made elsewhere") -> str:
    """A task created outside the pack (say from the 百炼 console or another machine)."""
    return task_made_elsewhere(emu, {"model": "wanx-v1", "input": {"prompt": prompt}, "parameters": {"n": 2}})


def _only_queries_since(emu, mark: int) -> list:
    """The API requests after ``mark``; each must be a GET of one task."""
    later = [r for r in emu.requests[mark:] if r.host == "api"]
    assert all(r.method == "GET" and r.path.split("/")[-2] == "tasks" for r in later), [
        (r.method, r.path) for r in later
    ]
    return later


def test_task_result_refetches_a_finished_task_and_creates_none(pack, service, canvas):
    images, _, task_ids, urls, failures = run_node(pack, "DashScopeImgWanxTextToImage", n=2, **WANX)
    assert service.count("task_created") == 1 and failures == ""
    mark = len(service.requests)
    again, alpha, again_ids, again_urls, again_failures = run_node(
        pack, FETCH, source="task ids", task_ids=task_ids + "\n", last_n=4, unique_id="3"
    )
    assert torch.equal(again, images) and alpha.shape[0] == 2
    assert again_ids == task_ids and again_urls == urls and again_failures == ""
    assert service.count("task_created") == 1 and service.count("submit") == 1 and service.count("cancel") == 0
    assert len(_only_queries_since(service, mark)) >= 1
    final = [text for node, text in canvas.texts if node == "3"][-1]
    assert "2 images · fetched, no new task" in final and task_ids in final


def test_task_result_waits_for_a_running_task(pack, service):
    service.set_task_seconds(1.0)
    task_id = _submit_directly(service)
    images, _, task_ids, _, _ = run_node(pack, FETCH, source="task ids", task_ids=task_id, last_n=1)
    assert images.shape[0] == 2 and task_ids == task_id
    assert service.count("task_created") == 1 and service.count("cancel") == 0
    assert service.tasks[task_id].status == "SUCCEEDED"


def test_stop_while_waiting_leaves_the_task_alone(pack, service, monkeypatch):
    """The node only queries: a Stop ends its wait, and the task is not cancelled at the service."""
    bridge = submodule(pack, "nodes.comfy_bridge")
    client = submodule(pack, "nodes.client")
    service.set_task_seconds(30)
    blocker = _submit_directly(service, "blocker")  # wanx-v1 runs one task at a time: ours stays PENDING
    task_id = _submit_directly(service)
    stop = threading.Event()
    monkeypatch.setattr(bridge, "interrupted", stop.is_set)
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    with pytest.raises(client.TaskCanceledError) as caught:
        run_node(pack, FETCH, source="task ids", task_ids=task_id, last_n=1)
    assert time.monotonic() - started < 3.0
    assert "left alone" in str(caught.value)
    assert service.count("cancel") == 0 and service.tasks[task_id].status == "PENDING"
    assert service.tasks[blocker].status == "RUNNING"


def test_the_task_timeout_ends_the_wait_and_leaves_a_queued_task_alone(pack, service, monkeypatch):
    client = submodule(pack, "nodes.client")
    monkeypatch.setenv("DASHSCOPE_TASK_TIMEOUT", "1")
    service.set_task_seconds(30)
    _submit_directly(service, "blocker")
    task_id = _submit_directly(service)  # stays PENDING behind the blocker
    with pytest.raises(client.TaskTimeoutError) as caught:
        run_node(pack, FETCH, source="task ids", task_ids=task_id, last_n=1)
    assert "left alone" in str(caught.value) and task_id in str(caught.value)
    assert service.count("cancel") == 0 and service.tasks[task_id].status == "PENDING"


def test_task_ids_are_read_from_error_messages_and_failures_lines(pack):
    parse = submodule(pack, "nodes.task_result").parse_task_ids
    task = "0385dc79-5ff8-4d82-bcb6-000000000001"
    request = "0385dc79-5ff8-4d82-bcb6-0000000000ff"
    other = "0385dc79-5ff8-4d82-bcb6-000000000002"
    text = (
        f"DashScope error DataInspectionFailed: refused (task_id={task}, request_id={request})\n"
        f"index=3 code=DataInspectionFailed task_id={other} message=Input data may contain inappropriate content.\n"
        f"  {task}  \n\nnot an id at all\n"
        "ft-0123456789abcdef\n"
    )
    assert parse(text) == [task, other, "ft-0123456789abcdef"]


def test_task_result_refuses_an_empty_list_at_queue_time(pack, service):
    cls = pack.NODE_CLASS_MAPPINGS[FETCH]
    refused = cls.VALIDATE_INPUTS(source="task ids", task_ids="  \n", last_n=4)
    assert isinstance(refused, str) and refused.startswith("DashScope Task Result") and "task_ids" in refused
    assert cls.VALIDATE_INPUTS(source="the last N tasks of this journal", task_ids="", last_n=4) is True
    assert service.requests == []


def test_an_unknown_task_is_a_clear_failure_and_continue_mode_keeps_the_rest(pack, service):
    images, _, good_id, *_ = run_node(pack, "DashScopeImgWanxTextToImage", n=1, **WANX)
    unknown = "0385dc79-5ff8-4d82-bcb6-00000000dead"
    fetched, _, task_ids, _, failures = run_node(
        pack,
        FETCH,
        source="task ids",
        task_ids=f"{unknown}\n{good_id}",
        last_n=1,
        if_some_images_fail="continue with the images that succeeded",
    )
    assert torch.equal(fetched, images) and task_ids == good_id
    assert failures.startswith(f"index=0 code=TaskUnknown task_id={unknown} ")
    assert service.count("task_created") == 1


# ---- the journal -----------------------------------------------------------------------------------------------


def test_the_journal_survives_a_restart_of_the_pack(pack, service, tmp_path):
    _, _, task_ids, *_ = run_node(pack, "DashScopeImgWanxTextToImage", n=1, **WANX)
    # A second copy of the pack, loaded from scratch as a restarted ComfyUI would, reads what the first wrote.
    restarted = load_pack_like_comfyui(tmp_path / "restarted" / "custom_nodes", "restarted.pack")
    journal = submodule(restarted, "nodes.task_journal")
    assert journal is not submodule(pack, "nodes.task_journal")
    [entry] = journal.read_tasks()
    assert entry["task_id"] == task_ids and entry["model"] == "wanx-v1" and entry["status"] == "SUCCEEDED"
    assert entry["node"] == "DashScope wanx-v1 Text to Image" and entry["time"].endswith("Z")
    # ...and its Task Result node fetches the task from the journal: no new task.
    fetched, _, fetched_ids, *_ = run_node(
        restarted, FETCH, source="the last N tasks of this journal", task_ids="", last_n=5
    )
    assert fetched_ids == task_ids and fetched.shape[0] == 1
    assert service.count("task_created") == 1


def test_the_journal_is_private_and_holds_no_key(pack, service):
    run_node(pack, "DashScopeImgWanxTextToImage", n=1, **WANX)
    path = submodule(pack, "nodes.task_journal").journal_path()
    assert Path(os.environ["DASHSCOPE_PACK_HOME"]) in path.parents
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text(encoding="utf-8")
    assert TEST_KEY not in text and "Bearer" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["status"] for line in lines] == ["CREATED", "SUCCEEDED"]


def test_a_task_is_journaled_as_soon_as_its_id_is_known(pack, service, monkeypatch):
    """A wait that ends early (here the task timeout) still leaves the task findable, with its last status."""
    client = submodule(pack, "nodes.client")
    journal = submodule(pack, "nodes.task_journal")
    monkeypatch.setenv("DASHSCOPE_TASK_TIMEOUT", "1")
    service.faults.never_finish(1)
    with pytest.raises(client.TaskTimeoutError):
        run_node(pack, "DashScopeImgWanxTextToImage", n=1, **WANX)
    [entry] = journal.read_tasks()
    [task] = service.tasks.values()
    assert entry["task_id"] == task.task_id and entry["status"] == "RUNNING" and entry["code"] == "WaitTimeout"
    assert journal.recent_task_ids(4) == [task.task_id]  # still fetchable later


def test_the_journal_is_bounded_and_keeps_the_newest(pack, service, monkeypatch):
    journal = submodule(pack, "nodes.task_journal")
    monkeypatch.setattr(journal, "KEEP", 10)
    monkeypatch.setattr(journal, "COMPACT_BYTES", 2000)
    for index in range(200):
        journal.record_created(f"task-{index:04d}", "wanx-v1", "node")
        journal.record_final(f"task-{index:04d}", "FAILED" if index == 199 else "SUCCEEDED", "X")
    tasks = journal.read_tasks()
    assert len(tasks) <= 30 and tasks[-1]["task_id"] == "task-0199" and tasks[-1]["status"] == "FAILED"
    assert "task-0000" not in {t["task_id"] for t in tasks}
    assert journal.journal_path().stat().st_size <= 2000 + 200
    assert journal.recent_task_ids(2) == ["task-0197", "task-0198"]  # the failed one has nothing to fetch


def test_the_journal_mode_skips_tasks_the_service_no_longer_keeps(pack, service):
    journal = submodule(pack, "nodes.task_journal")
    old = {"task_id": "old-task", "model": "wanx-v1", "node": "n", "time": "2020-01-01T00:00:00Z", "status": "CREATED"}
    journal._append(old)
    journal.record_created("new-task", "wanx-v1", "n")
    assert journal.recent_task_ids(5) == ["new-task"]
    assert [t["task_id"] for t in journal.read_tasks()] == ["old-task", "new-task"]


def test_concurrent_writers_lose_no_line(pack, service):
    journal = submodule(pack, "nodes.task_journal")

    def write(worker: int) -> None:
        for index in range(50):
            journal.record_created(f"w{worker}-{index}", "wanx-v1", "node")

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(journal.read_tasks()) == 200
    assert len(journal.journal_path().read_text(encoding="utf-8").splitlines()) == 200


def test_two_processes_writing_at_once_lose_no_line(pack, service, tmp_path):
    """Two ComfyUI processes sharing one data folder: the lock keeps every line whole and none is lost, even
    when one process compacts the file while the other appends."""
    # Each writer loads only the journal module (and the data-folder lookup), not torch: quick to start.
    script = (
        "import importlib, sys, types\n"
        "for name, folder in (('jp', 'nodes'), ('jp.client', 'nodes/client')):\n"
        "    package = types.ModuleType(name); package.__path__ = [folder]; sys.modules[name] = package\n"
        "journal = importlib.import_module('jp.task_journal')\n"
        "journal.COMPACT_BYTES = 4000\n"
        "for i in range(150): journal.record_created(f'{sys.argv[1]}-{i}', 'wanx-v1', 'node')\n"
    )
    workers = [subprocess.Popen([sys.executable, "-c", script, name], cwd=REPO) for name in "ab"]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    journal = submodule(pack, "nodes.task_journal")
    lines = journal.journal_path().read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line)["task_id"] for line in lines)  # no line torn or interleaved
    # Compaction keeps the newest KEEP (1000) tasks, so every task of both writers is still there.
    assert len(journal.read_tasks()) == 300


def test_the_task_result_node_reads_only_the_api(pack, service):
    """Task ids from the journal: the fetch sends nothing but task queries and result downloads."""
    run_node(pack, "DashScopeImgWanxTextToImage", n=1, **WANX)
    mark = len(service.requests)
    run_node(pack, FETCH, source="the last N tasks of this journal", task_ids="", last_n=1)
    _only_queries_since(service, mark)
    assert len(api_requests(service, T2I, "POST")) == 1

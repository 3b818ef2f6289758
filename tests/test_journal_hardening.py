"""The task journal refuses what was planted in its place and reads only a bounded tail of its file."""

from __future__ import annotations

import json
import logging

import pytest

from tests.conftest import submodule

FROM_JOURNAL = "the last N tasks of this journal"


@pytest.fixture
def journal(pack):
    module = submodule(pack, "nodes.task_journal")
    module.journal_path().parent.mkdir(parents=True, exist_ok=True)
    return module


def _line(task_id: str, **fields) -> str:
    entry = {"task_id": task_id, "model": "wanx-v1", "node": "n", "time": journal_time(), "status": "SUCCEEDED"}
    return json.dumps({**entry, **fields}) + "\n"


def journal_time() -> str:
    import datetime

    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_symlink_planted_at_the_journal_is_not_written_through(journal, tmp_path, caplog):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    journal.journal_path().symlink_to(victim)
    with caplog.at_level(logging.WARNING, logger="comfyui_dashscope"):
        journal.record_created("task-1", "wanx-v1", "node")  # a paid run must not fail over it: a warning
    assert victim.read_text() == "precious\n"
    assert "not written" in caplog.text
    assert journal.read_tasks() == []  # nor is the link read


def test_a_symlink_planted_at_the_lock_is_not_followed(journal, tmp_path):
    victim = tmp_path / "created-through-the-link"
    (journal.journal_path().parent / (journal.FILE_NAME + ".lock")).symlink_to(victim)
    journal.record_created("task-1", "wanx-v1", "node")
    assert not victim.exists()  # following the link would have created the victim file


def test_only_a_bounded_tail_of_a_huge_journal_is_read(journal, monkeypatch):
    monkeypatch.setattr(journal, "TAIL_BYTES", 20_000)
    with open(journal.journal_path(), "w", encoding="utf-8") as handle:
        for index in range(5000):
            handle.write(_line(f"task-{index:05d}"))
    tasks = journal.read_tasks()
    ids = [t["task_id"] for t in tasks]
    assert ids[-1] == "task-04999" and 0 < len(ids) < 20_000 // 100  # the newest, and only what fits the tail
    assert ids == sorted(ids) and all(len(t) > 2 for t in tasks)  # whole lines only: the cut first one is dropped


def test_over_long_and_malformed_lines_are_skipped_with_one_warning(journal, caplog):
    text = _line("good-1")
    text += _line("too-long", pad="x" * 10_000)
    text += "{not json\n" + json.dumps(["a list"]) + "\n"
    text += _line("good-2")
    journal.journal_path().write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="comfyui_dashscope"):
        ids = [t["task_id"] for t in journal.read_tasks()]
    assert ids == ["good-1", "good-2"]
    [warning] = [r for r in caplog.records if "skipped" in r.getMessage()]
    assert "3" in warning.getMessage()


def test_a_status_that_is_not_text_does_not_break_queueing(pack, journal):
    text = _line("odd", status=["SUCCEEDED"]) + _line("fine") + json.dumps({"task_id": "x2", "status": {"a": 1}}) + "\n"
    journal.journal_path().write_text(text, encoding="utf-8")
    cls = pack.NODE_CLASS_MAPPINGS["DashScopeImgTaskResult"]
    # ComfyUI calls IS_CHANGED with each widget as a list of one (the node takes lists).
    assert cls.IS_CHANGED(source=[FROM_JOURNAL], task_ids=[""], last_n=[4]).splitlines() == ["odd", "fine", "x2"]
    assert cls.IS_CHANGED(source=FROM_JOURNAL, task_ids="", last_n=4).splitlines() == ["odd", "fine", "x2"]

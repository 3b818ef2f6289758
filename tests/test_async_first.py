"""Issue 16, async first: every model whose page documents an asynchronous protocol runs as a task, so a dropped
connection after the service took the request loses nothing; the models left synchronous wait on a keepalive
connection, and a lost synchronous answer says plainly what it means."""

from __future__ import annotations

import asyncio
import socket

import pytest

from tests.conftest import node_inputs, run_node, submodule
from tests.row_requests import minimal_request, task_rows

MODERN = "DashScopeImgModernTextToImage"


def test_under_reset_after_accept_every_async_model_returns_its_images_with_exactly_one_task(pack, service):
    """The fault of bench 8a (the connection reset after the service created the task) on every row of the table
    that runs as a task, a model added as a row included: each run returns its image, through exactly one submit
    and one task, found in the task list and written to the journal."""
    runner = submodule(pack, "nodes.runner")
    journal = submodule(pack, "nodes.task_journal")
    rows = task_rows(pack)
    assert {"wan2.6-t2i", "qwen-image-plus", "qwen-image"} <= set(rows)  # async first (the older file had them sync)
    service.set_task_seconds(0.02)
    service.faults.submit_drop_after_create(len(rows))  # one per model: every submit loses its answer

    async def every_model():
        jobs = [
            runner.Runner(f"test {name}").run([runner.Job(spec, minimal_request(pack, spec))])
            for name, spec in rows.items()
        ]
        return await asyncio.gather(*jobs, return_exceptions=True)

    outcomes = dict(zip(rows, asyncio.run(every_model()), strict=True))
    journaled = {entry["task_id"] for entry in journal.read_tasks()}
    lost = []
    for name, outcome in outcomes.items():
        tasks = [task for task in service.tasks.values() if task.model == name]
        if isinstance(outcome, BaseException):
            lost.append(f"{name}: {type(outcome).__name__}: {outcome}")
        elif not outcome[0].images or [t.task_id for t in tasks] != [outcome[0].task_id]:
            lost.append(f"{name}: {len(outcome[0].images)} images, tasks {[t.task_id for t in tasks]}")
        elif service.count("submit", name) != 1 or outcome[0].task_id not in journaled:
            lost.append(
                f"{name}: {service.count('submit', name)} submits, journaled: {outcome[0].task_id in journaled}"
            )
    assert not lost, "\n".join(lost)
    assert service.count("task_created") == service.count("submit") == len(rows)


def _sockets_of(session, url: str) -> list[socket.socket]:
    """The open sockets a session's pools keep for the host of ``url`` (connections return there after use)."""
    manager = session.get_adapter(url).poolmanager
    port = int(url.split(":")[2].split("/")[0])
    pools = [manager.pools[key] for key in manager.pools.keys() if key.key_port == port]
    return [conn.sock for pool in pools for conn in list(pool.pool.queue) if conn is not None and conn.sock]


def test_a_synchronous_generation_waits_on_a_keepalive_connection(pack, service):
    keepalive = submodule(pack, "nodes.client.keepalive")
    transport = submodule(pack, "nodes.client.transport")
    run_node(pack, MODERN, **node_inputs(pack, MODERN, model="qwen-image-max", prompt="a lighthouse"))
    [sync_socket] = _sockets_of(transport.shared_session(keepalive.KeepAliveAdapter), service.base_url)
    assert sync_socket.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
    if hasattr(socket, "TCP_KEEPIDLE"):
        assert sync_socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == keepalive.IDLE
        assert sync_socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL) == keepalive.INTERVAL
        assert sync_socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT) == keepalive.COUNT
    assert sync_socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)  # urllib3's own default is kept
    # Scoped: the shared session (tasks, polls, uploads) keeps its plain sockets.
    run_node(pack, "DashScopeImgWanxTextToImage", **node_inputs(pack, "DashScopeImgWanxTextToImage", prompt="a cat"))
    shared = _sockets_of(transport.shared_session(), service.base_url)
    assert shared and all(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 0 for s in shared)


def test_a_dropped_synchronous_call_says_the_image_may_be_paid_and_cannot_be_fetched(pack, service):
    client = submodule(pack, "nodes.client")
    service.faults.submit_drop_after_create(1)
    with pytest.raises(client.LostSyncAnswerError) as caught:
        run_node(pack, MODERN, **node_inputs(pack, MODERN, model="qwen-image-max", prompt="a lighthouse"))
    message = str(caught.value)
    assert "qwen-image-max" in message
    assert "may have been generated and billed" in message and "cannot be fetched" in message
    assert "NOT re-sent" in message and "bills a new image" in message
    assert "task list" not in message  # there is no task to look for
    # The image was made at the service, and the call was not repeated.
    assert service.count("sync_generated", "qwen-image-max") == 1 and service.count("submit") == 1
    assert service.count("task_created") == 0

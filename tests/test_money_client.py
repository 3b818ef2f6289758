"""Issue 13, client side: no paid image lost, none paid twice. Stop before every paid request and during every
transfer, wait hints that are numbers, timeouts that cancel what is still queued, synchronous generations that
get their own timeout, 5xx answers treated as ambiguous, and lost submit answers recovered from the task list."""

from __future__ import annotations

import io
import threading
import time
import zipfile

import pytest
import requests
import torch
from PIL import Image

from tests.conftest import TEST_KEY, api_requests, node_inputs, run_node, submodule, task_made_elsewhere

WANX = {"model": "wanx-v1", "input": {"prompt": "a cat"}, "parameters": {"n": 1, "size": "1024*1024"}}
# A model whose page documents no asynchronous protocol: one synchronous call, no task id.
SYNC_QWEN = {
    "model": "qwen-image-2.0",
    "input": {"messages": [{"role": "user", "content": [{"text": "a lighthouse"}]}]},
    "parameters": {"size": "1024*1024", "n": 1},
}
NODE_WANX = dict(prompt="a cat", negative_prompt="", style="<auto>", size="1024*1024", n=1, seed=0)
# Well under the faults' durations (10-20 s), far over the target (1 s): a miss means the Stop was not honoured.
PROMPTLY = 4.0


@pytest.fixture
def client_mod(pack):
    return submodule(pack, "nodes.client")


@pytest.fixture
def make_client(client_mod, emulator):
    def make(retry_changes=None, **settings):
        config = client_mod.Settings(base_url=emulator.base_url, api_key=TEST_KEY, **settings)
        retry = client_mod.RetryPolicy(base_delay=0.01, max_delay=0.05, connect_timeout=2.0, **(retry_changes or {}))
        recovery = submodule(client_mod, "recovery").Recovery(looks=(0.0, 0.05), wait_for_others=1.0)
        return client_mod.DashScopeClient(
            config, retry=retry, schedule=client_mod.PollSchedule(first=0.05, cap=0.2), recovery=recovery
        )

    return make


def _endpoint(pack, name="wanx-v1"):
    return submodule(pack, "nodes.models").MODELS[name]


def _stop_after(seconds: float):
    """A Stop flag that the user 'presses' after ``seconds``."""
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    timer.daemon = True
    timer.start()
    return stop


@pytest.fixture
def stop_button(pack, monkeypatch):
    """ComfyUI's Stop, as the pack's nodes see it."""
    stop = threading.Event()
    monkeypatch.setattr(submodule(pack, "nodes.comfy_bridge"), "interrupted", stop.is_set)
    return stop


# ---- Stop before paid requests and during transfers -------------------------------------------------


def test_a_stop_before_the_submit_sends_nothing(pack, emulator, make_client, client_mod):
    with pytest.raises(client_mod.TaskCanceledError) as caught:
        make_client().run(_endpoint(pack), WANX, cancelled=lambda: True)
    assert caught.value.code == client_mod.USER_STOP and "nothing was" in str(caught.value)
    assert emulator.count("submit") == 0 and emulator.count("task_created") == 0


def test_the_pacer_does_not_spend_a_granted_turn_after_a_stop(pack, client_mod):
    pacer = submodule(pack, "nodes.client.pacer").ModelPacer(qps=2, concurrency=1)
    with pytest.raises(client_mod.TaskCanceledError):
        pacer.wait_for_submit_turn(lambda: True)
    with pytest.raises(client_mod.TaskCanceledError):
        with pacer.slot(lambda: True):
            pass
    pacer.wait_for_submit_turn(lambda: False)  # the refused turns were not booked: both are still free
    pacer.wait_for_submit_turn(lambda: False)


def test_a_synchronous_edit_after_stop_is_never_sent(pack, service, stop_button, client_mod):
    stop_button.set()
    with pytest.raises(client_mod.TaskCanceledError):
        edit = dict(image=torch.rand(1, 400, 400, 3), model="qwen-image-edit", prompt="make it red")
        run_node(pack, "DashScopeImgQwenEdit", **node_inputs(pack, "DashScopeImgQwenEdit", **edit))
    assert api_requests(service, "/services/") == [] and service.count("sync_call") == 0


def test_stop_during_a_slow_upload_creates_no_task_and_ends_at_once(pack, service, stop_button, client_mod):
    service.faults.slow_uploads(1, seconds=15)
    submodule(pack, "nodes.client").UPLOAD_CACHE.clear()
    threading.Timer(0.5, stop_button.set).start()
    started = time.monotonic()
    with pytest.raises(client_mod.TaskCanceledError) as caught:
        run_node(
            pack,
            "DashScopeImgWanxSimilarImage",
            reference=torch.rand(1, 512, 512, 3),
            ref_strength=0.5,
            ref_mode="repaint",
            **NODE_WANX,
        )
    assert time.monotonic() - started < PROMPTLY
    assert caught.value.code == client_mod.USER_STOP
    assert service.count("submit") == 0 and service.count("task_created") == 0


def _photo_zip() -> bytes:
    archive = io.BytesIO()
    picture = io.BytesIO()
    Image.effect_noise((512, 512), 60).convert("RGB").save(picture, "PNG")
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("photo_01.png", picture.getvalue())
    return archive.getvalue()


def test_stop_between_the_photo_upload_and_the_training_creates_no_training(pack, emulator, make_client, client_mod):
    # The Stop is pressed the moment the zip upload has been answered.
    with pytest.raises(client_mod.TaskCanceledError):
        make_client().create_fine_tune(_photo_zip(), cancelled=lambda: bool(api_requests(emulator, "/files", "POST")))
    assert api_requests(emulator, "/fine-tunes") == []
    assert emulator.count("task_created", "facechain-finetune") == 0


def test_stop_during_a_slow_photo_zip_upload_creates_no_training(pack, emulator, make_client, client_mod):
    emulator.faults.slow_uploads(1, seconds=15)  # POST /files reads the zip at a trickle
    stop = _stop_after(0.5)
    started = time.monotonic()
    with pytest.raises(client_mod.TaskCanceledError):
        make_client().create_fine_tune(_photo_zip(), cancelled=stop.is_set)
    assert time.monotonic() - started < PROMPTLY
    assert api_requests(emulator, "/fine-tunes") == []


def _finished_url(pack, client):
    return client.run(_endpoint(pack), WANX).output["results"][0]["url"]


def test_stop_during_a_slow_download_ends_at_once(pack, emulator, make_client, client_mod):
    client = make_client()
    url = _finished_url(pack, client)
    emulator.faults.slow_downloads(1, seconds=20)
    stop = _stop_after(0.5)
    started = time.monotonic()
    with pytest.raises(client_mod.TaskCanceledError) as caught:
        client.download(url, cancelled=stop.is_set)
    assert time.monotonic() - started < PROMPTLY
    assert caught.value.code == client_mod.USER_STOP


def test_a_download_has_a_whole_transfer_deadline(pack, emulator, make_client, client_mod):
    client = make_client(retry_changes={"transfer_deadline": 0.5})
    url = _finished_url(pack, client)
    emulator.faults.slow_downloads(1, seconds=20)  # every read gets bytes: no per-read timeout would ever fire
    started = time.monotonic()
    with pytest.raises(client_mod.DownloadError) as caught:
        client.download(url)
    assert time.monotonic() - started < PROMPTLY
    assert caught.value.code == "TransferTimeout"
    assert client.download(url)[:8] == b"\x89PNG\r\n\x1a\n"  # the next attempt, at full speed, gets it


# ---- wait hints and timeouts ----------------------------------------------------------------------


@pytest.mark.parametrize("hint", [float("nan"), float("inf"), -3.0])
def test_a_retry_after_that_is_not_a_finite_wait_is_ignored(pack, emulator, make_client, hint):
    emulator.faults.submit_errors(1, retry_after=hint)
    gave_up = _stop_after(8.0)  # without the fix: nan waits forever, inf 60 s; this ends the test either way
    outcome = make_client().run(_endpoint(pack), WANX, cancelled=gave_up.is_set)
    assert outcome.task_id and not gave_up.is_set()
    assert emulator.count("submit") == 2 and emulator.count("task_created") == 1


def test_a_task_still_queued_at_the_timeout_is_cancelled_at_the_service(pack, emulator, make_client, client_mod):
    emulator.set_limits("wanx-v1", concurrency=0)  # the service is busy: the task stays PENDING
    with pytest.raises(client_mod.TaskTimeoutError) as caught:
        make_client().run(_endpoint(pack), WANX, timeout=0.5)
    [task] = emulator.tasks.values()
    assert task.status == "CANCELED" and emulator.count("cancel") == 1
    assert caught.value.task_id == task.task_id and "cancelled there and will not be billed" in str(caught.value)


def test_a_task_running_at_the_timeout_is_reported_with_how_to_fetch_it(pack, emulator, make_client, client_mod):
    emulator.faults.never_finish(1)
    with pytest.raises(client_mod.TaskTimeoutError) as caught:
        make_client().run(_endpoint(pack), WANX, timeout=0.5)
    [task] = emulator.tasks.values()
    message = str(caught.value)
    assert task.status == "RUNNING" and emulator.count("cancel") == 0
    assert task.task_id in message and "'DashScope Task Result' node" in message and "RUNNING" in message


def test_a_synchronous_generation_gets_the_generation_timeout(pack, emulator, make_client, client_mod):
    emulator.set_task_seconds(1.0, "qwen-image-2.0")  # longer than the request timeout below
    outcome = make_client(request_timeout=0.3, generation_timeout=10.0).run(
        _endpoint(pack, "qwen-image-2.0"), SYNC_QWEN
    )
    assert outcome.output["choices"][0]["message"]["content"][0]["image"]
    assert emulator.count("sync_call") == 1
    loaded = client_mod.load_settings(environ={}, config={"generation_timeout": 600})
    assert (
        loaded.generation_timeout == 600 and client_mod.load_settings(environ={}, config={}).generation_timeout == 300
    )


# ---- 5xx answers to paid requests --------------------------------------------------------------------


def test_a_5xx_to_a_paid_synchronous_call_is_ambiguous_and_not_resent(pack, emulator, make_client, client_mod):
    emulator.faults.submit_errors(1, status=502, code="InternalError", message="Bad gateway, please try again later.")
    with pytest.raises(client_mod.LostSyncAnswerError) as caught:
        make_client().run(_endpoint(pack, "qwen-image-2.0"), SYNC_QWEN)
    message = str(caught.value)
    assert "NOT re-sent" in message and "may have been generated and billed" in message
    assert "try again" not in message.lower() and isinstance(caught.value, client_mod.AmbiguousRequestError)
    assert emulator.count("submit") == 1


def test_a_5xx_after_the_task_was_created_is_recovered(pack, emulator, make_client):
    emulator.faults.submit_errors_after_create(1, status=504, code="GatewayTimeout")
    outcome = make_client().run(_endpoint(pack), WANX)
    [task] = emulator.tasks.values()
    assert outcome.task_id == task.task_id and outcome.output["results"][0]["url"]
    assert emulator.count("submit") == 1


def test_a_5xx_that_created_nothing_says_so_without_try_again(pack, emulator, make_client, client_mod):
    emulator.faults.submit_errors(1, status=503, code="ServiceUnavailable", message="Busy, please try again later.")
    with pytest.raises(client_mod.NothingCreatedError) as caught:
        make_client().run(_endpoint(pack), WANX)
    message = str(caught.value)
    assert "HTTP 503" in message and "no task was created" in message and "try again later" not in message
    assert emulator.count("submit") == 1 and emulator.tasks == {}


# ---- recovering a lost submit answer -----------------------------------------------------------------


def test_reset_after_accept_the_node_returns_the_images_with_exactly_one_task(pack, service):
    service.faults.submit_drop_after_create(1)
    images, _, task_ids, *_ = run_node(pack, "DashScopeImgWanxTextToImage", **NODE_WANX)
    [task] = service.tasks.values()
    assert images.shape == (1, 1024, 1024, 3) and task_ids == task.task_id
    assert service.count("submit") == 1 and service.count("task_created") == 1


def test_a_submit_answer_that_comes_after_the_timeout_is_recovered(pack, emulator, make_client):
    emulator.faults.submit_slow_answers_after_create(1, seconds=1.5)
    outcome = make_client(request_timeout=0.3).run(_endpoint(pack), WANX)
    [task] = emulator.tasks.values()
    assert outcome.task_id == task.task_id and emulator.count("submit") == 1


def test_a_dropped_submit_that_created_nothing_says_so(pack, emulator, make_client, client_mod):
    emulator.faults.submit_drop_before_create(1)
    with pytest.raises(client_mod.NothingCreatedError) as caught:
        make_client().run(_endpoint(pack), WANX)
    assert "Nothing was created" in str(caught.value) and emulator.count("submit") == 1


def test_several_candidate_tasks_fail_naming_them_all(pack, emulator, make_client, client_mod):
    # Another program on the same account creates a wanx-v1 task in the same moment.
    foreign = task_made_elsewhere(emulator, WANX)
    emulator.faults.submit_drop_after_create(1)
    with pytest.raises(client_mod.AmbiguousRequestError) as caught:
        make_client().run(_endpoint(pack), WANX)
    assert len(emulator.tasks) == 2 and emulator.count("submit") == 2  # ours once, never re-sent
    message = str(caught.value)
    assert caught.value.code == "AmbiguousSubmit"
    assert all(task_id in message for task_id in emulator.tasks) and foreign in message


def test_a_task_already_known_to_this_process_is_never_claimed(pack, emulator, make_client):
    client = make_client()
    earlier = client.run(_endpoint(pack), WANX).task_id  # this process created it a moment ago
    emulator.faults.submit_drop_after_create(1)
    outcome = client.run(_endpoint(pack), WANX)
    assert outcome.task_id != earlier and len(emulator.tasks) == 2


def test_a_list_that_cannot_tell_never_says_nothing_was_created(pack, emulator, make_client, client_mod, monkeypatch):
    """A list whose items lack the creation time must not invite a second paid run with "nothing was created"."""
    listed = emulator._list_tasks

    def without_times(query):
        answer = listed(query)
        for item in answer["data"]:
            item.pop("gmt_create")
        return answer

    monkeypatch.setattr(emulator, "_list_tasks", without_times)
    emulator.faults.submit_drop_after_create(1)
    with pytest.raises(client_mod.AmbiguousRequestError) as caught:
        make_client().run(_endpoint(pack), WANX)
    assert not isinstance(caught.value, client_mod.NothingCreatedError)
    assert "does not show enough to tell" in str(caught.value) and "NOT re-sent" in str(caught.value)
    assert emulator.count("submit") == 1


def test_reset_after_accept_facechain_training_is_recovered_with_one_job(pack, service):
    photos = torch.rand(2, 300, 300, 3)
    service.faults.submit_drop_after_create(1)
    (resource,) = run_node(pack, "DashScopeImgFaceChainTrain", photos=photos, timeout_minutes=5)
    assert resource.startswith("facelora-")
    assert len(api_requests(service, "/fine-tunes", "POST")) == 1
    assert service.count("task_created", "facechain-finetune") == 1


def test_emulator_task_list_has_the_official_shape(pack, emulator, make_client):
    make_client().run(_endpoint(pack), WANX)
    answer = requests.get(
        emulator.base_url + "/tasks",
        params={"model_name": "wanx-v1", "page_no": 1, "page_size": 10},
        headers={"Authorization": f"Bearer {TEST_KEY}"},
        timeout=10,
    ).json()
    assert "output" not in answer and answer["total"] == 1 and answer["page_no"] == 1 and answer["page_size"] == 10
    [item] = answer["data"]
    assert {"task_id", "status", "model_name", "gmt_create", "start_time", "end_time", "request_id"} <= set(item)
    assert item["status"] == "SUCCEEDED" and item["model_name"] == "wanx-v1"
    assert abs(item["gmt_create"] / 1000 - time.time()) < 60  # epoch milliseconds


def test_a_lost_answer_in_a_batch_claims_its_own_task_not_its_neighbours(pack, emulator, make_client):
    """Two submits of one model at once, the first answer lost: each job ends with its own task."""
    emulator.faults.submit_drop_after_create(1)
    client = make_client()
    outcomes: list = []

    def one(prompt: str) -> None:
        outcomes.append((prompt, client.run(_endpoint(pack), {**WANX, "input": {"prompt": prompt}})))

    workers = [threading.Thread(target=one, args=(p,)) for p in ("first", "second")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert len(outcomes) == 2 and emulator.count("submit") == 2
    for prompt, outcome in outcomes:
        assert emulator.tasks[outcome.task_id].body["input"]["prompt"] == prompt


def test_a_5xx_after_the_training_was_created_is_recovered_by_its_photo_file(emulator, make_client):
    emulator.faults.submit_errors_after_create(1, status=502, code="BadGateway")
    job_id = make_client().create_fine_tune(_photo_zip())
    assert len(api_requests(emulator, "/fine-tunes", "POST")) == 1
    assert emulator.count("task_created", "facechain-finetune") == 1 and job_id.startswith("ft-")

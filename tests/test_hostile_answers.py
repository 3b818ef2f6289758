"""Issue 17: answers no honest service gives, and clocks that disagree, cost the user nothing and say so clearly.

Recovery after a lost submit answer reads the service's clock (its Date header), so a PC clock 10 s off still finds
the task, and a list it cannot read or place never yields "nothing was created". A task answer holds at most the
images its request asked for, and a node run decodes a bounded number of pixels. Compressed downloads arrive whole.
API requests follow no redirect, and result URLs reach only public https hosts.
"""

from __future__ import annotations

import json
import math
import time

import pytest
import urllib3

from tests.conftest import TEST_KEY, api_requests, run_node, submodule, task_made_elsewhere
from tests.local_servers import Listener, Recorder

WANX = {"model": "wanx-v1", "input": {"prompt": "a cat"}, "parameters": {"n": 1, "size": "1024*1024"}}
NODE_WANX = dict(prompt="a cat", negative_prompt="", style="<auto>", size="1024*1024", seed=0)


@pytest.fixture
def client_mod(pack):
    return submodule(pack, "nodes.client")


@pytest.fixture
def make_client(client_mod, emulator):
    def make(base_url=None, retry_changes=None, **settings):
        config = client_mod.Settings(base_url=base_url or emulator.base_url, api_key=TEST_KEY, **settings)
        retry = client_mod.RetryPolicy(base_delay=0.01, max_delay=0.05, connect_timeout=2.0, **(retry_changes or {}))
        recovery = submodule(client_mod, "recovery").Recovery(looks=(0.0, 0.05), wait_for_others=1.0)
        return client_mod.DashScopeClient(
            config, retry=retry, schedule=client_mod.PollSchedule(first=0.05, cap=0.2), recovery=recovery
        )

    return make


def _wanx(pack):
    return submodule(pack, "nodes.models").MODELS["wanx-v1"]


def _listed_with(emulator, monkeypatch, change):
    """The emulator's task list, with ``change(answer)`` applied to each answer (a service that answers oddly)."""
    listed = emulator._list_tasks

    def changed(query):
        answer = listed(query)
        change(answer)
        return answer

    monkeypatch.setattr(emulator, "_list_tasks", changed)


# ---- 1. recovery decides by the service's clock --------------------------------------------------------------
@pytest.mark.parametrize("offset", [10.0, -10.0])
def test_a_lost_answer_is_found_when_this_pcs_clock_is_off_by_ten_seconds(pack, emulator, make_client, offset):
    emulator.clock_offset = offset  # the service's clock (Date, gmt_create) runs ahead of or behind this PC's
    emulator.faults.submit_drop_after_create(1)
    outcome = make_client().run(_wanx(pack), WANX)
    [task] = emulator.tasks.values()
    assert outcome.task_id == task.task_id and emulator.count("submit") == 1


def _shift(seconds):
    def change(answer):
        for item in answer["data"]:
            item["gmt_create"] += int(seconds * 1000)

    return change


def _set_time(value):
    def change(answer):
        for item in answer["data"]:
            item["gmt_create"] = value

    return change


@pytest.mark.parametrize(
    "change",
    [_set_time("NaN"), _set_time(math.nan), _set_time(math.inf), _set_time(None), _shift(3600), _shift(-20)],
    ids=["NaN-string", "NaN-number", "infinite", "null", "an-hour-ahead", "just-before-the-window"],
)
def test_a_task_the_pack_cannot_place_leaves_the_answer_undecided(
    pack, emulator, make_client, client_mod, monkeypatch, change
):
    _listed_with(emulator, monkeypatch, change)
    emulator.faults.submit_drop_after_create(1)
    with pytest.raises(client_mod.AmbiguousRequestError) as caught:
        make_client().run(_wanx(pack), WANX)
    message = str(caught.value)
    assert not isinstance(caught.value, client_mod.NothingCreatedError)
    assert "NOT re-sent" in message and "running again is safe" not in message
    assert emulator.count("submit") == 1 and len(emulator.tasks) == 1


def test_an_old_task_of_the_same_model_still_lets_the_pack_say_nothing_was_created(
    pack, emulator, make_client, client_mod, monkeypatch
):
    make_client().run(_wanx(pack), WANX)  # a task an hour old by the service's clock, known to this process
    submodule(client_mod, "tasks").KNOWN._ids.clear()  # ... or made by another program: not known here
    _listed_with(emulator, monkeypatch, _shift(-3600))
    emulator.faults.submit_drop_before_create(1)
    with pytest.raises(client_mod.NothingCreatedError):
        make_client().run(_wanx(pack), WANX)


# ---- 7. list answers of the wrong types -------------------------------------------------------------------
def _replace(**fields):
    def change(answer):
        answer.update(fields)

    return change


@pytest.mark.parametrize(
    "change",
    [_replace(total="abc"), _replace(total=1e400), _replace(data=5), _replace(data="abc"), _replace(data=[5, "x"])],
    ids=["total-text", "total-infinite", "data-number", "data-string", "data-items-not-objects"],
)
def test_a_malformed_list_answer_is_undecided_with_the_warning(
    pack, emulator, make_client, client_mod, monkeypatch, change
):
    _listed_with(emulator, monkeypatch, change)
    emulator.faults.submit_drop_after_create(1)
    with pytest.raises(client_mod.AmbiguousRequestError) as caught:  # never a raw TypeError / ValueError
        make_client().run(_wanx(pack), WANX)
    assert not isinstance(caught.value, client_mod.NothingCreatedError)
    assert "NOT re-sent" in str(caught.value) and "Check the task list" in str(caught.value)


def test_many_candidates_give_a_short_message_naming_a_few_and_the_count(
    pack, emulator, make_client, client_mod, monkeypatch
):
    def crowd(answer):
        now_ms = int(emulator.now() * 1000)
        answer["data"] = [
            {"task_id": f"other-{i:05d}", "model_name": "wanx-v1", "gmt_create": now_ms, "status": "RUNNING"}
            for i in range(5000)
        ]
        answer["total"] = 5000

    _listed_with(emulator, monkeypatch, crowd)
    emulator.faults.submit_drop_after_create(1)
    with pytest.raises(client_mod.AmbiguousRequestError) as caught:
        make_client().run(_wanx(pack), WANX)
    message = str(caught.value)
    assert len(message) < 2000, len(message)
    assert "5000 tasks of wanx-v1" in message and "other-00004" in message and "other-00005" not in message


# ---- 2. bounded results ------------------------------------------------------------------------------------
def test_an_answer_with_more_images_than_asked_for_is_refused_before_any_download(pack, service, client_mod):
    service.faults.hostile_results(1, "many_results", count=8)
    with pytest.raises(client_mod.DownloadError) as caught:
        run_node(pack, "DashScopeImgWanxTextToImage", n=1, **NODE_WANX)
    [task] = service.tasks.values()
    assert caught.value.code == "TooManyResults" and task.task_id in str(caught.value)
    assert "8 result images" in str(caught.value) and service.count("download") == 0


def test_the_task_result_node_bounds_a_task_it_knows_nothing_about(pack, service, client_mod):
    service.faults.hostile_results(1, "many_results", count=20, size=(64, 64))
    task_id = task_made_elsewhere(service, WANX)
    with pytest.raises(client_mod.DownloadError) as caught:
        run_node(pack, "DashScopeImgTaskResult", source="task ids", task_ids=task_id, last_n=1)
    assert caught.value.code == "TooManyResults" and service.count("download") == 0


def test_a_run_decodes_a_bounded_number_of_pixels(pack, service, client_mod):
    limits = submodule(pack, "nodes.result_limits")
    size = (8192, 5462)  # three results of 45 megapixels: each allowed alone, together past the budget of n=3
    assert 3 * size[0] * size[1] > 3 * limits.PIXELS_PER_IMAGE
    service.faults.hostile_results(1, "big_images", size=size)
    with pytest.raises(client_mod.DownloadError) as caught:
        run_node(pack, "DashScopeImgWanxTextToImage", n=3, **NODE_WANX)
    [task] = service.tasks.values()
    assert caught.value.code == "TooManyPixels" and task.task_id in str(caught.value)


# ---- 3. compressed downloads --------------------------------------------------------------------------------
@pytest.mark.parametrize("always", [False, True], ids=["when-asked", "even-when-not-asked"])
def test_a_gzip_encoded_download_arrives_whole(pack, emulator, make_client, always):
    client = make_client()
    outcome = client.run(_wanx(pack), WANX)
    url = outcome.output["results"][0]["url"]
    original = emulator._results[url.split("?")[0].removeprefix(emulator.results_url)]
    emulator.faults.gzip_downloads(1, always=always)
    assert client.download(url) == original
    [fetched] = [r for r in emulator.requests if r.host == "results"]
    assert fetched.headers.get("accept-encoding") == "identity"


# ---- 8. no redirects of API requests --------------------------------------------------------------------------
@pytest.mark.parametrize("status", [302, 307, 308])
def test_an_api_redirect_is_not_followed(pack, make_client, client_mod, status):
    elsewhere = Recorder(body=json.dumps({"output": {"task_id": "t-1", "task_status": "PENDING"}}).encode())
    redirector = Recorder(status, {"Location": elsewhere.url + "/collect"})
    try:
        client = make_client(base_url=redirector.url + "/api/v1", workspace="ws-private")
        with pytest.raises(client_mod.DashScopeError) as caught:
            client.run(_wanx(pack), {**WANX, "input": {"prompt": "a private prompt"}})
    finally:
        redirector.stop()
        elsewhere.stop()
    assert caught.value.code == "Redirected" and "127.0.0.1" in str(caught.value)
    assert len(redirector.seen) == 1 and elsewhere.seen == []  # prompt, workspace and images stayed home


# ---- 9. result hosts ----------------------------------------------------------------------------------------
@pytest.fixture
def official_transport(pack, client_mod):
    """A transport configured for the real service (no request goes there: only downloads are tried)."""
    settings = client_mod.Settings(base_url="https://dashscope.aliyuncs.com/api/v1", api_key=TEST_KEY)
    retry = client_mod.RetryPolicy(attempts=1, connect_timeout=1.0)
    return submodule(pack, "nodes.client.transport").Transport(settings, retry)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::ffff:169.254.169.254]/latest/meta-data/",
        "https://10.1.2.3/result.png",
        "https://[fe80::1]/result.png",
        "https://0.0.0.0/result.png",
        "https://localhost/result.png",
    ],
)
def test_result_urls_to_private_addresses_are_refused_without_a_connection(
    pack, client_mod, official_transport, monkeypatch, url
):
    connections = []
    monkeypatch.setattr(urllib3.util.connection, "create_connection", lambda *a, **k: connections.append(a) or 1 / 0)
    results = submodule(pack, "nodes.client.results")
    with pytest.raises(client_mod.DownloadError) as caught:
        results.download(official_transport, url, task_id="t-1")
    assert caught.value.code == "BadResultURL" and "t-1" in str(caught.value) and connections == []


@pytest.mark.parametrize("host", ["127.0.0.1", "2130706433", "127.1"])
def test_a_host_that_leads_to_a_loopback_address_gets_no_byte(pack, client_mod, official_transport, host):
    """'2130706433' and '127.1' are host names to a URL parser but 127.0.0.1 to the resolver: they are refused
    on the address the socket connected to, before the TLS handshake."""
    listener = Listener()
    results = submodule(pack, "nodes.client.results")
    try:
        with pytest.raises(client_mod.DownloadError) as caught:
            results.download(official_transport, f"https://{host}:{listener.port}/result.png", task_id="t-2")
        time.sleep(0.2)
    finally:
        listener.stop()
    assert caught.value.code == "BadResultURL" and "loopback" in str(caught.value)
    assert listener.received == b""


def test_the_emulator_on_loopback_may_serve_results_over_http(pack, service):
    images, *_ = run_node(pack, "DashScopeImgWanxTextToImage", n=1, **NODE_WANX)
    [fetched] = [r for r in service.requests if r.host == "results"]
    assert images.shape[0] == 1 and "authorization" not in fetched.headers
    assert not any("authorization" in r.headers for r in service.requests if r.host != "api")
    assert api_requests(service, "/services/aigc/", "POST")

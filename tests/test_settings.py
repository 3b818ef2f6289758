"""The settings dialog's server side: the key is saved once, never shown, never leaked."""

from __future__ import annotations

import json
import os
import stat

import pytest

from tests.conftest import TEST_KEY, run_node, submodule

SECRET = "sk-" + "settingsdialog" + "9f3a"


@pytest.fixture
def routes(pack, tmp_path, monkeypatch):
    for name in (
        "DASHSCOPE_API_KEY",
        "DASHSCOPE_BASE_URL",
        "DASHSCOPE_HTTP_BASE_URL",
        "DASHSCOPE_REGION",
        "DASHSCOPE_WORKSPACE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DASHSCOPE_PACK_CONFIG", str(tmp_path / "config" / "dashscope.json"))
    return submodule(pack, "nodes.settings_routes")


def test_the_key_is_saved_owner_only_and_never_shown(routes, tmp_path):
    view = routes.apply_update({"api_key": SECRET, "region": "international"})
    assert view["key_set"] and view["key_last4"] == "9f3a" and view["key_source"] == "config"
    assert SECRET not in json.dumps(view) and SECRET not in json.dumps(routes.settings_view())
    assert view["effective_base_url"] == "https://dashscope-intl.aliyuncs.com/api/v1"
    path = tmp_path / "config" / "dashscope.json"
    assert json.loads(path.read_text())["api_key"] == SECRET
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_the_environment_variable_wins(routes, monkeypatch):
    routes.apply_update({"api_key": SECRET})
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-fromenvironment1234")
    view = routes.settings_view()
    assert view["key_source"] == "env" and view["key_last4"] == "1234" and "DASHSCOPE_API_KEY" in view["env_overrides"]


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"api_key": "   "}, "empty"),
        ({"region": "mars"}, "Unknown region"),
        ({"base_url": "ftp://nope"}, "base URL"),
        ({"base_url": "https://dashscope.aliyuncs.com"}, "/api/v1"),
        ({"max_concurrent": 99}, "between 1 and 32"),
        ({"request_timeout": "soon"}, "number"),
        ({"workspace": "llm abc;"}, "workspace"),
    ],
)
def test_bad_values_get_a_clear_message_and_change_nothing(routes, tmp_path, payload, words):
    routes.apply_update({"api_key": SECRET})
    before = (tmp_path / "config" / "dashscope.json").read_text()
    with pytest.raises(routes.SettingsInputError, match=words):
        routes.apply_update(payload)
    assert (tmp_path / "config" / "dashscope.json").read_text() == before


def test_clearing_the_key(routes):
    routes.apply_update({"api_key": SECRET})
    assert routes.apply_update({"clear_key": True})["key_set"] is False


def test_connection_check_creates_no_task(routes, emulator, monkeypatch):
    monkeypatch.setenv("DASHSCOPE_BASE_URL", emulator.base_url)
    routes.apply_update({"api_key": TEST_KEY})
    assert routes.check_connection()["ok"] is True
    routes.apply_update({"api_key": "sk-wrongwrongwrong"})
    result = routes.check_connection()
    assert result["ok"] is False and result["code"] == "InvalidApiKey" and "wrongwrong" not in result["message"]
    assert emulator.count("task_created") == 0


def test_a_node_uses_the_key_saved_by_the_dialog(pack, routes, emulator, monkeypatch):
    monkeypatch.setenv("DASHSCOPE_BASE_URL", emulator.base_url)
    routes.apply_update({"api_key": TEST_KEY})
    images, *_ = run_node(
        pack,
        "DashScopeImgWanxTextToImage",
        prompt="cat",
        negative_prompt="",
        style="<auto>",
        size="1024*1024",
        n=1,
        seed=0,
    )
    assert images.shape == (1, 1024, 1024, 3)
    assert all(r.headers["authorization"] == f"Bearer {TEST_KEY}" for r in emulator.requests if r.host == "api")


def test_aiohttp_routes_answer_without_the_key(routes):
    aiohttp = pytest.importorskip("aiohttp")
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    async def scenario():
        table = web.RouteTableDef()
        routes.register(table)
        application = web.Application()
        application.add_routes(table)
        async with TestClient(TestServer(application)) as client:
            # What the pack's own page sends: its Origin, and the token it read from the GET answer.
            token = (await (await client.get(routes.ROUTE)).json())["token"]
            own = {"Origin": f"http://{client.host}:{client.port}", routes.TOKEN_HEADER: token}
            saved = await client.post(routes.ROUTE, json={"api_key": SECRET}, headers=own)
            assert saved.status == 200 and SECRET not in await saved.text()
            bad = await client.post(routes.ROUTE, json={"region": "mars"}, headers=own)
            assert bad.status == 400 and "Unknown region" in (await bad.json())["error"]
            shown = await client.get(routes.ROUTE)
            body = await shown.text()
            assert SECRET not in body and json.loads(body)["key_last4"] == "9f3a"

    import asyncio

    asyncio.run(scenario())
    assert aiohttp

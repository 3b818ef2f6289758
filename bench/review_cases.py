"""The cases of the second security and robustness review (issue 17), run against the emulator:
``python -m bench.review_cases`` prints one table (``--case NAME`` runs one case and prints its JSON line).

Each case runs in a fresh process, so its peak memory (ru_maxrss) is its own. A case reports what the user sees
(the outcome: images, or the error's type and first words), the paid requests that reached the service, tasks it
created, result downloads, and, where it matters, the length of the error text or whether a foreign host was
reached. Run it on a checkout of main and on a branch to compare; the emulator (tests/emulator) must be the
branch's, since the cases use its faults (clock offset, gzip, hostile answers).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import load_pack_like_comfyui, node_inputs, submodule  # noqa: E402
from tests.emulator import Emulator  # noqa: E402
from tests.local_servers import Listener, Recorder  # noqa: E402

KEY = "sk-review-" + os.urandom(6).hex()
WANX = "DashScopeImgWanxTextToImage"
PAINT = "DashScopeImgInpainting"


class Env:
    """The pack loaded as ComfyUI loads it, pointed at a fresh emulator, with a scratch data folder."""

    def __init__(self) -> None:
        os.environ["DASHSCOPE_PACK_HOME"] = tempfile.mkdtemp(prefix="review-pack-home-")
        self.pack = load_pack_like_comfyui(Path(tempfile.mkdtemp()) / "custom_nodes", "review.pack")
        self.client = submodule(self.pack, "nodes.client")
        self.emu = Emulator(api_key=KEY, task_seconds=0.2).start()
        config = Path(tempfile.mkdtemp()) / "config.json"
        config.write_text("{}")
        os.environ.update(
            DASHSCOPE_BASE_URL=self.emu.base_url, DASHSCOPE_API_KEY=KEY, DASHSCOPE_PACK_CONFIG=str(config)
        )

    def node(self, node_id: str, **inputs: Any) -> Any:
        cls = self.pack.NODE_CLASS_MAPPINGS[node_id]
        return asyncio.run(getattr(cls(), cls.FUNCTION)(**node_inputs(self.pack, node_id, **inputs)))

    def wanx(self, n: int = 1, prompt: str = "cat") -> Any:
        return self.node(WANX, prompt=prompt, size="1024*1024", n=n)

    def list_with(self, change: Callable[[dict[str, Any]], None]) -> None:
        listed = self.emu._list_tasks

        def changed(query: dict[str, str]) -> dict[str, Any]:
            answer = listed(query)
            change(answer)
            return answer

        self.emu._list_tasks = changed  # type: ignore[method-assign]

    def figures(self, outcome: str, message: str = "", **extra: Any) -> dict[str, Any]:
        submits = [r for r in self.emu.requests if r.host == "api" and r.method == "POST" and "/services/" in r.path]
        return {
            "outcome": outcome,
            "paid_requests": len(submits),
            "tasks": self.emu.count("task_created"),
            "downloads": self.emu.count("download"),
            "error_chars": len(message),
            **extra,
        }


def outcome_of(action: Callable[[], Any]) -> tuple[str, str]:
    """(what the user sees, the whole error text)."""
    try:
        result = action()
    except Exception as exc:  # the point: which error, and whether it is a raw one
        text = str(exc)
        verdict = type(exc).__name__
        code = getattr(exc, "code", "")
        if code:
            verdict += f"[{code}]"
        if "running again is safe" in text:
            verdict += ": says nothing was created, running again is safe"
        elif "NOT re-sent" in text:
            verdict += ": undecided, check before running again"
        else:
            verdict += ": " + " ".join(str(getattr(exc, "message", text)).split())[:100]
        return verdict, text
    images = result[0] if isinstance(result, tuple) else result
    shape = list(images.shape) if hasattr(images, "shape") else "?"
    return f"ok: images {shape}", ""


# ---- 1 / 7: recovery after a lost submit answer ------------------------------------------------------------
def lost_answer(change: Callable[[dict[str, Any]], None] | None = None, offset: float = 0.0) -> dict[str, Any]:
    env = Env()
    env.emu.clock_offset = offset
    if change is not None:
        env.list_with(change)
    env.emu.faults.submit_drop_after_create(1)
    outcome, message = outcome_of(env.wanx)
    return env.figures(outcome, message)


def each_item(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(answer: dict[str, Any]) -> None:
        for item in answer["data"]:
            item[field] = value(item) if callable(value) else value

    return change


def replaced(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda answer: answer.update(fields)


def crowd(count: int, env_now: Callable[[], float]) -> Callable[[dict[str, Any]], None]:
    def change(answer: dict[str, Any]) -> None:
        now = int(env_now() * 1000)
        answer["data"] = [
            {"task_id": f"other-{i:06d}", "model_name": "wanx-v1", "gmt_create": now, "status": "RUNNING"}
            for i in range(count)
        ]
        answer["total"] = count

    return change


def many_matches() -> dict[str, Any]:
    env = Env()
    env.list_with(crowd(200_000, env.emu.now))
    env.emu.faults.submit_drop_after_create(1)
    outcome, message = outcome_of(env.wanx)
    return env.figures(outcome, message)


# ---- 2: bounded results ----------------------------------------------------------------------------------
def many_urls() -> dict[str, Any]:
    env = Env()
    env.emu.faults.hostile_results(1, "many_results", count=500, size=(256, 256))
    outcome, message = outcome_of(env.wanx)
    return env.figures(outcome, message)


def big_images() -> dict[str, Any]:
    env = Env()
    env.emu.faults.hostile_results(1, "big_images", size=(8192, 8192))
    outcome, message = outcome_of(lambda: env.wanx(n=4))
    return env.figures(outcome, message)


# ---- 3: gzip ------------------------------------------------------------------------------------------------
def gzip_downloads(always: bool) -> dict[str, Any]:
    env = Env()
    env.emu.faults.gzip_downloads(100, always=always)
    outcome, message = outcome_of(env.wanx)
    return env.figures(outcome, message)


# ---- 4 / 5: bad inputs --------------------------------------------------------------------------------------
def painted(image: torch.Tensor | None = None, mask: torch.Tensor | None = None, prompt: str = "a balloon"):
    def case() -> dict[str, Any]:
        env = Env()
        box = torch.zeros(1, 300, 300)
        box[0, 100:200, 100:200] = 1.0
        inputs = {"image": torch.rand(1, 300, 300, 3) if image is None else image, "prompt": prompt}
        inputs["mask"] = box if mask is None else mask
        outcome, message = outcome_of(lambda: env.node(PAINT, **inputs))
        return env.figures(outcome, message)

    return case


def nan_image() -> torch.Tensor:
    image = torch.rand(1, 300, 300, 3)
    image[0, 5, 5, 0] = math.nan
    return image


def channels_last_mask() -> torch.Tensor:
    mask = torch.zeros(1, 300, 300, 1)
    mask[0, 100:200, 100:200] = 1.0
    return mask


# ---- 6: the settings lock -----------------------------------------------------------------------------------
def symlinked_lock() -> dict[str, Any]:
    env = Env()
    settings = submodule(env.pack, "nodes.client.settings")
    folder = Path(tempfile.mkdtemp())
    path = folder / "data" / "settings.json"
    path.parent.mkdir()
    victim = folder / "victim.txt"
    path.with_name("settings.json.lock").symlink_to(victim)
    outcome, message = outcome_of(lambda: settings.update_config(lambda c: c.update(region="china"), path))
    if outcome.startswith("ok"):
        outcome = "ok: saved"
    return env.figures(outcome, message, victim_created=victim.exists())


# ---- 8: redirects -------------------------------------------------------------------------------------------
def redirect() -> dict[str, Any]:
    env = Env()
    elsewhere = Recorder(body=json.dumps({"output": {"task_id": "t-1", "task_status": "PENDING"}}).encode())
    redirector = Recorder(307, {"Location": elsewhere.url + "/collect"})
    # A client that follows the redirect polls the other host's "task" until the task timeout: keep that short.
    os.environ.update(
        DASHSCOPE_BASE_URL=redirector.url + "/api/v1", DASHSCOPE_WORKSPACE="ws-private", DASHSCOPE_TASK_TIMEOUT="5"
    )
    outcome, message = outcome_of(lambda: env.wanx(prompt="a private prompt"))
    carried = [
        name
        for name, present in (
            ("workspace header", any("ws-private" in str(h) for _, _, h, _ in elsewhere.seen)),
            ("prompt", any(b"a private prompt" in body for _, _, _, body in elsewhere.seen)),
            ("key", any(KEY in str(h) for _, _, h, _ in elsewhere.seen)),
        )
        if present
    ]
    return env.figures(outcome, message, foreign_host_got=", ".join(carried) or "nothing")


# ---- 9: result hosts ----------------------------------------------------------------------------------------
def result_host(url_for: Callable[[int], str]) -> Callable[[], dict[str, Any]]:
    """Download a result URL under the official base URL; a local listener stands in for the host it names."""

    def case() -> dict[str, Any]:
        env = Env()
        listener = Listener()
        attempts: list[Any] = []
        import urllib3.util.connection as connection

        real = connection.create_connection

        def watched(address: Any, *args: Any, **kwargs: Any) -> Any:
            attempts.append(address[0])
            if address[0] == "169.254.169.254":  # never really tried: recorded, then refused as unreachable
                raise OSError("unreachable (the bench does not contact it)")
            return real(address, *args, **kwargs)

        connection.create_connection = watched
        settings = env.client.Settings(base_url="https://dashscope.aliyuncs.com/api/v1", api_key=KEY)
        transport = submodule(env.pack, "nodes.client.transport").Transport(
            settings, env.client.RetryPolicy(attempts=1, connect_timeout=1.0)
        )
        results = submodule(env.pack, "nodes.client.results")
        outcome, message = outcome_of(lambda: results.download(transport, url_for(listener.port), task_id="t-1"))
        time.sleep(0.2)
        listener.stop()
        return env.figures(outcome, message, connections=len(attempts), bytes_sent_to_host=len(listener.received))

    return case


# ---- the table ---------------------------------------------------------------------------------------------------
CASES: dict[str, Callable[[], dict[str, Any]]] = {
    "clock +10 s": lambda: lost_answer(offset=10.0),
    "clock -10 s": lambda: lost_answer(offset=-10.0),
    "gmt_create 'NaN' (string)": lambda: lost_answer(each_item("gmt_create", "NaN")),
    "gmt_create NaN (number)": lambda: lost_answer(each_item("gmt_create", math.nan)),
    "gmt_create 1 h ahead": lambda: lost_answer(each_item("gmt_create", lambda i: i["gmt_create"] + 3_600_000)),
    "list data a string": lambda: lost_answer(replaced(data="abc")),
    "list total 'abc'": lambda: lost_answer(replaced(total="abc")),
    "list total 1e400": lambda: lost_answer(replaced(total=1e400)),
    "list data 5": lambda: lost_answer(replaced(data=5)),
    "200,000 matching tasks": many_matches,
    "500 result URLs, n=1": many_urls,
    "four 8192x8192 results, n=4": big_images,
    "gzip when asked": lambda: gzip_downloads(False),
    "gzip always": lambda: gzip_downloads(True),
    "IMAGE 2 channels": painted(torch.rand(1, 300, 300, 2)),
    "IMAGE 0 channels": painted(torch.rand(1, 300, 300, 0)),
    "IMAGE 5-D": painted(torch.rand(1, 1, 300, 300, 3)),
    "IMAGE 5 channels": painted(torch.rand(1, 300, 300, 5)),
    "IMAGE with a NaN": painted(nan_image()),
    "IMAGE all +Inf": painted(torch.full((1, 300, 300, 3), math.inf)),
    "IMAGE int64": painted(torch.randint(0, 256, (1, 300, 300, 3))),
    "MASK [B,H,W,1]": painted(mask=channels_last_mask()),
    "MASK all Inf": painted(mask=torch.full((1, 300, 300), math.inf)),
    "prompt with a lone surrogate": painted(prompt="a \ud800 balloon"),
    "symlinked settings.json.lock": symlinked_lock,
    "API answer 307 to another host": redirect,
    "result URL http://169.254.169.254": result_host(lambda port: "http://169.254.169.254/latest/meta-data/"),
    "result URL https://127.0.0.1": result_host(lambda port: f"https://127.0.0.1:{port}/r.png"),
    "result URL https://2130706433 (=127.0.0.1)": result_host(lambda port: f"https://2130706433:{port}/r.png"),
}

COLUMNS = ("paid_requests", "tasks", "downloads", "error_chars", "peak_mb")


def run_one(name: str) -> dict[str, Any]:
    figures = CASES[name]()
    figures["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", help="run one case in this process and print its JSON line")
    parser.add_argument("--only", default="", help="run the cases whose name holds this text")
    args = parser.parse_args()
    if args.case:
        print("RESULT " + json.dumps(run_one(args.case)), flush=True)
        return
    print("| case | outcome | " + " | ".join(COLUMNS) + " | other |")
    print("|---|---|" + "---|" * (len(COLUMNS) + 1))
    for name in CASES:
        if args.only not in name:
            continue
        done = subprocess.run(
            [sys.executable, "-m", "bench.review_cases", "--case", name],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=900,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
        if not lines:
            tail = " ".join((done.stderr or done.stdout).split())[-160:]
            print(f"| {name} | crashed: {tail} |" + " |" * (len(COLUMNS) + 1), flush=True)
            continue
        figures = json.loads(lines[-1][7:])
        other = ", ".join(f"{k}: {v}" for k, v in figures.items() if k not in (*COLUMNS, "outcome"))
        cells = " | ".join(str(figures.get(column, "")) for column in COLUMNS)
        print(f"| {name} | {figures['outcome']} | {cells} | {other} |", flush=True)


if __name__ == "__main__":
    main()

"""The pure parts of the compatibility check (python -m tests.compat): arguments, the table, the input pictures.
The check itself needs a ComfyUI and a browser, so it is run by hand, never by the suite."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from tests.compat.__main__ import RENDERERS, parse_args
from tests.compat.report import Row, all_passed, markdown_table
from tests.compat.stack import ROOT, pictures_needed, template_names, write_pictures

GOOD = {
    "vueNodes": True,
    "templates": [{"name": "a", "loaded": True, "ran": True}, {"name": "b", "loaded": True, "ran": True}],
    "dialog": {"saved": True, "tested": True, "removed": True},
    "follow": {"ok": True},
    "status": {"ok": True},
    "pageErrors": [],
}


def test_arguments(tmp_path):
    (tmp_path / "main.py").write_text("")
    args = parse_args(["--comfyui", str(tmp_path), "--frontend", "1.58.1"])
    assert RENDERERS[args.renderer] == ["classic", "vue"]  # both by default
    assert parse_args(["--comfyui", str(tmp_path), "--frontend", "bundled", "--renderer", "vue"]).renderer == "vue"
    for bad in (["--frontend", "latest"], ["--frontend", "1.58.1", "--renderer", "dom"]):
        with pytest.raises(SystemExit):
            parse_args(["--comfyui", str(tmp_path), *bad])
    with pytest.raises(SystemExit):  # not a ComfyUI work tree
        parse_args(["--comfyui", str(tmp_path / "nowhere"), "--frontend", "1.23.4"])


def test_the_table_counts_and_names_what_failed():
    failed = json.loads(json.dumps(GOOD))
    failed["templates"][1] = {"name": "b", "loaded": True, "ran": False, "error": "DashScopeImgFlux: boom"}
    failed["dialog"]["tested"] = False
    failed["vueNodes"] = False
    rows = [Row("0.3.64", "1.58.1", "vue", GOOD), Row("0.3.45", "1.23.4", "vue", failed)]
    table = markdown_table(rows).splitlines()
    assert table[0].startswith("| ComfyUI | frontend | renderer |") and len(table) == 4
    assert table[2] == "| 0.3.64 | 1.58.1 | Nodes 2.0 | 2/2 | 2/2 | ok / ok / ok | ok | ok | 0 |"
    assert table[3] == "| 0.3.45 | 1.23.4 | Nodes 2.0 asked, classic drawn | 2/2 | 1/2 | ok / FAIL / ok | ok | ok | 0 |"
    assert rows[1].problems() == ["0.3.45 / 1.23.4 / Nodes 2.0 asked, classic drawn: b: DashScopeImgFlux: boom"]
    assert all_passed(rows[:1]) and not all_passed(rows) and not all_passed([])
    assert not all_passed([Row("0.3.64", "1.58.1", "classic", {**GOOD, "status": {}})])  # unchecked is no pass


def test_every_template_gets_a_picture_with_a_mask_and_texture(tmp_path):
    names = pictures_needed()
    loaded = {
        node["widgets_values"][0]
        for path in (ROOT / "example_workflows").glob("*.json")
        for node in json.loads(path.read_text(encoding="utf-8"))["nodes"]
        if node["type"] == "LoadImage"
    }
    assert set(names) == loaded and "example.png" in names
    assert len(template_names()) == len(list((ROOT / "example_workflows").glob("*.json")))
    write_pictures(names[:1], tmp_path)
    pixels = np.asarray(Image.open(tmp_path / names[0]))
    assert pixels.shape == (1024, 768, 4)
    transparent = pixels[..., 3] == 0  # LoadImage's MASK: the area to repaint, the garment to keep
    assert 0 < transparent.mean() < 0.2
    assert pixels[..., :3].std() > 8  # the emulator's face check refuses flat pictures

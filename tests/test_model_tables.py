"""The pack's model table (nodes/models) against the emulator's catalog (tests/emulator/catalog.py), field by field.

The two were written separately from the same official pages (../shared/official-reference.md), so a difference
is a mistake in one of them: fix the side that contradicts the official file. Each side gives a small normalised
summary (the pack's is built here, the catalog's by ``catalog.summary``), and every difference is listed at once.

A field one side lists and the other does not is allowed only when that side marks it as a guess (pack:
``not field.confirmed``; catalog: confidence "third-party" / "unconfirmed"). A result place the catalog marks
official must be read by the pack.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import submodule
from tests.emulator import catalog

# Rows the family helpers are filling in on their branches (issue 12): on this branch only wanx-v1 is complete.
# The lead empties this set when merging the family branches; a name left here is a row not yet compared.
PENDING_PACK_ROWS: set[str] = set()

NONE = catalog.NONE
PACK_TYPES = {"image": "string", "image[]": "string[]"}  # the pack marks image fields in the type; the catalog apart
COMPARED = ("type", "required", "enum", "low", "high", "max_length", "default")


def pack_summary(spec: Any) -> dict[str, Any]:
    """The pack row's view in the catalog summary's terms (see ``catalog.summary``)."""
    return {
        "facts": {
            "path": spec.path.rstrip("/"),
            "sync": spec.sync,
            "qps": float(spec.qps),
            "concurrency": spec.concurrency,
            "data_uri": spec.data_uri,
        },
        # A combined shape "path+companion+…" (see nodes/client/results.py) reads every one of its places.
        "results": {_result_place(place) for shape in spec.results for place in shape.split("+")},
        "results_confirmed": not spec.source("results").startswith("UNCONFIRMED"),
        "fields": {
            _path(f.path): {
                "confirmed": f.confirmed,
                "type": PACK_TYPES.get(f.type, f.type),
                "required": f.required,
                "enum": tuple(sorted(map(str, f.enum))) if f.enum is not None else NONE,
                "low": float(f.low) if f.low is not None else NONE,
                "high": float(f.high) if f.high is not None else NONE,
                "max_length": f.max_length if f.max_length is not None else NONE,
                "default": f.default if f.has_default else NONE,
            }
            for f in spec.fields
        },
    }


def _path(path: str) -> str:
    return path.replace("[0]", "[]")


def _result_place(place: str) -> str:
    return place.removeprefix("output.").removesuffix("[]")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool | str):
        return float(a) == float(b) and isinstance(b, bool) == isinstance(a, bool)
    return a == b


def disagreements(name: str, spec: Any) -> list[str]:
    """Every difference between one pack row and the catalog, one line each."""
    pack = pack_summary(spec)
    cat = catalog.summary(name, pack["facts"]["path"])
    if cat is None:
        where = "no such model" if catalog.find(name) is None else f"not served at {pack['facts']['path']}"
        return [f"{name}: the catalog has {where}"]
    out = []
    for fact, value in pack["facts"].items():
        expected, confidence = cat["facts"][fact]
        if not _same(value, expected):
            out.append(f"{name}: {fact} pack={value!r} catalog={expected!r} ({confidence})")
    for place, confidence in cat["results"].items():
        if place not in pack["results"] and confidence == catalog.OFFICIAL:
            out.append(f"{name}: results: the pack does not read the documented place {place}")
    for place in sorted(pack["results"] - set(cat["results"])):
        if pack["results_confirmed"]:
            out.append(f"{name}: results: the pack cites a place the catalog does not know: {place}")
    by_place = {place: path for path, f in cat["fields"].items() for place in f["places"]}
    matched = set()
    for path, field in pack["fields"].items():
        cat_path = by_place.get(path)
        inside = [p for p in cat["fields"] if p.startswith((path + ".", path + "[]"))]
        if cat_path is None and inside:
            matched.update(inside)  # the pack holds a whole object / list (e.g. input.messages) as one field
            continue
        if cat_path is None:
            if field["confirmed"]:
                out.append(f"{name}: {path}: in the pack (cited) but not in the catalog")
            continue
        matched.add(cat_path)
        expected = cat["fields"][cat_path]
        for key in COMPARED:
            if not _same(field[key], expected[key]):
                # Name the confidence of the catalog's fact itself: a limit may be weaker than its field.
                confidence = expected["confidence" if key in ("type", "required") else "limits_confidence"]
                out.append(f"{name}: {path}: {key} pack={field[key]!r} catalog={expected[key]!r} ({confidence})")
    for path, field in cat["fields"].items():
        if path not in matched and field["confidence"] == catalog.OFFICIAL:
            out.append(f"{name}: {path}: documented ({field['confidence']}) but missing from the pack")
    return out


def test_pack_table_and_emulator_catalog_agree(pack):
    models = submodule(pack, "nodes.models").MODELS
    found = [
        line for name, spec in models.items() if name not in PENDING_PACK_ROWS for line in disagreements(name, spec)
    ]
    assert not found, f"{len(found)} disagreements (fix the side that contradicts the official file):\n" + "\n".join(
        found
    )


def test_async_first_every_model_with_a_documented_async_protocol_uses_it(pack):
    """Issue 16: a paid image without a task id is lost when the connection drops. Where the catalog (written from
    the pages) knows an official asynchronous route for a model, the pack's row must be that route; a row that
    names a documented synchronous alternative (``sync_path``) must name one the catalog serves."""
    found = []
    for name, spec in submodule(pack, "nodes.models").MODELS.items():
        model = catalog.find(name)
        if model is None:
            continue  # reported by the comparison above
        documented_async = [r.path for r in model.routes if not r.sync and r.confidence == catalog.OFFICIAL]
        if spec.sync and documented_async:
            found.append(f"{name}: sync in the pack, but the page documents async at {documented_async}")
        if spec.sync_path:
            route = model.route(spec.sync_path)
            if route is None or not route.sync:
                found.append(f"{name}: sync_path {spec.sync_path} is not a synchronous route of the catalog")
    assert not found, "\n".join(found)


def test_pending_rows_name_models_of_the_pack(pack):
    # A stale name would silently skip nothing; keep the set honest.
    assert PENDING_PACK_ROWS <= set(submodule(pack, "nodes.models").MODELS)


def _row(path: str, page: str, results: tuple[str, ...], *fields: Any, sync: bool = False) -> Any:
    """A stand-in for a pack row (same attributes as ModelSpec), for testing the comparison itself."""
    from types import SimpleNamespace

    return SimpleNamespace(
        path=path,
        sync=sync,
        qps=2.0,
        concurrency=1,
        data_uri=False,
        results=results,
        source=lambda fact: page,
        fields=fields,
    )


def _field(path: str, type: str = "string", **kw: Any) -> Any:
    from types import SimpleNamespace

    base = dict(required=False, enum=None, low=None, high=None, max_length=None, has_default=False, confirmed=True)
    return SimpleNamespace(path=path, type=type, **{**base, **kw})


def test_the_comparison_catches_a_wrong_field():
    """A row that moves a field, drops a documented one and changes a range is reported on each count."""
    spec = _row(
        "/services/aigc/wordart/semantic",
        "https://help.aliyun.com/zh/model-studio/word-transformer-api",
        ("results[].png_url",),
        _field("input.text", required=True),
        _field("input.font_name"),
        _field("parameters.steps", "integer", low=10, high=50, default=30, has_default=True),
    )
    found = "\n".join(disagreements("wordart-semantic", spec))
    assert "input.font_name: in the pack (cited) but not in the catalog" in found
    assert "parameters.steps: high pack=50.0 catalog=100.0" in found
    assert "input.prompt: documented (official) but missing from the pack" in found
    assert "results[].svg_url" not in found  # third-party in the catalog: the pack may leave it out


def test_a_pack_field_holding_a_whole_list_covers_the_documented_parts():
    spec = _row(
        "/services/aigc/multimodal-generation/generation",
        "https://help.aliyun.com/zh/model-studio/qwen-image-api",
        ("choices[].message.content[].image",),
        _field("input.messages", "array", required=True),
        sync=True,
    )
    found = "\n".join(disagreements("qwen-image-max", spec))
    assert "input.messages" not in found and "parameters.size: documented (official)" in found


def test_a_combined_result_shape_covers_each_of_its_places():
    """'output_image_url+output_vis_image_url' (client.results syntax) reads both documented places."""
    spec = _row(
        "/services/aigc/image2image/image-synthesis",
        "https://help.aliyun.com/zh/model-studio/image-instance-segmentation-api-reference",
        ("output_image_url+output_vis_image_url",),
        _field("input.image_url", required=True),
    )
    assert disagreements("image-instance-segmentation", spec) == []
    spec.results = ("output_image_url",)
    assert disagreements("image-instance-segmentation", spec) == [
        "image-instance-segmentation: results: the pack does not read the documented place output_vis_image_url"
    ]

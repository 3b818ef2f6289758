"""The capability helpers on their own: reference pictures in order (references), boxes from painted masks
(regions), colour palettes from text or a picture (palette), modes of a row, and dated snapshots of a listed model."""

from __future__ import annotations

import pytest
import torch

from tests.conftest import submodule


@pytest.fixture
def regions(pack):
    return submodule(pack, "nodes.regions")


@pytest.fixture
def palette(pack):
    return submodule(pack, "nodes.palette")


def _check(pack):
    return submodule(pack, "nodes.validation").Check("Test Node")


def _painted(height: int, width: int, *boxes: tuple[int, int, int, int]) -> torch.Tensor:
    """A MASK with white rectangles [x1, y1, x2, y2) (x2, y2 one past the last pixel)."""
    mask = torch.zeros(height, width)
    for x1, y1, x2, y2 in boxes:
        mask[y1:y2, x1:x2] = 1.0
    return mask


def test_two_painted_regions_become_two_boxes_with_exact_coordinates(regions):
    mask = _painted(120, 200, (120, 30, 180, 90), (10, 20, 50, 60))
    assert regions.boxes(mask) == [[10, 20, 50, 60], [120, 30, 180, 90]]  # top to bottom, then left to right


def test_regions_touching_at_a_corner_are_one_region_and_soft_edges_count_from_one_half(regions):
    mask = _painted(50, 50, (0, 0, 10, 10), (10, 10, 20, 20))  # diagonal neighbours: one brush stroke
    mask[30, 30], mask[40, 40] = 0.49, 0.5
    assert regions.boxes(mask) == [[0, 0, 20, 20], [40, 40, 41, 41]]


def test_a_u_shape_is_one_region_and_an_empty_mask_none(regions):
    u_shape = _painted(40, 40, (0, 0, 5, 30), (30, 0, 35, 30), (0, 30, 35, 35))  # the arms meet only at the bottom
    assert regions.boxes(u_shape) == [[0, 0, 35, 35]]
    assert regions.boxes(torch.zeros(64, 64)) == []
    assert regions.boxes(torch.ones(3, 5)) == [[0, 0, 5, 3]]


def test_bbox_list_has_one_entry_per_picture_in_picture_order(pack, regions):
    references = submodule(pack, "nodes.references")
    first, second = torch.rand(2, 100, 200, 3), torch.rand(1, 60, 80, 3)
    pictures = references.gather([("image", first), ("image_2", second)])
    masks = torch.stack([_painted(100, 200, (1, 2, 3, 4)), _painted(100, 200)])  # one mask per item of image
    found = regions.bbox_list(_check(pack), [("bbox", masks), ("bbox_2", None)], pictures)
    assert found == [[[1, 2, 3, 4]], [], []]
    blank = torch.zeros(1, 64, 64)  # LoadImage's mask of a picture without alpha: no boxes, whatever its size
    assert regions.bbox_list(_check(pack), [("bbox", None), ("bbox_2", blank)], pictures) is None


def test_a_painted_mask_must_have_its_pictures_size_and_its_picture(pack, regions):
    references = submodule(pack, "nodes.references")
    client = submodule(pack, "nodes.client")
    pictures = references.gather([("image", torch.rand(1, 100, 200, 3))])
    with pytest.raises(client.InputError, match=r"'bbox' is 100x50 px but image \(picture 1\) is 200x100"):
        regions.bbox_list(_check(pack), [("bbox", _painted(50, 100, (0, 0, 5, 5)))], pictures)
    with pytest.raises(client.InputError, match="'bbox_2' is connected but image_2 is not"):
        regions.bbox_list(_check(pack), [("bbox_2", _painted(100, 200, (0, 0, 5, 5)))], pictures)


def test_ratios_are_two_decimal_percentages_adding_up_to_exactly_100(palette):
    for weights in ([1, 1, 1], [5, 3, 2], [7, 11, 13, 17, 19, 23, 29], [1, 999_999, 3]):
        shares = palette.ratios(weights)
        assert all(s.endswith("%") and len(s.split(".")[1]) == 3 for s in shares)
        assert sum(round(float(s[:-1]) * 100) for s in shares) == 10000, shares
    assert palette.ratios([1, 1, 1]) == ["33.34%", "33.33%", "33.33%"]


def test_a_palette_from_text(pack, palette):
    parse = palette.parse_palette
    assert parse(_check(pack), "color_palette", "#c0392b 40%, #F1C40F 35%; #2C3E50 25%") == [
        {"hex": "#C0392B", "ratio": "40.00%"},
        {"hex": "#F1C40F", "ratio": "35.00%"},
        {"hex": "#2C3E50", "ratio": "25.00%"},
    ]
    assert [c["ratio"] for c in parse(_check(pack), "color_palette", "#111111\n#222222\n#333333")] == [
        "33.34%",
        "33.33%",
        "33.33%",
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("#C0392B 40%, #F1C40F 35%, #2C3E50 20%", "adding up to 95%"),
        ("#C0392B 40%, red 60%", "colour 2 is 'red 60%'"),
        ("#C0392B 40%, #F1C40F, #2C3E50 60%", "some colours only"),
    ],
)
def test_a_bad_palette_text_names_the_problem(pack, palette, text, words):
    client = submodule(pack, "nodes.client")
    with pytest.raises(client.InputError, match="input 'color_palette'") as caught:
        palette.parse_palette(_check(pack), "color_palette", text)
    assert words in str(caught.value)


def test_a_palette_read_from_a_picture_with_known_colour_areas(palette):
    picture = torch.zeros(100, 100, 3)
    picture[:50] = torch.tensor([192, 57, 43]) / 255  # half
    picture[50:80] = torch.tensor([241, 196, 15]) / 255  # 30 %
    picture[80:] = torch.tensor([44, 62, 80]) / 255  # 20 %
    expected = [
        {"hex": "#C0392B", "ratio": "50.00%"},
        {"hex": "#F1C40F", "ratio": "30.00%"},
        {"hex": "#2C3E50", "ratio": "20.00%"},
    ]
    assert palette.extract_palette(picture, 5) == expected  # fewer colours in the picture than asked for
    assert palette.extract_palette(picture, 3) == expected
    assert palette.extract_palette(picture.clone(), 3) == expected  # the same pixels, the same palette


def test_a_large_photo_gives_the_asked_number_of_colours_adding_up_to_100(palette):
    torch.manual_seed(3)
    photo = torch.rand(1500, 900, 3)
    found = palette.extract_palette(photo, 7)
    assert len(found) == 7 and len({c["hex"] for c in found}) == 7
    assert sum(round(float(c["ratio"][:-1]) * 100) for c in found) == 10000
    assert found == palette.extract_palette(photo, 7)


def test_a_row_reads_differently_in_each_use(pack):
    models = submodule(pack, "nodes.models")
    pro = models.MODELS["wan2.7-image-pro"]
    assert pro.field("n").high == 12 and "4K" in pro.field("size").size.presets  # the union of every use
    text, edit, image_set = (pro.in_mode(mode) for mode in ("text", "edit", "enable_sequential"))
    assert text.field("n").high == 4 and "4K" in text.field("size").size.presets
    assert edit.field("n").high == 4 and "4K" not in edit.field("size").size.presets
    assert not edit.has_field("thinking_mode") and pro.no_effect("edit") == ("thinking_mode",)
    assert image_set.field("n").high == 12 and not image_set.has_field("color_palette")
    assert models.MODELS["wan2.6-image"].in_mode("text").field("image").required  # editing only: pictures needed


def test_a_dated_snapshot_takes_its_familys_row_under_its_own_name(pack):
    models = submodule(pack, "nodes.models")
    edits = [models.MODELS[name] for name in ("qwen-image-edit-plus", "qwen-image-edit-max")]
    snapshot = models.snapshot_of("qwen-image-edit-plus-2025-12-15", edits)
    family = models.MODELS["qwen-image-edit-plus"]
    assert snapshot.name == "qwen-image-edit-plus-2025-12-15" and snapshot.fields == family.fields
    assert snapshot.path == family.path and snapshot.sync == family.sync and not models.is_confirmed(snapshot.page)
    assert (
        models.snapshot_of("qwen-image-edit-max-2026-01-16", edits).fields
        == models.MODELS["qwen-image-edit-max"].fields
    )
    for name in ("qwen-image-edit-plus-2025-13-45", "qwen-image-edit-plus-latest", "qwen-image-edit-2025-12-15"):
        assert models.snapshot_of(name, edits) is None, name

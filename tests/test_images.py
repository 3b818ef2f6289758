"""Tensor <-> image conversion: shapes, exact round trips, binary masks, alpha, batches."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from tests.conftest import submodule


@pytest.fixture
def images(pack):
    return submodule(pack, "nodes.images")


def test_png_round_trip_is_exact(images):
    torch.manual_seed(0)
    img = torch.randint(0, 256, (37, 53, 3), dtype=torch.uint8).float() / 255.0
    encoded = images.encode_image(img, lossless=True)
    assert encoded.ext == "png" and (encoded.width, encoded.height) == (53, 37)
    rgb, alpha = images.decode_image(encoded.data)
    assert alpha is None
    assert torch.equal(rgb, img)


def test_photo_encoding_is_jpeg_and_close(images):
    img = torch.linspace(0, 1, 64 * 64 * 3).reshape(64, 64, 3)
    encoded = images.encode_image(img)
    assert encoded.ext == "jpg" and encoded.data[:2] == b"\xff\xd8"
    rgb, _ = images.decode_image(encoded.data)
    assert (rgb - img).abs().mean() < 0.02


def test_mask_is_exactly_binary_and_same_size(images):
    mask = torch.zeros(40, 60)
    mask[10:30, 20:50] = 1.0
    mask[10, 20] = 0.49  # anti-aliased edge values must not leak through as grey
    mask[11, 21] = 0.51
    encoded = images.encode_mask(mask)
    pil = Image.open(io.BytesIO(encoded.data))
    assert pil.mode == "L" and pil.size == (60, 40)
    values = np.asarray(pil)
    assert set(np.unique(values).tolist()) == {0, 255}
    assert values[10, 20] == 0 and values[11, 21] == 255 and values[15, 25] == 255 and values[0, 0] == 0


def test_rgba_result_splits_into_image_and_alpha(images):
    rgba = np.zeros((8, 10, 4), dtype=np.uint8)
    rgba[..., 0] = 200
    rgba[2:6, 3:7, 3] = 255
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, "PNG")
    rgb, alpha = images.decode_image(buffer.getvalue())
    assert rgb.shape == (8, 10, 3) and alpha.shape == (8, 10)
    assert alpha[3, 4] == 1.0 and alpha[0, 0] == 0.0
    assert torch.allclose(rgb[..., 0], torch.full((8, 10), 200 / 255))


def test_rgba_encoding_keeps_alpha(images):
    img = torch.rand(16, 16, 3)
    alpha = torch.zeros(16, 16)
    alpha[4:12, 4:12] = 1
    encoded = images.encode_rgba(img, alpha)
    pil = Image.open(io.BytesIO(encoded.data))
    assert pil.mode == "RGBA" and np.asarray(pil)[..., 3][5, 5] == 255 and np.asarray(pil)[..., 3][0, 0] == 0


def test_batches_and_shapes(images):
    assert images.image_batch(torch.rand(5, 6, 3)).shape == (1, 5, 6, 3)
    assert images.mask_batch(torch.rand(5, 6)).shape == (1, 5, 6)
    assert images.mask_batch(torch.rand(2, 1, 5, 6)).shape == (2, 5, 6)
    stacked = images.batch_images([torch.rand(10, 20, 3), torch.rand(5, 10, 3)])
    assert stacked.shape == (2, 10, 20, 3), "other sizes are resized to the first image's size"


def test_corrupt_and_huge_images_are_refused(images):
    with pytest.raises(ValueError):
        images.decode_image(b"definitely not an image")
    # A PNG header that declares 30000 x 30000 pixels: refused before decoding the pixels.
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    with pytest.raises(ValueError, match="larger than"):
        images.decode_image(png)

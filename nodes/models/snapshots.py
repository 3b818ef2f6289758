"""Dated snapshots: ``<a listed model>-YYYY-MM-DD`` (e.g. qwen-image-edit-plus-2025-12-15) is that model frozen on
a date. The service serves it under its own name with its family's protocol, so the pack calls it through the
family's row, renamed; that it behaves exactly like the family is UNCONFIRMED (no page lists the snapshots' fields)."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from collections.abc import Iterable, Mapping

from .schema import ModelSpec, unconfirmed

_DATED = re.compile(r"^(?P<family>.+)-(?P<date>\d{4}-\d{2}-\d{2})$")
EXAMPLE = "qwen-image-edit-plus-2025-12-15"


def snapshot_of(name: str, family: Iterable[ModelSpec], speaks: Mapping[str, str] | None = None) -> ModelSpec | None:
    """The row of the listed model ``name`` is a dated snapshot of, under ``name``; None for anything else.
    ``speaks`` names a model whose snapshots use another row's protocol (a page that documents a protocol for the
    plain name only)."""
    match = _DATED.match(name.strip())
    if match is None:
        return None
    try:
        _dt.date.fromisoformat(match["date"])
    except ValueError:
        return None
    rows = {spec.name: spec for spec in family}
    like = rows.get((speaks or {}).get(match["family"], match["family"]))
    if like is None:
        return None
    guessed = unconfirmed(
        f"{match[0]} is a dated snapshot of {match['family']}: the protocol of {like.name} is assumed"
    )
    # Its own price is not known; its family's lifecycle (and successor) is the best guess for it.
    return dataclasses.replace(like, name=match[0], page=guessed, price_cny=None, sources={})

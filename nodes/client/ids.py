"""Ids that go into URL paths (task ids, FaceChain job ids) must be plain tokens.

They come from users (a node's job_id) or from the service's answers, and both are untrusted: an id like
``../uploads?x#`` would turn a poll into a request, with the key, to another endpoint. So every id is checked
before it becomes part of a path.
"""

from __future__ import annotations

import re

from .errors import DashScopeError

_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


class BadIdError(DashScopeError):
    hint = "An id may only hold letters, digits, '-' and '_'; nothing was sent."


def is_plain_id(value: object) -> bool:
    return isinstance(value, str) and bool(_ID.fullmatch(value))


def checked_id(kind: str, value: str) -> str:
    """``value`` unchanged when it is a plain id; otherwise a clear error, raised before any request."""
    if is_plain_id(value):
        return value
    shown = repr(value)[:60]
    raise BadIdError(f"The {kind} {shown} is not a valid id.", code="BadId")

"""Placeholder: nodes of this family are being written."""

NODES: list[type] = []

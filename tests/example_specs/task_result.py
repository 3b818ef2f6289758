"""Example workflow of the DashScope Task Result node (fetches existing tasks; creates none)."""

from __future__ import annotations

EXAMPLES = {
    "task_result_from_journal": {
        "nodes": {
            "fetch": (
                "DashScopeImgTaskResult",
                {"source": "the last N tasks of this journal", "last_n": 1},
            ),
            "save": ("SaveImage", {"filename_prefix": "dashscope/fetched"}),
        },
        "links": [("fetch", "images", "save", "images")],
    },
}

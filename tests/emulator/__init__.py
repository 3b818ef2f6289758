"""A local DashScope emulator: a real HTTP server on 127.0.0.1 that speaks the wire protocol of
../shared/dashscope-api.md for the endpoints the pack uses, so tests (and users without a key) can run
workflows offline.

Three listeners, as at the real service: the API ({BASE} = http://127.0.0.1:<port>/api/v1), the temporary
storage host (getPolicy's upload_host) and the result host. Results are images filled with a colour that is
a pure function of the request, so a test can tell results apart and check what was sent. Every request is
recorded, and faults can be injected (throttling, 5xx, dropped connections, answers lost after the task was
created, failed / suspended / partial / endless tasks, broken, slow or gzip-encoded downloads, slow uploads, hostile
answers), and its clock can run ahead of or behind the client's (``clock_offset``: its Date header and every time
it reports).
Strict by default: a field the model's official page does not document, or one in the wrong place, is refused
with 400 InvalidParameter (catalog.py, strict.py).
"""

from __future__ import annotations

from .service import Emulator, RecordedRequest, ResultRecord, TaskRecord

__all__ = ["Emulator", "RecordedRequest", "ResultRecord", "TaskRecord"]

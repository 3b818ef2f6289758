"""The attacker's server for the attack page: records every request (method, path, Authorization present?) as
one JSON line, and answers 200. Never prints the Authorization value itself, only its length and first chars.

    python tests/attack_page/sink.py PORT LOGFILE
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Sink(BaseHTTPRequestHandler):
    def _record(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization") or ""
        entry = {"method": self.command, "path": self.path, "authorization": f"{auth[:10]}… ({len(auth)} chars)"}
        with open(sys.argv[2], "a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")
        body = b'{"output": {"task_status": "UNKNOWN"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_OPTIONS = _record

    def log_message(self, *args) -> None:
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()

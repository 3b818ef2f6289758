"""TCP keepalive for the one request that waits in silence: a synchronous generation.

A model with no asynchronous protocol answers only when its images are made, so its connection carries no byte for
a minute or more. A NAT gateway or proxy that drops idle connections (many do after 60-350 s) would then cut it and
the paid image would be lost: a synchronous call has no task id to fetch it by. Keepalive probes every
``INTERVAL`` seconds after ``IDLE`` seconds of silence keep such middleboxes from forgetting the connection.

Only the synchronous call uses a session with this adapter (``Transport.api(keepalive=True)``); every other request
keeps the plain shared session, so the options cannot change anything else. Options a platform lacks are left out.
"""

from __future__ import annotations

import socket
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection

IDLE = 30  # seconds of silence before the first probe: under the shortest common NAT idle timeout (60 s)
INTERVAL = 15  # seconds between probes
COUNT = 4  # unanswered probes before the connection counts as dead (then the call fails as ambiguous)


def keepalive_options() -> list[tuple[int, int, int]]:
    """urllib3's defaults (TCP_NODELAY) plus SO_KEEPALIVE and the timing options this platform has and accepts."""
    wanted = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    # Linux and Windows name the idle time TCP_KEEPIDLE; macOS names it TCP_KEEPALIVE.
    idle = getattr(socket, "TCP_KEEPIDLE", None) or getattr(socket, "TCP_KEEPALIVE", None)
    for name, value in ((idle, IDLE), (getattr(socket, "TCP_KEEPINTVL", None), INTERVAL)):
        if name is not None:
            wanted.append((socket.IPPROTO_TCP, name, value))
    if hasattr(socket, "TCP_KEEPCNT"):
        wanted.append((socket.IPPROTO_TCP, socket.TCP_KEEPCNT, COUNT))
    return list(HTTPConnection.default_socket_options) + _accepted(wanted)


def _accepted(options: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The options a socket of this system takes: an option the OS refuses would fail every connection (urllib3
    sets them while connecting), so it is left out instead."""
    kept = []
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        for option in options:
            try:
                probe.setsockopt(*option)
            except OSError:
                continue
            kept.append(option)
    return kept


class KeepAliveAdapter(HTTPAdapter):
    """An adapter whose connections (direct or through a proxy) carry the keepalive options."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["socket_options"] = keepalive_options()
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        proxy_kwargs["socket_options"] = keepalive_options()
        return super().proxy_manager_for(proxy, **proxy_kwargs)

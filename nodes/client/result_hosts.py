"""Which hosts a result URL may send the pack to.

A result URL comes from the service's answer, and an answer can be wrong or forged (a hostile base URL a user was
talked into, a compromised proxy, a bug). Fetching it must not let it reach what only this machine can reach: a
cloud metadata service at 169.254.169.254, a router's admin page, a database on localhost. So a download goes only
to a globally routable address over https. Plain http, and private, loopback, link-local, multicast, reserved or
unspecified addresses, are allowed only while the base URL itself is loopback (the local emulator, whose result
host is http://127.0.0.1).

The address is checked twice: the URL's host when it is an IP literal (refused before any connection), and the
address the socket actually connected to, so a host name that resolves to a refused address, or re-resolves to one
between a check and the connection ("DNS rebinding"), is refused too, before a byte is sent. Through a proxy
(``HTTPS_PROXY``) the proxy makes the connection, so only the first check applies there.

The API key never goes to a result host (``Transport.plain_request`` sends no DashScope header).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .settings import is_loopback_host
from .transport import shared_session


class BlockedHostError(Exception):
    """A result URL names, or its host name led to, an address the pack does not download from.

    Not an OSError on purpose: urllib3 would take it for a network failure and retry it."""


def address_problem(address: str) -> str:
    """Why a result download may not go to this IP address, e.g. "169.254.169.254, a link-local address" ("" when
    it may)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address[:60]!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_multicast or not ip.is_global:
        kind = next(
            (
                name
                for name, flag in (
                    ("loopback", ip.is_loopback),
                    ("link-local", ip.is_link_local),
                    ("multicast", ip.is_multicast),
                    ("unspecified", ip.is_unspecified),
                    ("private", ip.is_private),
                )
                if flag
            ),
            "not publicly routable",
        )
        return f"{ip}, a {kind} address"
    return ""


def url_problem(url: str, local_allowed: bool) -> str:
    """Why a result URL may not be fetched, judged on the URL alone ("" when it may be tried)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return f"its scheme is {parts.scheme[:20]!r}, not http(s)"
    if parts.scheme == "http" and not (local_allowed and is_loopback_host(host)):
        return "it is plain http; results are fetched over https only"
    if local_allowed:
        return ""
    if host == "localhost" or host.endswith(".localhost"):
        return "it names localhost"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return ""  # a host name: judged on the address it connects to
    problem = address_problem(host)
    return f"it names {problem}" if problem else ""


def _check_peer(sock: socket.socket) -> None:
    try:
        address = str(sock.getpeername()[0])
    except OSError:
        return  # not connected after all: the request fails on its own
    problem = address_problem(address)
    if problem:
        sock.close()
        raise BlockedHostError(f"its host name led to {problem}")


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _check_peer(sock)
        return sock


class _GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:  # before the TLS handshake: not even a ClientHello goes out
        sock = super()._new_conn()
        _check_peer(sock)
        return sock


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


def guarded_session() -> requests.Session:
    """The pooled session for result downloads, whose connections are refused when they reach a non-public
    address."""
    return shared_session(_GuardedAdapter)

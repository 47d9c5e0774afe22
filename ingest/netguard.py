"""Refuse connections to non-public addresses, at connect time (SSRF protection).

A check on the URL alone is not enough: a public name can resolve to 127.0.0.1 (or be re-bound
between a check and the connection), and a public page can redirect to an internal address. So
the check lives in the urllib3 connection itself: each new connection resolves its host once,
refuses if any address is not public, then connects to exactly the addresses it checked (no second
lookup to re-bind), and checks the peer it actually reached. Every redirect hop, retry and
reconnect makes a new connection through the same path.

`is_public_address` is the policy; tests may swap it to treat the local test server as public.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError

from ingest.errors import BlockedAddress

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

_ALLOW_HINT = "set KB_ALLOW_PRIVATE_NETWORK=1 if you mean to read from your own network"


def blocked_reason(address: str) -> str | None:
    """Why `address` is not a public internet address, or None when it is."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv4-mapped (::ffff:a.b.c.d), 6to4 (2002:aabb:ccdd::) and NAT64 (64:ff9b::a.b.c.d)
        # reach an IPv4 host: judge that host.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            inner = blocked_reason(str(embedded))
            return f"{inner} (embedded in {ip})" if inner else None
    checks = (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
    )
    for name, hit in checks:
        if hit:
            return name
    if not ip.is_global:
        return "non-global"  # shared address space (100.64/10), documentation ranges, ...
    return None


def is_public_address(address: str) -> bool:
    return blocked_reason(address) is None


def resolve_public(host: str, port: int) -> list[str]:
    """Resolve `host` and return its addresses, refusing if any of them is not public.

    All answers must pass: an attacker who controls DNS could otherwise mix one internal address
    into a public set and win the connection race.
    """
    infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if not is_public_address(address):
            where = f"{host} is" if host == address else f"{host} resolves to {address},"
            raise BlockedAddress(
                f"{where} a {blocked_reason(address)} address; refusing to connect ({_ALLOW_HINT})"
            )
        if address not in addresses:
            addresses.append(address)
    return addresses


class _PeerGuard:
    """Mixin for urllib3 connections: resolve, check, connect to the checked address, re-check."""

    _dns_host: str
    host: str
    port: int

    def _new_conn(self) -> socket.socket:
        hostname = self._dns_host
        try:
            addresses = resolve_public(hostname, self.port)
        except socket.gaierror as e:
            # Reported as urllib3 would; never fall back to urllib3's own lookup, which would
            # connect to whatever a second answer says.
            raise NameResolutionError(hostname, self, e) from e  # type: ignore[arg-type]
        last_error: BaseException | None = None
        for address in addresses:
            # urllib3 connects to `_dns_host`; pointing it at the checked address pins the
            # connection to it. `host` (used for SNI and certificate checks) derives from it, so
            # it is restored before TLS starts.
            self._dns_host = address
            try:
                sock: socket.socket = super()._new_conn()  # type: ignore[misc]
            except ConnectTimeoutError as e:  # also urllib3's NewConnectionError
                last_error = e
                continue
            finally:
                self._dns_host = hostname
            _check_peer(sock, hostname)
            return sock
        assert last_error is not None
        raise last_error


def _check_peer(sock: socket.socket, hostname: str) -> None:
    peer = str(sock.getpeername()[0])
    if not is_public_address(peer):
        sock.close()
        raise BlockedAddress(
            f"{hostname}: connected to {peer}, a {blocked_reason(peer)} address; refused ({_ALLOW_HINT})"
        )


class GuardedHTTPConnection(_PeerGuard, HTTPConnection):
    pass


class GuardedHTTPSConnection(_PeerGuard, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


def pool_classes(allow_private: bool) -> dict[str, Any]:
    """urllib3 `pool_classes_by_scheme` for a PoolManager with or without the guard."""
    if allow_private:
        return {"http": HTTPConnectionPool, "https": HTTPSConnectionPool}
    return {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}

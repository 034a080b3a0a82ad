"""Where a webhook may point (SSRF): http(s) only, the allow-list, and no loopback,
private, link-local or reserved address unless WEBHOOK_ALLOW_PRIVATE.

The address is checked where it matters, on the connection itself: the host is
resolved, every address it has is checked, and the socket connects to a checked
address (TLS still verifies the name), so a DNS answer that changes between a check
and the connect (rebinding) cannot reach an internal service. Redirects are never
followed: a 3xx is a failed attempt like any other non-2xx.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from flask_babel import gettext as _
from requests.adapters import HTTPAdapter
from urllib3 import connection as u3conn
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError


class Refused(Exception):
    """A target this installation does not send to; the message says why."""


def _host_allowed(host: str, allowed: list[str]) -> bool:
    if not allowed:
        return True
    for entry in allowed:
        entry = entry.lower().strip()
        if entry.startswith("*.") and host.endswith(entry[1:]):
            return True
        if host == entry:
            return True
    return False


def _address_allowed(ip: str, allow_private: bool) -> bool:
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return allow_private or (addr.is_global and not addr.is_multicast)


def check_url(url: str, *, allowed_hosts: list[str], allow_private: bool) -> str:
    """The URL's host name when the URL may be a target, else ``Refused``. No DNS here:
    this also runs in requests; addresses are checked when connecting."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused(_("This is not a valid address.")) from None
    if parts.scheme not in ("http", "https"):
        raise Refused(_("Only http and https addresses can receive webhooks."))
    host = (parts.hostname or "").lower()
    if not host or parts.username is not None or parts.password is not None:
        raise Refused(_("The address needs a host name and no user name or password."))
    if port == 0:
        raise Refused(_("This is not a valid address."))
    if not _host_allowed(host, allowed_hosts):
        raise Refused(_("Webhooks cannot point to this host (WEBHOOK_ALLOWED_HOSTS)."))
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if (literal is not None and not _address_allowed(str(literal), allow_private)) or (
            not allow_private and (host == "localhost" or host.endswith(".localhost"))):
        raise Refused(_("Webhooks cannot point to a private or loopback address."))
    return host


def _resolve(host: str, port: int, allow_private: bool) -> list[tuple]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Refused(f"cannot resolve {host}: {exc}") from None  # logged, not shown
    # Any internal address refuses the host: a name that also resolves inside is a probe.
    if not infos or any(not _address_allowed(info[4][0], allow_private) for info in infos):
        raise Refused(f"{host} resolves to a private or loopback address")
    return infos


def _guarded(base: type, allow_private: bool) -> type:
    class Guarded(base):
        def _new_conn(self) -> socket.socket:
            error: Exception | None = None
            for family, kind, proto, _name, address in _resolve(self._dns_host, self.port,
                                                                 allow_private):
                sock = socket.socket(family, kind, proto)
                try:
                    sock.settimeout(self.timeout)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    sock.connect(address)
                    return sock
                except TimeoutError:
                    sock.close()
                    error = ConnectTimeoutError(self, f"connecting to {self.host} timed out")
                except OSError as exc:
                    sock.close()
                    error = NewConnectionError(self, f"cannot connect to {self.host}: {exc}")
            raise error

    return Guarded


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, allow_private: bool):
        self._allow_private = allow_private
        super().__init__(pool_connections=16, pool_maxsize=4, max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        plain = type("GuardedPool", (HTTPConnectionPool,), {
            "ConnectionCls": _guarded(u3conn.HTTPConnection, self._allow_private)})
        tls = type("GuardedTLSPool", (HTTPSConnectionPool,), {
            "ConnectionCls": _guarded(u3conn.HTTPSConnection, self._allow_private)})
        self.poolmanager.pool_classes_by_scheme = {"http": plain, "https": tls}


def http_session(allow_private: bool) -> requests.Session:
    """A session that connects only to permitted addresses, ignores proxy and netrc
    settings from the environment, and keeps connections alive between deliveries."""
    session = requests.Session()
    session.trust_env = False
    adapter = _GuardedAdapter(allow_private)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session

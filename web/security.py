"""Security headers per path, the client address behind trusted proxies, and a cap
on request body size (pure ASGI).

This module is the one owner of security headers: the gateway's pages and API get
`gateway_headers`, the staff console (`/console/*`) always gets `console_headers`
(never framed, whatever `CRS_FRAME_ANCESTORS` says), and every HTTPS response gets
HSTS. It is also the one place that decides who the client is (`TrustedProxies`),
for the chat rate limit, the console's sign-in limit and HTTPS detection.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
HSTS = "max-age=31536000; includeSubDomains"
CONSOLE_PREFIX = "/console"
IPV6_CLIENT_PREFIX = 64


# -- who the client is ---------------------------------------------------------


def parse_networks(spec: str | Iterable[str]) -> tuple[IPNetwork, ...]:
    """IPs or CIDRs, comma/space-separated (``"10.0.0.0/8, 192.168.1.5"``).

    Raises ValueError on an entry that is neither.
    """
    items = spec.replace(",", " ").split() if isinstance(spec, str) else list(spec)
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def parse_address(value: str) -> IPAddress | None:
    """An IP from a peer or X-Forwarded-For entry (``1.2.3.4``, ``1.2.3.4:80``,
    ``[::1]:80``, ``::ffff:1.2.3.4``), or None when it is not one."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


class TrustedProxies:
    """The proxies whose X-Forwarded-For / X-Forwarded-Proto headers are believed.

    The client is the direct peer unless the peer is a trusted proxy; then
    X-Forwarded-For is read from the right, skipping trusted proxies, and the first
    untrusted address is the client (the right-most address a trusted proxy added;
    anything to its left was written by the client and is ignored).
    """

    def __init__(self, spec: str | Iterable[str] = "") -> None:
        self.networks = parse_networks(spec)

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, value: str | None) -> bool:
        address = parse_address(value) if value else None
        return address is not None and any(address in network for network in self.networks)

    def client(self, peer: str | None, forwarded_for: str) -> str:
        """The client address given the direct peer and the X-Forwarded-For value."""
        if not self.trusts(peer):
            return peer or "unknown"
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self.trusts(hop):
                return _normal(hop)
        return _normal(hops[0]) if hops else peer or "unknown"

    def is_https(self, scheme: str, peer: str | None, forwarded_proto: str) -> bool:
        """True for an HTTPS request, or one a trusted proxy says came over HTTPS."""
        if scheme in ("https", "wss"):
            return True
        if not self.trusts(peer):
            return False
        nearest = forwarded_proto.split(",")[-1].strip().lower()
        return nearest in ("https", "wss")


def _normal(hop: str) -> str:
    address = parse_address(hop)
    return str(address) if address is not None else hop[:64]


def _peer(scope: Scope) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None


def _joined(headers: Headers, name: str) -> str:
    return ",".join(headers.getlist(name))


def scope_client(scope: Scope, proxies: TrustedProxies) -> str:
    return proxies.client(_peer(scope), _joined(Headers(scope=scope), "x-forwarded-for"))


def scope_is_https(scope: Scope, proxies: TrustedProxies) -> bool:
    headers = Headers(scope=scope)
    return proxies.is_https(scope.get("scheme", "http"), _peer(scope), _joined(headers, "x-forwarded-proto"))


def client_address(connection: HTTPConnection, proxies: TrustedProxies) -> str:
    """The client's address for rate limits (see `TrustedProxies.client`)."""
    return scope_client(connection.scope, proxies)


def network_key(address: str) -> str:
    """The rate-limit bucket of a client address: an IPv4 address itself, an IPv6 address's
    /64 (what one subscriber is given: its 2^64 addresses are one client)."""
    parsed = parse_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed.packed, IPV6_CLIENT_PREFIX), strict=False))
    return str(parsed) if parsed is not None else address[:64]


def client_network(connection: HTTPConnection, proxies: TrustedProxies) -> str:
    """The client's rate-limit bucket (`network_key` of `client_address`)."""
    return network_key(client_address(connection, proxies))


def is_https(connection: HTTPConnection, proxies: TrustedProxies) -> bool:
    return scope_is_https(connection.scope, proxies)


# -- headers -------------------------------------------------------------------


def content_security_policy(frame_ancestors: str) -> str:
    """A strict CSP: only the gateway's own files, no inline script or style."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


_COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def security_headers(frame_ancestors: str) -> dict[str, str]:
    """The parents' page, widget files and chat API: framable by `frame_ancestors`."""
    return {"Content-Security-Policy": content_security_policy(frame_ancestors), **_COMMON}


def widget_module_headers(frame_ancestors: str) -> dict[str, str]:
    """The widget's ES modules: public files any site may load (browsers fetch module scripts
    with CORS), so a page embedding the widget always shows it with its emergency text; the
    chat API itself answers only the origins in CRS_ALLOWED_ORIGINS."""
    return {**security_headers(frame_ancestors), "Access-Control-Allow-Origin": "*"}


def console_headers() -> dict[str, str]:
    """The staff console: never framed, never cached, no script at all."""
    return {
        "Content-Security-Policy": (
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'"
        ),
        **_COMMON,
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
    }


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


class SecurityHeadersMiddleware:
    """Adds the path's security headers to every HTTP response, errors included.

    ``default`` applies unless a ``by_prefix`` entry matches the path (longest
    prefix first); HTTPS responses also get HSTS; `/api/` answers are not cached.
    The gateway maps ``/console`` to `console_headers`; the console app wraps
    itself with ``default=console_headers()`` too, so it is safe served alone.
    """

    def __init__(
        self,
        app: ASGIApp,
        default: Mapping[str, str],
        by_prefix: Mapping[str, Mapping[str, str]] | None = None,
        trusted_proxies: TrustedProxies | None = None,
    ) -> None:
        self.app = app
        self.default = dict(default)
        self.by_prefix = sorted((by_prefix or {}).items(), key=lambda item: -len(item[0]))
        self.proxies = trusted_proxies or TrustedProxies()

    def headers_for(self, scope: Scope) -> dict[str, str]:
        path = scope.get("path", "")
        chosen = next((h for prefix, h in self.by_prefix if _under(path, prefix)), self.default)
        headers = dict(chosen)
        if _under(path, "/api"):
            headers["Cache-Control"] = "no-store"
        if scope_is_https(scope, self.proxies):
            headers["Strict-Transport-Security"] = HSTS
        return headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chosen = self.headers_for(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in chosen.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass(frozen=True)
class BodyCap:
    """A path prefix's own body cap, and the plain-text answer to a body over it."""

    max_bytes: int
    message: str


class BodySizeLimitMiddleware:
    """Answers 413 to any request body over `max_bytes`, declared or streamed.

    The body (at most the cap) is read before the app runs, so an oversized
    chunked upload is refused before any route sees it. A ``by_prefix`` entry
    (longest prefix first) gives a path its own `BodyCap`, e.g. the console's forms,
    whose largest valid note is bigger than a chat message.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, by_prefix: Mapping[str, BodyCap] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.by_prefix = sorted((by_prefix or {}).items(), key=lambda item: -len(item[0]))

    def cap_for(self, scope: Scope) -> BodyCap | None:
        path = scope.get("path", "")
        return next((cap for prefix, cap in self.by_prefix if _under(path, prefix)), None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        cap = self.cap_for(scope)
        max_bytes = self.max_bytes if cap is None else cap.max_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
            await self._reject(send, cap)
            return

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > max_bytes:
                await self._reject(send, cap)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {
                    "type": "http.request",
                    "body": b"".join(chunks),
                    "more_body": False,
                }
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, send: Send, cap: BodyCap | None = None) -> None:
        if cap is None:
            message = "That request is too large. Please send a shorter message."
            error = {"error": {"code": "request_too_large", "message": message}}
            body, kind = json.dumps(error).encode(), b"application/json"
        else:
            body, kind = cap.message.encode(), b"text/plain; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

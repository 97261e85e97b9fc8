"""The web app's guards: bind rules, the token, CSRF, body limits, headers and rate limits.

- A server bound to anything but loopback needs a token (``check_bind``). Without a token it
  answers only to loopback names in ``Host`` (``LOOPBACK_HOSTS``), so a web page that rebinds its
  own name to 127.0.0.1 cannot reach it. With a token set,
  every request but the login page and the static files must carry it, as
  ``Authorization: Bearer <token>`` or as the session cookie the login page sets (an HMAC of
  the token under a random secret of this start of the server, never the token itself).
  Tokens are compared in constant time (``hmac.compare_digest``).
- State-changing HTML forms carry a CSRF token that must equal the ``reemud_csrf`` cookie
  (double submit); the JSON API takes only ``application/json`` bodies, which a page of another
  site cannot send without a CORS preflight this server never grants, and a request whose
  ``Origin`` is another site's is refused.
- Bodies over ``max_body_bytes`` are refused (413): by their stated length before they are
  read, or, sent without a length, as soon as they pass it.
- Every response carries a content security policy (scripts from this server only, no inline
  script), ``nosniff``, no framing and no referrer.
- Job submissions are limited per client (``RateLimiter``: a sliding window of one minute).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Mapping

from starlette.requests import cookie_parser

from reemud.errors import ReemudError

CSRF_COOKIE = "reemud_csrf"
SESSION_COOKIE = "reemud_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
TOKEN_ENV = "REEMUD_TOKEN"
"""The environment variable ``reemud serve`` reads the token from when ``--token`` is not given."""

MIN_TOKEN_CHARS = 16
"""Shortest token accepted (``secrets.token_urlsafe(16)`` gives 22 characters)."""

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
"""The content security policy of every response. Scripts come from this server only and no
inline script runs; inline *styles* are allowed because plotly.js styles its own elements."""

HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
"""Security headers added to every response."""

OPEN_PATHS = ("/login", "/static/", "/static-vendor/")
"""Paths served without the token (the login form, and scripts and styles that hold no data)."""


class BindError(ReemudError):
    """``reemud serve`` was asked to bind where it must not, or without what it needs."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse a non-loopback bind without a token, and a token too short to guess slowly."""
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise BindError(f"the token must have at least {MIN_TOKEN_CHARS} characters (it has "
                        f"{len(token)}); make one with: python -c 'import secrets; "
                        "print(secrets.token_urlsafe(24))'")
    if not is_loopback(host) and token is None:
        raise BindError(f"refusing to serve on {host}: it is not loopback, and anyone who can "
                        f"reach it could run jobs and read every stored run; give --token (or "
                        f"set {TOKEN_ENV}) to require a token, or bind to 127.0.0.1")


SESSION_MAX_AGE_S = 12 * 3600
"""How long a login lasts in the browser [s]; a restart of the server ends every login too."""

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
"""The ``Host`` names a server without a token answers to (DNS rebinding is refused)."""


def session_value(token: str, secret: bytes, issued: int | None = None) -> str:
    """The session cookie's value: the time of login and an HMAC of it and the token.

    The HMAC is under this server's random secret, so the cookie never holds the token, and a
    cookie of another server (or of an earlier start of this one) is worth nothing here.
    """
    issued = int(time.time()) if issued is None else issued
    mac = hmac.new(secret, f"reemud-session:{issued}:".encode() + token.encode("utf-8"),
                   hashlib.sha256).hexdigest()
    return f"{issued}.{mac}"


def session_ok(cookie: str, token: str, secret: bytes, now: float | None = None) -> bool:
    """Whether a session cookie is this server's, for this token, and younger than its age."""
    issued, _, _ = cookie.partition(".")
    if not secret or not issued.isdigit() or len(issued) > 12:
        return False
    age = (time.time() if now is None else now) - int(issued)
    if not 0 <= age <= SESSION_MAX_AGE_S:
        return False
    return hmac.compare_digest(cookie.encode("utf-8"),
                               session_value(token, secret, int(issued)).encode("utf-8"))


def host_ok(host_header: str, allowed: tuple[str, ...]) -> bool:
    """Whether a request's ``Host`` (name and optional port) names one of ``allowed``."""
    host = host_header.strip().lower()
    if host.startswith("["):  # [::1]:8000
        name = host[1:].split("]", 1)[0]
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name in allowed


def token_ok(token: str | None, headers: Mapping[str, str], cookies: Mapping[str, str],
             secret: bytes = b"") -> bool:
    """Whether a request carries the token (bearer header or session cookie); constant time."""
    if token is None:
        return True
    auth = headers.get("authorization", "")
    scheme, _, given = auth.partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode("utf-8"),
                                                          token.encode("utf-8")):
        return True
    return session_ok(cookies.get(SESSION_COOKIE, ""), token, secret)


def csrf_ok(cookie: str | None, given: str | None) -> bool:
    """Whether a form's CSRF token equals the cookie's (both present); constant time."""
    if not cookie or not given:
        return False
    return hmac.compare_digest(cookie.encode("utf-8"), given.encode("utf-8"))


def new_csrf() -> str:
    """A fresh CSRF token."""
    return secrets.token_urlsafe(24)


def problem_body(status: int, title: str, detail: str, **extra) -> bytes:
    """An RFC 9457 problem document."""
    return json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail,
                       **extra}).encode("utf-8")


class RateLimiter:
    """At most ``per_minute`` events per client in any 60 s window (thread-safe)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str, now: float | None = None) -> float:
        """Count one event of ``client``; 0 if allowed, else the seconds until one would be."""
        now = time.monotonic() if now is None else now
        with self._lock:
            seen = self._seen.setdefault(client, deque())
            while seen and now - seen[0] >= 60.0:
                seen.popleft()
            if len(seen) >= self.per_minute:
                return max(60.0 - (now - seen[0]), 0.001)
            seen.append(now)
            if len(self._seen) > 10_000:  # forget clients idle for a minute
                for key in [k for k, v in self._seen.items() if not v or now - v[-1] >= 60.0]:
                    del self._seen[key]
            return 0.0


class Guard:
    """ASGI middleware: body limit, token, foreign origins, the CSRF cookie and the headers."""

    def __init__(self, app, *, token: str | None, max_body_bytes: int, secret: bytes,
                 hosts: tuple[str, ...] = LOOPBACK_HOSTS) -> None:
        self.app, self.token, self.max_body_bytes = app, token, max_body_bytes
        self.secret, self.hosts = secret, tuple(h.lower() for h in hosts)

    async def __call__(self, scope, receive, send):
        """Refuse what must be refused; add the headers and the CSRF cookie to the rest."""
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        cookies = cookie_parser(headers.get("cookie", ""))
        path = scope["path"]
        csrf = cookies.get(CSRF_COOKIE) or new_csrf()
        scope.setdefault("state", {})["csrf"] = csrf
        extra = [] if CSRF_COOKIE in cookies else [(b"set-cookie", (
            f"{CSRF_COOKIE}={csrf}; Path=/; SameSite=Strict; HttpOnly").encode("latin-1"))]

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                added = [(k.encode(), v.encode()) for k, v in HEADERS.items()
                         if k.encode() not in have]
                message = {**message, "headers": [*message.get("headers", []), *added, *extra]}
            await send(message)

        refusal = self._refusal(scope, headers, cookies, path)
        if refusal is not None:
            await self._refuse(send_with_headers, *refusal)
            return
        if headers.get("content-length") is None and scope["method"] not in ("GET", "HEAD"):
            body = await self._read_limited(receive)
            if body is _GONE:  # the client left before its body was whole: nothing to answer
                return
            if body is None:
                await self._refuse(send_with_headers, 413, "Request body too large",
                                   f"the body must be at most {self.max_body_bytes:,} bytes", [])
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send_with_headers)

    async def _refuse(self, send, status, title, detail, more) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/problem+json"), *more]})
        await send({"type": "http.response.body", "body": problem_body(status, title, detail)})

    async def _read_limited(self, receive) -> bytes | None:
        """A body sent without a length, read whole; ``None`` once it passes the limit.

        ``_GONE`` if the client disconnects first: a body cut short is never taken as whole.
        """
        parts, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return _GONE
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            parts.append(chunk)
            if not message.get("more_body", False):
                return b"".join(parts)

    def _refusal(self, scope, headers, cookies, path):
        if self.token is None and not host_ok(headers.get("host", ""), self.hosts):
            return (421, "Unknown host", f"this server answers to {', '.join(self.hosts)} "
                    f"only (the request named {headers.get('host', 'none')!r}); without a "
                    "token it refuses other names, so that no web page can reach it by a name "
                    "of its own (DNS rebinding)", [])
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            return (413, "Request body too large", f"the body must be at most "
                    f"{self.max_body_bytes:,} bytes (it has {length}); a scenario needs a few "
                    "thousand", [])
        method = scope["method"]
        origin = headers.get("origin")
        if method not in ("GET", "HEAD", "OPTIONS") and origin and origin != "null":
            host = headers.get("host", "")
            if origin.split("://", 1)[-1] != host:
                return (403, "Foreign origin", f"a request from {origin} may not change this "
                        f"server's state (it serves {host})", [])
        if self.token is not None and not path.startswith(OPEN_PATHS) and not token_ok(
                self.token, headers, cookies, self.secret):
            accept = headers.get("accept", "")
            if method == "GET" and "text/html" in accept:
                query = scope.get("query_string", b"").decode("latin-1")
                target = path + (f"?{query}" if query else "")
                return (303, "Token needed", "log in first",
                        [(b"location", f"/login?next={_quote(target)}".encode("latin-1"))])
            return (401, "Token needed", "this server needs its token: send "
                    "'Authorization: Bearer <token>' or log in at /login",
                    [(b"www-authenticate", b'Bearer realm="reemud"')])
        return None


_GONE = b"\x00gone"  # a sentinel object, compared by identity


def _replay(body: bytes, receive):
    """A ``receive`` that gives the body read ahead once, then the client's own messages."""
    sent = [False]

    async def replay():
        if not sent[0]:
            sent[0] = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _quote(target: str) -> str:
    from urllib.parse import quote

    return quote(target, safe="")


def safe_next(target: str | None) -> str:
    """Where the login page may send the user on: a path of this server, else ``/``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target

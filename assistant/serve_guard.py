"""The web app's front door: one ASGI layer outside everything Gradio serves.

Gradio leaves several routes open when login is on (`/gradio_api/heartbeat`, `/reset`, `/cancel`,
`/stream/…`, FastAPI's `/openapi.json`), reflects any `Origin` with credentials when the host is not
loopback, accepts a cross-site form POST into its upload folder and lets a client try passwords as
fast as it can send them. This layer, wrapped around Gradio's own middleware stack, closes each:

- **Same origin only.** A request carrying an `Origin` that is not the app's own (scheme-less
  host:port equal to the `Host` header) is refused when it would change anything (any method but
  GET/HEAD) and for CORS preflights; a GET from elsewhere is answered without any
  `Access-Control-Allow-*` header, so the browser hides the answer from that page.
- **Login everywhere.** With login on, only the login page, its static files, `POST /login` and the
  one-shot `startup-events` call Gradio itself makes answer without Gradio's login cookie; every other
  path gets the same 401 Gradio gives for `/config`.
- **Login backoff.** After `free` wrong passwords from one client address or for one user name,
  further tries are refused with 429 and a Chinese message for 1 s, 2 s, 4 s … (at most
  `cap_s`), without checking the password; a right password resets both counts.
- **Upload only with a session.** The app's page sets an HttpOnly, SameSite=Strict cookie; an
  upload without a cookie the server issued is refused (403), so a page on another site cannot
  drop files into `<home>/app-uploads` (a browser never sends a Strict cookie cross-site).

Behind a reverse proxy that rewrites `Host`, same-origin requests look foreign and every client
shares the proxy's address for the backoff; run the proxy so it keeps `Host`.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import OrderedDict
from typing import Awaitable, Callable, Optional
from urllib.parse import urlsplit

Scope = dict
Message = dict
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "jixiao-session"
MAX_LOGIN_BODY = 64 * 1024
SAFE_METHODS = {"GET", "HEAD"}
OPEN_PATHS = {"/", "/favicon.ico", "/robots.txt", "/manifest.json", "/theme.css", "/gradio_api/theme.css",
              "/pwa_icon", "/gradio_api/startup-events"}
OPEN_PREFIXES = ("/assets/", "/static/", "/svelte/", "/pwa_icon/")
LOGIN_PATHS = {"/login", "/login/"}
UPLOAD_PATHS = {"/gradio_api/upload", "/gradio_api/upload/", "/upload", "/upload/"}


class BoundedSet:
    """Issued tokens, oldest forgotten past `limit` (memory stays bounded under a flood)."""

    def __init__(self, limit: int = 50_000) -> None:
        self._items: OrderedDict[str, None] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def add(self, item: str) -> None:
        with self._lock:
            self._items[item] = None
            while len(self._items) > self._limit:
                self._items.popitem(last=False)

    def __contains__(self, item: object) -> bool:
        with self._lock:
            return item in self._items


class LoginLimiter:
    """Exponential backoff after `free` failures, per key ("ip:…", "user:…")."""

    def __init__(self, free: int = 5, base_s: float = 1.0, cap_s: float = 900.0,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self.free, self.base_s, self.cap_s, self.clock = free, base_s, cap_s, clock
        self._state: OrderedDict[str, tuple[int, float]] = OrderedDict()  # key -> (failures, locked until)
        self._max_keys = max_keys
        self._lock = threading.Lock()

    def wait_s(self, keys: list[str]) -> float:
        """Seconds until every key may try again (0 when none is locked)."""
        now = self.clock()
        with self._lock:
            return max([0.0] + [self._state[k][1] - now for k in keys if k in self._state])

    def failed(self, keys: list[str]) -> None:
        now = self.clock()
        with self._lock:
            for k in keys:
                n, _ = self._state.pop(k, (0, 0.0))
                n += 1
                until = now + min(self.cap_s, self.base_s * 2 ** (n - self.free)) if n >= self.free else 0.0
                self._state[k] = (n, until)
            while len(self._state) > self._max_keys:
                self._state.popitem(last=False)

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for k in keys:
                self._state.pop(k, None)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    from starlette.requests import cookie_parser

    return cookie_parser(headers.get("cookie", ""))


def same_origin(headers: dict[str, str]) -> bool:
    """True without an Origin (not a cross-site browser request) or when Origin's host:port is Host."""
    origin = headers.get("origin")
    if origin is None:
        return headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")
    u = urlsplit(origin)
    if u.scheme not in ("http", "https") or not u.hostname:
        return False  # "null" (sandboxed frames, file pages) and anything odd
    port = u.port or (443 if u.scheme == "https" else 80)
    host = headers.get("host", "")
    h = urlsplit("//" + host)
    try:
        hport = h.port or (443 if u.scheme == "https" else 80)
    except ValueError:
        return False
    return (h.hostname or "").lower() == u.hostname.lower() and hport == port


async def _answer(send: Send, status: int, body: dict | str, extra: Optional[list[tuple[bytes, bytes]]] = None) -> None:
    data = (json.dumps(body, ensure_ascii=False) if isinstance(body, dict) else body).encode("utf-8")
    ctype = b"application/json" if isinstance(body, dict) else b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(data)).encode())] + (extra or [])})
    await send({"type": "http.response.body", "body": data})


async def _drain(receive: Receive) -> None:
    """Read what is left of a refused request's body, so the connection stays usable."""
    while True:
        msg = await receive()
        if msg["type"] != "http.request" or not msg.get("more_body"):
            return


class Guard:
    """ASGI wrapper; `logged_in(scope, cookies)` says whether Gradio knows the login cookie."""

    def __init__(self, app: ASGIApp, *, login: bool, auth_message: str,
                 logged_in: Callable[[Scope, dict[str, str]], bool],
                 limiter: Optional[LoginLimiter] = None, sessions: Optional[BoundedSet] = None) -> None:
        self.app, self.login, self.auth_message, self.logged_in = app, login, auth_message, logged_in
        self.limiter = limiter or LoginLimiter()
        self.sessions = sessions or BoundedSet()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        method = scope.get("method", "GET").upper()
        path = scope.get("path", "/")
        foreign = not same_origin(headers)
        if scope["type"] == "websocket":
            if foreign or (self.login and not self.logged_in(scope, _cookies(headers))):
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if foreign and method not in SAFE_METHODS:
            await _drain(receive)
            await _answer(send, 403, {"detail": "跨站请求已拒绝：只接受本应用自己页面发出的请求"})
            return
        cookies = _cookies(headers)
        if self.login and not self._open(method, path) and not self.logged_in(scope, cookies):
            await _drain(receive)
            await _answer(send, 401, {"detail": {"error": "Not authenticated", "auth_message": self.auth_message}})
            return
        if method == "POST" and path in UPLOAD_PATHS and cookies.get(SESSION_COOKIE) not in self.sessions:
            await _drain(receive)
            await _answer(send, 403, {"detail": "上传已拒绝：没有有效会话，请先在浏览器中打开本应用的页面"})
            return
        if method == "POST" and path in LOGIN_PATHS and self.login:
            await self._login(scope, receive, send, headers)
            return
        new_session = None
        if method in SAFE_METHODS and path == "/" and cookies.get(SESSION_COOKIE) not in self.sessions:
            new_session = secrets.token_urlsafe(24)
            self.sessions.add(new_session)
        await self.app(scope, receive, self._wrap_send(send, foreign, new_session))

    def _open(self, method: str, path: str) -> bool:
        if path in LOGIN_PATHS:
            return method == "POST"
        return method in SAFE_METHODS and (path in OPEN_PATHS or path.startswith(OPEN_PREFIXES))

    @staticmethod
    def _wrap_send(send: Send, foreign: bool, new_session: Optional[str]) -> Send:
        if not foreign and new_session is None:
            return send

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                hs = [(k, v) for k, v in message.get("headers", [])
                      if not (foreign and k.lower().startswith(b"access-control-"))]
                if new_session is not None:
                    hs.append((b"set-cookie", f"{SESSION_COOKIE}={new_session}; HttpOnly; SameSite=Strict; Path=/".encode()))
                message = dict(message, headers=hs)
            await send(message)

        return wrapped

    async def _login(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]) -> None:
        """Refuse a locked client or user before the password is looked at; count the outcome."""
        body = b""
        while True:
            msg = await receive()
            if msg["type"] != "http.request":
                return
            body += msg.get("body", b"")
            if len(body) > MAX_LOGIN_BODY:
                if msg.get("more_body"):
                    await _drain(receive)
                await _answer(send, 413, {"detail": "登录请求过大"})
                return
            if not msg.get("more_body"):
                break
        user = await _form_user(scope, body)
        client = (scope.get("client") or ("?", 0))[0]
        keys = [f"ip:{client}"] + ([f"user:{user}"] if user else [])
        wait = self.limiter.wait_s(keys)
        if wait > 0:
            secs = max(1, int(wait + 0.999))
            await _answer(send, 429, {"detail": f"登录失败次数过多，请 {secs} 秒后再试"},
                          [(b"retry-after", str(secs).encode())])
            return
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, _replay(body), watch)
        if status and status[0] == 200:
            self.limiter.succeeded(keys)
        elif status and status[0] in (400, 401):
            self.limiter.failed(keys)


def _replay(body: bytes) -> Receive:
    """A `receive` that hands over the already-read `body` once, then reports a disconnect."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _form_user(scope: Scope, body: bytes) -> str:
    """The `username` field of a urlencoded or multipart login form ('' when unreadable)."""
    from starlette.requests import Request

    try:
        form = await Request(dict(scope), _replay(body)).form()
        return str(form.get("username") or "").strip()[:200]
    except Exception:  # a malformed form: Gradio answers it; the client address still counts
        return ""

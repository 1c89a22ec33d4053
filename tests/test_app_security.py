"""The app over plain HTTP: no file outside the upload folder is served, whatever the spelling
of the path; uploads over 20 MB are refused; with login on (required off loopback) nothing
but the login page answers without it, and that page does not leak the corpus.

`jixiao serve` runs as a real process on a free port, as in tests/test_ui_browser.py.
Gradio 6 serves files at /gradio_api/file=PATH (and the older /gradio_api/file/PATH); the
upload route is POST /gradio_api/upload.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO

pytest.importorskip("gradio", reason="Gradio is not installed (pip install 'jixiao[app]')")
httpx = pytest.importorskip("httpx")

USER, PASSWORD = "alice", "s3cret-密码"
LIMIT = 20 * 2**20
ALL = "（全部）"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(home: Path, *args: str) -> Iterator[str]:
    port = _free_port()
    log_path = home.parent / f"serve-{port}.log"
    env = dict(os.environ, JIXIAO_HOME=str(home), GRADIO_ANALYTICS_ENABLED="False")
    env.pop("GRADIO_TEMP_DIR", None)
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port), *args],
                                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail("jixiao serve exited:\n" + log_path.read_text())
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    proc.kill()
                    pytest.fail("jixiao serve did not start:\n" + log_path.read_text())
                time.sleep(0.5)
        try:
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base URL, home) of `jixiao serve` on loopback without login (the sample corpus ingested)."""
    home = tmp_path_factory.mktemp("sechome") / "home"
    stale = home / "app-uploads" / "0123abcd" / "stale.txt"  # left by an earlier run, two days old
    stale.parent.mkdir(parents=True)
    stale.write_text("old upload\n")
    os.utime(stale, (time.time() - 2 * 86400,) * 2)
    for url in _serve(home):
        yield url, home


@pytest.fixture(scope="module")
def served_auth(tmp_path_factory):
    """(base URL, home) of `jixiao serve --host 0.0.0.0 --auth …`, reached through 127.0.0.1."""
    home = tmp_path_factory.mktemp("authhome") / "home"
    for url in _serve(home, "--host", "0.0.0.0", "--auth", f"{USER}:{PASSWORD}"):
        yield url, home


def _raw_get(base: str, path: str) -> tuple[int, bytes]:
    """GET with the path sent exactly as written (httpx and browsers collapse '../')."""
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _upload(client, base: str, name: str, data: bytes, **kw):
    return client.post(base + "/gradio_api/upload", files={"files": (name, data)}, timeout=120, **kw)


def _page(client, base: str):
    """Open the app's page as a browser does: it sets the session cookie uploads need."""
    r = client.get(base + "/")
    assert r.status_code == 200 and "jixiao-session" in client.cookies, r.headers
    return r


# --- downloads: nothing outside the upload folder --------------------------------------------


def test_an_uploaded_file_is_served_back(served):
    base, home = served
    with httpx.Client() as c:
        _page(c, base)
        r = _upload(c, base, "legit.txt", "项目名称：测试\n".encode())
        assert r.status_code == 200, r.text
        (path,) = r.json()
        assert Path(path).resolve().is_relative_to((home / "app-uploads").resolve())
        got = c.get(base + "/gradio_api/file=" + path)
    assert got.status_code == 200 and got.content == "项目名称：测试\n".encode()


def _targets(home: Path, upload: str) -> dict[str, str]:
    """name → path to ask for; each exists on disk and must not be served."""
    up = Path(upload).parent  # <home>/app-uploads/<hash>/
    return {
        "etc-passwd": "/etc/passwd",
        "proc-environ": "/proc/self/environ",
        "repo-pyproject": str(REPO / "pyproject.toml"),
        "cwd-relative": "pyproject.toml",
        "store": str(home / "corpus.sqlite3"),
        "index-manifest": str(home / "index" / "manifest.json"),
        "dotdot-from-uploads": f"{home}/app-uploads/../corpus.sqlite3",
        "dotdot-from-upload-dir": f"{up}/../../corpus.sqlite3",
        "encoded-dots": f"{home}/app-uploads/%2e%2e/corpus.sqlite3",
        "encoded-slash": f"{home}/app-uploads/..%2fcorpus.sqlite3",
        "all-encoded": "%2e%2e%2f" * 12 + "etc%2fpasswd",
        "relative-dotdot": "../" * 12 + "etc/passwd",
        "backslashes": "..%5c" * 12 + "etc%5cpasswd",
        "double-slash": "//etc/passwd",
        "nul-suffix": "/etc/passwd%00.txt",
        "file-url": "file:///etc/passwd",
        "upload-folder-itself": f"{home}/app-uploads/",
    }


@pytest.fixture(scope="module")
def uploaded(served) -> str:
    base, _ = served
    with httpx.Client() as c:
        _page(c, base)
        r = _upload(c, base, "anchor.txt", b"anchor\n")
    assert r.status_code == 200, r.text
    return r.json()[0]


@pytest.mark.parametrize("route", ["/gradio_api/file=", "/gradio_api/file/", "/file="])
@pytest.mark.parametrize("target", list(_targets(Path("/h"), "/h/app-uploads/x/a.txt")))
def test_files_outside_the_upload_folder_are_refused(served, uploaded, route, target):
    base, home = served
    path = _targets(home, uploaded)[target]
    status, body = _raw_get(base, route + path)
    assert 400 <= status < 500, (status, body[:200])
    for secret in (b"root:", b"SQLite format", b"[project]", b"store_ids", b"PATH="):
        assert secret not in body


def test_the_database_exists_where_the_refused_paths_point(served):
    """The refusals above are not just 'file not found': the targets are real files."""
    _, home = served
    assert (home / "corpus.sqlite3").stat().st_size > 0 and (home / "index" / "manifest.json").exists()
    assert (REPO / "pyproject.toml").exists()


# --- uploads -------------------------------------------------------------------------------


def test_upload_over_the_limit_is_refused(served):
    base, home = served
    with httpx.Client() as c:
        _page(c, base)
        over = _upload(c, base, "too-big.txt", b"x" * (LIMIT + 1))
        at = _upload(c, base, "at-limit.txt", b"y" * LIMIT)
    assert over.status_code == 413 and "maximum allowed size" in over.text
    assert at.status_code == 200
    assert not list((home / "app-uploads").rglob("too-big.txt"))


def test_upload_names_cannot_place_files_outside(served):
    base, home = served
    uploads = (home / "app-uploads").resolve()
    with httpx.Client() as c:
        _page(c, base)
        escaping = _upload(c, base, "../../escape.txt", b"escape\n")
        absolute = _upload(c, base, str(home / "absolute.txt"), b"absolute\n")
        control = _upload(c, base, "ctl\x1b[31m\x07name.txt", b"control\n")
        dots = _upload(c, base, "..", b"dots\n")
    for r in (escaping, absolute, control):
        assert r.status_code == 200, r.text
        (path,) = r.json()
        assert Path(path).resolve().parent.parent == uploads, path
        assert not any(ord(ch) < 32 for ch in path)
    assert dots.status_code == 400
    assert not (home / "escape.txt").exists() and not (home.parent / "escape.txt").exists()
    assert not (home / "absolute.txt").exists()


# --- login -----------------------------------------------------------------------------------


def _unit_names(home: Path) -> list[str]:
    db = sqlite3.connect(home / "corpus.sqlite3")
    try:
        return [u for (u,) in db.execute("SELECT DISTINCT unit FROM filings") if u]
    finally:
        db.close()


def test_without_login_only_the_login_page_answers(served_auth):
    base, home = served_auth
    with httpx.Client(timeout=60) as c:
        for method, path in [("GET", "/config"), ("GET", "/gradio_api/info"), ("GET", "/gradio_api/info?all_endpoints=true"),
                             ("POST", "/gradio_api/queue/join"), ("POST", "/gradio_api/call/do_search"),
                             ("POST", "/gradio_api/run/predict"), ("GET", "/gradio_api/file=" + str(home / "corpus.sqlite3"))]:
            r = c.request(method, base + path, json={} if method == "POST" else None)
            assert r.status_code == 401, (path, r.status_code, r.text[:200])
            assert "请输入 jixiao 的用户名和密码" in r.text
        r = _upload(c, base, "refused-upload.txt", b"x")
        assert r.status_code == 401
    assert not list(home.rglob("refused-upload.txt"))


def test_the_login_page_does_not_leak_the_corpus(served_auth):
    """Gradio embeds its API description in the page served before login; with login on,
    `jixiao serve` marks the events private so the dropdown choices (unit names) stay out."""
    base, home = served_auth
    units = _unit_names(home)
    assert len(units) > 3
    for path in ("/", "/?all_endpoints=true"):
        page = httpx.get(base + path, timeout=60).text
        assert "auth_required" in page
        assert [u for u in units if u in page] == [], path
        assert "检索词" not in page


def test_wrong_password_is_refused(served_auth):
    base, _ = served_auth
    with httpx.Client(timeout=60) as c:
        r = c.post(base + "/login", data={"username": USER, "password": "wrong"})
        assert r.status_code == 400 and not c.cookies
        assert c.get(base + "/config").status_code == 401


def _search_over_queue(c, base: str, query: str) -> dict:
    """Run the search button's event the way the browser does (queue/join, then the event stream)."""
    cfg = c.get(base + "/config").json()
    dep = next(d for d in cfg["dependencies"] if d.get("api_name") == "do_search")
    session = secrets.token_hex(6)
    r = c.post(base + "/gradio_api/queue/join", json={
        "data": [query, ALL, ALL, ALL, ALL, "", ALL], "event_data": None, "fn_index": dep["id"],
        "trigger_id": dep["targets"][0][0], "session_hash": session,
    })
    assert r.status_code == 200, r.text
    with c.stream("GET", base + "/gradio_api/queue/data", params={"session_hash": session}) as s:
        for line in s.iter_lines():
            if line.startswith("data:"):
                msg = json.loads(line[5:])
                if msg.get("msg") == "process_completed":
                    return msg
    raise AssertionError("no answer")


def test_after_login_the_app_works(served_auth):
    base, home = served_auth
    with httpx.Client(timeout=120) as c:
        r = c.post(base + "/login", data={"username": USER, "password": PASSWORD})
        assert r.status_code == 200 and r.json().get("success")
        cfg = c.get(base + "/config")
        assert cfg.status_code == 200 and "检索词" in cfg.text
        _page(c, base)
        up = _upload(c, base, "mine.txt", b"mine\n")
        assert up.status_code == 200
        (path,) = up.json()
        assert c.get(base + "/gradio_api/file=" + path).content == b"mine\n"
        assert c.get(base + "/gradio_api/file=/etc/passwd").status_code == 403  # logged in changes nothing there
        msg = _search_over_queue(c, base, "满意度")
    assert msg["success"] and "jx-hit" in json.dumps(msg["output"], ensure_ascii=False)
    # the same file without the login cookie
    assert httpx.get(base + "/gradio_api/file=" + path, timeout=60).status_code == 401


# --- issue 14, round 2: same origin, login on every route, backoff, upload sessions ----------

EVIL = "http://evil.example"


def test_cross_site_page_cannot_upload(served):
    """Finding: a page on another site could POST files into <home>/app-uploads (no session,
    any origin). Now an upload needs the page's SameSite=Strict session cookie, and any
    state-changing request from a foreign Origin is refused."""
    base, home = served
    with httpx.Client() as c:
        bare = _upload(c, base, "cross-site-1.txt", b"x\n")  # no page visited: no session
        with httpx.Client(cookies={"jixiao-session": "made-up"}) as f:
            forged = _upload(f, base, "cross-site-2.txt", b"x\n")
        _page(c, base)
        from_evil = _upload(c, base, "cross-site-3.txt", b"x\n", headers={"Origin": EVIL})
        same = _upload(c, base, "same-site.txt", b"x\n", headers={"Origin": base})
    assert bare.status_code == 403 and "会话" in bare.json()["detail"]
    assert forged.status_code == 403
    assert from_evil.status_code == 403 and "跨站" in from_evil.json()["detail"]
    assert same.status_code == 200, same.text
    assert not list((home / "app-uploads").rglob("cross-site-*"))


def test_upload_folder_is_cleaned_at_start(served):
    """Finding: <home>/app-uploads was never cleaned. serve runs the cleaner at start (and every
    10 minutes): the two-day-old upload planted before start is gone, a fresh one stays."""
    base, home = served
    with httpx.Client() as c:
        _page(c, base)
        (path,) = _upload(c, base, "fresh.txt", b"fresh\n").json()
    deadline = time.monotonic() + 20
    while (home / "app-uploads" / "0123abcd").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not (home / "app-uploads" / "0123abcd").exists()
    assert Path(path).read_bytes() == b"fresh\n"


def _acao(r) -> list[str]:
    return [k for k in r.headers if k.lower().startswith("access-control-allow")]


@pytest.mark.parametrize("which", ["loopback", "public"])
def test_cors_only_for_the_apps_own_origin(served, served_auth, which):
    """Finding: off loopback Gradio reflected any Origin with credentials (and on loopback any
    localhost port). Now no Access-Control-Allow-* header goes to another origin, preflights
    from it are refused, and the app's own origin still works."""
    base, _ = served if which == "loopback" else served_auth
    with httpx.Client(timeout=60) as c:
        if which == "public":
            assert c.post(base + "/login", data={"username": USER, "password": PASSWORD}).status_code == 200
        for origin in (EVIL, "null", "http://localhost:1", "http://127.0.0.1:1"):
            pre = c.options(base + "/gradio_api/queue/join", headers={
                "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
            assert pre.status_code == 403 and not _acao(pre), (origin, pre.headers)
            got = c.get(base + "/config", headers={"Origin": origin})
            assert not _acao(got), (origin, got.headers)
            posted = c.post(base + "/gradio_api/queue/join", json={}, headers={"Origin": origin})
            assert posted.status_code == 403 and not _acao(posted)
        own = c.get(base + "/config", headers={"Origin": base})
    assert own.status_code == 200 and "检索词" in own.text


OPEN_BEFORE = [("GET", "/openapi.json"), ("GET", "/gradio_api/openapi.json"), ("GET", "/gradio_api/heartbeat/abc123"),
               ("POST", "/gradio_api/reset"), ("POST", "/gradio_api/cancel"), ("GET", "/gradio_api/token"),
               ("GET", "/gradio_api/app_id"), ("GET", "/gradio_api/user"), ("GET", "/monitoring/x"),
               ("POST", "/gradio_api/stream/abc/close"), ("GET", "/gradio_api/upload_progress?upload_id=x")]


def test_every_gradio_route_needs_login(served_auth):
    """Finding: with login on, /openapi.json, /heartbeat, /reset, /cancel (and others) answered
    without it. Now only the login page, its static files and POST /login do."""
    base, _ = served_auth
    with httpx.Client(timeout=60) as c:
        for method, path in OPEN_BEFORE:
            r = c.request(method, base + path, json={"session_hash": "abc123", "fn_index": 0, "event_id": "x"}
                          if method == "POST" else None)
            assert r.status_code == 401, (path, r.status_code, r.text[:200])
        assert c.get(base + "/").status_code == 200 and c.get(base + "/theme.css").status_code == 200
        assert c.post(base + "/login", data={"username": USER, "password": PASSWORD}).status_code == 200
        # the heartbeat is an event stream that never ends: read the status line only
        with c.stream("GET", base + "/gradio_api/heartbeat/abc123") as beat:
            assert beat.status_code != 401
        assert c.get(base + "/openapi.json").status_code == 404  # FastAPI's schema route is off


def _login(c, base: str, password: str):
    return c.post(base + "/login", data={"username": USER, "password": password})


def test_login_rate_limit_with_backoff(served_auth):
    """Finding: 300 wrong logins in 0.2 s were all checked, with no lockout. Now after 5 wrong
    passwords the client (and the user name) is refused with 429 for 1 s, 2 s, 4 s …, without
    the password being checked, and the right password after the wait works and resets it."""
    base, _ = served_auth
    with httpx.Client(timeout=60) as c:
        assert _login(c, base, PASSWORD).status_code == 200  # a clean count
        codes = [_login(c, base, f"wrong-{i}").status_code for i in range(300)]
        assert codes[:5] == [400] * 5
        assert codes.count(429) >= 280 and set(codes) == {400, 429}, codes.count(400)
        locked = _login(c, base, PASSWORD)
        assert locked.status_code == 429 and "登录失败次数过多" in locked.json()["detail"]
        wait = int(locked.headers["retry-after"])
        assert 1 <= wait <= 900
        # the user name is locked too: another client address (127.0.0.2) is refused for alice
        with httpx.Client(timeout=60, transport=httpx.HTTPTransport(local_address="127.0.0.2")) as other:
            assert _login(other, base, PASSWORD).status_code == 429
            assert other.post(base + "/login", data={"username": "bob", "password": "x"}).status_code == 400
        time.sleep(wait + 0.2)
        ok = _login(c, base, PASSWORD)
        assert ok.status_code == 200 and ok.json().get("success")
        assert _login(c, base, "wrong-again").status_code == 400  # reset: counted from zero again
        assert _login(c, base, PASSWORD).status_code == 200

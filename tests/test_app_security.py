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


def _upload(client, base: str, name: str, data: bytes):
    return client.post(base + "/gradio_api/upload", files={"files": (name, data)}, timeout=120)


# --- downloads: nothing outside the upload folder --------------------------------------------


def test_an_uploaded_file_is_served_back(served):
    base, home = served
    with httpx.Client() as c:
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
        over = _upload(c, base, "too-big.txt", b"x" * (LIMIT + 1))
        at = _upload(c, base, "at-limit.txt", b"y" * LIMIT)
    assert over.status_code == 413 and "maximum allowed size" in over.text
    assert at.status_code == 200
    assert not list((home / "app-uploads").rglob("too-big.txt"))


def test_upload_names_cannot_place_files_outside(served):
    base, home = served
    uploads = (home / "app-uploads").resolve()
    with httpx.Client() as c:
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
        up = _upload(c, base, "mine.txt", b"mine\n")
        assert up.status_code == 200
        (path,) = up.json()
        assert c.get(base + "/gradio_api/file=" + path).content == b"mine\n"
        assert c.get(base + "/gradio_api/file=/etc/passwd").status_code == 403  # logged in changes nothing there
        msg = _search_over_queue(c, base, "满意度")
    assert msg["success"] and "jx-hit" in json.dumps(msg["output"], ensure_ascii=False)
    # the same file without the login cookie
    assert httpx.get(base + "/gradio_api/file=" + path, timeout=60).status_code == 401

"""End to end in a real headless browser: search with provenance, check seed 000, screenshots.

Skips (with the reason) when Gradio, Playwright or /usr/bin/chromium is missing.
Screenshots of each tab are written to docs/screenshots/ for the README.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, SEED_000

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "docs" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytest.importorskip("gradio", reason="Gradio is not installed (pip install 'jixiao[app]')")
pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`jixiao serve` on a free port with a fresh home (the sample corpus is ingested on start)."""
    home = tmp_path_factory.mktemp("servehome")
    port = _free_port()
    log = open(home.parent / "serve.log", "w")
    env = dict(os.environ, JIXIAO_HOME=str(home), GRADIO_ANALYTICS_ENABLED="False")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while True:
        if proc.poll() is not None:
            log.flush()
            pytest.fail("jixiao serve exited:\n" + (home.parent / "serve.log").read_text())
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("jixiao serve did not start:\n" + (home.parent / "serve.log").read_text())
            time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def page(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        pg.set_default_timeout(60_000)
        pg.goto(served)
        yield pg
        browser.close()


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_search_in_browser(page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    _tab(page, "检索")
    page.locator("#jx-query textarea").fill("起重机械 检查次数")
    page.locator("#jx-search-btn").click()
    results = page.locator("#jx-results")
    results.locator(".jx-hit").first.wait_for()
    text = results.inner_text()
    assert "出处：" in text and "虹川区建设工程质量安全监督站" in text and "行" in text
    assert results.locator("mark").count() > 0
    page.screenshot(path=str(SHOTS / "search.png"), full_page=True)


def test_check_in_browser(page):
    _tab(page, "检查")
    page.locator("#jx-check-file input[type=file]").set_input_files(str(SEED_000))
    out = page.locator("#jx-check-out")
    out.get_by_text("C-02").first.wait_for()
    assert "安全质量监督查处" in out.inner_text()
    page.screenshot(path=str(SHOTS / "check.png"), full_page=True)


def test_other_tabs_render(page):
    _tab(page, "范例")
    page.get_by_role("button", name="查看", exact=True).click()
    page.get_by_text("有问题的写法").first.wait_for()
    page.screenshot(path=str(SHOTS / "examples.png"), full_page=True)
    _tab(page, "语料")
    page.get_by_text("语料统计").first.wait_for()
    assert "34 个文件" in page.locator("body").inner_text()
    page.screenshot(path=str(SHOTS / "corpus.png"), full_page=True)
    _tab(page, "起草")
    if "起草功能尚未安装" not in page.locator("body").inner_text():
        page.get_by_label("项目名称（可写一部分）").fill("在建工程质量安全监督抽查")
        page.get_by_role("button", name="生成结转草稿").click()
        page.get_by_text("结转草稿：").first.wait_for()
    page.screenshot(path=str(SHOTS / "draft.png"), full_page=True)

"""Gradio's own strings are Chinese under an English browser, and the semantic notice shows once
(issue 15). A small app (seed 000 only) in this process, a real headless chromium set to en-US.

Skips (with the reason) when Gradio, Playwright or /usr/bin/chromium is missing.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.conftest import SEED_000

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--lang=en-US",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ENGLISH = ["Drop File Here", "Click to Upload", "Drop CSV or TSV files here", "Loading", "Clear"]

pytest.importorskip("gradio", reason="Gradio is not installed (pip install 'jixiao[app]')")
pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
from playwright.sync_api import expect  # noqa: E402

expect.set_options(timeout=60_000)  # waits for the page, not asserts on time
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    from assistant.app_service import ensure_ready
    from corpus.ingest import ingest_paths
    from corpus.store import CorpusStore
    from ui.app import CSS, HEAD, build_app

    home = tmp_path_factory.mktemp("localehome")
    with CorpusStore(home) as store:
        ingest_paths(store, [SEED_000])
    ensure_ready(home, sample=False)
    demo = build_app(home)
    port = _free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                share=False, ssr_mode=False, css=CSS, head=HEAD, footer_links=[])
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.fixture(scope="module")
def en_page(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pg = browser.new_page(locale="en-US", extra_http_headers={"Accept-Language": "en-US,en;q=0.9"},
                              viewport={"width": 1400, "height": 1000})
        pg.set_default_timeout(60_000)
        pg.goto(app_url)
        assert pg.evaluate("navigator.language") == "en-US"
        yield pg
        browser.close()


def _visible_text(page) -> str:
    return page.locator("body").inner_text()


def test_upload_widgets_are_chinese_under_en_us(en_page):
    en_page.get_by_role("tab", name="检查").click()  # at once: a widget mounted before the switch stays English
    expect(en_page.locator("#jx-check-file")).to_contain_text("将文件拖放到此处")
    expect(en_page.locator("#jx-check-file")).to_contain_text("点击上传")
    for tab in ["检查", "语料", "起草"]:
        en_page.get_by_role("tab", name=tab).click()
        en_page.wait_for_timeout(300)  # let the tab render its widgets
        text = _visible_text(en_page)
        shown = [s for s in ENGLISH if s in text]
        assert not shown, f"English Gradio strings on {tab}: {shown}"
        assert not any(w in text.split() for w in ["or", "Error"]), tab


def test_semantic_notice_once_in_browser(en_page):
    en_page.get_by_role("tab", name="检索").click()
    en_page.locator("#jx-query textarea").fill("起重机械 检查次数")
    en_page.locator("#jx-search-btn").click()
    en_page.locator("#jx-results .jx-hit").first.wait_for()
    assert _visible_text(en_page).count("语义检索未开启") == 1

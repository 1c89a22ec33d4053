"""End to end in a real headless browser: search with provenance, check seed 000, draft (roll over,
edit, check, export Word; a new project with its precedents), screenshots.

Skips (with the reason) when Gradio, Playwright or /usr/bin/chromium is missing.
Screenshots of each tab are written to docs/screenshots/ for the README (viewport-sized, < 1 MB each).
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
MAX_SHOT_BYTES = 1_000_000
TWO_PROJECTS = REPO / "corpus" / "sample" / "tt_sh_2019_pdf_two_projects.txt"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytest.importorskip("gradio", reason="Gradio is not installed (pip install 'jixiao[app]')")
pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
from playwright.sync_api import expect  # noqa: E402

expect.set_options(timeout=60_000)  # waits for the page, not asserts on time: a slow machine only waits longer
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
        pg = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        pg.set_default_timeout(60_000)
        pg.goto(served)
        yield pg
        browser.close()


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def _shot(page, name: str, at=None) -> None:
    """A viewport screenshot (scrolled to `at` first) into docs/screenshots, kept under 1 MB."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if at is not None:
        at.scroll_into_view_if_needed()
        at.evaluate("e => e.scrollIntoView({block: 'start'})")
    path = SHOTS / name
    page.screenshot(path=str(path))
    assert path.stat().st_size < MAX_SHOT_BYTES, f"{name} is {path.stat().st_size} bytes"


def _fill(page, elem_id: str, text: str) -> None:
    page.locator(f"#{elem_id} textarea, #{elem_id} input").first.fill(text)


def _cell(page, row: int, col: int):
    return page.locator(f"#jx-draft-table [data-testid='cell-{row}-{col}']")


def _edit_cell(page, row: int, col: int, text: str) -> None:
    """Type into a Dataframe cell the way a user does: double-click, type, Enter."""
    cell = _cell(page, row, col)
    cell.dblclick()
    box = cell.locator("textarea")
    box.fill(text)
    box.press("Enter")
    expect(cell).to_contain_text(text)


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
    _shot(page, "search.png")


def test_check_in_browser(page):
    _tab(page, "检查")
    page.locator("#jx-check-file input[type=file]").set_input_files(str(SEED_000))
    out = page.locator("#jx-check-out")
    out.get_by_text("C-02").first.wait_for()
    assert "安全质量监督查处" in out.inner_text()
    _shot(page, "check.png")


def test_other_tabs_render(page):
    _tab(page, "范例")
    page.get_by_role("button", name="查看", exact=True).click()
    page.locator(".jx-bad").first.wait_for()  # a flawed-row card (the intro text also says 有问题的写法)
    _shot(page, "examples.png")
    _tab(page, "语料")
    page.get_by_text("语料统计").first.wait_for()
    expect(page.locator(".vega-embed svg.marks")).to_have_count(4)  # the four charts drawn before the screenshot
    assert "34 个文件" in page.locator("body").inner_text()
    _shot(page, "corpus.png")


def test_draft_rollover_edit_check_export(page, tmp_path):
    from corpus.parse import parse_file

    _tab(page, "起草")
    _fill(page, "jx-roll-project", "在建工程质量安全监督抽查")
    page.locator("#jx-roll-btn").click()
    expect(page.locator("#jx-draft-status")).to_contain_text("按上年结转草稿：2025年度")
    section = page.locator("#jx-sec-0 textarea")
    expect(section).not_to_have_value("")
    expect(page.locator("#jx-sec-note-0")).to_contain_text("先例：")
    expect(page.locator("#jx-sec-note-0")).to_contain_text("2024年 · 虹川区建设工程质量安全监督站")
    _shot(page, "draft.png", page.locator("#jx-draft-mode"))

    # a clean row: no finding beside it yet; a bare number makes V-01 and V-02
    name = _cell(page, 1, 3).inner_text().strip()
    assert name and _cell(page, 1, 8).inner_text().strip() == ""
    assert _cell(page, 1, 5).inner_text().strip()  # last year's target beside the row
    _edit_cell(page, 1, 4, "16")
    section.fill(section.input_value() + "\n浏览器里补充的一句话。")
    page.locator("#jx-draft-check").click()
    expect(_cell(page, 1, 8)).to_contain_text("V-01")
    expect(_cell(page, 1, 8)).to_contain_text("V-02")
    expect(page.locator("#jx-draft-status")).to_contain_text("已按编辑后的内容重新检查")
    expect(_cell(page, 1, 4)).to_have_text("16")
    _shot(page, "draft_check.png", page.locator("#jx-draft-table"))

    # 导出 Word downloads the edited draft
    with page.expect_download() as download:
        page.locator("#jx-draft-export").click()
    saved = tmp_path / "draft.docx"
    download.value.save_as(saved)
    assert download.value.suggested_filename.startswith("在建工程质量安全监督抽查_2025年度_")
    back = parse_file(saved)
    assert back.year == 2025 and "浏览器里补充的一句话。" in back.projects[0].sections[0].text
    assert {r.name: r.raw_value for r in back.projects[0].indicators}[name] == "16"
    expect(page.locator("#jx-draft-file a").first).to_be_visible()


def test_draft_switch_projects_keeps_edits(page):
    from corpus.parse import parse_file
    from corpus.store import filing_id

    fid = filing_id(parse_file(TWO_PROJECTS).source.sha256)
    _fill(page, "jx-roll-project", "")
    page.get_by_label("来源文件编号（可选）").fill(fid)
    page.locator("#jx-roll-btn").click()
    expect(page.locator("#jx-draft-status")).to_contain_text("2 个项目")
    section = page.locator("#jx-sec-0 textarea")
    section.fill("第一个项目改过的概况。")
    page.locator("#jx-draft-project input").click()
    page.get_by_role("option", name="2. 道路扬尘与渣土运输巡查").click()
    expect(section).not_to_have_value("第一个项目改过的概况。")
    expect(page.locator("#jx-draft-findings")).to_contain_text("道路扬尘与渣土运输巡查")
    page.locator("#jx-draft-project input").click()
    page.get_by_role("option", name="1. 生活垃圾分类实效督导").click()
    expect(section).to_have_value("第一个项目改过的概况。")
    page.get_by_label("来源文件编号（可选）").fill("")


def test_draft_new_project_with_precedents(page):
    page.get_by_label("新项目").check()
    _fill(page, "jx-new-name", "建筑工地扬尘监督抽查")
    _fill(page, "jx-new-unit", "虹川区建设工程质量安全监督站")
    page.locator("#jx-new-budget input").fill("1200000")
    _fill(page, "jx-new-brief", "委托第三方检测扬尘")
    page.locator("#jx-new-btn").click()
    expect(page.locator("#jx-draft-status")).to_contain_text("新项目草稿")
    for i in range(6):  # the six sections, each filled and each listing its precedent (year · unit · project · file)
        expect(page.locator(f"#jx-sec-{i} textarea")).not_to_have_value("")
        expect(page.locator(f"#jx-sec-note-{i}")).to_contain_text("先例：")
        expect(page.locator(f"#jx-sec-note-{i}")).to_contain_text("（文件 ")
    assert page.locator("#jx-sec-0 textarea").input_value().startswith("委托第三方检测扬尘")  # the brief leads 项目概况
    expect(_cell(page, 0, 7)).to_contain_text("（文件 ")
    expect(page.locator("#jx-sec-0")).to_be_visible()
    _shot(page, "draft_new.png", page.locator("#jx-draft-status"))

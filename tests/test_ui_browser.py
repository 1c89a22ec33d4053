"""End to end in a real headless browser: search with provenance, check seed 000, draft (roll over,
edit, check, export Word; a new project with its precedents; a new project drafted by a model
service, the fake one of tests/fake_openai_server.py, and its fallback; a self-evaluation from an
uploaded template and actuals typed into the table), screenshots.

Skips (with the reason) when Gradio, Playwright or /usr/bin/chromium is missing.
Screenshots of each tab go to a temporary folder (viewport-sized, < 1 MB each), never over the tracked
README pictures; `python bench/screenshots.py` sets JIXIAO_SHOTS_DIR=docs/screenshots to refresh those.
"""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, SEED_000
from tests.llm_support import fake_llm_server

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(os.environ.get("JIXIAO_SHOTS_DIR") or tempfile.mkdtemp(prefix="jixiao_shots_"))
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
def fake_llm(tmp_path_factory):
    """Base URL of the fake OpenAI-compatible server (a real local process; the model name picks its answer)."""
    with fake_llm_server(tmp_path_factory.mktemp("fakellm") / "requests.jsonl") as url:
        yield url


@pytest.fixture(scope="module")
def served(tmp_path_factory, fake_llm):
    """`jixiao serve` on a free port with a fresh home (the sample corpus is ingested on start), as
    (url, home). The app's environment names the fake model service's address but no model, so drafting
    by a model is offered only once a test writes the model into <home>/llm.toml."""
    home = tmp_path_factory.mktemp("servehome")
    port = _free_port()
    log = open(home.parent / "serve.log", "w")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_LLM_")}
    env.update(JIXIAO_HOME=str(home), GRADIO_ANALYTICS_ENABLED="False", JIXIAO_LLM_BASE_URL=fake_llm,
               JIXIAO_LLM_TIMEOUT="20")
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
    yield url, home
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
        pg.goto(served[0])
        yield pg
        browser.close()


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def _shot(page, name: str, at=None) -> None:
    """A viewport screenshot (scrolled to `at` first) into SHOTS, kept under 1 MB."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if at is not None:
        at.scroll_into_view_if_needed()
        at.evaluate("e => e.scrollIntoView({block: 'start'})")
    path = SHOTS / name
    page.screenshot(path=str(path))
    assert path.stat().st_size < MAX_SHOT_BYTES, f"{name} is {path.stat().st_size} bytes"


def _fill(page, elem_id: str, text: str) -> None:
    page.locator(f"#{elem_id} textarea, #{elem_id} input").first.fill(text)


def _cell(page, row: int, col: int, table: str = "jx-draft-table"):
    return page.locator(f"#{table} [data-testid='cell-{row}-{col}']")


def _edit_cell(page, row: int, col: int, text: str, table: str = "jx-draft-table") -> None:
    """Type into a Dataframe cell the way a user does: double-click, type, Enter."""
    cell = _cell(page, row, col, table)
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
    out.get_by_text("C-02").first.wait_for(state="attached")  # warnings are folded; errors open
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


LABEL_BOXES = """id => {
  const box = document.getElementById(id).getBoundingClientRect();
  const svg = document.querySelector('#' + id + ' svg.marks');
  const r = svg.getBoundingClientRect();
  const overhang = getComputedStyle(svg).overflow === 'visible';
  return [...svg.querySelectorAll('.role-axis-label text')].map(t => {
    const b = t.getBoundingClientRect();
    const inside = (o) => b.left >= o.left && b.right <= o.right && b.top >= o.top && b.bottom <= o.bottom;
    return {text: t.textContent, shown: inside(box) && (overhang || inside(r))};
  });
}"""


def test_corpus_chart_labels_not_cut(page, served):
    """The 语料 unit and category charts: every axis label lies whole inside what is drawn (the svg,
    or the chart block where the svg lets labels overhang), and the unit names are the app's own
    short labels, not cut by Vega (the full name is in the tooltip)."""
    from assistant.app_service import corpus_stats
    from ui.app import CATEGORY_KEEP, short_labels

    _tab(page, "语料")
    expect(page.locator("#jx-plot-unit svg.marks .role-axis-label text").first).to_be_attached()
    full = [u or "未知" for u in corpus_stats(served[1])["by_unit"]]
    assert max(map(len, full)) > 8  # the sample corpus has names long enough to need it
    for chart in ["jx-plot-unit", "jx-plot-cat"]:
        labels = page.evaluate(LABEL_BOXES, chart)
        assert labels and all(lb["shown"] for lb in labels), [lb["text"] for lb in labels if not lb["shown"]]
    names = {lb["text"] for lb in page.evaluate(LABEL_BOXES, "jx-plot-unit") if not lb["text"].isdigit()}
    assert names == set(short_labels(full))
    page.locator("#jx-plot-unit svg.marks .role-mark path").first.hover()
    tip = page.locator("#vg-tooltip-element")
    expect(tip).to_contain_text("单位全称")  # the full name on hover
    assert any(f"单位全称{n}" in tip.inner_text().replace("\n", "").replace("\t", "") for n in full)
    cats = [f"{a}/{b}" for a, b in corpus_stats(served[1])["by_category"]]
    cat_names = {lb["text"] for lb in page.evaluate(LABEL_BOXES, "jx-plot-cat") if not lb["text"].isdigit()}
    assert cat_names == set(short_labels(cats, CATEGORY_KEEP))
    page.locator("#jx-plot-cat svg.marks .role-mark path").first.hover()
    expect(tip).to_contain_text("类别全称")  # categories too: the full 一级/二级 on hover


def test_rebuild_box_ticked_when_semantic_is_available(page):
    """Hybrid is the default mode: with the bundled model installed the 语料 rebuild box starts ticked."""
    from assistant import search_service as svc

    assert svc.model_installed()
    _tab(page, "语料")
    expect(page.locator("#jx-rebuild-semantic input[type=checkbox]")).to_be_checked()


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
    expect(_cell(page, 0, 7)).to_contain_text("填报人给出的预算")  # the writer's own budget leads the rows
    expect(_cell(page, 1, 7)).to_contain_text("（文件 ")  # the rest cite their precedent
    expect(page.locator("#jx-sec-0")).to_be_visible()
    _shot(page, "draft_new.png", page.locator("#jx-draft-status"))


SE_PROJECT = "在建工程质量安全监督抽查"  # the sample corpus's 2024 target table: 12 rows
SE_BELOW, SE_MET = "监督抽查在建工程项目数", "受检建设单位满意度"  # rows 2 and 12: ≥210个, ≥90%


def _met(target: str) -> str:
    """An actual that meets `target` exactly (the template's 年度指标值 without its comparator)."""
    return {"11月底前": "11月20日", "通过年度考核": "达成：通过年度考核"}.get(target, target.lstrip("≥≤="))


def test_draft_selfeval_template_table_recompute_export(page, tmp_path):
    from corpus.parse import parse_file

    _tab(page, "起草")
    page.get_by_label("自评", exact=True).check()
    _fill(page, "jx-se-project", SE_PROJECT)
    _fill(page, "jx-se-year", "2024")

    # 下载填报模板: the CSV of every indicator of that target table, filled here except the two rows typed below
    with page.expect_download() as download:
        page.locator("#jx-se-template").click()
    assert download.value.suggested_filename.startswith(f"{SE_PROJECT}_2024年度_实际完成值模板_")
    template = tmp_path / "template.csv"
    download.value.save_as(template)
    rows = list(csv.reader(io.StringIO(template.read_text(encoding="utf-8-sig"))))
    names = [r[2] for r in rows if len(r) > 3]
    assert SE_BELOW in names and SE_MET in names and "全年执行数（元）" in names
    for r in rows:
        if len(r) > 4 and r[3] and r[2] not in (SE_BELOW, SE_MET, "三级指标"):
            r[4] = _met(r[3])
        elif len(r) > 4 and r[2] == "全年执行数（元）":
            r[4] = "650000"
    filled = tmp_path / "实际完成值.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    filled.write_text(buf.getvalue(), encoding="utf-8-sig")
    page.locator("#jx-se-upload input[type=file]").set_input_files(str(filled))
    # Gradio shows the stem and the extension in separate spans (some versions put a space between)
    expect(page.locator("#jx-se-upload")).to_contain_text(re.compile(r"实际完成值\s*\.csv"))

    page.locator("#jx-se-btn").click()
    status = page.locator("#jx-se-status")
    expect(status).to_contain_text(f"自评草稿：{SE_PROJECT}（2024年度）")
    expect(status).to_contain_text("实际完成值取自上传的 实际完成值.csv")
    score = page.locator("#jx-se-score")
    expect(score).to_contain_text("还有 2 项未计分")  # the two rows left blank in the file
    expect(page.locator("#jx-se-executed input, #jx-se-executed textarea").first).to_have_value("650000")
    table = "jx-se-table"
    assert _cell(page, 1, 3, table).inner_text().strip() == SE_BELOW
    assert _cell(page, 11, 3, table).inner_text().strip() == SE_MET
    assert _cell(page, 1, 5, table).inner_text().strip() == "" and _cell(page, 2, 5, table).inner_text().strip()

    # two actuals typed into the table, one below its target, then 重新计算
    _edit_cell(page, 1, 5, "190个", table)
    _edit_cell(page, 11, 5, "93%", table)
    page.locator("#jx-se-recompute").click()
    # 6.25 × 190/210 = 5.65; the other rows full; 预算执行率 10 × 650,000/690,000 = 9.42: 89.4 + 9.42
    expect(score).to_contain_text("总分 98.82 分（满分 100），评价等次：优")
    expect(_cell(page, 1, 7, table)).to_have_text("5.65")
    expect(_cell(page, 11, 7, table)).to_have_text("10")
    deviation = _cell(page, 1, 8, table)
    expect(deviation).to_contain_text("年度指标值≥210个，实际完成190个，完成90.5%，未达到目标。")
    source = _cell(page, 1, 9, table)
    expect(source).to_contain_text("2022年 · 虹川区建设工程质量安全监督站 · 在建工程质量安全监督抽查（文件 ")
    expect(_cell(page, 11, 8, table)).to_have_text("无")
    expect(page.locator("#jx-se-sec-0 textarea")).to_have_value(
        re.compile(r"^（1）「监督抽查在建工程项目数」年度指标值≥210个，实际完成190个"))
    expect(page.locator("#jx-se-sec-note-0")).to_contain_text("出自 2022年 · 虹川区建设工程质量安全监督站")
    _cell(page, 0, 0, table).scroll_into_view_if_needed()  # the table's first rows in the screenshot
    _shot(page, "draft_selfeval.png", page.locator("#jx-se-score"))

    with page.expect_download() as download:
        page.locator("#jx-se-export").click()
    assert download.value.suggested_filename.startswith(f"{SE_PROJECT}_2024年度_自评_")
    saved = tmp_path / "selfeval.docx"
    download.value.save_as(saved)
    back = parse_file(saved)
    assert back.kind == "self_evaluation" and back.year == 2024
    got = {r.name: (r.actual, r.score) for r in back.projects[0].indicators}
    assert got[SE_BELOW] == ("190个", 5.65) and got[SE_MET] == ("93%", 10.0)
    assert (back.evaluation.score, back.evaluation.grade) == (98.82, "优")
    assert back.projects[0].budget.executed == 650_000


def test_draft_new_project_with_a_model_and_its_fallback(page, served):
    home = served[1]
    (home / "llm.toml").unlink(missing_ok=True)
    page.reload()
    _tab(page, "起草")
    page.get_by_label("新项目", exact=True).check()
    box, note = page.locator("#jx-new-llm input[type=checkbox]"), page.locator("#jx-new-llm-note")
    expect(note).to_contain_text("当前未配置，所以不能勾选")
    expect(note).to_contain_text("JIXIAO_LLM_MODEL")
    expect(note).to_contain_text("不需要任何模型服务")
    expect(box).to_be_disabled()

    # the model named in <home>/llm.toml (the address is in the app's environment): offered after a reload
    (home / "llm.toml").write_text('model = "good"\n', encoding="utf-8")
    try:
        page.reload()
        _tab(page, "起草")
        page.get_by_label("新项目", exact=True).check()
        expect(note).to_contain_text("已配置模型服务（模型 good")
        expect(box).to_be_enabled()
        _fill(page, "jx-new-name", "建筑工地扬尘监督抽查")
        _fill(page, "jx-new-unit", "虹川区建设工程质量安全监督站")
        page.locator("#jx-new-budget input").fill("1200000")
        _fill(page, "jx-new-brief", "委托第三方检测扬尘")
        box.check()
        page.locator("#jx-new-btn").click()
        expect(page.locator("#jx-draft-status")).to_contain_text("新项目草稿")
        for i in range(6):
            expect(page.locator(f"#jx-sec-note-{i}")).to_contain_text("起草：模型 good")
        expect(page.locator("#jx-sec-0 textarea")).to_have_value(re.compile(r"^（模型改写）"))
        _shot(page, "draft_llm.png", page.locator("#jx-new-llm"))

        # a model that does not answer in the agreed JSON: every section falls back, and the page says why
        (home / "llm.toml").write_text('model = "malformed"\n', encoding="utf-8")
        page.locator("#jx-new-btn").click()
        status = page.locator("#jx-draft-status")
        expect(status).to_contain_text("模型回答不是所要求的 JSON，「项目概况」已改用离线起草")
        expect(page.locator("#jx-sec-note-0")).to_contain_text("起草：离线模板（模型失败后改用）")
        expect(page.locator("#jx-sec-0 textarea")).not_to_have_value(re.compile(r"^（模型改写）"))
    finally:
        (home / "llm.toml").unlink(missing_ok=True)


def test_open_source_lands_on_the_text(page):
    """在“语料”页查看原文 shows the marked source line in the viewport, not the charts above it."""
    _tab(page, "检索")
    page.locator("#jx-query textarea").fill("起重机械 检查次数")
    page.locator("#jx-search-btn").click()
    page.locator("#jx-results .jx-hit").first.wait_for()
    page.get_by_role("button", name="在“语料”页查看原文").click()
    target = page.locator("#jx-source .jx-src-target").first
    expect(target).to_be_attached()
    expect(target).to_be_in_viewport()  # the marked line itself, wherever it sits in the filing


def _unit_options(page) -> list[str]:
    _tab(page, "检索")
    box = page.locator("#jx-filter-unit input")
    box.click()
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    listbox.locator("[role=option]").first.wait_for()
    names = listbox.locator("[role=option]").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    page.keyboard.press("Escape")
    return names


def test_upload_new_unit_shows_in_search_filter(page, served, tmp_path):
    """An upload on 语料 with a unit the corpus lacked: the 单位 filter offers it at once and
    after a page reload (the choices are read from the store, not fixed at start). Runs last:
    it adds a filing to the shared home."""
    new_unit = "浏览器测试区上传验证中心"
    text = SEED_000.read_text(encoding="utf-8").replace("上海市建设工程安全质量监督总站", new_unit)
    assert new_unit in text
    upload = tmp_path / "新单位目标表.txt"
    upload.write_text(text, encoding="utf-8")
    assert new_unit not in _unit_options(page)
    _tab(page, "语料")
    page.locator("#jx-ingest-files input[type=file]").set_input_files(str(upload))
    page.locator("#jx-ingest-btn").click()
    expect(page.locator("#jx-ingest-out")).to_contain_text("新单位目标表.txt")
    expect(page.locator("#jx-plot-unit svg.marks")).to_contain_text(new_unit[:4])  # the charts redrawn
    assert new_unit in _unit_options(page)
    page.reload()
    assert new_unit in _unit_options(page)
    from corpus.store import CorpusStore

    with CorpusStore(served[1]) as store:
        n = store.stats()["filings"]
    _tab(page, "语料")  # the statistics as of this page load, not of the app's start
    expect(page.locator("body")).to_contain_text(f"{n} 个文件、")

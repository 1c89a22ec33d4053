"""The app factory builds and its handlers return the right content when called directly."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SEED_000

pytest.importorskip("gradio", reason="Gradio is not installed (pip install 'jixiao[app]')")


@pytest.fixture(scope="module")
def app_home(tmp_path_factory):
    """A home with the sample corpus ingested and a lexical index built."""
    from assistant.app_service import ensure_ready

    home = tmp_path_factory.mktemp("apphome")
    rep = ensure_ready(home, sample=True)
    assert rep.ingested > 30 and rep.index_built
    return home


def test_build_app(app_home):
    import gradio as gr

    from ui.app import build_app

    demo = build_app(app_home)
    assert isinstance(demo, gr.Blocks)
    labels = {getattr(b, "label", None) for b in demo.blocks.values()}
    assert {"检索", "检查", "范例", "语料", "起草"} <= labels


def test_build_app_on_empty_home(tmp_path):
    from ui.app import build_app, semantic_banner

    build_app(tmp_path / "empty")
    assert "还没有检索索引" in semantic_banner(tmp_path / "empty")


def test_search_shows_result_with_provenance(app_home):
    from ui.app import search_results

    out, picks = search_results(app_home, "起重机械 检查次数", ptype="指标")
    assert "<mark>" in out and "起重机械" in out
    assert "出处：" in out and "虹川区建设工程质量安全监督站" in out
    assert re.search(r"编号 [0-9a-f]{16}", out) and re.search(r"第\d+(–\d+)?行", out)
    assert "同样措辞用于" in out  # usage count and value spread
    assert "语义检索未开启" not in out  # said once, in the tab banner (test_ui_semantic_notice)
    assert picks and re.fullmatch(r"[0-9a-f]{16}:\d+", picks[0][1])


def test_search_filters_and_errors(app_home):
    from ui.app import search_results

    out, picks = search_results(app_home, "起重机械", ptype="指标", years="2023")
    assert picks and "2023年" in out and "2021年" not in out
    out, picks = search_results(app_home, "起重机械", years="20x")
    assert not picks and "年度" in out and "jx-error" in out
    out, _ = search_results(app_home, "   ")
    assert "请输入检索词" in out


def test_results_escape_html(app_home):
    from ui.app import highlight, search_results

    assert highlight("<b>起重</b>", ["起重"]) == "&lt;b&gt;<mark>起重</mark>&lt;/b&gt;"
    out, _ = search_results(app_home, "<script>alert(1)</script>")
    assert "<script>" not in out


def test_source_view_marks_the_line(app_home):
    from ui.app import search_results, source_view

    _, picks = search_results(app_home, "起重机械", ptype="指标")
    fid, _, line = picks[0][1].partition(":")
    out = source_view(app_home, fid, int(line))
    assert "jx-src-target" in out and fid in out and "起重机械" in out
    assert "jx-error" in source_view(app_home, "ffffffffffff")


def test_check_upload_seed000_shows_c02(app_home):
    from ui.app import check_upload

    out = check_upload(app_home, str(SEED_000))
    assert "C-02" in out
    assert "项目：安全质量监督查处" in out
    assert "规则说明" in out and "依据：" in out
    assert "语料范例" in out  # a well-formed corpus indicator of the same 二级


def test_check_upload_refuses_other_types(app_home, tmp_path):
    from ui.app import check_upload

    bad = tmp_path / "x.exe"
    bad.write_bytes(b"MZ")
    assert "不支持的文件类型" in check_upload(app_home, str(bad))
    assert "请先上传" in check_upload(app_home, None)


def test_exemplars_split_good_and_bad(app_home):
    from ui.app import exemplar_view

    out = exemplar_view(app_home, "产出", "质量")
    assert "规范写法" in out and "有问题的写法" in out
    assert "C-02" in out  # a flawed quality row counting reports


def test_stats_and_index_status(app_home):
    from ui.app import index_status_view, stats_view

    summary, years, kinds, units, cats = stats_view(app_home)
    assert "34 个文件" in summary
    assert years["文件数"].sum() == 34 and cats["指标数"].sum() > 300
    st = index_status_view(app_home)
    assert "语义检索 未开启" in st and "与语料库一致" in st


def test_ingest_upload_lists_failures(app_home, tmp_path):
    from ui.app import ingest_files, index_status_view

    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"not a pdf")
    out = ingest_files(app_home, [str(SEED_000), str(bad)])
    assert "入库 1 个" in out and "000_5c8e543f8e6d7888.txt" in out
    assert "broken.pdf" in out and "失败" in out
    assert "与语料库一致" in index_status_view(app_home)
    assert "重复跳过 1 个" in ingest_files(app_home, [str(SEED_000)])


def test_draft_tab_handlers_rollover_edit_export(app_home):
    pytest.importorskip("assistant.drafting", reason="assistant.drafting is not built yet")
    from assistant.app_draft import project_form, rows_to_table
    from corpus.parse import parse_file
    from ui.draft_tab import draft_apply, draft_export, draft_start, findings_summary, section_note

    session, status = draft_start(app_home, "rollover", project="在建工程质量安全监督抽查")
    assert session is not None and "按上年结转草稿" in status and "来源文件" in status
    form = project_form(session.draft, 0)
    assert "先例：" in section_note(form, 0) and "沿用" in section_note(form, 0)
    assert "错误" in findings_summary(form)
    table = rows_to_table(form.rows)
    table[0][4] = "16"
    texts = [s.text for s in form.sections]
    texts[0] = "<script>alert(1)</script>编辑后的概况。"
    session, err = draft_apply(session, texts, table)
    assert err is None
    edited = project_form(session.draft, 0)
    assert {"V-01", "V-02"} <= {f.rule_id for f in edited.rows[0].findings}
    path, msg = draft_export(app_home, session)
    assert path and path.endswith(".docx") and str(app_home) in path and "已导出" in msg
    back = parse_file(path)
    assert back.projects[0].indicators[0].raw_value == "16"
    assert "<script>alert(1)</script>编辑后的概况。" in back.projects[0].sections[0].text


def test_draft_tab_handlers_refuse_and_escape(app_home):
    pytest.importorskip("assistant.drafting", reason="assistant.drafting is not built yet")
    from assistant.app_draft import ProjectForm, SectionField
    from ui.draft_tab import draft_apply, draft_export, draft_start, section_note

    session, status = draft_start(app_home, "new_project", name="", unit="某单位", budget=100)
    assert session is None and "jx-error" in status and "请填写项目名称" in status
    session, status = draft_start(app_home, "rollover", project="没有这个项目")
    assert session is None and "没有名称含「没有这个项目」" in status
    assert draft_export(app_home, None)[0] is None and "请先生成草稿" in draft_apply(None, [], [])[1]
    form = ProjectForm(index=0, projects=["p"], name="p", sections=[
        SectionField(kind="overview", title="项目概况", text="", precedents=["<img src=x onerror=alert(1)>"])], rows=[])
    assert "<img" not in section_note(form, 0) and "&lt;img" in section_note(form, 0)


def test_export_is_offered_from_where_gradio_serves(tmp_path, monkeypatch):
    from ui.draft_tab import downloadable

    served, elsewhere = tmp_path / "gradio", tmp_path / "home" / "exports"
    elsewhere.mkdir(parents=True)
    doc = elsewhere / "草稿_2025年度_ab12cd34.docx"
    doc.write_bytes(b"PK docx")
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(served))
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path / "sys-tmp"))
    monkeypatch.chdir(tmp_path / "home")
    assert downloadable(doc) == doc  # under the working directory: served as is
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    copy = downloadable(doc)
    assert copy.parent == served / "jixiao-exports" and copy.read_bytes() == b"PK docx"


def test_selfeval_handlers_fill_recompute_export(app_home):
    from assistant.app_selfeval import ACTUAL_COLUMN, selfeval_form, selfeval_table
    from corpus.parse import parse_file
    from ui.draft_selfeval import score_view, selfeval_start, selfeval_template, selfeval_update
    from ui.draft_tab import draft_export

    path, msg = selfeval_template(app_home, "在建工程质量安全监督抽查", "", "2024", "")
    assert path and path.endswith(".csv") and "12 个指标" in msg
    session, status = selfeval_start(app_home, {"project": "在建工程质量安全监督抽查", "year": "2024"})
    assert session is not None and "自评草稿：在建工程质量安全监督抽查（2024年度）" in status
    table = selfeval_table(selfeval_form(session.draft).rows)
    table[1][ACTUAL_COLUMN] = "190个"
    session, err = selfeval_update(app_home, session, table, ["<script>alert(1)</script>问题。", ""], "650000", "")
    assert err is None
    form = selfeval_form(session.draft)
    assert form.rows[1].score == 5.65 and form.sections[0].text == "<script>alert(1)</script>问题。"
    view = score_view(form)
    assert "还有 11 项未计分" in view and "执行率 94.2%" in view
    path, msg = draft_export(app_home, session)
    back = parse_file(path)
    assert back.kind == "self_evaluation" and back.projects[0].indicators[1].actual == "190个"
    assert back.evaluation.problems == ["<script>alert(1)</script>问题。"]


def test_selfeval_handlers_refuse_and_escape(app_home):
    from assistant.app_selfeval import SelfEvalForm
    from ui.draft_selfeval import score_view, selfeval_start, selfeval_template, selfeval_update

    session, status = selfeval_start(app_home, {"project": "没有这个项目"})
    assert session is None and "jx-error" in status and "先在“语料”页上传入库" in status and "jixiao" not in status
    session, status = selfeval_start(app_home, {"project": "在建工程质量安全监督抽查", "executed": "很多"})
    assert session is None and "全年执行数「很多」不是金额" in status
    assert selfeval_template(app_home, "", "", "", "")[0] is None
    assert "请先生成自评草稿" in selfeval_update(app_home, None, [], [], "", "")[1]
    form = SelfEvalForm(name="p", rows=[], sections=[], unscored=["<b>x</b>"], executed=None, budget_weight=10)
    assert "<b>x</b>" not in score_view(form) and "&lt;b&gt;x&lt;/b&gt;" in score_view(form)


def test_llm_option_is_off_without_a_service(app_home, monkeypatch):
    from ui.draft_tab import llm_view

    for name in ("JIXIAO_LLM_BASE_URL", "JIXIAO_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    ok, note = llm_view(app_home)
    assert not ok and "JIXIAO_LLM_BASE_URL" in note and "不需要任何模型服务" in note
    monkeypatch.setenv("JIXIAO_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("JIXIAO_LLM_MODEL", "<b>m</b>")
    ok, note = llm_view(app_home)
    assert ok and "&lt;b&gt;m&lt;/b&gt;" in note and "<b>m</b>" not in note


def test_check_upload_severity_filter_and_folds(app_home):
    """Seed 000 has errors, warnings and hints: the level filter drops the lower ones, groups are folds."""
    from ui.app import check_upload

    full = check_upload(app_home, str(SEED_000))
    errors_only = check_upload(app_home, str(SEED_000), "仅错误")
    assert "[提示]" in full and "[警告]" in full
    assert "[错误]" in errors_only and "[警告]" not in errors_only and "[提示]" not in errors_only
    assert len(errors_only) < len(full) / 5
    assert '<details class="jx-sevgroup" open>' in full  # errors open
    assert '<details class="jx-sevgroup">' in full  # warnings and hints folded
    from assistant.checks import rule_infos

    codes = {i.code for i in rule_infos()}
    shown = set(re.findall(r"[A-Z][A-Z0-9_]{3,}", re.sub(r"<[^>]+>", "", full)))
    assert not shown & codes, f"English rule codes shown: {shown & codes}"


def test_search_results_keep_jargon_in_a_fold(app_home):
    from ui.app import search_results

    html, _ = search_results(app_home, "起重机械 检查次数")
    visible = re.sub(r"<details.*?</details>", "", html, flags=re.S)
    assert "分词" not in html and "融合 0." not in html
    assert "检索词被切成" not in visible and "综合排序分" not in visible
    assert "检索词被切成" in html


def test_short_labels_keep_head_and_tail():
    from ui.app import short_labels

    names = ["云梦区文化馆", "上海市浦汇区绿化和市容管理所", "虹川区建设工程质量安全监督站"]
    assert short_labels(names) == ["云梦区文化馆", "上海市浦…管理所", "虹川区建…监督站"]
    clash = ["临溪县疾病预防控制中心", "临溪县疾控预防控制中心"]  # same head and tail: kept in full
    assert short_labels(clash) == clash


def test_long_category_names_are_shortened_on_the_chart(app_home, monkeypatch):
    """A 一级/二级 pair far longer than the axis can hold gets a short label; the full name goes to
    the tooltip column, and the sample's short names stay as they are."""
    import assistant.app_service as aps
    from ui.app import CATEGORY_KEEP, stats_view

    real = aps.corpus_stats(app_home)
    long_pair = ("产出指标", "数量指标（年度内完成的重点监督检查与专项整治工作任务数量）")
    stats = dict(real, by_category={**real["by_category"], long_pair: 3})
    monkeypatch.setattr(aps, "corpus_stats", lambda home: stats)
    cats = stats_view(app_home)[4]
    row = cats[cats["类别全称"] == "/".join(long_pair)].iloc[0]
    assert len(row["类别"]) <= CATEGORY_KEEP and "…" in row["类别"] and row["类别"].startswith("产出指标/")
    assert all(len(lb) <= CATEGORY_KEEP for lb in cats["类别"])
    short = cats[cats["类别全称"].str.len() <= CATEGORY_KEEP]
    assert len(short) and (short["类别"] == short["类别全称"]).all()
    assert cats["类别"].is_unique

"""The 起草 tab's 自评 mode (assistant.app_selfeval) on real data: seed 000 and the sample corpus.

The library's own scoring is the oracle: a draft made through the app's request, table and
recompute must equal `self_evaluation` called with the same actuals. Then what only the app does:
the table's two editable columns, the writer's own words kept across recomputes, the template
written and read back, uploads that name the file (not the folder), findings placed on rows and
sections, the Word export parsed back.
"""

from __future__ import annotations

import csv
import io

import pytest

from assistant.app_draft import (
    DraftInputError, app_message, check_draft, export_docx, is_carried, make_draft, parse_request,
)
from assistant.app_selfeval import (
    ACTUAL_COLUMN, DEVIATION_COLUMN, SELFEVAL_COLUMNS, SelfEvalRequest, actuals_template, edits_from_table,
    read_actuals_file, recompute_selfeval, selfeval_form, selfeval_table, start_selfeval,
)
from assistant.drafting.models import DraftError
from assistant.drafting.self_evaluation import load_actuals, self_evaluation
from corpus.parse import parse_file
from corpus.store import CorpusStore
from tests.draft_support import corpus_home

JIANCE = "建设工程监督检测"  # seed 000, 2020: 19 rows, findings the target table already had
CHOUCHA = "在建工程质量安全监督抽查"  # sample corpus, 2024 target table: 12 rows; its 2022 self-evaluation is a precedent
BELOW, MET = "监督抽查在建工程项目数", "受检建设单位满意度"  # ≥210个 and ≥90%


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return corpus_home(tmp_path_factory.mktemp("selfevalapp"))


@pytest.fixture(scope="module")
def store(home):
    with CorpusStore(home) as s:
        yield s


@pytest.fixture(scope="module")
def blank(home):
    """The 2024 self-evaluation of 在建工程质量安全监督抽查 with no actuals yet."""
    return start_selfeval(home, SelfEvalRequest(project=CHOUCHA, year=2024))


def _key(form, name: str) -> int:
    return next(r.key for r in form.rows if r.name == name)


def _filled(session, values: dict[str, str], deviations: dict[str, str] | None = None) -> list[list[str]]:
    """The session's table with actuals (and deviation cells) typed in by indicator name."""
    form = selfeval_form(session.draft)
    table = selfeval_table(form.rows)
    for name, value in values.items():
        table[_key(form, name) - 1][ACTUAL_COLUMN] = value
    for name, text in (deviations or {}).items():
        table[_key(form, name) - 1][DEVIATION_COLUMN] = text
    return table


def _rows(draft) -> list[tuple]:
    return [(r.name, r.raw_value, r.actual, r.weight, r.score, getattr(r, "deviation", None),
             getattr(r, "deviation_sources", None)) for r in draft.filing.projects[0].indicators]


def test_blank_form_lists_every_row_with_its_weight(blank):
    form = selfeval_form(blank.draft)
    assert (form.name, form.year, form.unit) == (CHOUCHA, 2024, "虹川区建设工程质量安全监督站")
    assert len(form.rows) == 12 and all(r.actual == "" and r.score is None for r in form.rows)
    assert round(sum(r.weight for r in form.rows if r.weight), 2) == 90.0  # plus 10 for 预算执行率
    table = selfeval_table(form.rows)
    assert len(table[0]) == len(SELFEVAL_COLUMNS) == 11 and table[1][:5] == ["2", "产出指标", "数量指标", BELOW, "≥210个"]
    assert form.score is None and len(form.unscored) == 13  # twelve rows and 预算执行率
    assert form.summary()[0].startswith("总分和评价等次：待补齐后计算。还有 13 项未计分")
    assert [s.title for s in form.sections] == ["存在的主要问题", "改进措施和有关建议"]


def test_recompute_from_the_table_equals_the_library(home, store, blank):
    table = _filled(blank, {BELOW: "190个", MET: "93%"})
    session = recompute_selfeval(home, blank, table, executed="65万元")
    oracle = self_evaluation(store, project=CHOUCHA, year=2024, actuals={BELOW: "190个", MET: "93%"}, executed=650_000)
    assert _rows(session.draft) == _rows(oracle)
    assert session.draft.filing.evaluation == oracle.filing.evaluation
    form = selfeval_form(session.draft)
    below = form.rows[_key(form, BELOW) - 1]
    assert (below.actual, below.score) == ("190个", 5.65)  # 6.25 × 190/210
    assert below.deviation.startswith("年度指标值≥210个，实际完成190个，完成90.5%，未达到目标。")
    # the reason is a real precedent's, named with its filing, and that filing is a filed self-evaluation
    cite = next(c for c in session.draft.citations if c.target == f"偏差·{BELOW}")
    assert below.deviation.endswith(cite.excerpt) and cite.filing_id in below.sources[0]
    assert store.get(cite.filing_id).kind == "self_evaluation"
    assert form.rows[_key(form, MET) - 1].deviation == "无"
    assert form.budget_score == 9.42 and form.executed == 650_000 and form.budget_given is None
    assert form.scored == round(5.65 + 10 + 9.42, 2) and len(form.unscored) == 10
    assert "预算执行：全年预算数 690,000 元，全年执行数 650,000 元，执行率 94.2%，得分 9.42（满分 10）" in form.summary()
    problems = form.sections[0]
    assert problems.text.startswith(f"（1）「{BELOW}」年度指标值≥210个，实际完成190个")
    assert any(p.endswith("据填报的实际完成值") for p in problems.precedents)
    assert any(cite.filing_id in p for p in problems.precedents if "据填报" not in p)


def test_full_actuals_give_total_and_grade(home, store):
    full = {r.name: r.raw_value.lstrip("≥≤=") for r in store.get(
        start_selfeval(home, SelfEvalRequest(project=CHOUCHA, year=2024)).draft.source_filing_id).projects[0].indicators}
    full["年度抽查任务完成时间"] = "11月20日"
    full["质量安全隐患闭环管理机制运行情况"] = "达成：通过年度考核"
    session = start_selfeval(home, SelfEvalRequest(project=CHOUCHA, year=2024, actuals=full, executed="690000"))
    form = selfeval_form(session.draft)
    assert (form.score, form.grade) == (100.0, "优") and not form.unscored
    assert form.summary()[0] == "总分 100 分（满分 100），评价等次：优"
    # one row missed: the total drops by exactly that row's lost points and the grade follows
    table = _filled(session, {BELOW: "105个"})
    form = selfeval_form(recompute_selfeval(home, session, table, executed="690000").draft)
    assert form.rows[_key(form, BELOW) - 1].score == 3.12 and form.score == round(100 - 6.25 + 3.12, 2) == 96.87


def test_writers_own_words_survive_recompute(home, blank):
    mine = "部分工地全年停工，抽查计划相应调整。"
    session = recompute_selfeval(home, blank, _filled(blank, {BELOW: "190个"}), executed="650000")
    form = selfeval_form(session.draft)
    drafted_problems = form.sections[0].text
    texts = ["（1）本单位自己写的问题。", form.sections[1].text]
    table = _filled(session, {BELOW: "180个"}, {BELOW: mine})
    again = recompute_selfeval(home, session, table, texts, executed="650000")
    form = selfeval_form(again.draft)
    row = form.rows[_key(form, BELOW) - 1]
    assert (row.actual, row.score, row.deviation, row.sources) == ("180个", 5.36, mine, ["填报人填写"])
    assert form.sections[0].text == "（1）本单位自己写的问题。"  # kept although the drafter's text changed with 180个
    assert again.draft.filing.evaluation.problems == ["（1）本单位自己写的问题。"]
    assert any("已保留您的文字" in n and "存在的主要问题" in n for n in again.draft.notices)
    assert again.drafted["sec:problems"] != drafted_problems  # what the drafter would now write, for the next compare
    # a second recompute with nothing changed keeps both (the deviation is now the drafter's echo of the writer's)
    third = recompute_selfeval(home, again, selfeval_table(form.rows), [s.text for s in form.sections], executed="650000")
    form3 = selfeval_form(third.draft)
    assert form3.rows[_key(form3, BELOW) - 1].deviation == mine and form3.sections[0].text == "（1）本单位自己写的问题。"
    assert not any("已保留您的文字" in n for n in third.draft.notices)
    # clearing the writer's reason hands the row back to the drafter and its precedent
    table = selfeval_table(form3.rows)
    table[_key(form3, BELOW) - 1][DEVIATION_COLUMN] = ""
    form4 = selfeval_form(recompute_selfeval(home, third, table, executed="650000").draft)
    assert form4.rows[_key(form4, BELOW) - 1].deviation.startswith("年度指标值≥210个，实际完成180个")
    assert "填报人填写" not in form4.rows[_key(form4, BELOW) - 1].sources


def test_table_edits_read_only_the_two_editable_columns(blank):
    table = _filled(blank, {BELOW: " 190个\x00 "})
    table[1][3] = "改过的指标名"  # static in the widget; ignored here too
    table.append(["", "", "", "新增一行", "≥1个", "1个", "", "", "", "", ""])
    edits = edits_from_table(table)
    assert edits.actuals[2] == "190个" and edits.actuals[1] == "" and edits.ignored == 1
    assert set(edits.actuals) == set(range(1, 13))
    assert edits_from_table([]).actuals == {}


def test_added_rows_and_empty_tables(home, blank):
    table = _filled(blank, {BELOW: "190个"}) + [["", "", "", "新增一行", "", "1个", "", "", "", "", ""]]
    session = recompute_selfeval(home, blank, table)
    assert any("新增的 1 行未计入" in n for n in session.draft.notices)
    assert len(session.draft.filing.projects[0].indicators) == 12
    with pytest.raises(DraftInputError, match="指标表是空的"):
        recompute_selfeval(home, blank, [])
    with pytest.raises(DraftInputError, match="全年执行数「很多」不是金额"):
        recompute_selfeval(home, blank, selfeval_table(selfeval_form(blank.draft).rows), executed="很多")


def test_template_filled_and_uploaded(home, tmp_path):
    t = actuals_template(home, CHOUCHA, year="2024")
    assert t.path.parent == (home / "exports").resolve() and t.path.name.startswith(f"{CHOUCHA}_2024年度_实际完成值模板_")
    assert (t.project, t.year, t.rows) == (CHOUCHA, 2024, 12)
    raw = t.path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens it as Chinese
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[1] == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因（可不填）"]
    assert [r[2] for r in rows[2:14]][1] == BELOW and rows[-1][2] == "全年执行数（元）"
    for r in rows:
        if len(r) > 2 and r[2] == BELOW:
            r[4], r[5] = "190个", "部分工地停工。"
        elif len(r) > 2 and r[2] == MET:
            r[4] = "93%"
        elif len(r) > 2 and r[2] == "全年执行数（元）":
            r[4] = "650,000"
    filled = tmp_path / "填好的.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    filled.write_text(buf.getvalue(), encoding="utf-8-sig")
    assert load_actuals(filled).actuals == {BELOW: "190个", MET: "93%"}
    session = start_selfeval(home, parse_request("self_evaluation", project=CHOUCHA, year=2024, actuals_file=str(filled)))
    form = selfeval_form(session.draft)
    row = form.rows[_key(form, BELOW) - 1]
    assert (row.actual, row.deviation, row.sources) == ("190个", "部分工地停工。", ["填报人填写"])
    assert form.executed == 650_000 and form.budget_given is None  # the template's 全年预算数 is the target's
    assert session.request.actuals_file is None  # later recomputes read the table, not the upload
    with pytest.raises(DraftInputError, match="请先输入项目名称"):
        actuals_template(home)
    with pytest.raises(DraftInputError, match="没有名称含「没有这个项目」的绩效目标表"):
        actuals_template(home, "没有这个项目")


@pytest.mark.parametrize("content,name,needle", [
    ("指标名称,实际完成值\n受检建设单位满意度,95%\n不存在的指标,3个\n", "bad.csv",
     "「不存在的指标」（bad.csv 第3行）不是项目「在建工程质量安全监督抽查」的指标"),
    ('{"受检建设单位满意度": "95%",\n "x": }\n', "bad.json", "bad.json 第2行：JSON 格式错误"),
    ("受检建设单位满意度,95%\n全年执行数（元）,很多\n", "money.csv", "money.csv 第2行：「全年执行数（元）」的金额「很多」不是数字"),
    ("a;b\n", "x.xlsx", "「x.xlsx」不是 CSV、TSV 或 JSON 文件"),
])
def test_bad_uploads_name_the_file_not_the_folder(home, tmp_path, content, name, needle):
    path = tmp_path / "upload_dir" / name
    path.parent.mkdir()
    path.write_text(content, encoding="utf-8")
    with pytest.raises((DraftInputError, DraftError)) as exc:  # a file unread, or an actual that fits no row
        start_selfeval(home, SelfEvalRequest(project=CHOUCHA, year=2024, actuals_file=str(path)))
    assert needle in str(exc.value) and str(tmp_path) not in str(exc.value)
    assert "点“下载填报模板”" in str(exc.value) or name != "bad.csv"  # not the CLI's --template-out


def test_oversized_upload_is_refused(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"a,b\n" * 300_000)
    with pytest.raises(DraftInputError, match="不应超过 1 MB"):
        read_actuals_file(big)


def test_library_messages_are_worded_for_the_app(home):
    with pytest.raises(DraftError) as exc:
        make_draft(home, SelfEvalRequest(project=JIANCE, year=2019))
    assert "请检查“年度”" in str(exc.value) and "--" not in str(exc.value)
    with pytest.raises(DraftError) as exc:
        make_draft(home, SelfEvalRequest(project="没有这个项目"))
    assert "先在“语料”页上传入库" in str(exc.value) and "jixiao" not in str(exc.value)
    with pytest.raises(DraftInputError, match="请输入要自评的项目名称"):
        make_draft(home, SelfEvalRequest())
    assert app_message("请用 --project 指定项目名称，或用 --from 指定来源文件编号") == \
        "请在“项目名称”中填写项目名称，或在“文件编号”中填写来源文件编号"
    assert app_message("文件 abc 中没有名称含「x」的项目。用 jixiao corpus show abc 查看项目名") == \
        "文件 abc 中没有名称含「x」的项目。可在“语料”页的“原文”处输入文件编号 abc 查看项目名"


def test_findings_sit_on_their_rows_and_sections(home):
    session = start_selfeval(home, SelfEvalRequest(project=JIANCE, year=2020, actuals={"群众满意度": "95%"}))
    form = selfeval_form(session.draft)
    row = next(r for r in form.rows if r.name.startswith("每年检查涉及全市16个区县"))
    assert {"V-01", "V-02"} <= {f.rule_id for f in row.findings}
    assert all(is_carried(form, f) for f in row.findings)  # the target table already had them
    assert "V-01" in selfeval_table(form.rows)[row.key - 1][10]
    assert "S-02" in {f.rule_id for f in form.other_findings}
    texts = [form.sections[0].text + "\n（9）重复的标点。。", form.sections[1].text]
    edited = recompute_selfeval(home, session, selfeval_table(form.rows), texts)
    form = selfeval_form(edited.draft)
    t01 = [f for f in form.sections[0].findings if f.rule_id == "T-01"]
    assert t01 and not is_carried(form, t01[0]) and not [f for f in form.sections[1].findings if f.rule_id == "T-01"]
    # every finding the checker reports is shown exactly once
    shown = [f for r in form.rows for f in r.findings] + [f for s in form.sections for f in s.findings] + form.other_findings
    assert sorted(map(id, shown)) == sorted({id(f) for f in shown})
    assert len({(f.rule_id, f.location, f.message) for f in shown}) == len(
        {(f.rule_id, f.location, f.message) for f in check_draft(edited.draft)})


def test_export_parses_back_with_the_actuals(home, blank):
    texts = ["（1）部分抽查因工地停工顺延。", "（1）下年度提前排定抽查计划。"]
    session = recompute_selfeval(home, blank, _filled(blank, {BELOW: "190个", MET: "93%"}), texts, executed="650000")
    path = export_docx(home, session.draft)
    assert path.parent == (home / "exports").resolve() and path.name.startswith(f"{CHOUCHA}_2024年度_自评_")
    back = parse_file(path)
    assert back.kind == "self_evaluation" and back.year == 2024
    rows = {r.name: r for r in back.projects[0].indicators}
    assert (rows[BELOW].actual, rows[BELOW].score, rows[MET].actual, rows[MET].score) == ("190个", 5.65, "93%", 10.0)
    assert rows[BELOW].deviation == selfeval_form(session.draft).rows[1].deviation
    assert back.evaluation.problems == ["（1）部分抽查因工地停工顺延。"]
    assert back.evaluation.improvements == ["（1）下年度提前排定抽查计划。"]
    assert back.projects[0].budget.executed == 650_000

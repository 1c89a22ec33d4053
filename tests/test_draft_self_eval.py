"""Self-evaluation drafts from seed 000's target tables plus actuals the tests give.

Scores are checked against numbers worked out by hand from rules.md E-01..E-04; the
precedents cited must be real self-evaluations in the store; the Word export must
parse back into the same rows, score and grade; rollover must pick up a stored
self-evaluation's 执行数 and actuals.
"""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from assistant.checks import check_filing
from assistant.drafting.export_docx import write_docx
from assistant.drafting.models import DraftError
from assistant.drafting.rollover import rollover
from assistant.drafting.self_evaluation import (
    ACTUAL_TODO, DEVIATION_TODO, ActualsError, ActualsInput, grade_of, load_actuals, parse_actual_option,
    self_evaluation,
)
from corpus.models import Filing, Indicator
from corpus.parse import parse_file
from corpus.store import CorpusStore
from tests.draft_support import corpus_home

JIANCE = "建设工程监督检测"  # seed 000, project 3 (19 rows, Shanghai layout C)
CHACHU = "安全质量监督查处"  # seed 000, project 1
UNIT = "上海市建设工程安全质量监督总站"
# every row of 建设工程监督检测 met exactly, except 检查项目数 (108 of 120)
FULL = {
    "根据工作安排，专项检查数": "5个", "根据工作安排，检查项目数": "108个", "形成施工现场材料检测报告数": "150份",
    "形成施工现场实体检测报告数": "82份", "通过检查形成检查通报文件或检查小结数": "5份",
    "对在建的工程项目实施建材监督抽检率": "30%", "对在建的工程项目实施工程实体监督抽检率": "20%",
    "安全类抽查工地数": "36个", "安全类抽查检测报告及小结数": "1份", "监督抽检覆盖率": "6%",
    "每年检查涉及全市16个区县": "16", "建材监督抽检合格率": "93%", "较19年提升率": "1.5%",
    "11月之前相关的专项检查结束": "11月15日", "相关小结在检查结束后形成时间": "40天",
    "通过各项抽检和检查监管等手段": "92%", "群众满意度": "95%", "通过发布抽检结果": "达成：按季度通报抽检结果",
}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return corpus_home(tmp_path_factory.mktemp("selfeval"))


@pytest.fixture(scope="module")
def store(home):
    with CorpusStore(home) as s:
        yield s


@pytest.fixture(scope="module")
def full(store):
    return self_evaluation(store, project=JIANCE, year=2020, actuals=FULL, executed=1_480_000)


def _row(draft, needle: str) -> Indicator:
    return next(r for r in draft.filing.projects[0].indicators if needle in r.name)


# --- E-01 weights ---------------------------------------------------------------------

def test_weights_follow_e01_defaults_and_sum_to_100(full):
    rows = full.filing.projects[0].indicators
    by = {}
    for r in rows:
        if r.weight is not None:
            key = "满意度" if r.subcategory == "满意度" else r.category
            by[key] = round(by.get(key, 0) + r.weight, 2)
    # layout C: 效果目标/满意度 is the 满意度 share, 影响力 joins 效益, 投入与管理 is not scored
    assert by == {"产出": 50.0, "效益": 15.0, "影响力": 15.0, "满意度": 10.0}
    assert _row(full, "投入时间").weight is None and _row(full, "投入时间").score is None
    ev = full.filing.evaluation
    assert round(sum(r.weight for r in rows if r.weight) + ev.budget_execution["weight"], 2) == 100.0
    # 50 points over 15 产出 rows in whole hundredths: five rows of 3.34, ten of 3.33
    outs = [r.weight for r in rows if r.category == "产出"]
    assert outs == [3.34] * 5 + [3.33] * 10


def test_missing_satisfaction_moves_its_weight():
    from assistant.drafting.self_evaluation import bucket_weights

    weights, note = bucket_weights({"产出", "效益"})
    assert weights == {"产出": 55.0, "效益": 35.0} and "满意度" in note
    assert bucket_weights({"产出", "效益", "满意度"}) == ({"产出": 50.0, "效益": 30.0, "满意度": 10.0}, None)


# --- E-02 / E-03 scores -----------------------------------------------------------------

@pytest.mark.parametrize("needle,actual,expected", [
    ("根据工作安排，检查项目数", "108个", 3.01),        # 正向: 3.34 × 108/120 = 3.006
    ("根据工作安排，检查项目数", "130个", 3.34),        # 正向 over target: capped at the weight
    ("相关小结在检查结束后形成时间", "50天", 3.0),      # 反向 (≤45天): 3.33 × 45/50 = 2.997
    ("相关小结在检查结束后形成时间", "40天", 3.33),     # 反向 within target: full weight
    ("监督抽检覆盖率", "4%", 2.66),                    # 正向 (≥5%): 3.33 × 4/5 = 2.664
    ("11月之前相关的专项检查结束", "11月15日", 3.33),  # deadline kept
])
def test_quantitative_scores_follow_e02(store, needle, actual, expected):
    d = self_evaluation(store, project=JIANCE, year=2020, actuals={needle: actual}, check=False)
    r = _row(d, needle)
    assert r.actual == actual
    assert r.score == expected
    assert r.score <= r.weight


def test_zero_target_is_reverse(store):
    """'=0起' style targets: any occurrence misses the target, and the checker agrees (no E-02)."""
    d = self_evaluation(store, project="在建工程质量安全监督抽查", year=2022,
                        actuals={"较大及以上生产安全事故起数": "1起"}, check=True)
    r = _row(d, "较大及以上生产安全事故起数")
    assert r.raw_value == "=0起" and r.score == 0.0
    assert r.deviation and r.deviation != "无"
    assert not [f for f in d.findings if f.rule_id in ("E-02", "E-06")]


def test_checker_flags_full_marks_on_a_missed_zero_target(store):
    filed = store.get(next(f.id for f in store.list(kind="self_evaluation", year=2022)
                           if "在建工程质量安全监督抽查" in f.projects))
    assert not [f for f in check_filing(filed) if f.rule_id in ("E-01", "E-02")]  # 成本10 + 产出40 is 产出 50
    row = next(r for r in filed.projects[0].indicators if r.raw_value == "=0起")
    row.actual = "2起"  # still scored 10 of 10 and explained as 无
    ids = [f.rule_id for f in check_filing(filed, rules=["E-02", "E-06"])]
    assert ids == ["E-02", "E-06"]


@pytest.mark.parametrize("given,score,band", [
    ("达成：机制已运行", 15.0, "80%–100%"),
    ("部分达成", 10.5, "60%–80%"),
    ("未达成，原因见说明", 4.5, "0%–60%"),
])
def test_qualitative_rows_score_inside_the_e03_band(store, given, score, band):
    d = self_evaluation(store, project=JIANCE, year=2020, actuals={"通过发布抽检结果": given}, check=False)
    r = _row(d, "通过发布抽检结果")
    assert r.weight == 15.0 and r.score == score
    note = next(c for c in d.changes if c.field.endswith("·得分") and "通过发布抽检结果" in c.field)
    assert note.review and band in note.reason and "建议得分" in note.reason


def test_ungraded_qualitative_actual_is_not_scored(store):
    d = self_evaluation(store, project=JIANCE, year=2020, actuals={"通过发布抽检结果": "效果明显"}, check=False)
    r = _row(d, "通过发布抽检结果")
    assert r.score is None and r.actual == "效果明显"
    assert any("达成/部分达成/未达成" in c.reason for c in d.changes if c.review)
    assert d.filing.evaluation.score is None


# --- totals and grade (E-04) --------------------------------------------------------------

def test_total_and_grade_from_full_actuals(full):
    ev = full.filing.evaluation
    # 90 indicator points less 0.33 on 检查项目数, plus 10 × 1,480,000/1,530,000 = 9.67
    assert ev.budget_execution == {"weight": 10.0, "rate_percent": 96.7, "score": 9.67}
    assert ev.score == 99.34 and ev.grade == "优"
    assert not any(c.new == ACTUAL_TODO for c in full.changes)


def test_middle_grade_and_low_execution(store):
    actuals = {
        "抽查特级一级企业及承建项目数": "25家", "事故现场影像汇总光盘": "1套", "强制培训": "1项",
        "建筑起重机械使用安全监督检测抽查工地数": "15个", "建筑起重机械使用安全监督检测出具报告数": "30份",
        "全年发生事故的施工项目影像年度分析报告": "1份", "培训情况总结": "1份", "对违规企业进行处罚并形成总结报告数": "1份",
        "对违规企业进行处罚并形成总结报告完成时间": "11月20日", "进一步规范建筑施工企业安全生产条件": "45%",
        "群众满意度": "72%", "防止较大及以上生产安全事故发生": "部分达成",
    }
    d = self_evaluation(store, project=CHACHU, year=2020, actuals=actuals, executed=414_000)
    ev = d.filing.evaluation
    # 产出 50 over 9 rows (5 × 5.56, 4 × 5.55); 效益 15 + 影响力 15; 满意度 10; budget 10 × 80%
    expected = (5.56 * 0.5 + 5.56 + 5.56 + 5.56 * 0.5 + 5.56 * 0.5 + 5.55 * 4) + 15 * 0.5 + 10 * 0.8 + 15 * 0.7 + 8.0
    assert ev.score == round(expected, 2) == 75.66
    assert ev.grade == "中"
    assert ev.budget_execution["rate_percent"] == 80.0
    assert any("低于90%" in n for n in d.notices)
    assert not [f for f in d.new_findings if f.severity == "error"]


@pytest.mark.parametrize("score,grade", [(100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.99, "中"),
                                         (60, "中"), (59.99, "差"), (0, "差")])
def test_grade_bands(score, grade):
    assert grade_of(score) == grade


# --- placeholders ---------------------------------------------------------------------------

def test_rows_without_actuals_get_placeholders_and_no_score(store):
    d = self_evaluation(store, project=JIANCE, year=2020, actuals={"群众满意度": "95%"})
    p = d.filing.projects[0]
    todo = [r for r in p.indicators if r.actual == ACTUAL_TODO]
    assert len(todo) == len(p.indicators) - 1
    assert all(r.score is None for r in todo)
    assert _row(d, "群众满意度").score == 10.0
    ev = d.filing.evaluation
    assert ev.score is None and ev.grade is None and ev.budget_execution["score"] is None
    flagged = {c.field for c in d.changes if c.review and c.new == ACTUAL_TODO}
    assert len(flagged) == len(todo) - 1  # the 投入与管理 row is not scored anyway
    assert any("总分和评价等次待补齐后计算" in n and "已计分部分合计10分" in n for n in d.notices)
    assert not [f for f in d.new_findings if f.severity == "error"]  # V-07 sees a placeholder, not an empty cell


# --- drafted text and its sources ---------------------------------------------------------

def test_deviation_is_drafted_from_a_cited_precedent(full, store):
    r = _row(full, "根据工作安排，检查项目数")
    assert r.deviation.startswith("年度指标值=120个，实际完成108个，完成90.0%，未达到目标。")
    cite = next(c for c in full.citations if c.target == f"偏差·{r.name}")
    prec = store.get(cite.filing_id)
    assert prec.kind == "self_evaluation" and not prec.source.path.startswith("draft:")
    reasons = [getattr(x, "deviation", None) for x in prec.projects[0].indicators]
    assert cite.excerpt in reasons and r.deviation.endswith(cite.excerpt)
    assert (cite.year, cite.unit) == (prec.year, prec.unit)
    assert r.deviation_sources and cite.filing_id in r.deviation_sources[0]
    assert all(x.deviation == "无" for x in full.filing.projects[0].indicators if x.score == x.weight and x.weight)


def test_deviation_without_a_similar_precedent_is_a_placeholder(store):
    d = self_evaluation(store, project=JIANCE, year=2020, actuals={"相关小结在检查结束后形成时间": "50天"})
    r = _row(d, "相关小结在检查结束后形成时间")
    assert r.deviation == f"年度指标值<=45天，实际完成50天，完成90.0%，未达到目标。{DEVIATION_TODO}"
    assert not any(c.target == f"偏差·{r.name}" for c in d.citations)
    assert any(c.review and c.new == DEVIATION_TODO for c in d.changes)


def test_writer_reason_wins_over_precedents(store):
    given = ActualsInput(actuals={"根据工作安排，检查项目数": "108个"},
                         deviations={"根据工作安排，检查项目数": "部分工地停工，改为次年一季度检查。"})
    d = self_evaluation(store, project=JIANCE, year=2020, actuals=given, check=False)
    r = _row(d, "根据工作安排，检查项目数")
    assert r.deviation == "部分工地停工，改为次年一季度检查。"
    assert not any(c.target.startswith("偏差·") for c in d.citations)


def test_problems_and_improvements_cite_real_precedents(full, store):
    ev = full.filing.evaluation
    assert [s.kind for s in ev.sections] == ["problems", "improvements"]
    for sec in ev.sections:
        assert sec.sources and len(sec.sources) == len([p for p in sec.text.split("\n") if p.strip()])
        for item in sec.sources:
            assert item["sources"], item  # nothing unsourced
            body = re.sub(r"^（\d+）", "", item["text"])
            if item["sources"] == ["据填报的实际完成值"]:
                assert "「根据工作安排，检查项目数」年度指标值=120个，实际完成108个" in body
                continue
            cites = [c for c in full.citations if c.target == sec.kind]
            assert any(c.label() in item["sources"] for c in cites)
            texts = []
            for c in cites:
                prec = store.get(c.filing_id)
                assert prec.kind == "self_evaluation"
                texts += [s.text for s in prec.evaluation.sections] + prec.evaluation.problems + prec.evaluation.improvements
            assert any(body.rstrip("。") in t for t in texts), body  # the sentence is in a cited precedent
    assert ev.problems[0].startswith("（1）「根据工作安排，检查项目数」")


def test_precedents_exclude_the_same_project_year(store):
    d = self_evaluation(store, project="在建工程质量安全监督抽查", year=2022,
                        actuals={"监督抽查在建工程项目数": "167个"}, check=False)
    own = next(f.id for f in store.list(kind="self_evaluation", year=2022) if "在建工程质量安全监督抽查" in f.projects)
    assert d.citations and all(c.filing_id != own for c in d.citations if c.kind != "filing")


# --- checks, export, contract ----------------------------------------------------------------

@pytest.mark.parametrize("name", [CHACHU, "建设工程安全质量管控", JIANCE])
def test_draft_introduces_no_findings(store, name):
    d = self_evaluation(store, project=name, year=2020, actuals={"群众满意度": "95%"}, executed=500_000)
    assert d.source_filing_id and d.findings
    assert not d.new_findings, [(f.rule_id, f.location, f.message) for f in d.new_findings]
    assert len(d.carried_findings) == len(d.findings)


@pytest.mark.parametrize("which", ["full", "partial"])
def test_docx_round_trip(store, full, which, tmp_path):
    d = full if which == "full" else self_evaluation(store, project=JIANCE, year=2020, actuals={"群众满意度": "95%"})
    back = parse_file(write_docx(d.filing, tmp_path / "self_eval.docx"))
    a, b = d.filing.projects[0], back.projects[0]
    assert back.kind == "self_evaluation" and back.year == 2020 and back.unit == UNIT and b.name == JIANCE

    def rows(p):
        return [(r.level1, r.level2, r.name, r.raw_value, r.actual, r.weight, r.score, getattr(r, "deviation", None))
                for r in p.indicators]

    assert rows(b) == rows(a)
    if which == "full":
        assert (back.evaluation.score, back.evaluation.grade) == (99.34, "优")
    else:  # the form shows the writer what is still to fill
        assert (back.evaluation.score, back.evaluation.grade) == (None, "【待填：评价等次】")
        assert ACTUAL_TODO in [r.actual for r in b.indicators]
    assert back.evaluation.problems == d.filing.evaluation.problems
    assert back.evaluation.improvements == d.filing.evaluation.improvements
    assert (b.budget.current_year, getattr(b.budget, "executed", None)) == (a.budget.current_year, a.budget.executed)
    if which == "full":
        assert back.evaluation.budget_execution == d.filing.evaluation.budget_execution
    assert not [f for f in check_filing(back) if f.severity == "error" and f.rule_id.startswith(("E-", "V-07"))]


def test_json_is_a_filing_that_ingests(full, tmp_path):
    again = Filing.model_validate_json(full.filing.model_dump_json())
    assert again.kind == "self_evaluation" and again.evaluation.score == 99.34
    with CorpusStore(tmp_path / "h") as s:
        fid = s.put(again)
        assert s.get(fid).projects[0].indicators[2].actual == "108个"
        assert s.find_projects(JIANCE)[0][0] == fid


# --- rollover reads a stored self-evaluation --------------------------------------------------

def test_rollover_takes_executed_and_actuals_from_a_sample_self_evaluation(store):
    fid = next(f.id for f in store.list(kind="target_table", year=2022) if "在建工程质量安全监督抽查" in f.projects)
    evaluation_id = next(f.id for f in store.list(kind="self_evaluation", year=2022)
                         if "在建工程质量安全监督抽查" in f.projects)
    d = rollover(store, from_id=fid, to_year=2023)
    p = d.filing.projects[0]
    assert p.budget.prior_year_executed == 666_400.0
    assert "666,400" in p.budget.raw["同名项目上年预算执行数"]
    assert any(c.field == "同名项目上年预算执行数" and evaluation_id in c.reason for c in d.changes)
    actual = {r.name: r.prior_actual for r in p.indicators}
    assert actual["监督抽查在建工程项目数"] == "167个" and actual["受检建设单位满意度"] == "93.0%"


def test_rollover_takes_executed_and_actuals_from_a_drafted_self_evaluation(full, tmp_path):
    with CorpusStore(corpus_home(tmp_path)) as s:
        before = rollover(s, project=JIANCE, to_year=2021)
        assert before.filing.projects[0].budget.prior_year_executed is None
        drafted_id = s.put(Filing.model_validate_json(full.filing.model_dump_json()))
        d = rollover(s, project=JIANCE, to_year=2021)
        # a stored draft is not a precedent for other drafts
        other = self_evaluation(s, project=CHACHU, year=2020, actuals={"群众满意度": "95%"}, check=False)
        assert other.citations and drafted_id not in {c.filing_id for c in other.citations}
    p = d.filing.projects[0]
    assert p.budget.prior_year_executed == 1_480_000.0
    by_name = {r.name: r.prior_actual for r in p.indicators}
    assert by_name["根据工作安排，检查项目数"] == "108个"
    assert by_name["群众满意度"] == "95%"


# --- input errors -------------------------------------------------------------------------------

def test_unknown_and_ambiguous_names(store):
    with pytest.raises(ActualsError, match="「没有这个指标」不是项目「建设工程监督检测」的指标"):
        self_evaluation(store, project=JIANCE, year=2020, actuals={"没有这个指标": "1个"})
    with pytest.raises(ActualsError, match="同时对应多个指标"):
        self_evaluation(store, project=JIANCE, year=2020, actuals={"监督抽检率": "30%"})
    with pytest.raises(DraftError, match="没有「建设工程监督检测」2019年的绩效目标表"):
        self_evaluation(store, project=JIANCE, year=2019)


def test_template_file_round_trip(store, tmp_path):
    from assistant.drafting.self_evaluation import actuals_template_csv, pick_target

    _, filing, idx = pick_target(store, JIANCE, None, 2020)
    path = tmp_path / "a.csv"
    text = actuals_template_csv(filing.projects[idx])
    lines = text.splitlines()
    assert lines[4].endswith("根据工作安排，检查项目数,'=120个,,")  # formula prefix neutralised (issue 14)  # after the note, the header, 投入时间, 专项检查数
    lines[4] = lines[4][:-2] + ",108个,部分工地停工。"
    lines[-1] = lines[-1].replace("全年执行数（元）,,", "全年执行数（元）,,\"1,480,000\"")
    path.write_text("\n".join(lines) + "\n", encoding="gb18030")
    given = load_actuals(path)
    assert given.actuals == {"根据工作安排，检查项目数": "108个"}
    assert given.deviations == {"根据工作安排，检查项目数": "部分工地停工。"}
    assert given.executed == 1_480_000 and given.budget == 1_530_000
    assert given.origin["根据工作安排，检查项目数"] == "a.csv 第5行"


@pytest.mark.parametrize("content,name,needle", [
    ("指标名称,实际完成值\n群众满意度,95%\n不存在的指标,3个\n", "bad.csv", "「不存在的指标」（bad.csv 第3行）不是项目「建设工程监督检测」的指标"),
    ('{"群众满意度": "95%",\n "x": }\n', "bad.json", "bad.json 第2行：JSON 格式错误"),
    ("群众满意度,95%\n全年执行数（元）,很多\n", "money.csv", "money.csv 第2行：「全年执行数（元）」的金额「很多」不是数字"),
    ("群众满意度\n", "one.csv", "one.csv 第1行：应有两列"),
    ("群众满意度,95%\n群众满意度,96%\n", "dup.csv", "dup.csv 第2行：指标「群众满意度」重复填写（dup.csv 第1行已填过）"),
    ("a;b\n", "x.xlsx", "不支持的文件格式「.xlsx」"),
])
def test_cli_bad_actuals_files(home, tmp_path, content, name, needle):
    import assistant.cli  # noqa: F401
    from assistant.cli_app import app

    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["--home", str(home), "draft", "selfeval", "--project", JIANCE, "--year", "2020",
                                      "--actuals", str(path)])
    assert result.exit_code == 2
    assert needle in result.output
    assert result.output.startswith("错误：") and "Traceback" not in result.output


@pytest.mark.parametrize("option", ["群众满意度", "=95%", "群众满意度="])
def test_bad_actual_option(option):
    with pytest.raises(ActualsError, match="请写成“指标名称=实际完成值”"):
        parse_actual_option(option)


def test_actual_option_keeps_a_leading_comparator():
    assert parse_actual_option("抽查工地数==48家") == ("抽查工地数", "=48家")


# --- CLI end to end -------------------------------------------------------------------------------

def test_cli_template_fill_draft_and_export(home, tmp_path):
    import assistant.cli  # noqa: F401
    from assistant.cli_app import app

    runner = CliRunner()
    base = ["--home", str(home), "draft", "selfeval", "--project", JIANCE, "--year", "2020"]
    template = tmp_path / "actuals.csv"
    r = runner.invoke(app, base + ["--template-out", str(template)])
    assert r.exit_code == 0, r.output
    assert "19个指标" in r.output and template.exists()
    text = template.read_text(encoding="utf-8-sig")
    filled = text.replace("安全类抽查工地数,'=36个,,", "安全类抽查工地数,'=36个,30个,")
    template.write_text(filled, encoding="utf-8-sig")
    out = tmp_path / "draft.docx"
    r = runner.invoke(app, base + ["--actuals", str(template), "--actual", "群众满意度=95%",
                                   "--executed", "148万元", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "自评表草稿：建设工程监督检测（2020年度）" in r.output
    assert "安全类抽查工地数 | =36个 → 30个 | 3.33 | 2.78" in r.output  # 3.33 × 30/36 = 2.775
    assert "群众满意度 | >=90% → 95% | 10 | 10" in r.output
    assert "执行率：96.7%" in r.output and "【待填：总分】" in r.output
    assert "草稿新增 0 条" in r.output and f"已写出：{out}" in r.output
    back = parse_file(out)
    assert back.kind == "self_evaluation"
    assert next(x for x in back.projects[0].indicators if x.name == "安全类抽查工地数").score == 2.78
    r = runner.invoke(app, base + ["--actual", "群众满意度=95%", "--json"])
    payload = json.loads(r.output)
    assert payload["mode"] == "self_evaluation" and payload["filing"]["kind"] == "self_evaluation"

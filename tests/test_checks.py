"""Rule checks on the test corpus (tests/data/checks) and on hand-built records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.checks import (
    Finding, UnknownRule, UnknownSeverity, check_filing, check_project, detect_layout, load_lexicon, rule_infos,
)
from corpus.models import Filing, Indicator, Project, SourceInfo
from corpus.parse import parse_file

DATA = Path(__file__).parent / "data" / "checks"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
LEX = load_lexicon(user_file=None)


def _check(name: str, **kw) -> list[Finding]:
    return check_filing(parse_file(DATA / name), lexicon=LEX, **kw)


def _filing(*indicators: Indicator, **project) -> Filing:
    p = Project(name=project.pop("name", "测试项目"), indicators=list(indicators), **project)
    return Filing(kind="target_table", year=2022, source=SourceInfo(path="t", sha256="", format="txt"), projects=[p])


def _ind(l1: str, l2: str, name: str, raw: str, cat: str, sub: str) -> Indicator:
    return Indicator(level1=l1, level2=l2, name=name, raw_value=raw, category=cat, subcategory=sub)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_test_corpus_files_parse(name):
    filing = parse_file(DATA / name)
    assert filing.kind == "target_table" and filing.projects[0].indicators


@pytest.mark.parametrize("name", [n for n, ids in EXPECTED.items() if not ids])
def test_well_formed_filings_have_no_findings(name):
    found = _check(name)
    assert [(f.rule_id, f.message) for f in found] == []


@pytest.mark.parametrize("name", [n for n, ids in EXPECTED.items() if ids])
def test_flawed_filings_raise_expected_rules(name):
    got = {f.rule_id for f in _check(name)}
    assert got == set(EXPECTED[name])


def test_every_shortlist_rule_is_registered_with_source():
    shortlist = ("S-01 S-02 S-03 S-05 V-01 V-02 V-04 V-05 V-07 V-08 C-01 C-02 C-03 C-04 C-05 M-01 G-01 G-02 G-03 "
                 "L-01 L-02 B-02 B-03 B-05 E-04 E-01 E-02 E-06 S-04 S-06 S-08").split()
    infos = {r.id: r for r in rule_infos()}
    assert set(shortlist) <= set(infos)
    for r in infos.values():
        assert r.source and r.explanation and r.basis in ("law", "template", "convention")


def test_convention_rules_say_so():
    m01 = next(r for r in rule_infos() if r.id == "M-01")
    assert m01.basis == "convention" and "非成文规定" in m01.basis_note()
    found = check_filing(_filing(_ind("满意度指标", "满意度", "学员满意度", "=100%", "满意度", "满意度")), rules=["M-01"], lexicon=LEX)
    assert len(found) == 1 and "并非成文规定" in found[0].message and found[0].basis == "convention"


def test_findings_carry_location_span_and_fix():
    found = _check("bad_placement.txt", rules=["C-01"])
    assert len(found) == 1
    f = found[0]
    assert f.severity == "error" and f.project == "在建工程安全巡查"
    assert f.span is not None and f.span.line_start == 20 and "受监工程事故率" in f.location
    assert "请" in f.message


def test_rule_selection_and_min_severity():
    assert {f.rule_id for f in _check("bad_structure.txt", rules=["s-05"])} == {"S-05"}
    assert all(f.severity == "error" for f in _check("bad_structure.txt", min_severity="error"))
    with pytest.raises(UnknownRule):
        _check("bad_structure.txt", rules=["X-99"])
    with pytest.raises(UnknownSeverity):
        _check("bad_structure.txt", min_severity="fatal")


def test_layout_detection():
    national = _filing(_ind("产出指标", "数量指标", "培训人次", "≥10人次", "产出", "数量")).projects[0]
    cost = _filing(_ind("成本指标", "经济成本指标", "人均成本", "≤10元", "成本", "经济成本")).projects[0]
    shanghai = _filing(_ind("投入与管理", "投入管理", "投入时间", "2020年度", "投入与管理", "投入管理")).projects[0]
    hunan = _filing(_ind("效益目标", "满意度", "群众满意度", "≥90%", "效益", "满意度")).projects[0]
    assert [detect_layout(p) for p in (national, cost, shanghai, hunan)] == ["A", "B", "C", "H"]


def test_s04_is_info_in_shanghai_layout_and_warn_elsewhere():
    sh = _filing(_ind("投入与管理", "投入管理", "投入时间", "2020年度", "投入与管理", "投入管理"))
    nat = _filing(_ind("产出指标", "时效指标", "资金到位时间", "≤3月31日", "产出", "时效"))
    assert [f.severity for f in check_filing(sh, rules=["S-04"], lexicon=LEX)] == ["info"]
    assert [f.severity for f in check_filing(nat, rules=["S-04"], lexicon=LEX)] == ["warn"]


def test_s09_cost_under_output_in_cost_layout():
    f = _filing(
        _ind("成本指标", "经济成本指标", "人均成本", "≤10元", "成本", "经济成本"),
        _ind("产出指标", "经济成本指标", "单价", "≤5元", "产出", "经济成本"),
    )
    assert [x.rule_id for x in check_filing(f, rules=["S-09"], lexicon=LEX)] == ["S-09"]


def test_v02_unit_must_fit_name():
    f = _filing(
        _ind("产出指标", "数量指标", "检查项目数", "=30%", "产出", "数量"),
        _ind("产出指标", "质量指标", "处置率", "=16个", "产出", "质量"),
        _ind("产出指标", "数量指标", "检查工地数", "≥30个", "产出", "数量"),
    )
    assert [x.text.split()[0] for x in check_filing(f, rules=["V-02"], lexicon=LEX)] == ["检查项目数", "处置率"]


def test_self_evaluation_scoring_rules():
    rows = [
        Indicator(level1="产出指标", level2="数量指标", name="培训人次", raw_value="≥100人次", comparator="≥", actual="80人次",
                  weight=50, score=50, category="产出", subcategory="数量"),
        Indicator(level1="效益指标", level2="社会效益指标", name="就业率", raw_value="≥90%", comparator="≥", actual="95%",
                  weight=30, score=30, category="效益", subcategory="社会效益"),
    ]
    f = Filing(kind="self_evaluation", year=2023, source=SourceInfo(path="t", sha256="", format="txt"),
               projects=[Project(name="p", indicators=rows)])
    ids = [x.rule_id for x in check_filing(f, rules=["E-01", "E-02", "E-06"], lexicon=LEX)]
    assert ids.count("E-01") == 1  # 80 points, neither 100 nor 90
    assert ids.count("E-02") == 1  # 培训人次 should score 40, not 50
    assert ids.count("E-06") == 1  # shortfall without a reason


def test_grade_band():
    from corpus.models import Evaluation

    f = Filing(kind="self_evaluation", source=SourceInfo(path="t", sha256="", format="txt"),
               evaluation=Evaluation(score=85, grade="优"))
    assert [x.rule_id for x in check_filing(f, rules=["E-04"], lexicon=LEX)] == ["E-04"]
    f.evaluation.grade = "良"
    assert check_filing(f, rules=["E-04"], lexicon=LEX) == []


def test_check_project_on_a_draft():
    draft = Project(name="草稿", indicators=[_ind("产出指标", "时效指标", "事故率", "≤1%", "产出", "时效")])
    assert "C-01" in {f.rule_id for f in check_project(draft, lexicon=LEX)}


def test_lexicon_extension_from_file(tmp_path):
    extra = tmp_path / "lexicon.toml"
    extra.write_text('[categories]\n"生态效益" = ["受监"]\n', encoding="utf-8")
    lex = load_lexicon(user_file=extra)
    f = _filing(_ind("效益指标", "生态效益指标", "质量安全受监率", "=100%", "效益", "生态效益"))
    assert [x.rule_id for x in check_filing(f, rules=["C-05"], lexicon=LEX)] == ["C-05"]
    assert check_filing(f, rules=["C-05"], lexicon=lex) == []


def test_lexicon_from_home(tmp_path, monkeypatch):
    from assistant.home import set_home

    (tmp_path / "lexicon.toml").write_text('[values]\n"vague" = ["一般化"]\n', encoding="utf-8")
    set_home(tmp_path)
    try:
        assert "一般化" in load_lexicon().words("vague")
    finally:
        set_home(None)


def _self_eval(*rows: Indicator) -> Filing:
    return Filing(kind="self_evaluation", year=2023, source=SourceInfo(path="t", sha256="", format="txt"),
                  projects=[Project(name="p", indicators=list(rows))])


def _row(name: str, target: str, actual: str, cat: str = "产出", sub: str = "数量") -> Indicator:
    return Indicator(level1=f"{cat}指标", level2=f"{sub}指标", name=name, raw_value=target, actual=actual,
                     category=cat, subcategory=sub)


def test_v07_targets_possibly_set_ex_post():
    same = _self_eval(_row("检查项目数", "=30个", "30个"), _row("培训人次", "≥100人次", "100人次"),
                      _row("验收合格率", "=100%", "100%", sub="质量"))
    (f,) = check_filing(same, rules=["V-07"], lexicon=LEX)
    assert f.severity == "info" and "事后" in f.message
    differ = _self_eval(_row("检查项目数", "=30个", "32个"), _row("培训人次", "≥100人次", "100人次"),
                        _row("验收合格率", "=100%", "100%", sub="质量"))
    assert check_filing(differ, rules=["V-07"], lexicon=LEX) == []


def _with_text(text: str, kind: str = "self_evaluation", year: int = 2023, section: str = "narrative") -> Filing:
    from corpus.models import Evaluation, Section

    sec = Section(kind=section, title="工作情况", text=text)
    if kind == "self_evaluation":
        return Filing(kind=kind, year=year, source=SourceInfo(path="t", sha256="", format="txt"),
                      evaluation=Evaluation(sections=[sec]))
    return Filing(kind=kind, year=year, source=SourceInfo(path="t", sha256="", format="txt"),
                  projects=[Project(name="p", sections=[sec])])


def test_b08_subtotals_must_add_up():
    bad = _with_text("全年下发整改通知390份（上平台项目通知298份，未上平台项目通知90份）。")
    (f,) = check_filing(bad, rules=["B-08"], lexicon=LEX)
    assert "388份" in f.message and "390份" in f.message
    for ok in ("全年下发整改通知390份（上平台项目通知298份，未上平台项目通知92份）。",
               "全年下发整改通知390份（含上平台项目通知298份）。",
               "全年共开展考评4次，一季度考评27个项目，二季度考评24个项目，三季度考评30个项目，四季度考评20个项目。",
               "全年共开展考评4次。每季度考评一次，一季度工作重点是……"):
        assert check_filing(_with_text(ok), rules=["B-08"], lexicon=LEX) == [], ok


def test_b08_count_vs_enumerated_rounds():
    bad = _with_text("共组织专项检查3次，第一次检查20个工地，第二次检查18个工地。")
    (f,) = check_filing(bad, rules=["B-08"], lexicon=LEX)
    assert "共3次" in f.message and "2次" in f.message


def test_t03_stale_figures_only_two_years_back():
    old = _with_text("2019年度共抽检样品357组。", kind="target_table", year=2021, section="overview")
    assert [f.rule_id for f in check_filing(old, rules=["T-03"], lexicon=LEX)] == ["T-03"]
    for text in ("2020年度共抽检样品357组。", "2018年以来累计抽检样品3570组。", "依据《2018年检测规程》开展抽检。"):
        f = _with_text(text, kind="target_table", year=2021, section="overview")
        assert check_filing(f, rules=["T-03"], lexicon=LEX) == [], text
    assert check_filing(_with_text("2019年度共抽检样品357组。", year=2021, section="overview"), rules=["T-03"], lexicon=LEX) == []


def test_s10_rate_consistency_compares_only_coverage_rates():
    bad = _filing(_ind("产出指标", "数量指标", "监督抽检覆盖率", "≥5%", "产出", "数量"),
                  _ind("产出指标", "数量指标", "建材监督抽检率", "=30%", "产出", "数量"))
    assert [f.rule_id for f in check_filing(bad, rules=["S-10"], lexicon=LEX)] == ["S-10"]
    ok = _filing(_ind("产出指标", "数量指标", "监督抽检覆盖率", "≥5%", "产出", "数量"),
                 _ind("产出指标", "质量指标", "建材监督抽检合格率", "≥85%", "产出", "质量"),
                 _ind("产出指标", "数量指标", "实体监督抽检率", "=12%", "产出", "数量"))
    assert check_filing(ok, rules=["S-10"], lexicon=LEX) == []


def test_t01_reads_header_fields():
    f = _filing(_ind("产出指标", "数量指标", "检查项目数", "=30个", "产出", "数量"))
    f.projects[0].header["name"] = "20 23 年度监督检查"
    (hit,) = check_filing(f, rules=["T-01"], lexicon=LEX)
    assert "表头" in hit.location


def test_new_rules_listed():
    infos = {r.id: r for r in rule_infos()}
    assert {"B-08", "T-03", "S-10"} <= set(infos)
    assert infos["T-03"].basis == "convention" and infos["S-10"].basis == "convention"

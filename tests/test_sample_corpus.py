"""The bundled sample corpus (corpus/sample/) parses into what MANIFEST.json says it holds,
and the manifest's defect lists are true of the files."""

from __future__ import annotations

import importlib.util
import json
from collections import defaultdict
from pathlib import Path

import pytest

from corpus.parse import parse_file

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "sample"
MANIFEST = json.loads((SAMPLE / "MANIFEST.json").read_text(encoding="utf-8"))
TARGETS = [e for e in MANIFEST if e["kind"] == "target_table"]
SELF_EVALS = [e for e in MANIFEST if e["kind"] == "self_evaluation"]
HAS_SELF_EVAL_PARSER = importlib.util.find_spec("corpus.parsers.self_evaluation") is not None

_cache: dict[str, object] = {}


def parsed(entry: dict):
    if entry["file"] not in _cache:
        _cache[entry["file"]] = parse_file(SAMPLE / entry["file"])
    return _cache[entry["file"]]


def rows_of(project) -> list[tuple[str, str, str, str]]:
    return [(i.level1, i.level2, i.name, i.raw_value) for i in project.indicators]


# --- the manifest itself -----------------------------------------------------------


def test_manifest_lists_every_file_and_nothing_else():
    on_disk = {p.name for p in SAMPLE.iterdir() if p.name != "MANIFEST.json"}
    assert on_disk == {e["file"] for e in MANIFEST}
    assert len(MANIFEST) >= 30


def test_sample_covers_shapes_layouts_fields_and_defects():
    assert {e["shape"] for e in MANIFEST} == {"pdf", "pdf_txt", "word_txt", "tsv", "pipe", "docx", "xlsx"}
    assert {e["encoding"] for e in MANIFEST} >= {"gb18030", "utf-8-sig"}
    assert {e["layout"] for e in TARGETS} == {"national", "y2021", "shanghai"}
    assert len({e["field"] for e in MANIFEST}) >= 5
    assert any(e["defects"] for e in MANIFEST) and any(not e["defects"] for e in MANIFEST)
    assert any(len(e["projects"]) > 1 for e in MANIFEST)
    assert SELF_EVALS


def test_encodings_are_what_the_manifest_says():
    for e in MANIFEST:
        data = (SAMPLE / e["file"]).read_bytes()
        if e["encoding"] == "gb18030":
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
        elif e["encoding"] == "utf-8-sig":
            assert data.startswith(b"\xef\xbb\xbf")
        elif e["encoding"] == "utf-8":
            assert not data.startswith(b"\xef\xbb\xbf")
            data.decode("utf-8")


# --- target tables ------------------------------------------------------------------


@pytest.mark.parametrize("entry", TARGETS, ids=[e["file"] for e in TARGETS])
def test_target_table_parses_as_manifest_says(entry):
    f = parsed(entry)
    assert f.kind == "target_table"
    assert f.unit == entry["unit"]
    assert f.year == entry["year"]
    assert [p.name for p in f.projects] == entry["projects"]
    for project, count, expected in zip(f.projects, entry["indicator_rows"], entry["indicators"]):
        assert len(project.indicators) == count
        for got, want in zip(project.indicators, expected):
            if want.get("empty"):
                assert got.empty, f"{got} should be an empty template row"
                continue
            assert (got.level1, got.level2, got.name, got.raw_value) == (
                want["level1"], want["level2"], want["name"], want["raw_value"]
            )
            assert not got.empty
    budget = f.projects[0].budget
    assert budget.current_year == entry["budget"]["current_year"]
    assert budget.prior_year_budget == entry["budget"]["prior_year_budget"]
    assert budget.prior_year_executed == entry["budget"]["prior_year_executed"]


# (file, project index, exact row) — one or more per shape, wrapped names and odd values included
EXACT_ROWS = [
    ("tt_construction_2021_pdf.txt", 0,
     ("产出指标", "数量指标", "深基坑、高支模、建筑起重机械等危险性较大的分部分项工程专项检查次数", ">=12次")),
    ("tt_construction_2021_pdf.txt", 0, ("产出指标", "质量指标", "年度工作总结报告", "=1份")),
    ("tt_culture_2023_pdf.txt", 0, ("产出指标", "时效指标", "惠民演出节目单通过公众号及社区公告栏提前公布时间", "≥7天")),
    ("tt_culture_2023_pdf.txt", 0, ("成本指标", "经济成本指标", "单场演出平均成本", "≤2500元")),
    ("tt_sh_2019_pdf_two_projects.txt", 0, ("效果目标", "满意度", "居民满意度", ">=90%")),
    ("tt_sh_2019_pdf_two_projects.txt", 1, ("影响力目标", "长效管理", "扬尘巡查问题台账管理制度执行情况", "通过年度考评")),
    ("tt_education_2021_word.txt", 0, ("产出指标", "时效指标", "年度培训计划完成时间", "12月15日前")),
    ("tt_education_2021_word.txt", 0, ("效益指标", "社会效益指标", "参训教师课堂教学评价优良率", "提高")),
    ("tt_health_2024_tsv.txt", 0, ("产出指标", "时效指标", "培训考核合格率", "≥95%")),
    ("tt_agriculture_2023_pipe.txt", 0, ("效益指标", "经济效益指标", "示范区亩均节本增收", "≥90元")),
    ("tt_culture_2022_pipe.txt", 0, ("满意度指标", "服务对象满意度指标", "社区居民满意度", "=100%")),
    ("tt_construction_2023_docx.docx", 0, ("产出指标", "数量", "监督抽查在建工程项目数", "200个")),
    ("tt_culture_2021_docx.docx", 0, ("产出指标", "成本指标", "单场演出平均成本", "≤2600元")),
    ("tt_education_2022_xlsx.xlsx", 0, ("产出指标", "质量指标", "新入职教师规范化培训及师德师风专题教育覆盖率", "=100%")),
    ("tt_sh_dust_2020_xlsx.xlsx", 0, ("投入与管理目标", "投入管理", "资金到位率", "=100%")),
]


@pytest.mark.parametrize("file,index,row", EXACT_ROWS, ids=[f"{r[0]}:{r[2][2]}" for r in EXACT_ROWS])
def test_exact_rows(file, index, row):
    entry = next(e for e in MANIFEST if e["file"] == file)
    assert row in rows_of(parsed(entry).projects[index])


def test_same_projects_carry_their_history_across_years():
    """2021–2024 filings of a project: 上年预算额 is the previous year's 当年预算."""
    by_project: dict[tuple[str, str], dict[int, object]] = defaultdict(dict)
    for e in TARGETS:
        for p in parsed(e).projects:
            by_project[(p.unit, p.name)][e["year"]] = p
    histories = {k: v for k, v in by_project.items() if len(v) >= 4}
    assert len(histories) >= 5
    for years in histories.values():
        for year in sorted(years)[1:]:
            if year - 1 in years:
                assert years[year].budget.prior_year_budget == years[year - 1].budget.current_year


def _docnumbers(f):
    return [n for p in f.projects for b in p.legal_bases for n in b.doc_numbers]


def _sat_rows(project):
    return [i for i in project.indicators if "满意" in i.name]


@pytest.mark.parametrize("entry", TARGETS, ids=[e["file"] for e in TARGETS])
def test_defects_are_as_declared(entry):
    """Each declared defect is visible in the parse; well-formed files show none of them."""
    f = parsed(entry)
    defects = set(entry["defects"])
    numbers = _docnumbers(f)
    assert numbers
    assert any(not n.well_formed for n in numbers) == ("L-02" in defects)
    for p in f.projects:
        raw = [i.raw_value for i in p.indicators]
        assert any(v.startswith((">=", "<=")) for v in raw) == ("V-03" in defects)
        assert any(i.empty for i in p.indicators) == ("S-05" in defects)
        assert any(i.raw_value == "提高" for i in p.indicators) == ("V-04" in defects)
        sat = _sat_rows(p)
        assert sat
        assert any(i.raw_value == "=100%" for i in sat) == ("M-01" in defects)
        bare = [i for i in p.indicators if i.value is not None and i.comparator is None and "%" not in i.raw_value]
        assert bool(bare) == ("V-01" in defects)
        assert any("合格率" in i.name for i in p.indicators if i.level2.startswith("时效")) == ("C-01" in defects)
        assert any(i.name.endswith("报告") for i in p.indicators if i.level2.startswith("质量")) == ("C-02" in defects)
        assert any(i.level1.startswith("投入与管理") for i in p.indicators) == ("S-04" in defects)
        plan = [s.cumulative_percent for s in p.spending_plan]
        ok_plan = plan == sorted(plan) and plan[-1] == 100
        assert ok_plan == ("B-03" not in defects)
        legal = p.legal_bases
        assert any(b.title is None and not b.doc_numbers for b in legal) == ("L-01" in defects)
        goals = p.section("goals").text
        assert any(ch.isdigit() for ch in goals) == ("G-01" not in defects)


# --- per-project self-evaluations (parsed by corpus/parsers/self_evaluation.py) -------

needs_self_eval = pytest.mark.skipif(not HAS_SELF_EVAL_PARSER, reason="self-evaluation parser not written yet")


def test_self_evaluation_manifest_scores_are_consistent():
    """Manifest truth: weights and grades follow 50/30/10/10 and 优≥90 良80–89 中60–79 差<60."""
    for e in SELF_EVALS:
        weights_ok = abs(sum(e["weights"]) - 90) < 1e-6
        assert weights_ok == ("E-01" not in e["defects"]), e["file"]
        band = "优" if e["score"] >= 90 else "良" if e["score"] >= 80 else "中" if e["score"] >= 60 else "差"
        assert (band == e["grade"]) == ("E-04" not in e["defects"]), e["file"]


@needs_self_eval
@pytest.mark.parametrize("entry", SELF_EVALS, ids=[e["file"] for e in SELF_EVALS])
def test_self_evaluation_parses_as_manifest_says(entry):
    f = parsed(entry)
    assert f.kind == "self_evaluation"
    assert f.year == entry["year"]
    assert [p.name for p in f.projects] == entry["projects"]
    project = f.projects[0]
    assert project.implementer == entry["unit"]
    assert project.department == entry["department"]
    assert len(project.indicators) == entry["indicator_rows"][0]
    for got, want, weight in zip(project.indicators, entry["indicators"][0], entry["weights"]):
        assert (got.level1, got.level2, got.name, got.raw_value) == (
            want["level1"], want["level2"], want["name"], want["raw_value"]
        )
        assert got.actual
        assert got.weight == weight
        assert got.score is not None and got.score <= weight
    assert f.evaluation is not None and f.evaluation.grade == entry["grade"]


@needs_self_eval
@pytest.mark.parametrize("entry", SELF_EVALS[:1], ids=[e["file"] for e in SELF_EVALS[:1]])
def test_self_evaluation_unit_and_total_score(entry):
    f = parsed(entry)
    assert f.unit == entry["unit"]
    assert f.evaluation.score == entry["score"]

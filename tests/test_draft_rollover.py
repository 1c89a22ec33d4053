"""Rolling seed 000 (three 2020 projects) forward to 2021."""

from __future__ import annotations

import pytest

from assistant.drafting.models import DraftError
from assistant.drafting.rollover import EXECUTED_PLACEHOLDER, rollover, stale_phrases
from corpus.models import Filing
from corpus.store import CorpusStore
from tests.draft_support import corpus_home

EXPECTED = {"安全质量监督查处": 517500.0, "建设工程安全质量管控": 935200.0, "建设工程监督检测": 1530000.0}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with CorpusStore(corpus_home(tmp_path_factory.mktemp("roll"))) as s:
        yield s


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_prior_year_fields_hold_2020_figures(store, name):
    d = rollover(store, project=name, to_year=2021)
    p = d.filing.projects[0]
    assert p.name == name
    assert p.budget.prior_year_budget == EXPECTED[name]
    assert p.budget.prior_year_executed is None
    assert EXECUTED_PLACEHOLDER in p.budget.raw["同名项目上年预算执行数"]
    assert any(c.field == "同名项目上年预算执行数" and c.new == EXECUTED_PLACEHOLDER and c.review for c in d.changes)
    assert d.filing.year == 2021 and d.filing.kind == "target_table"
    assert p.start_date.isoformat() == "2021-01-01" and p.end_date.isoformat() == "2021-12-31"
    assert p.header["start"] == "2021-01-01"
    # every row carried, with last year's target beside it
    assert all(r.prior_target for r in p.indicators)
    assert [r.prior_target for r in p.indicators] == [r.raw_value for r in store.get(d.source_filing_id).projects[
        [q.name for q in store.get(d.source_filing_id).projects].index(name)].indicators]
    # the draft brings no finding the source did not already have
    assert d.findings and not d.new_findings
    assert len(d.carried_findings) == len(d.findings)
    # it is a valid Filing by the corpus contract
    assert Filing.model_validate_json(d.filing.model_dump_json()).projects[0].name == name


def test_years_moved_in_rows_and_stale_phrases_listed(store):
    d = rollover(store, project="建设工程安全质量管控", to_year=2021)
    p = d.filing.projects[0]
    names = [r.name for r in p.indicators]
    assert "2021年研究课题项目数" in names and "2020年研究课题项目数" not in names
    assert next(r for r in p.indicators if r.name == "投入时间").raw_value == "2021年度"
    d3 = rollover(store, project="建设工程监督检测", to_year=2021)
    stale = [c.old for c in d3.changes if c.review and c.field.startswith("栏目")]
    assert any("2018年度总共抽检了357组样品" in s for s in stale)
    d1 = rollover(store, project="安全质量监督查处", to_year=2021)
    assert any(c.review and "19年度" in (c.old or "") for c in d1.changes)


def test_whole_filing_rolls_forward(store):
    fid = store.find_projects("建设工程监督检测")[0][0]
    d = rollover(store, from_id=fid, to_year=2021)
    assert {p.name: p.budget.prior_year_budget for p in d.filing.projects} == EXPECTED
    assert not d.new_findings


def test_stale_phrases_ignores_current_year():
    assert stale_phrases("2021年计划抽查50个。2019年抽查了40个。", 2020, 2021) == ["2019年抽查了40个。"]


@pytest.mark.parametrize("kwargs,needle", [
    ({"project": "没有这个项目"}, "没有名称含「没有这个项目」"),
    ({"project": "建设工程监督检测", "to_year": 2020}, "不晚于来源年度 2020"),
])
def test_errors(store, kwargs, needle):
    with pytest.raises(DraftError, match=needle):
        rollover(store, **kwargs)

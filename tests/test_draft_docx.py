"""Word export parses back into the same projects and indicator rows."""

from __future__ import annotations

import pytest

from assistant.drafting.export_docx import write_docx
from assistant.drafting.new_project import NewProjectSpec, new_project
from assistant.drafting.rollover import rollover
from corpus.parse import parse_file
from corpus.store import CorpusStore
from tests.draft_support import corpus_home


def _rows(p):
    return [(r.level1, r.level2, r.name, r.raw_value) for r in p.indicators]


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    home = corpus_home(tmp_path_factory.mktemp("docx"))
    with CorpusStore(home) as store:
        fid = store.find_projects("建设工程监督检测")[0][0]
        roll = rollover(store, from_id=fid, to_year=2021)
        new = new_project(NewProjectSpec(name="建筑工地质量安全巡查", unit="虹川区建设工程质量安全监督站",
                                         budget=1200000, brief="在建工程质量安全抽检", year=2025), store=store, home=home)
    return {"roll": roll, "new": new}


@pytest.mark.parametrize("which", ["roll", "new"])
def test_docx_round_trip(drafts, which, tmp_path):
    filing = drafts[which].filing
    back = parse_file(write_docx(filing, tmp_path / "draft.docx"))
    assert back.kind == "target_table" and back.year == filing.year
    assert [p.name for p in back.projects] == [p.name for p in filing.projects]
    for a, b in zip(filing.projects, back.projects):
        assert _rows(b) == _rows(a)
        assert [s.kind for s in b.sections] == [s.kind for s in a.sections]
        assert (b.budget.total, b.budget.current_year, b.budget.prior_year_budget) == (
            a.budget.total, a.budget.current_year, a.budget.prior_year_budget)
        assert b.start_date == a.start_date and b.unit == a.unit

"""New-project drafts from the sample corpus precedents: a close precedent is used, its figures only as references."""

from __future__ import annotations

import pytest

from assistant.drafting.new_project import LAYOUT_2021, NO_MATCH, SECTIONS, NewProjectSpec, borrowed_in_draft, new_project
from assistant.drafting.relevance import field_of
from corpus.store import CorpusStore
from tests.draft_support import corpus_home

SPEC = NewProjectSpec(name="建筑工地质量安全巡查", unit="虹川区建设工程质量安全监督站", category="经常性项目",
                      budget=1200000, brief="委托第三方检测机构对在建工程开展质量安全巡查和抽检", year=2025)


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    home = corpus_home(tmp_path_factory.mktemp("new"))
    with CorpusStore(home) as store:
        draft = new_project(SPEC, store=store, home=home)
        ids = set(store.ids())
    return draft, ids


def test_all_sections_and_categories_from_a_close_precedent(drafted):
    draft, _ = drafted
    p = draft.filing.projects[0]
    assert [s.kind for s in p.sections] == [k for k, _ in SECTIONS]
    assert all(s.text.strip() and NO_MATCH not in s.text for s in p.sections)
    got = {(r.category, r.subcategory) for r in p.indicators}
    assert got == {(c, s) for _, _, c, s, _, _ in LAYOUT_2021}
    assert p.budget.current_year == 1200000 and draft.filing.year == 2025
    cited = {c.project for c in draft.citations}
    assert "在建工程质量安全监督抽查" in cited and {field_of(n) for n in cited} == {"建设与市政"}  # same field only


def test_every_section_and_row_cites_a_stored_precedent(drafted):
    draft, ids = drafted
    p = draft.filing.projects[0]
    cited = {(c.target, c.kind) for c in draft.citations}
    for s in p.sections:
        assert (s.kind, "section") in cited
    precedent_rows = [r for r in p.indicators if r.sources]
    assert len(precedent_rows) >= 4
    for r in precedent_rows:
        assert (r.name, "indicator") in cited
    for c in draft.citations:
        assert c.filing_id in ids and c.year and c.unit
    assert all("请核对是否适用" in line for line in p.sections[1].text.splitlines())
    assert p.legal_bases


def test_writer_numbers_are_placeholders_and_no_errors(drafted):
    draft, _ = drafted
    p = draft.filing.projects[0]
    cost = next(r for r in p.indicators if r.subcategory == "经济成本")
    assert cost.raw_value == "≤1200000元"  # the writer's own budget
    count_rows = [r for r in p.indicators if r.subcategory == "数量"]
    assert count_rows and all("【待填" in r.raw_value for r in count_rows)  # the brief states no count
    sat = next(r for r in p.indicators if r.subcategory == "满意度")
    assert sat.raw_value.startswith("≥") and "【待填" not in sat.raw_value
    assert any("常用值" in n for n in sat.usual_values)
    assert not [f for f in draft.findings if f.severity == "error"]
    assert SPEC.brief in p.sections[0].text
    assert "【参考：" in p.sections[0].text and "（来源：" in p.sections[0].text
    assert borrowed_in_draft(draft, SPEC) == []

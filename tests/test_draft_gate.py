"""The relevance gate and the placeholder rule (issue 13): the bridge example on the sample corpus,
an unrelated project, a one-filing corpus and an empty one."""

from __future__ import annotations

import re
import shutil

import pytest
from typer.testing import CliRunner

import assistant.cli  # noqa: F401
from assistant.cli_app import app
from assistant.drafting.new_project import NO_MATCH, NewProjectSpec, borrowed_in_draft, new_project
from assistant.drafting.placeholders import borrowed_figures, mask, own_numbers
from assistant.drafting.relevance import field_of
from corpus.store import CorpusStore
from tests.draft_support import SAMPLE, corpus_home

runner = CliRunner()
BRIDGE = NewProjectSpec(name="城市桥梁定期检测", unit="某区市政工程管理所", budget=800000, year=2026,
                        brief="对全市32座城市桥梁开展定期检测，出具检测报告并建立病害台账")
UNRELATED_WORDS = ("垃圾", "分类", "观众", "教师", "参训", "演出", "学生", "扬尘", "渣土")
CATEGORIES = {"经济成本", "数量", "质量", "时效", "社会效益", "满意度"}


def _outside_placeholders(text: str) -> str:
    return re.sub(r"【(?:待填|参考)[^【】]*】", "", text)


def _draft(home, spec=BRIDGE):
    with CorpusStore(home) as store:
        return new_project(spec, store=store, home=home)


def test_fields_of_the_lexicon():
    assert field_of(BRIDGE.name + BRIDGE.brief) == "建设与市政"
    assert field_of("生活垃圾分类投放宣传") == "生态环境"
    assert field_of("乡村教师培训") == "教育"
    assert field_of("采购办公用纸") is None


def test_mask_keeps_own_figures_and_wraps_borrowed_clauses():
    own = own_numbers(BRIDGE.brief, BRIDGE.budget, BRIDGE.year)
    text = "2026年检测桥梁32座，计划抽查在建项目180个，出具检测报告420份。预算800,000元。"
    out = mask(text, own, "2023年·某站·某项目", places=["虹川区"])
    assert "检测桥梁32座" in _outside_placeholders(out) and "800,000元" in _outside_placeholders(out)
    assert "【参考：计划抽查在建项目180个，出具检测报告420份（来源：2023年·某站·某项目）】" in out
    assert borrowed_figures(out, own) == []
    assert borrowed_figures(text, own) == ["180", "420"]
    assert borrowed_figures(mask("由虹川区组织实施", own, "s", ["虹川区"]), own, ["虹川区"]) == []
    nested = mask("见虹住建【2021】12号", own, "s")  # inner brackets never end the placeholder early
    assert borrowed_figures(nested, own) == [] and nested.count("【") == 1


@pytest.fixture(scope="module")
def sample_home(tmp_path_factory):
    return corpus_home(tmp_path_factory.mktemp("gate"))


def test_bridge_cites_nothing_unrelated_and_borrows_no_figure(sample_home):
    draft = _draft(sample_home)
    p = draft.filing.projects[0]
    body = "\n".join(s.text for s in p.sections) + "\n".join(f"{r.name} {r.raw_value}" for r in p.indicators)
    for w in UNRELATED_WORDS:
        assert w not in _outside_placeholders(body), w
    assert not any(w in lb.text for lb in p.legal_bases for w in ("垃圾", "市容", "教育", "文化"))
    with CorpusStore(sample_home) as store:
        for c in draft.citations:
            prec = store.get(c.filing_id).projects[0]
            assert field_of(f"{prec.name} {prec.unit}") not in ("生态环境", "教育", "文化旅游"), c.label()
    assert borrowed_in_draft(draft, BRIDGE) == []
    assert {r.subcategory for r in p.indicators} >= CATEGORIES
    assert any(r.name == "检测城市桥梁数" and r.raw_value == "=32座" for r in p.indicators)
    assert BRIDGE.brief in p.sections[0].text
    assert all("请核对是否适用" in line for line in p.sections[1].text.splitlines() if line.strip())


def test_unrelated_project_gets_a_skeleton_and_nearest_for_reference_only(sample_home):
    spec = NewProjectSpec(name="卫星遥感影像采购", unit="某区数据资源管理局", budget=500000, brief="采购高分卫星影像")
    draft = _draft(sample_home, spec)
    p = draft.filing.projects[0]
    assert all(NO_MATCH in s.text for s in p.sections)
    assert p.legal_bases == [] and not [c for c in draft.citations if c.kind in ("section", "legal_basis")]
    assert any(NO_MATCH in n and "仅供参考" in n for n in draft.notices)
    assert {r.subcategory for r in p.indicators} >= CATEGORIES
    assert borrowed_in_draft(draft, spec) == []


def test_one_filing_corpus_and_empty_corpus_work(tmp_path):
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(SAMPLE / "tt_construction_2022_tsv.txt", one)
    home = tmp_path / "home"
    for args in (["ingest", str(one)], ["index", "build", "--lexical-only"]):
        r = runner.invoke(app, ["--home", str(home), *args])
        assert r.exit_code == 0, r.output
    draft = _draft(home)
    p = draft.filing.projects[0]
    assert {r.subcategory for r in p.indicators} >= CATEGORIES
    assert borrowed_in_draft(draft, BRIDGE) == []
    assert [c for c in draft.citations if c.kind == "section"]  # the one construction filing is close enough
    r = runner.invoke(app, ["--home", str(home), "draft", "new", "--name", BRIDGE.name, "--unit", BRIDGE.unit,
                            "--budget", "800000", "--brief", BRIDGE.brief, "--year", "2026"])
    assert r.exit_code == 0 and "检测城市桥梁数 / =32座" in r.output, r.output
    empty = tmp_path / "empty"
    r = runner.invoke(app, ["--home", str(empty), "draft", "new", "--name", BRIDGE.name, "--unit", BRIDGE.unit,
                            "--budget", "800000", "--brief", BRIDGE.brief])
    assert r.exit_code == 0 and NO_MATCH in r.output and "=32座" in r.output, r.output


def test_category_missing_from_the_index_is_not_an_error(tmp_path):
    """The issue's `二级指标“经济成本”在索引中不存在`: a one-filing corpus of the 2020 layout (no 经济成本)."""
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(SAMPLE / "tt_sh_sorting_2020_word.txt", one)
    home = tmp_path / "home"
    for args in (["ingest", str(one)], ["index", "build", "--lexical-only"]):
        r = runner.invoke(app, ["--home", str(home), *args])
        assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["--home", str(home), "draft", "new", "--name", BRIDGE.name, "--unit", BRIDGE.unit,
                            "--budget", "800000", "--brief", BRIDGE.brief, "--year", "2026", "--json"])
    assert r.exit_code == 0, r.output
    assert "在索引中不存在" not in r.output and NO_MATCH in r.output
    draft = _draft(home)
    p = draft.filing.projects[0]
    assert {r.subcategory for r in p.indicators} >= CATEGORIES
    body = "\n".join(s.text for s in p.sections) + "\n".join(f"{r.name} {r.raw_value}" for r in p.indicators)
    assert "垃圾" not in body and not draft.citations  # the garbage-sorting filing is listed only as 仅供参考
    assert any("仅供参考" in n and "生活垃圾" in n for n in draft.notices)

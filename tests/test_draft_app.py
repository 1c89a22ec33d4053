"""The 起草 tab's service (assistant.app_draft) on real data: seed 000 rolled forward (three
projects), a new project from the sample corpus; form → edits → check → findings on the right
row or section → Word export of the edited draft, parsed back."""

from __future__ import annotations

from collections import Counter

import pytest

from assistant.app_draft import (
    DraftInputError, NewProjectRequest, RolloverRequest, RowEdit, apply_edits, check_draft, export_docx,
    make_draft, parse_request, project_form, rows_from_table, rows_to_table, safe_stem,
)
from corpus.parse import parse_file
from corpus.store import filing_id
from tests.draft_support import corpus_home


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return corpus_home(tmp_path_factory.mktemp("draftapp"))


@pytest.fixture(scope="module")
def seed_id(seed000):
    return filing_id(seed000.source.sha256)


@pytest.fixture(scope="module")
def rolled(home, seed_id):
    """Seed 000 (2020, three projects) rolled forward to 2021."""
    return make_draft(home, RolloverRequest(from_id=seed_id))


@pytest.fixture(scope="module")
def fresh(home):
    return make_draft(home, NewProjectRequest(name="建筑工地扬尘监督抽查", unit="虹川区建设工程质量安全监督站",
                                              budget=1_200_000, brief="委托第三方检测扬尘", year=2025))


def _edits(form) -> list[RowEdit]:
    return [RowEdit(**r.model_dump(include={"key", "level1", "level2", "name", "value"})) for r in form.rows]


def _row(form, name: str):
    return next(r for r in form.rows if r.name == name)


def _key(f) -> tuple:
    return (f.rule_id, f.project_index, f.location, f.message)


def test_unedited_draft_checks_as_the_drafter_did(rolled):
    # oracle: the form's check (rows given synthetic spans) finds exactly what attach_findings found
    assert rolled.mode == "rollover" and len(rolled.filing.projects) == 3 and rolled.filing.year == 2021
    assert Counter(map(_key, check_draft(rolled))) == Counter(map(_key, rolled.findings))
    # the draft itself is untouched: no spans were written into it
    assert all(r.span is None for p in rolled.filing.projects for r in p.indicators)


def test_every_finding_is_shown_once_beside_its_part(rolled):
    findings = check_draft(rolled)
    shown: Counter = Counter()
    for i in range(3):
        form = project_form(rolled, i, findings)
        placed = {id(f): f for r in form.rows for f in r.findings}
        placed.update({id(f): f for s in form.sections for f in s.findings})
        placed.update({id(f): f for f in form.other_findings})
        shown.update(_key(f) for f in placed.values())
    assert shown == Counter(map(_key, findings))


def test_findings_land_on_the_rows_and_sections_they_concern(rolled):
    form = project_form(rolled, 0)
    assert form.projects == ["安全质量监督查处", "建设工程安全质量管控", "建设工程监督检测"]
    assert [f.rule_id for f in _row(form, "培训情况总结").findings] == ["C-02"]
    assert {f.rule_id for f in _row(form, "群众满意度").findings} == {"C-08", "V-03"}
    assert not _row(form, "抽查特级一级企业及承建项目数").findings
    basis = next(s for s in form.sections if s.kind == "legal_basis")
    assert [f.rule_id for f in basis.findings] == ["L-02"] * 6
    assert "S-02" in {f.rule_id for f in form.other_findings}
    # a filing-level finding naming another project is shown with that project, beside its section
    third = project_form(rolled, 2)
    necessity = next(s for s in third.sections if s.kind == "necessity")
    assert "G-04" in {f.rule_id for f in necessity.findings}
    assert "G-04" not in {f.rule_id for s in form.sections for f in s.findings}


def test_rollover_form_shows_last_year_and_precedents(rolled, seed_id):
    form = project_form(rolled, 0)
    row = _row(form, "抽查特级一级企业及承建项目数")
    assert (row.value, row.prior_target) == ("=50家", "=50家")
    assert row.precedents == [f"沿用2020年原表（文件 {seed_id}）"]
    assert all(seed_id in s.precedents[0] and "2020年" in s.precedents[0] for s in form.sections)


def test_edit_check_export_round_trip(home, rolled, tmp_path):
    form = project_form(rolled, 0)
    texts = [s.text for s in form.sections]
    texts[0] += "\n本年新增：编辑测试句。"
    rows = _edits(form)
    clean = next(r for r in rows if r.name == "抽查特级一级企业及承建项目数")
    clean.value = "16"  # a bare number: V-01 and V-02
    fixed = next(r for r in rows if r.name == "群众满意度")
    fixed.name, fixed.value = "受检企业满意度", "≥90%"  # clears C-08 and V-03
    gone = next(r for r in rows if r.name == "培训情况总结")
    gone.level1 = gone.level2 = gone.name = gone.value = ""  # a blanked row is deleted
    rows.append(RowEdit(name="新增抽查工地数", value="≥12个"))  # blank levels continue the row above

    edited = apply_edits(rolled, 0, texts, rows)
    assert rolled.filing.projects[0].sections[0].text == form.sections[0].text  # apply_edits is pure

    after = project_form(edited, 0)
    assert {f.rule_id for f in _row(after, "抽查特级一级企业及承建项目数").findings} >= {"V-01", "V-02"}
    assert not _row(after, "受检企业满意度").findings
    assert "培训情况总结" not in [r.name for r in after.rows]
    new = _row(after, "新增抽查工地数")
    assert (new.level1, new.level2, new.prior_target) == ("影响力目标", "长效管理", "")
    assert _row(after, "抽查特级一级企业及承建项目数").prior_target == "=50家"  # carried by the row key

    path = export_docx(home, edited)
    assert path.parent == (home / "exports").resolve() and path.suffix == ".docx"
    back = parse_file(path)
    p0 = back.projects[0]
    assert "本年新增：编辑测试句。" in p0.sections[0].text
    cells = {r.name: r.raw_value for r in p0.indicators}
    assert cells["抽查特级一级企业及承建项目数"] == "16" and cells["受检企业满意度"] == "≥90%"
    assert cells["新增抽查工地数"] == "≥12个" and "培训情况总结" not in cells and "群众满意度" not in cells
    assert [r.name for r in back.projects[1].indicators] == [r.name for r in rolled.filing.projects[1].indicators]


def test_legal_basis_edits_are_reread(rolled):
    form = project_form(rolled, 0)
    i = next(i for i, s in enumerate(form.sections) if s.kind == "legal_basis")
    texts = [s.text for s in form.sections]
    texts[i] = "1、《建设工程质量管理条例》（国务院令第279号）\n2、《某市建设工程监督办法》（沪建质安〔2019〕367号）"
    good = project_form(apply_edits(rolled, 0, texts, _edits(form)), 0)
    assert not [f for f in good.sections[i].findings if f.rule_id == "L-02"]
    texts[i] += "\n3、《另一办法》（沪建安质监[2018]12号）"
    bad = project_form(apply_edits(rolled, 0, texts, _edits(form)), 0)
    assert [f.location for f in bad.sections[i].findings if f.rule_id == "L-02"] == ["立项依据第3条"]


def test_edits_stay_with_their_project(rolled):
    form = project_form(rolled, 1)
    texts = [s.text for s in form.sections]
    texts[0] = "第二个项目的新概况。"
    edited = apply_edits(rolled, 1, texts, _edits(form))
    assert project_form(edited, 1).sections[0].text == "第二个项目的新概况。"
    assert project_form(edited, 0).sections[0].text == project_form(rolled, 0).sections[0].text


def test_table_cells_round_trip(rolled):
    form = project_form(rolled, 0)
    table = rows_to_table(form.rows)
    assert len(table[0]) == 9 and table[0][0] == "1"
    assert any("C-02" in row[8] for row in table)
    assert rows_from_table(table) == _edits(form)
    assert rows_from_table([["", "产出指标", "数量指标", "新行", "≥1个"]])[0].key is None


def test_empty_table_is_refused(rolled):
    form = project_form(rolled, 0)
    with pytest.raises(DraftInputError, match="指标表不能为空"):
        apply_edits(rolled, 0, [s.text for s in form.sections], [RowEdit()])


def test_new_project_sections_and_rows_cite_precedents(fresh):
    form = project_form(fresh, 0)
    assert fresh.mode == "new_project" and form.name == "建筑工地扬尘监督抽查"
    assert len(form.sections) == 6 and all(s.text.strip() for s in form.sections)
    cited = {c.label() for c in fresh.citations}
    for s in form.sections:
        assert s.precedents and any(p.startswith(tuple(cited)) for p in s.precedents), s.title
    for r in form.rows:  # a precedent row names its filing; the writer's own rows say so
        assert r.precedents and (r.precedents[0] in cited or r.precedents[0].startswith("填报人给出的")), r.name
    assert any("【待填" in r.value for r in form.rows)
    assert any(s.reviews for s in form.sections)  # numbers copied from a precedent are flagged


@pytest.mark.parametrize("mode,fields,message", [
    ("new_project", {"name": " ", "unit": "某单位", "budget": 1000}, "请填写项目名称和申报单位"),
    ("new_project", {"name": "某项目", "unit": "某单位", "budget": 0}, "请填写大于 0 的项目预算（元）"),
    ("new_project", {"name": "某项目", "unit": "某单位", "budget": 10, "year": 1999}, "年度应在 2000–2100 之间"),
    ("rollover", {"project": "x", "to_year": "20"}, "新年度请填 2000–2100 之间的四位年份，如 2025；留空则为来源年度加一"),
    ("rollover", {"project": "x", "to_year": "明年"}, "新年度请填 2000–2100 之间的四位年份，如 2025；留空则为来源年度加一"),
    ("no_such_mode", {}, "未知的起草方式「no_such_mode」"),
    ("self_evaluation", {"project": "x", "year": "明年"}, "自评年度请填 2000–2100 之间的四位年份，如 2024；留空则取最近一年的目标表"),
    ("self_evaluation", {"project": "x", "executed": "很多"}, "全年执行数「很多」不是金额。请写成 1480000、1,480,000 或 148万元"),
    ("self_evaluation", {"project": "x", "executed": "1.5e6"}, "全年执行数「1.5e6」不是金额。请写成 1480000、1,480,000 或 148万元"),
    ("self_evaluation", {"project": "x", "budget": "0"}, "全年预算数应大于 0；留空则取目标表的当年预算"),
])
def test_request_errors(mode, fields, message):
    with pytest.raises(DraftInputError) as exc:
        parse_request(mode, **fields)
    assert str(exc.value) == message


def test_rollover_needs_a_project(home):
    with pytest.raises(DraftInputError, match="请输入要结转的项目名称"):
        make_draft(home, RolloverRequest())


@pytest.mark.parametrize("name", ["../../../etc/passwd", "..\\..\\x", "/abs/path", "a\x00b/..", "<b>x</b>.docx", "...."])
def test_export_name_cannot_escape_the_exports_folder(home, rolled, name):
    draft = rolled.model_copy(deep=True)
    draft.filing.projects[0].name = name
    first, second = export_docx(home, draft), export_docx(home, draft)
    folder = (home / "exports").resolve()
    assert first.parent == folder and second.parent == folder and first != second
    stem = first.name.split("_")[0]
    assert stem == (safe_stem(name) or "草稿") and all(ch.isalnum() for ch in stem)
    assert first.exists() and second.exists()


def test_control_characters_are_dropped_from_edits(home, rolled):
    form = project_form(rolled, 0)
    texts = [s.text for s in form.sections]
    texts[0] = "概况\x00含控制\x1b字符\r\n第二行"
    rows = _edits(form)
    rows[0].value = "≥1\x07个"
    edited = apply_edits(rolled, 0, texts, rows)
    assert edited.filing.projects[0].sections[0].text == "概况含控制字符\n第二行"
    assert edited.filing.projects[0].indicators[0].raw_value == "≥1个"
    back = parse_file(export_docx(home, edited))
    assert "概况含控制字符" in back.projects[0].sections[0].text


@pytest.mark.parametrize("given,year", [("", None), (None, None), (0, None), ("2026", 2026), (" 2026年 ", 2026), (2026.0, 2026)])
def test_rollover_year_field(given, year):
    assert parse_request("rollover", project="x", to_year=given).to_year == year


def test_header_fields_are_edited_in_the_form_and_exported(home, fresh):
    from assistant.app_draft import HeaderEdit

    form = project_form(fresh, 0)
    assert (form.header.name, form.header.current_year, form.header.start) == ("建筑工地扬尘监督抽查", 1_200_000, "2025-01-01")
    header = form.header.model_copy(update={"name": "建筑工地扬尘专项抽查", "unit": "虹川区住房和城乡建设管理委员会",
                                            "total": 1_500_000, "current_year": 1_300_000, "prior_year_budget": 1_100_000,
                                            "start": "2025-03-01", "end": "2025年11月30日"})
    edited = apply_edits(fresh, 0, [s.text for s in form.sections], _edits(form), header=header)
    p = edited.filing.projects[0]
    assert (p.name, p.unit, p.budget.total, p.budget.current_year, p.budget.prior_year_budget) == (
        "建筑工地扬尘专项抽查", "虹川区住房和城乡建设管理委员会", 1_500_000, 1_300_000, 1_100_000)
    assert (p.start_date.isoformat(), p.end_date.isoformat()) == ("2025-03-01", "2025-11-30")
    after = project_form(edited, 0)
    assert all(s.precedents for s in after.sections)  # the citations follow the renamed project
    back = parse_file(export_docx(home, edited)).projects[0]
    assert back.name == "建筑工地扬尘专项抽查" and back.budget.current_year == 1_300_000
    assert back.budget.prior_year_budget == 1_100_000
    for bad, message in ((dict(start="明年"), "不是日期"), (dict(name=" "), "项目名称不能为空"),
                         (dict(total=-5), "不小于 0"), (dict(start="2025-12-01", end="2025-01-01"), "晚于")):
        with pytest.raises(DraftInputError, match=message):
            apply_edits(fresh, 0, [], _edits(form), header=form.header.model_copy(update=bad))
    assert isinstance(form.header, HeaderEdit)


def test_finding_cells_are_readable_in_full(rolled):
    form = project_form(rolled, 0)
    long = [(r, f) for r in form.rows for f in r.findings if len(f.message) > 48]
    assert long, "seed 000 has long findings on its rows"
    cells = {row[3]: row[8] for row in rows_to_table(form.rows)}
    for r, f in long:
        assert f.message.strip() in cells[r.name] and not cells[r.name].endswith("…")

"""部门预算公开 PDFs: the 项目经费情况说明 pages at the end (项目概述, 立项依据, 实施主体,
实施方案, 实施周期, 年度预算安排, 绩效目标), one project each.
"""

from __future__ import annotations

import re


from corpus.models import Filing, Project, SourceInfo
from corpus.normalize import compact, find_year, parse_date, parse_money
from corpus.parsers.common import (
    build_section,
    heading_kind,
    parse_legal_bases,
    parse_spending_plan,
    span_of,
    split_sections,
    wrap_width,
)
from corpus.readers.base import ExtractedText, Line

_TITLE = re.compile(r"^(?P<name>.{0,40}?)(?:项目)?经费情况说明$")
_PERIOD = re.compile(r"((?:19|20)\d{2}[.\-/年]\d{1,2}[.\-/月]\d{1,2}日?)\s*[-—~～至到]\s*((?:19|20)\d{2}[.\-/年]\d{1,2}[.\-/月]\d{1,2}日?)")
_TOTAL = re.compile(r"(?:项目)?总预算\s*[:：]?\s*(\d[\d,]*(?:\.\d+)?)\s*(万元|万|元)")
_PART = re.compile(r"([\u4e00-\u9fa5（）()]{2,20}?)(\d[\d,]*(?:\.\d+)?)\s*(万元|万|元)")


def _project_starts(lines: list[Line]) -> list[int]:
    """Title lines '…经费情况说明' that are followed by a 项目概述/概况 heading."""
    starts = []
    for i, line in enumerate(lines):
        if _TITLE.match(compact(line.text)):
            follow = [l for l in lines[i + 1: i + 5] if compact(l.text)]
            if follow and heading_kind(follow[0].text) and heading_kind(follow[0].text)[0] == "overview":
                starts.append(i)
    return starts


def parse_budget_disclosure(doc: ExtractedText, source: SourceInfo) -> Filing:
    lines = doc.lines
    filing = Filing(kind="budget_disclosure", source=source)
    head = " ".join(l.text for l in lines[:8])
    m = re.search(r"(?:预算)?主管部门\s*[：:]\s*(\S+)", head)
    filing.unit = m.group(1) if m else None
    filing.year = find_year(head)
    filing.title = compact(lines[0].text) if lines else None
    starts = _project_starts(lines)
    width = wrap_width(lines)
    for k, s in enumerate(starts):
        region = lines[s: starts[k + 1] if k + 1 < len(starts) else len(lines)]
        filing.projects.append(_project(region, width, filing))
    if not filing.projects:
        filing.warnings.append("没有找到“项目经费情况说明”页")
    return filing


def _project(region: list[Line], width: int, filing: Filing) -> Project:
    title = compact(region[0].text)
    name = _TITLE.match(title).group("name") if _TITLE.match(title) else title
    project = Project(name=name or title, unit=filing.unit, department=filing.unit, span=span_of(region))
    project.header["title"] = title
    for kind, sec_title, body, first in split_sections(region[1:]):
        project.sections.append(build_section(kind, sec_title, body, first, width))
    overview = project.section("overview")
    if not name and overview:
        m = re.search(r"([\u4e00-\u9fa5]{4,30}?(?:新建工程|改建工程|工程|项目))", overview.text)
        project.name = m.group(1) if m else title
        if m and "建设的" in overview.text:
            m2 = re.search(r"建设的([\u4e00-\u9fa5]{4,30}?(?:工程|项目))", overview.text)
            project.name = m2.group(1) if m2 else project.name
    implementer = project.section("implementer")
    if implementer and len(implementer.text) <= 40:
        project.implementer = compact(implementer.text)
    period = project.section("period")
    if period:
        m = _PERIOD.search(compact(period.text))
        if m:
            project.start_date, project.end_date = parse_date(m.group(1)), parse_date(m.group(2))
    basis = project.section("legal_basis")
    if basis:
        project.legal_bases = parse_legal_bases(basis)
    budget_plan = project.section("budget_plan")
    if budget_plan:
        _budget(project, budget_plan.text)
    return project


def _budget(project: Project, text: str) -> None:
    flat = compact(text)
    m = _TOTAL.search(flat)
    if m:
        amount = parse_money(m.group(1) + m.group(2))
        project.budget.total = project.budget.current_year = amount
        project.budget.raw["总预算"] = m.group(0)
        rest = flat[m.end():]
        parts = {}
        for pm in _PART.finditer(rest):
            label = re.sub(r"^(?:其中|，|、|,)+", "", pm.group(1))
            if label.startswith("合计"):
                continue
            parts[label] = parse_money(pm.group(2) + pm.group(3))
        if parts:
            project.budget.breakdown = parts
    plan = parse_spending_plan(flat)
    if plan:
        project.spending_plan = plan
        if project.budget.current_year is None and all(s.amount is not None for s in plan):
            project.budget.current_year = round(sum(s.amount or 0 for s in plan), 2)
            project.budget.raw["年度预算安排"] = "按季度用款计划合计"

"""绩效目标表 / 绩效目标申报表: one or more projects, each with header fields, prose
sections, money, a spending plan and the indicator table.
"""

from __future__ import annotations

import re
from typing import Optional

from corpus.indicators import is_table_header, parse_indicator_table
from corpus.models import Budget, Project
from corpus.normalize import compact, money_unit_in, parse_date, parse_money
from corpus.parsers.common import (
    build_section,
    extract_fields,
    heading_kind,
    parse_legal_bases,
    parse_spending_plan,
    span_of,
    split_sections,
    wrap_width,
)
from corpus.readers.base import Line

HEADER_LABELS = {
    "申报单位名称": "unit", "申报单位": "unit", "单位名称": "unit", "预算单位": "unit",
    "项目名称": "name", "项目类别": "category", "项目类型": "category", "项目属性": "category",
    "计划开始日期": "start", "项目开始日期": "start", "开始日期": "start",
    "计划完成日期": "end", "计划结束日期": "end", "项目完成日期": "end", "完成日期": "end",
    "主管部门": "department", "主管部门名称": "department", "实施单位": "implementer",
    "项目负责人": "manager", "联系电话": "phone", "是否含有政府购买服务": "government_purchase",
    "绩效类型": "performance_type", "实施期限": "period", "项目期限": "period",
}
# money label (compact) -> Budget field or funds-by-source key
MONEY_LABELS = {
    "项目总预算": "total", "项目资金总额": "total", "项目总金额": "total", "总预算": "total",
    "项目当年预算": "current_year", "年度资金总额": "current_year", "当年预算": "current_year",
    "年度预算": "current_year", "本年预算": "current_year",
    "同名项目上年预算额": "prior_year_budget", "上年预算额": "prior_year_budget", "上年预算数": "prior_year_budget",
    "同名项目上年预算执行数": "prior_year_executed", "上年预算执行数": "prior_year_executed",
    "上年执行数": "prior_year_executed",
    "其中：财政拨款": "src:财政拨款", "财政拨款": "src:财政拨款", "当年财政拨款": "src:财政拨款",
    "上年结转": "src:上年结转", "上年结转资金": "src:上年结转", "其他资金": "src:其他资金",
}
_MONEY_TEXT_RE = re.compile(
    "(?P<label>" + "|".join(sorted(map(re.escape, MONEY_LABELS), key=len, reverse=True)) + ")"
    r"\s*(?:[（(]\s*(?P<unit>万元|元)\s*[）)])?\s*[：:]?\s*(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit2>万元|万|元)?"
)
_TITLE_RE = re.compile(r"绩效目标(?:申报)?表")


def split_projects(lines: list[Line]) -> list[list[Line]]:
    """Cut a multi-project file at each form title (or each 项目名称 when titles are absent)."""
    starts = [i for i, l in enumerate(lines) if _TITLE_RE.search(compact(l.text)) and len(compact(l.text)) <= 30]
    name_lines = [i for i, l in enumerate(lines) if compact(l.text).startswith("项目名称")]
    if len(starts) < len(name_lines):
        # titles missing or only one title for many projects: cut before each name (and its unit line)
        starts = []
        for i in name_lines:
            j = i
            while j > 0 and j - 1 > (starts[-1] if starts else -1) and compact(lines[j - 1].text).startswith(
                ("申报单位", "单位名称", "预算单位", "主管部门")
            ):
                j -= 1
            starts.append(j)
    if not starts:
        return [lines]
    starts[0] = 0
    return [lines[s:e] for s, e in zip(starts, starts[1:] + [len(lines)])]


def parse_project(lines: list[Line], warnings: list[str]) -> Optional[Project]:
    """One project's record from its lines, or None when the region holds no project."""
    table_at = next((i for i, l in enumerate(lines) if is_table_header(l.text)), len(lines))
    head_lines, table_lines = lines[:table_at], lines[table_at:]
    fields = extract_fields(head_lines, HEADER_LABELS)
    if "name" not in fields:
        return None
    width = wrap_width(head_lines)
    project = Project(name=compact(fields["name"][0]), span=span_of(lines))
    project.header = {k: v for k, (v, _) in fields.items()}
    project.category = _plain(fields, "category")
    project.unit = _plain(fields, "unit")
    project.department = _plain(fields, "department")
    project.implementer = _plain(fields, "implementer")
    if "start" in fields:
        project.start_date = parse_date(fields["start"][0])
    if "end" in fields:
        project.end_date = parse_date(fields["end"][0])
    if "period" in fields and not project.start_date:
        dates = re.findall(r"(?:19|20)\d{2}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}", fields["period"][0])
        if len(dates) >= 2:
            project.start_date, project.end_date = parse_date(dates[0]), parse_date(dates[1])

    for kind, title, body, first in split_sections(head_lines, stop=_is_money_line):
        project.sections.append(build_section(kind, title, body, first, width))
    basis = project.section("legal_basis")
    if basis:
        project.legal_bases = parse_legal_bases(basis)
    plan = project.section("plan")
    if plan:
        project.spending_plan = parse_spending_plan(plan.text)
    project.budget = parse_budget(head_lines)
    project.indicators = parse_indicator_table(table_lines)
    if not project.indicators:
        warnings.append(f"项目「{project.name}」没有找到绩效指标表")
    return project


def _plain(fields: dict, key: str) -> Optional[str]:
    return compact(fields[key][0]) if key in fields else None


_TABLE_TITLE = re.compile(r"^\d{4}年度?(?:项目)?绩效(?:目标|指标)表?$|^(?:项目)?(?:年度)?绩效指标表?$")


def _is_money_line(line: Line) -> bool:
    """Where prose sections end: the money block or the indicator table's own title."""
    c = compact(line.text)
    if _TABLE_TITLE.match(c):
        return True
    return c.startswith(("本项目上年度", "项目总预算", "项目资金")) or bool(
        line.cells is None and _MONEY_TEXT_RE.match(c) and not heading_kind(line.text)
    )


def parse_budget(lines: list[Line]) -> Budget:
    """Budget figures in yuan from 'label（元）： amount' text or label/amount cells."""
    budget = Budget()
    hit_lines: list[Line] = []
    default_unit = "元"
    for line in lines:
        unit = money_unit_in(line.text)
        if unit and ("单位" in line.text or line.text.strip().startswith(("金额", "资金"))):
            default_unit = unit
        if line.cells is not None:
            pairs = _money_from_cells(line.cells, default_unit)
        else:
            pairs = []
            for m in _MONEY_TEXT_RE.finditer(line.text.replace(" ", "")):
                unit = m.group("unit2") or m.group("unit") or default_unit
                amount = parse_money(m.group("amount"), default_unit=unit if unit != "万" else "万元")
                pairs.append((compact(m.group("label")), m.group(0), amount))
        for label, raw, amount in pairs:
            key = MONEY_LABELS.get(label)
            if key is None or amount is None:
                continue
            if key.startswith("src:"):
                budget.sources.setdefault(key[4:], amount)
            elif getattr(budget, key) is None:
                setattr(budget, key, amount)
            budget.raw.setdefault(label, raw)
            hit_lines.append(line)
    budget.span = span_of(hit_lines)
    return budget


def _money_from_cells(cells: list[str], default_unit: str) -> list[tuple[str, str, Optional[float]]]:
    out = []
    for i, cell in enumerate(cells):
        c = compact(cell).rstrip("：:")
        unit = money_unit_in(c) or default_unit
        label = re.sub(r"[（(][^）)]*[）)]$", "", c)
        if label in MONEY_LABELS:
            for value in cells[i + 1:]:
                if value.strip():
                    if re.match(r"^\d[\d,]*(?:\.\d+)?\s*(?:万元|万|元)?$", compact(value)):
                        out.append((label, f"{cell} {value}", parse_money(value, default_unit=unit)))
                    break
    return out

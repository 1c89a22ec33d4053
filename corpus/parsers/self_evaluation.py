"""绩效自评报告 / 绩效自评表: department-wide reports (unit profile, money tables,
targets vs results, score and grade, narrative) and per-project self-evaluation
tables (项目资金 block, 年度指标值/实际完成值/分值/得分 columns).

A department-wide report becomes one project (the unit's whole expenditure) that
carries the indicator rows; the rest goes into `Filing.evaluation`.
"""

from __future__ import annotations

import re
from typing import Optional

from corpus.indicators import is_table_header, parse_indicator_table, roles_from_header
from corpus.models import (
    Budget,
    Evaluation,
    Evaluator,
    Filing,
    GoalPair,
    MoneyRow,
    Project,
    Section,
    SourceInfo,
)
from corpus.normalize import compact, find_year, first_number, parse_date, parse_money
from corpus.parsers.common import extract_fields, span_of
from corpus.readers.base import ExtractedText, Line

FIELD_LABELS = {
    "部门(单位)名称": "unit", "部门（单位）名称": "unit", "单位名称": "unit", "预算单位": "unit",
    "项目名称": "name", "主管部门": "department", "实施单位": "implementer",
    "报告日期": "report_date", "联系人": "contact", "联络电话": "phone", "联系电话": "phone",
    "人员编制": "staffing_authorized", "实有人数": "staffing_actual", "职能职责概述": "duties",
    "年度主要工作内容": "tasks", "评价方式": "method", "评价机构": "evaluator_org",
    "年度部门（单位）总体运行情况及取得的成绩": "achievements",
    "年度部门(单位)总体运行情况及取得的成绩": "achievements",
    "绩效自评综合得分": "score", "综合得分": "score", "自评得分": "score", "评价等次": "grade", "等次": "grade",
}
# Column labels of the Hunan-style money tables, in the order their data rows use.
MONEY_TABLES = {
    "年度收入情况": ("income", ["收入合计", "上年结转", "公共财政拨款", "政府基金拨款", "纳入专户管理的非税收入拨款", "其他收入"]),
    "年度支出和结余情况": ("expenditure", ["支出合计", "基本支出", "人员支出", "公用支出", "项目支出", "当年结余", "累计结余"]),
    "三公经费": ("three_public", ["三公经费合计", "公务接待费", "公务用车运维费", "公务用车购置费", "因公出国费"]),
    "固定资产": ("fixed_assets", ["固定资产合计", "在用固定资产", "出租固定资产", "其他"]),
}
_ORG_ROW = re.compile(r"^(?:\d+[、.．]|局机关|合计|汇总|本级|.*汇总$)")
_NARRATIVE_KINDS = [
    ("存在", "problems"), ("问题", "problems"), ("改进", "improvements"), ("建议", "improvements"),
    ("概况", "overview"), ("基本情况", "overview"), ("绩效情况", "performance"), ("使用情况", "management"),
    ("管理情况", "management"), ("组织实施", "implementation"), ("支出规模", "overview"),
]
_HEADING_NUM = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[、.．]|[（(]\d+[）)])")


def parse_self_evaluation(doc: ExtractedText, source: SourceInfo) -> Filing:
    lines = doc.lines
    fields = extract_fields(lines, FIELD_LABELS)
    _unit_without_colon(lines, fields)
    evaluation = Evaluation()
    filing = Filing(kind="self_evaluation", source=source, evaluation=evaluation)
    filing.title = _title(lines)
    filing.unit = compact(fields["unit"][0]) if "unit" in fields else None
    filing.year = next((find_year(l.text) for l in lines[:12] if find_year(l.text)), None)

    def text_of(key: str) -> Optional[str]:
        return fields[key][0].strip() if key in fields else None

    evaluation.report_date = parse_date(text_of("report_date") or "")
    evaluation.contact = compact(text_of("contact") or "") or None
    evaluation.phone = compact(text_of("phone") or "") or None
    evaluation.staffing_authorized = _int(text_of("staffing_authorized"))
    evaluation.staffing_actual = _int(text_of("staffing_actual"))
    evaluation.duties = text_of("duties")
    evaluation.score = first_number(text_of("score"))
    if evaluation.score is None:
        evaluation.score = _total_row_score(lines)
    evaluation.grade = compact(text_of("grade") or "") or None
    if text_of("tasks"):
        evaluation.tasks = [t.strip() for t in re.split(r"\n+", text_of("tasks") or "") if t.strip()]
    if text_of("achievements"):
        evaluation.sections.append(
            Section(kind="achievements", title="年度总体运行情况及取得的成绩", text=text_of("achievements") or "",
                    span=span_of([fields["achievements"][1]]))
        )
    _money_tables(lines, evaluation)
    evaluation.qualitative_goals = _qualitative_goals(lines)
    evaluation.evaluators = _evaluators(lines)
    evaluation.sign_off = _sign_off(lines)

    name = compact(text_of("name") or "") or f"{filing.unit or '部门（单位）'}整体支出"
    project = Project(name=name, unit=filing.unit, category="项目支出" if "name" in fields else "部门整体支出")
    project.department = compact(text_of("department") or "") or None
    project.implementer = compact(text_of("implementer") or "") or None
    if filing.unit is None:
        filing.unit = project.unit = project.implementer or project.department
    project.indicators = _indicators(lines)
    project.budget, execution = _project_funds(lines)
    if execution:
        evaluation.budget_execution = execution
    if evaluation.tasks:
        project.sections.append(Section(kind="tasks", title="年度主要工作内容", text="\n".join(evaluation.tasks),
                                        span=span_of([fields["tasks"][1]])))
    narrative = _narrative(lines)
    evaluation.sections.extend(narrative)
    for section in narrative:
        items = [p for p in section.text.split("\n") if p.strip()]
        if section.kind == "problems":
            evaluation.problems.extend(items)
        elif section.kind == "improvements":
            evaluation.improvements.extend(items)
    project.span = span_of(lines)
    filing.projects = [project]
    if not project.indicators:
        filing.warnings.append("没有找到绩效指标表")
    return filing


def _title(lines: list[Line]) -> Optional[str]:
    """The title as written (stray spaces kept: '20 23 年度' is a defect a check reports)."""
    head = [l.text.strip() for l in lines[:6] if compact(l.text) and l.cells is None]
    return "".join(head[:2]) or None


def _unit_without_colon(lines: list[Line], fields: dict) -> None:
    """'部门(单位)名称  某某站' (cover pages often omit the colon)."""
    if "unit" in fields:
        return
    for line in lines[:30]:
        m = re.match(r"^\s*(?:部门\s*[（(]\s*单位\s*[）)]\s*名称|单位名称)\s+(\S.+)$", line.text)
        if m:
            fields["unit"] = (m.group(1).strip(), line)
            return


def _total_row_score(lines: list[Line]) -> Optional[float]:
    """'总分 | 100 | 92.5': the weights' total, then the score (the last number)."""
    for line in lines:
        cells = [compact(c) for c in (line.cells or []) if compact(c)]
        if cells and cells[0] in ("总分", "合计得分", "自评总分") and len(cells) >= 2:
            return first_number(cells[-1])
        m = re.match(r"^\s*总分\s*[：:]?\s*(?:\d+(?:\.\d+)?\s+)?(\d+(?:\.\d+)?)\s*$", line.text) if not line.cells else None
        if m:
            return float(m.group(1))
    return None


def _int(text: Optional[str]) -> Optional[int]:
    m = re.search(r"\d+", text or "")
    return int(m.group(0)) if m else None


# --- money tables (department-wide reports) --------------------------------------

def _money_tables(lines: list[Line], evaluation: Evaluation) -> None:
    current: Optional[tuple[str, list[str]]] = None
    unit = "万元"
    for line in lines:
        cells = line.cells
        joined = compact(line.text)
        title = next((t for t in MONEY_TABLES if t in joined and (not cells or len([c for c in cells if c]) <= 3)), None)
        if title and not _ORG_ROW.match(joined):
            current = MONEY_TABLES[title]  # 三公经费/固定资产 are named by their header row
            unit = "元" if "（元）" in joined or "(元)" in joined else "万元"
            continue
        if current is None or not cells:
            if current is not None and not cells and joined:
                current = None
            continue
        org = compact(cells[0])
        if not org or not _ORG_ROW.match(org):
            continue
        key, labels = current
        values = {}
        for label, cell in zip(labels, cells[1:]):
            values[label] = parse_money(cell, default_unit=unit) if compact(cell) else None
        getattr(evaluation, key).append(MoneyRow(org=org, values=values, span=span_of([line])))


# --- targets vs results --------------------------------------------------------

def _qualitative_goals(lines: list[Line]) -> list[GoalPair]:
    for i, line in enumerate(lines):
        cells = line.cells or []
        if any("定性目标" in compact(c) for c in cells) or any(compact(c) == "预期目标" for c in cells):
            for row in lines[i + 1: i + 4]:
                filled = [c for c in (row.cells or []) if c.strip()]
                if len(filled) >= 1 and not is_table_header(row.text):
                    targets = [t.strip() for t in filled[0].split("\n") if t.strip()]
                    actuals = [t.strip() for t in filled[1].split("\n") if t.strip()] if len(filled) > 1 else []
                    return [
                        GoalPair(target=t, actual=actuals[k] if k < len(actuals) else None)
                        for k, t in enumerate(targets)
                    ]
    return []


def _indicators(lines: list[Line]):
    """The 定量 indicator table: from its header row to the score row."""
    start = None
    roles = None
    for i, line in enumerate(lines):
        cells = line.cells or []
        c = compact(line.text)
        if "定量目标" in c or is_table_header(line.text):
            start, roles = i + 1, roles_from_header(cells) if cells else None
            break
    if start is None:
        return []
    return parse_indicator_table(lines[start:], roles=roles or ["target", "actual", "weight", "score", "deviation"])


def _project_funds(lines: list[Line]) -> tuple[Budget, Optional[dict]]:
    """The per-project 项目资金 block: 年初预算数/全年预算数/全年执行数/分值/执行率/得分."""
    budget = Budget()
    execution: Optional[dict] = None
    header: Optional[list[str]] = None
    unit = "万元"
    for line in lines:
        cells = line.cells
        if not cells:
            continue
        comp = [compact(c) for c in cells]
        if any("全年预算数" in c or "年初预算数" in c for c in comp):
            header = _without_trailing_blanks(comp)  # web tables pad rows with empty cells
            if any("（元）" in c or "(元)" in c for c in comp):
                unit = "元"
            continue
        if header is None:
            continue
        label_idx = next((k for k, c in enumerate(comp) if c and not re.match(r"^[\d.,%]+$", c) and "项目资金" not in c), None)
        if label_idx is None:
            continue
        label = comp[label_idx].replace("其中：", "").replace("其中:", "")
        nums = cells[label_idx + 1:]
        row = {}
        for name in ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"):
            if name in header:
                offset = header.index(name) - (len(header) - len(nums)) if len(header) > len(nums) else header.index(name)
                if 0 <= offset < len(nums):
                    row[name] = nums[offset]
        if not row:
            if label.startswith(("年度总体目标", "绩效指标", "一级指标")):
                break
            continue
        if "年度资金总额" in label or label in ("合计", "资金总额"):
            budget.current_year = parse_money(row.get("全年预算数", ""), default_unit=unit)
            budget.initial = parse_money(row.get("年初预算数", ""), default_unit=unit)
            budget.executed = parse_money(row.get("全年执行数", ""), default_unit=unit)
            budget.span = span_of([line])
            execution = {
                "weight": first_number(row.get("分值")),
                "rate_percent": first_number(row.get("执行率")),
                "score": first_number(row.get("得分")),
            }
        else:
            source = {"当年财政拨款": "财政拨款", "财政拨款": "财政拨款", "上年结转资金": "上年结转",
                      "上年结转": "上年结转", "其他资金": "其他资金"}.get(label)
            amount = parse_money(row.get("全年预算数", ""), default_unit=unit)
            if source and amount is not None:
                budget.sources[source] = amount
        if label.startswith("其他资金"):
            break
    return budget, execution


def _without_trailing_blanks(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _evaluators(lines: list[Line]) -> list[Evaluator]:
    out: list[Evaluator] = []
    in_block = False
    for line in lines:
        cells = [compact(c) for c in (line.cells or [])]
        if cells and cells[0] in ("姓名",):
            in_block = True
            continue
        if not in_block:
            continue
        if not cells or len(cells) < 3 or "签字" in "".join(cells) or "意见" in "".join(cells):
            if cells and cells[0]:
                break
            continue
        if cells[0]:
            out.append(Evaluator(name=cells[0], title=cells[1] or None, unit=cells[2] or None,
                                 signed=bool(cells[3]) if len(cells) > 3 else False))
    return out


def _sign_off(lines: list[Line]) -> dict[str, bool]:
    """Which sign-off blocks (评价组组长, 部门意见, 财政意见) hold more than their template text."""
    result: dict[str, bool] = {}
    for line in lines:
        for cell in line.cells or []:
            parts = [compact(p) for p in cell.split("\n") if compact(p)]
            if not parts or not parts[0].endswith(("（签字）：", "(签字)：", "意见：")):
                continue
            head = parts[0]
            rest = [p for p in parts[1:] if not _SIGN_TEMPLATE.match(p)]
            body = head.split("：", 1)[1] if head.count("：") > 1 else ""
            result[head.rstrip("：:")] = bool(rest or body)
    return result


_SIGN_TEMPLATE = re.compile(r"^(?:.*[（(]签[字章名]?[）)][：:]?.*|年月日|\d{0,4}年\d{0,2}月\d{0,2}日|填报人.*)$")


# --- narrative ---------------------------------------------------------------

def _is_heading(text: str) -> bool:
    t = text.strip()
    if not t or len(t) > 40 or t.endswith(("。", "；", "：", ":", "，")) or "。" in t:
        return False
    return bool(_HEADING_NUM.match(t)) or not re.search(r"[，,；;：:]", t)


def _narrative(lines: list[Line]) -> list[Section]:
    """Headed prose after the tables (评价报告综述): one Section per heading."""
    start = next(
        (i for i, l in enumerate(lines) if l.cells is None and _is_heading(l.text) and i > 0
         and any(lines[j].cells is not None for j in range(max(0, i - 3), i))),
        None,
    )
    tail_start = max((i for i, l in enumerate(lines) if l.cells is not None), default=-1) + 1
    start = tail_start if start is None or start < tail_start else start
    sections: list[Section] = []
    current: Optional[list] = None
    for line in lines[start:]:
        text = line.text.strip()
        if not text:
            continue
        if _is_heading(text):
            if current:
                sections.append(_make_section(*current))
            current = [text, [line], []]
            continue
        if current is None:
            current = ["", [line], []]
        current[1].append(line)
        current[2].append(text)
    if current:
        sections.append(_make_section(*current))
    # a heading without text of its own stays when it opens a kept section (a parent
    # heading); a run of short cells read as headings (a form one cell per line) goes
    kept: list[Optional[Section]] = []
    for section in reversed(sections):
        heading = len(re.findall(r"[\u4e00-\u9fff]", section.title)) >= 4
        if _is_prose(section.text) or (kept and heading and kept[-1] is not None):
            kept.append(section)
        else:
            kept.append(None)
    return [s for s in reversed(kept) if s is not None]


def _is_prose(text: str) -> bool:
    """Text a reader would call a paragraph, not a table's cells read as headings and values."""
    t = re.sub(r"\s+", "", text)
    return len(t) >= 30 or (len(t) >= 10 and bool(re.search(r"[，。；！？,;]", t)))


def _make_section(title: str, lines: list[Line], paragraphs: list[str]) -> Section:
    plain = _HEADING_NUM.sub("", title)
    kind = next((k for word, k in _NARRATIVE_KINDS if word in plain), "narrative")
    return Section(kind=kind, title=title, text="\n".join(paragraphs), span=span_of(lines))

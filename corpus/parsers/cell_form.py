"""Read a form (目标表 or 自评表) from rows of cells, whatever the region's layout.

Works on `corpus.cells` output only, never on raw lines: header fields are a label
cell followed by its value cell (labels from the lexicon), money is either
label/amount pairs or a column header (全年预算数/全年执行数/执行率/分值/得分)
followed by the 年度资金总额 row. The indicator table (`cell_indicators`) and the
score (`cell_evaluation`) have modules of their own; `read_form` gathers all of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from corpus.cells import Cell, Row, flat_cells
from corpus.indicators import classify_label
from corpus.labels import label_of, leading_label, normalize_label
from corpus.models import Budget, Indicator, Section
from corpus.normalize import find_year, first_number
from corpus.parsers.cell_evaluation import read_evaluation
from corpus.parsers.cell_indicators import _role_of_header, is_name_header, read_indicators
from corpus.parsers.cell_values import any_label, money_value, percent_value, span_of_cells
from corpus.parsers.prose_money import prose_budget
from corpus.parsers.report_heading import find_report_title, report_parts

_CODE_PREFIX = re.compile(r"^(?:\[\d+\]|【\d+】|[（(]\d{3,}[）)]|\d{3,}[-—_\s]+)")
_ROLE_SUFFIX = re.compile(r"[（(](?:部门|单位|主管部门)[）)]$")  # '(433)XX联合社(部门)


@dataclass
class CellForm:
    """What the cells of one form hold; every field optional (partial documents)."""

    title: Optional[str] = None
    year: Optional[int] = None
    fields: dict[str, tuple[str, Cell]] = field(default_factory=dict)
    budget: Budget = field(default_factory=Budget)
    indicators: list[Indicator] = field(default_factory=list)
    goals: list[Section] = field(default_factory=list)
    score: Optional[float] = None
    grade: Optional[str] = None
    layout: Optional[str] = None
    budget_points: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    report_title: Optional[str] = None  # a prose report's heading (see report_heading)
    report_org: Optional[str] = None
    report_name: Optional[str] = None
    publisher: Optional[str] = None  # the page's 来源/发布机构, set by the caller
    prose_budget: Budget = field(default_factory=Budget)

    @property
    def name(self) -> Optional[str]:
        if "name" in self.fields:
            return self.fields["name"][0]
        return name_from_title(self.title) if self.title else None


def clean_org(text: str) -> str:
    """A unit or department as written, without the codes some systems prefix."""
    t = re.sub(r"\s+", "", text).strip("：:|。．.，,；;")
    return _ROLE_SUFFIX.sub("", _CODE_PREFIX.sub("", t))


# --- title, year, name -----------------------------------------------------------

_TITLE_WORDS = ("绩效目标表", "绩效目标申报表", "自评表", "自评报告", "评价报告", "目标申报表", "绩效目标",
                "基础数据表", "完成情况表", "自评总结报告")


def find_title(cells: list[Cell]) -> Optional[str]:
    for cell in cells[:60]:
        t = re.sub(r"\s+", "", cell.text)
        if not (6 <= len(t) <= 70) or any_label(t) or re.match(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)])", t):
            continue
        if any(w in t for w in _TITLE_WORDS if w != "绩效目标") or re.search(r"绩效目标(?:.{0,6}表)?$", t):
            return t
    return None


_TITLE_TRIM = re.compile(
    r"(?:项目支出|项目|专项资金|资金|财政|预算|部门整体支出|区域|县级|市直部门|省级部门)?"
    r"(?:绩效目标(?:申报|自评)?表|绩效目标|绩效自评表|绩效自评(?:总结)?报告|绩效评价报告|自评表|自评(?:总结)?报告)$"
)


def name_from_title(title: str) -> Optional[str]:
    """'XX项目支出绩效目标申报表' → 'XX' (the fallback when no 项目名称 is written)."""
    t = re.sub(r"[（(]\s*(?:19|20)\d{2}\s*年度?\s*[）)]", "", title)
    t = re.sub(r"^(?:19|20)\d{2}\s*年度?", "", t)
    t = _TITLE_TRIM.sub("", t).strip("（()）《》 ")
    t = re.sub(r"^[（(](.+)[）)]$", r"\1", t)
    return t if len(t) >= 2 else None


def find_form_year(cells: list[Cell], title: Optional[str]) -> Optional[int]:
    for cell in cells[:80]:
        t = re.sub(r"\s+", "", cell.text)
        m = re.search(r"((?:19|20)\d{2})年度", t)
        if m and len(t) <= 70:
            return int(m.group(1))
    if title:
        year = find_year(title)
        if year:
            return year
    for cell in cells[:80]:  # a heading such as '2023年XX市项目绩效目标情况'
        t = re.sub(r"\s+", "", cell.text)
        m = re.match(r"^((?:19|20)\d{2})年.{0,40}绩效", t)
        if m and len(t) <= 60:
            return int(m.group(1))
    counts: dict[int, int] = {}
    for cell in cells:
        for m in re.finditer(r"((?:19|20)\d{2})\s*年", cell.text):
            counts[int(m.group(1))] = counts.get(int(m.group(1)), 0) + 1
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


# --- labelled fields -----------------------------------------------------------

_COLUMN_HEADS = {"金额", "备注", "序号", "合计", "数量", "资金", "单位", "金额(万元)", "金额（万元）", "项目类别"}


def read_fields(cells: list[Cell]) -> dict[str, tuple[str, Cell]]:
    """Header fields: a label cell and the next non-label cell, or 'label value' in one cell."""
    found: dict[str, tuple[str, Cell]] = {}
    for i, cell in enumerate(cells):
        key = label_of(cell.text, "fields")
        if key is None:
            lead = leading_label(cell.text, "fields")
            if lead and lead[0] not in found and not any_label(lead[2]):
                found[lead[0]] = (lead[2], cell)
            continue
        if key in found:
            continue
        following = cells[i + 1:i + 4]
        for k, nxt in enumerate(following):
            t = nxt.text.strip()
            if not t:
                continue
            if any_label(t) or t in ("是", "否") and key != "category" or t in _COLUMN_HEADS:
                break  # a column header row ('项 目 名 称 | 金额 | 备注'), not a field and its value
            if key in _ORG_KEYS and _org_further(t, following[k + 1:]):
                continue  # a neighbouring column's words interleaved before the unit's name
            found[key] = (t, cell)
            if key == "implementer" and "主管" in normalize_label(cell.text):
                found.setdefault("department", (t, cell))  # '实施(主管)单位' names both
            break
    return found


_ORG_KEYS = ("unit", "department", "implementer")


def _org_further(text: str, rest: list[Cell]) -> bool:
    """`text` is no body's name while the next non-empty cell is one."""
    from corpus.parsers.cell_filing import plausible_org

    nxt = next((c.text.strip() for c in rest if c.text.strip()), "")
    return bool(nxt) and not plausible_org(clean_org(text)) and plausible_org(clean_org(nxt)) and not any_label(nxt)


# --- money -----------------------------------------------------------------------

def _amount_unit(cells: list[Cell]) -> str:
    """万元 when the form declares it anywhere in a short cell, else 元."""
    for cell in cells:
        t = cell.text
        if len(t) <= 40 and re.search(r"[（(]\s*万元\s*[）)]|单位\s*[：:]?\s*万元|^万元$", t):
            return "万元"
        if len(t) <= 40 and re.search(r"[（(]\s*元\s*[）)]|单位\s*[：:]?\s*元$", t):
            return "元"
    return "万元"


_BUDGET_KEYS = ("total", "current_year", "executed", "execution_rate", "prior_year_budget", "prior_year_executed")


def read_budget(cells: list[Cell]) -> tuple[Budget, dict[str, float]]:
    """Budget figures (yuan) and the money row's 分值/得分 (for self-evaluations)."""
    unit = _amount_unit(cells)
    budget = Budget()
    extras: dict[str, float] = {}
    columns: list[str] = []
    i = 0
    n = len(cells)
    while i < n:
        text = cells[i].text
        key = label_of(text, "money")
        if columns and is_total_row(text):
            key = "total_row"
        if key and key not in ("total_row",) and not key.startswith("src:"):
            # a run of money column labels is a header row
            run = [key]
            j = i + 1
            while j < n and not is_total_row(cells[j].text) and (
                not cells[j].text.strip() or label_of(cells[j].text, "money") in _BUDGET_KEYS + ("weight", "score")
            ):
                if cells[j].text.strip():
                    run.append(label_of(cells[j].text, "money"))
                j += 1
            single = j < n and is_total_row(cells[j].text) and run[0] in ("total", "current_year")
            if (len(run) >= 2 or single) and not money_value(cells[j].text if j < n else "", unit):
                columns = list(run)
                i = j
                continue
            # label followed by its amount
            value_cell = next((c for c in cells[i + 1:i + 3] if c.text.strip()), None)
            if value_cell is not None:
                target = key
                value = percent_value(value_cell.text) if target == "execution_rate" else money_value(value_cell.text, unit)
                if value is not None and target in _BUDGET_KEYS and getattr(budget, target) is None:
                    setattr(budget, target, value)
                    budget.raw.setdefault(normalize_label(text), f"{text} {value_cell.text}".strip())
        if key == "total_row" or (key and key.startswith("src:")):
            values = _row_values(cells, i + 1, len(columns) if columns else 1)
            if key == "total_row" and columns:
                for col, raw in zip(columns, values):
                    _set_column(budget, extras, col, raw, unit)
                budget.raw.setdefault(normalize_label(text), " ".join([text, *values]))
                columns = []
            elif key == "total_row" and values and budget.current_year is None:
                value = money_value(values[0], unit)
                if value is not None:
                    budget.current_year = value
            elif key and key.startswith("src:") and values:
                value = money_value(values[0], unit)
                if value is not None:
                    budget.sources.setdefault(key[4:], value)
        i += 1
    return budget, extras  # stated rates only: the checks compute their own


_TOTAL_ROWS = ("年度资金总额", "资金总额", "合计", "总计", "项目资金", "年度资金总额合计")


def is_total_row(text: str) -> bool:
    return normalize_label(text) in _TOTAL_ROWS


def _row_values(cells: list[Cell], start: int, count: int) -> list[str]:
    """The next `count` value cells after a row label (empty cells kept where explicit)."""
    out: list[str] = []
    for cell in cells[start:start + count * 2 + 2]:
        t = cell.text.strip()
        if t and (any_label(t) and not money_value(t, "元")):
            break
        if not t:
            if out:
                out.append("")
            continue
        out.append(t)
        if len([o for o in out if o]) >= count:
            break
    return out


def _set_column(budget: Budget, extras: dict[str, float], col: str, raw: str, unit: str) -> None:
    if not raw:
        return
    if col == "execution_rate":
        value = percent_value(raw)
        if value is not None and budget.execution_rate is None:
            budget.execution_rate = value
    elif col in ("weight", "score"):
        value = first_number(raw)
        if value is not None:
            extras.setdefault(col, value)
    elif col in _BUDGET_KEYS:
        value = money_value(raw, unit)
        if value is not None and getattr(budget, col) is None:
            setattr(budget, col, value)


# --- goals -----------------------------------------------------------------------

def read_goals(cells: list[Cell]) -> list[Section]:
    """总体目标/年度目标 text: the first long non-label cell after the label."""
    out: list[Section] = []
    seen: set[str] = set()
    for i, cell in enumerate(cells):
        key = label_of(cell.text, "goals")
        if key is None or key in seen or key == "actual":
            continue
        for nxt in cells[i + 1:i + 6]:
            t = nxt.text.strip()
            if not t or label_of(t, "goals") or len(t) < 8:
                continue
            if any_label(t) or classify_label(t)[0] or "指标" in t[:6]:
                break
            seen.add(key)
            title = "年度目标" if key == "annual" else "总体目标"
            out.append(Section(kind="goals", title=title, text=t, span=span_of_cells([nxt])))
            break
    return out



_PROSE_RATE = re.compile(r"(?:预算|资金|实际)?执行率(?:为|达到|达|是)?\s*(\d{1,3}(?:\.\d+)?)\s*[%％]")


def prose_execution_rate(cells: list[Cell]) -> Optional[float]:
    """'实际执行率为100%' in a prose report (the first such sentence)."""
    for cell in cells:
        m = _PROSE_RATE.search(cell.text)
        if m and float(m.group(1)) <= 200:
            return float(m.group(1))
    return None


def local_layout(cells: list[Cell], budget_points: dict[str, float]) -> Optional[str]:
    """The local scoring layout a self-evaluation declares, if any.

    Sichuan: 预算执行情况 10分 + 绩效指标 90分; Hubei: 预算执行 20分 (得分 = 20 × 执行率) with
    产出/效益 40 each. The national default (50/30/10 + 10) is None.
    """
    text = re.sub(r"\s+", "", "".join(c.text for c in cells))[:50_000]
    if re.search(r"绩效指标[（(]?90分", text) or (re.search(r"预算执行情况[（(]?10分", text) and "90分" in text):
        return "sichuan-10-90"
    if re.search(r"20分[*×xX]执行率", text) or budget_points.get("weight") == 20:
        return "hubei-20-40-40"
    return None


_FORM_END = ("总分", "综合得分", "合计", "填报人", "填表人", "评价人", "联系电话", "说明", "注:", "注：", "附件",
             "盖章", "签字", "审核人", "负责人")


def _has_form_end(cells: list[Cell]) -> bool:
    """Whether the last part of an evaluation form holds what closes one (总分, 填报人, 说明…)."""
    tail = cells[int(len(cells) * 0.8):]
    return any(w in c.text for c in tail for w in _FORM_END)


def _cut_label(text: str) -> bool:
    """The text stops inside a label ('…174.78万元中央补' for 中央补助)."""
    from corpus.labels import lexicon

    t = re.sub(r"\s+", "", text)
    if not t or t[-1] in "。！？；;.)）":
        return False
    labels = [lab for table in ("fields", "money", "goals", "evaluation") for lab in lexicon(table) if len(lab) >= 3]
    return any(lab.startswith(t[-k:]) and lab != t[-k:] for k in range(2, 5) for lab in labels)


def read_form(rows: list[Row], self_evaluation: bool) -> CellForm:
    """Everything the cells of a document hold, for the form parsers to use."""
    cells = flat_cells(rows)
    form = CellForm()
    form.title = find_title(cells)
    form.year = find_form_year(cells, form.title)
    form.fields = read_fields(cells)
    form.budget, form.budget_points = read_budget(cells)
    if self_evaluation and form.budget.execution_rate is None:
        form.budget.execution_rate = prose_execution_rate(cells)
    form.layout = local_layout(cells, form.budget_points) if self_evaluation else None
    form.goals = read_goals(cells)
    form.indicators = read_indicators(cells, form.warnings)
    form.score, form.grade = read_evaluation(cells)
    if self_evaluation:
        form.report_title = find_report_title(cells)
        if form.report_title:
            form.report_org, form.report_name = report_parts(form.report_title)
        form.prose_budget = prose_budget(cells)
    if self_evaluation and form.indicators and not _has_form_end(cells):
        form.warnings.append("没有找到表尾（总分、填报人或说明等），文件可能不完整")
    last = next((c.text.strip() for c in reversed(cells) if c.text.strip()), "")
    header_cell = len(normalize_label(last)) <= 10 and _role_of_header(last) is not None  # '… 总分 年度指标值'
    if last and (classify_label(last)[0] or any_label(last) or is_name_header(last) or _cut_label(last) or header_cell):
        form.warnings.append(f"文件在「{last[:20]}」处中断，其后的内容缺失，文件可能不完整")
    return form

"""Read a form (目标表 or 自评表) from rows of cells, whatever the region's layout.

Works on `corpus.cells` output only, never on raw lines: header fields are a label
cell followed by its value cell (labels from the lexicon), money is either
label/amount pairs or a column header (全年预算数/全年执行数/执行率/分值/得分)
followed by the 年度资金总额 row, and the indicator table is found by its
vocabulary (一级/二级/三级指标, 产出指标, 数量指标…) and read as a stream: a level
label sets the level, any other cell opens an indicator, and the cells after it
fill the columns the table's header named, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from corpus.cells import Cell, Row, flat_cells
from corpus.indicators import classify_label, clean_name
from corpus.labels import label_of, leading_label, normalize_label
from corpus.models import Budget, Indicator, Section, SourceSpan
from corpus.normalize import find_year, first_number, looks_like_value, parse_money, split_value

_SYMBOLS = str.maketrans({"≧": "≥", "≦": "≤", "═": "=", "﹦": "=", "＝": "=", "＞": ">", "＜": "<", "％": "%", "﹪": "%"})
_NUMBER = re.compile(r"^[-+]?\d+(?:,\d{3})*(?:\.\d+)?$")
_MONEY_CELL = re.compile(r"^[-+]?\d+(?:,\d{3})*(?:\.\d+)?\s*(?:万元|万|元|亿元)?$")
_PERCENT_CELL = re.compile(r"^[-+]?\d+(?:\.\d+)?\s*%$")
_CODE_PREFIX = re.compile(r"^(?:\[\d+\]|【\d+】|\d{3,}[-—_\s]+)")
_COMPARATOR_ONLY = re.compile(r"^(?:>=|<=|=>|=<|≥|≤|>|<|=|大于等于|小于等于|不低于|不高于|不少于|不超过)$")
_NATURE = {"正向", "反向", "定量", "定性", "正向指标", "反向指标", "定量指标", "定性指标", "中性"}
_UNIT_CHARS = "个家人次项份件台套座所户元万公里千米平方亩吨天日月年小时分钟场期批篇条处辆名间栋册本种类宗例株棵头只箱"
_UNIT_ONLY = re.compile(
    rf"^(?:%|‰|[{_UNIT_CHARS}]{{1,4}}(?:[/·*][{_UNIT_CHARS}]{{1,3}}(?:[·*][{_UNIT_CHARS}])?)?|%\(百分比\)|[A-Za-z]{{1,3}}|㎡|m²)$"
)
_NAME_HEADERS = ("三级指标", "指标内容", "指标名称", "三级目标", "绩效指标名称", "具体指标")
_HEADER_ONLY = ("一级指标", "二级指标", "绩效指标", "年度绩效指标", "年度绩效指标完成情况", "绩效目标指标")
_TABLE_END = ("总分", "综合得分", "绩效自评综合得分", "评价等次", "自评等级", "填报人", "联系电话", "填表人",
              "审核人", "评价人员", "单位负责人", "财务负责人", "项目负责人")
_ROLE_WORDS = [
    ("deviation", ("偏差", "原因", "改进措施")),
    ("note", ("备注", "说明")),
    ("status", ("完成情况",)),
    ("nature", ("指标性质", "指标方向", "符号")),
    ("unit", ("度量单位", "计量单位", "单位")),
    ("score", ("得分",)),
    ("weight", ("分值", "权重")),
    ("actual", ("实际完成", "完成值", "实际值", "实际")),
    ("target", ("指标值", "目标值", "绩效目标", "年度目标", "计划标准", "绩效标准", "预期")),
]
_TAIL_VALUE = re.compile(
    r"((?:>=|<=|≥|≤|>|<|=)?\s*\d+(?:\.\d+)?\s*(?:%|‰|[个家人次项份件台套座所户元万公里米亩吨天日场批辆名]{1,3})?)$"
)
_EXPLANATION = re.compile(r"^(.{4,}?)((?:反映|用于反映|考察|衡量)[\u4e00-\u9fff].{4,})$")
_DATE_LIKE = re.compile(r"(?:19|20)\d{2}\s*[.\-/年]\s*\d{1,2}(?!\d)")
_GRADES = ("优秀", "良好", "合格", "不合格", "优", "良", "中", "差", "较差")


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

    @property
    def name(self) -> Optional[str]:
        if "name" in self.fields:
            return self.fields["name"][0]
        return name_from_title(self.title) if self.title else None


def _span(cells: list[Cell]) -> Optional[SourceSpan]:
    if not cells:
        return None
    return SourceSpan(page=cells[0].line.page, line_start=cells[0].line.no, line_end=cells[-1].line.no_end)


def _any_label(text: str) -> bool:
    return any(label_of(text, t) for t in ("fields", "money", "goals", "evaluation"))


def clean_org(text: str) -> str:
    """A unit or department as written, without the codes some systems prefix."""
    t = re.sub(r"\s+", "", text).strip("：:|")
    return _CODE_PREFIX.sub("", t)


# --- title, year, name -----------------------------------------------------------

_TITLE_WORDS = ("绩效目标表", "绩效目标申报表", "自评表", "自评报告", "评价报告", "目标申报表", "绩效目标",
                "基础数据表", "完成情况表", "自评总结报告")


def find_title(cells: list[Cell]) -> Optional[str]:
    for cell in cells[:60]:
        t = re.sub(r"\s+", "", cell.text)
        if not (6 <= len(t) <= 70) or _any_label(t) or re.match(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)])", t):
            continue
        if any(w in t for w in _TITLE_WORDS if w != "绩效目标") or re.search(r"绩效目标.{0,6}表", t):
            return t
    return None


_TITLE_TRIM = re.compile(
    r"(?:项目支出|项目|专项资金|资金|财政|预算|部门整体支出|区域|县级|市直部门|省级部门)?"
    r"(?:绩效目标(?:申报|自评)?表|绩效自评表|绩效自评(?:总结)?报告|绩效评价报告|自评表|自评(?:总结)?报告)$"
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
    counts: dict[int, int] = {}
    for cell in cells:
        for m in re.finditer(r"((?:19|20)\d{2})\s*年", cell.text):
            counts[int(m.group(1))] = counts.get(int(m.group(1)), 0) + 1
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


# --- labelled fields -----------------------------------------------------------

def read_fields(cells: list[Cell]) -> dict[str, tuple[str, Cell]]:
    """Header fields: a label cell and the next non-label cell, or 'label value' in one cell."""
    found: dict[str, tuple[str, Cell]] = {}
    for i, cell in enumerate(cells):
        key = label_of(cell.text, "fields")
        if key is None:
            lead = leading_label(cell.text, "fields")
            if lead and lead[0] not in found and not _any_label(lead[2]):
                found[lead[0]] = (lead[2], cell)
            continue
        if key in found:
            continue
        for nxt in cells[i + 1:i + 4]:
            t = nxt.text.strip()
            if not t:
                continue
            if _any_label(t) or t in ("是", "否") and key != "category":
                break
            found[key] = (t, cell)
            break
    return found


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


def _money_value(text: str, unit: str) -> Optional[float]:
    t = re.sub(r"\s+", "", text)
    if not _MONEY_CELL.match(t):
        return None
    return parse_money(t, default_unit=unit)


def _percent_value(text: str) -> Optional[float]:
    t = re.sub(r"\s+", "", text).translate(_SYMBOLS)
    if _PERCENT_CELL.match(t) or _NUMBER.match(t):
        return first_number(t)
    return None


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
            if len(run) >= 2 and not _money_value(cells[j].text if j < n else "", unit):
                columns = list(run)
                i = j
                continue
            # label followed by its amount
            value_cell = next((c for c in cells[i + 1:i + 3] if c.text.strip()), None)
            if value_cell is not None:
                target = key
                value = _percent_value(value_cell.text) if target == "execution_rate" else _money_value(value_cell.text, unit)
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
                value = _money_value(values[0], unit)
                if value is not None:
                    budget.current_year = value
            elif key and key.startswith("src:") and values:
                value = _money_value(values[0], unit)
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
        if t and (_any_label(t) and not _money_value(t, "元")):
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
        value = _percent_value(raw)
        if value is not None and budget.execution_rate is None:
            budget.execution_rate = value
    elif col in ("weight", "score"):
        value = first_number(raw)
        if value is not None:
            extras.setdefault(col, value)
    elif col in _BUDGET_KEYS:
        value = _money_value(raw, unit)
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
            if _any_label(t) or classify_label(t)[0] or "指标" in t[:6]:
                break
            seen.add(key)
            title = "年度目标" if key == "annual" else "总体目标"
            out.append(Section(kind="goals", title=title, text=t, span=_span([nxt])))
            break
    return out


# --- indicators ------------------------------------------------------------------

def _role_of_header(text: str) -> Optional[str]:
    c = normalize_label(text)
    if not c or len(c) > 20:
        return None
    for role, words in _ROLE_WORDS:
        if any(w in c for w in words):
            return role
    return None


def _is_name_header(text: str) -> bool:
    c = normalize_label(text)
    return any(c.startswith(w) for w in _NAME_HEADERS)


def _table_start(cells: list[Cell]) -> Optional[int]:
    for i, cell in enumerate(cells):
        c = normalize_label(cell.text)
        if _is_name_header(c) or c in ("一级指标", "二级指标"):
            return i
    for i, cell in enumerate(cells):
        kind, cat = classify_label(cell.text)
        if kind == "L1" and cat in ("产出", "效益"):
            return i
    return None


def _read_roles(cells: list[Cell], start: int) -> tuple[list[str], int]:
    """Column roles after the name header, and where the header ends."""
    roles: list[str] = []
    i = start
    seen_name = False
    while i < len(cells) and i < start + 30:
        t = cells[i].text.strip()
        if not t:
            i += 1
            continue
        c = normalize_label(t)
        if _is_name_header(c):
            seen_name = True
            i += 1
            continue
        if c in _HEADER_ONLY or c.startswith(("一级指标", "二级指标")):
            i += 1
            continue
        role = _role_of_header(t) if len(c) <= 20 else None
        if role and not classify_label(t)[0]:
            roles.append(role)
            i += 1
            continue
        if re.fullmatch(r"\d+(?:\.\d+)?", c) and seen_name:
            i += 1  # a section weight printed between header cells
            continue
        nxt = next((k for k in range(i + 1, min(i + 3, len(cells))) if cells[k].text.strip()), None)
        if seen_name and nxt is not None and len(c) <= 4:
            joined = c + normalize_label(cells[nxt].text)
            role = _role_of_header(joined)
            if role and len(joined) <= 10:
                roles.append(role)  # a header cell wrapped over two lines ('年度' / '指标值')
                i = nxt + 1
                continue
        break
    if not roles:
        roles = ["target"]
    return roles, i


def _is_end(text: str) -> bool:
    c = normalize_label(text)
    return any(c.startswith(w) for w in _TABLE_END) and len(c) <= 30


def _split_levels(text: str) -> tuple[list[str], str]:
    """Level labels run into a name ('产出指标数量指标XX' → ['产出指标','数量指标'], 'XX')."""
    labels: list[str] = []
    rest = re.sub(r"\s+", "", text)
    changed = True
    while changed and rest:
        changed = False
        for n in range(min(14, len(rest) - 1), 1, -1):
            head = rest[:n]
            if head.endswith(("指标", "目标")) and classify_label(head)[0]:
                labels.append(head)
                rest = rest[n:]
                changed = True
                break
    return labels, rest


def _looks_numeric(text: str) -> bool:
    return bool(_NUMBER.match(re.sub(r"\s+", "", text)))


def read_indicators(cells: list[Cell], warnings: list[str]) -> list[Indicator]:
    """The indicator rows of the first table found by its vocabulary."""
    start = _table_start(cells)
    if start is None:
        return []
    roles, i = _read_roles(cells, start)
    roles = [r for r in roles if r not in ("nature", "unit")] or ["target"]
    cells = cells[:i] + _merge_value_parts(cells[i:])
    rows: list[Indicator] = []
    level1 = level2 = ""
    category: Optional[str] = None
    subcategory: Optional[str] = None
    n = len(cells)
    while i < n:
        cell = cells[i]
        text = cell.text.strip().translate(_SYMBOLS)
        if not text:
            i += 1
            continue
        if _is_end(text):
            break
        if _is_name_header(text) or normalize_label(text) in _HEADER_ONLY:
            i += 1
            continue
        kind, cat = classify_label(text)
        if kind:
            label = normalize_label(re.sub(r"[（(]\s*\d+(?:\.\d+)?\s*分?\s*[）)]$", "", text))
            if kind == "L1?":
                kind = "L2" if category == "产出" else "L1"
            if kind == "L1":
                if label != level1:
                    level1, category, level2, subcategory = label, cat, "", None
            else:
                if category is None and cat == "满意度":
                    level1, category = label, "满意度"
                level2, subcategory = label, cat
            i += 1
            continue
        if _looks_numeric(text) and rows:
            _fill_number(rows[-1], text, roles)
            i += 1
            continue
        levels, rest = _split_levels(text)
        for lab in levels:
            k, c = classify_label(lab)
            if k == "L1" or (k == "L1?" and category != "产出"):
                level1, category, level2, subcategory = normalize_label(lab), c, "", None
            else:
                level2, subcategory = normalize_label(lab), c
        name = rest
        values: list[str] = []
        j = i + 1
        if roles[0] in ("weight", "score") and j + 1 < n:
            nxt, after = cells[j].text.strip(), cells[j + 1].text.strip().translate(_SYMBOLS)
            if len(nxt) > 6 and not _looks_numeric(nxt) and looks_like_value(after):
                j += 1  # a description column between the name and its values (Hebei)
        tail = _TAIL_VALUE.search(name)
        following = next((c.text.strip() for c in cells[j:j + 3] if c.text.strip()), "")
        if tail and tail.start() >= 2 and re.search(r"[%‰≥≤<>=]", tail.group(1)) and (
            not looks_like_value(following.translate(_SYMBOLS)) or _split_levels(following)[0]
        ):
            roles_here: list[str] = []  # the value is in the name's own cell (cells run together)
            values = [tail.group(1)]
            name = name[: tail.start()]
        else:
            roles_here = roles
        assigned: list[tuple[str, str]] = [("target", v) for v in values]
        for pos, role in enumerate(roles_here):
            if j >= n or (cell.row is not None and cells[j].row != cell.row):
                break  # a marked table row ends here: its missing cells stay empty
            nxt = cells[j].text.strip().translate(_SYMBOLS)
            if nxt and (classify_label(nxt)[0] or _is_end(nxt) or _split_levels(nxt)[0]):
                break
            if role in ("weight", "score") and nxt and not _looks_numeric(nxt) and not _percent_value(nxt):
                if looks_like_value(nxt) and pos + 1 < len(roles_here):
                    continue  # this row has no cell for the number column; the cell is the next role's
                break
            assigned.append((role, nxt))
            j += 1
        if not any(v for _, v in assigned):
            m = _TAIL_VALUE.search(name)
            if m and m.start() >= 2 and (re.search(r"[%‰≥≤<>=]", m.group(1)) or re.search(r"\D$", m.group(1))):
                assigned = [("target", m.group(1))]
                name = name[: m.start()]
        ind = _make_indicator(level1, level2, category, subcategory, name, assigned, cells[i:j])
        if ind is not None:
            rows.append(ind)
        i = max(j, i + 1)
    serials = [r.name for r in rows if getattr(r, "date_serial_suspect", False)]
    if serials:
        warnings.append(f"指标「{serials[0]}」等 {len(serials)} 项的目标值像是 Excel 日期序号（如 44561），请核对原表")
    if rows and not rows[-1].raw_value:
        warnings.append(f"指标表在「{rows[-1].name}」处中断，文件可能不完整")
    return rows


def _merge_value_parts(cells: list[Cell]) -> list[Cell]:
    """One cell per value: drop 正向/定量 marks, join '=' '8' '人/次' into '=8人/次'.

    Forms that give 指标性质/指标方向, 指标值 and 度量单位 their own columns
    (Sichuan, Inner Mongolia) then read like forms that write '≥8人/次' in one cell.
    """
    out: list[Cell] = []
    pending_cmp: Optional[Cell] = None
    for cell in cells:
        t = re.sub(r"\s+", "", cell.text).translate(_SYMBOLS)
        if t in _NATURE:
            continue
        if _COMPARATOR_ONLY.match(t):
            pending_cmp = cell
            continue
        if pending_cmp is not None:
            cell = Cell(re.sub(r"\s+", "", pending_cmp.text).translate(_SYMBOLS) + t, cell.line, cell.row)
            pending_cmp = None
            out.append(cell)
            continue
        if t and _UNIT_ONLY.match(t) and out and re.search(r"\d$", out[-1].text.strip()):
            out[-1] = Cell(out[-1].text.strip() + t, out[-1].line, out[-1].row)
            continue
        out.append(cell)
    return out


def _fill_number(ind: Indicator, text: str, roles: list[str]) -> None:
    value = first_number(text)
    if ind.weight is None and "weight" not in roles and ind.score is None:
        ind.score = value
    elif ind.score is None:
        ind.score = value


def _join_target(values: dict[str, str]) -> str:
    target = values.get("target", "")
    comp = values.get("nature", "")
    unit = values.get("unit", "")
    if comp and _COMPARATOR_ONLY.match(comp) and not re.match(r"^[<>=≥≤]", target):
        target = comp + target
    if unit and target and not re.search(r"[^\d.\s]$", target):
        target = target + unit
    return target


def _make_indicator(level1: str, level2: str, category, subcategory, name: str,
                    assigned: list[tuple[str, str]], span_cells: list[Cell]) -> Optional[Indicator]:
    name = clean_name(name).lstrip("☆*·")
    explained = _EXPLANATION.match(name)
    description = None
    if explained:
        name, description = explained.group(1), explained.group(2)  # 指标解释 run into the name
    if not name or len(name) > 80:
        return None
    by_role: dict[str, str] = {}
    for role, value in assigned:
        by_role.setdefault(role, value)
    raw = re.sub(r"\s+", "", _join_target(by_role))
    raw_for_split = re.sub(r"[（(]\s*(%|‰)\s*[）)]", r"\1", raw)
    raw_for_split = re.sub(r"%\(百分比\)", "%", raw_for_split)
    comparator, value, high, unit = split_value(raw_for_split) if raw_for_split else (None, None, None, None)
    if _DATE_LIKE.search(raw_for_split):
        value = high = unit = None  # '2023.07-2024.01', '2021年12月31日前': a date or period, not a number
    if value is not None and unit is None and by_role.get("unit") and not _COMPARATOR_ONLY.match(by_role["unit"]):
        unit = by_role["unit"]
    if value is not None and unit is None:
        named = re.search(r"[（(]([^（()）]{1,6})[)）]$", name)
        if named and (named.group(1) in ("%", "‰") or _UNIT_ONLY.match(named.group(1))):
            unit = named.group(1)  # '开展修复工程（个）' with a bare number as its value
    actual = by_role.get("actual") or None
    ind = Indicator(
        level1=level1,
        level2=level2,
        name=name,
        comparator=comparator,
        value=value,
        value_high=high,
        unit=unit,
        raw_value=raw,
        actual=re.sub(r"\s+", "", actual) if actual else None,
        weight=first_number(by_role.get("weight")) if by_role.get("weight") else None,
        score=first_number(by_role.get("score")) if by_role.get("score") else None,
        empty=not raw,
        category=category,
        subcategory=subcategory,
        span=_span(span_cells),
    )
    if by_role.get("deviation"):
        ind.deviation = by_role["deviation"]
    if description:
        ind.description = description
    if value is not None and 20000 <= value <= 80000 and not unit and "时效" in (level2 or "") + name:
        ind.date_serial_suspect = True  # an Excel date serial (44561 = 2021-12-31), not a number
    return ind


# --- evaluation ------------------------------------------------------------------

_PROSE_SCORE = re.compile(r"(?:自评得分|综合得分|自评总分|评价得分|总得分|得分为|总分)\s*(?:为|是|[：:])?\s*(\d{1,3}(?:\.\d+)?)\s*分")
_PROSE_GRADE = re.compile(r"(?:评价等次|评价等级|自评等级|自评结果|等级|等次|评定为|评价结果)\s*(?:为|是|[：:])?\s*[“\"「]?(优秀|良好|优|良|中|差|合格)")


_RUN_TOTAL = re.compile(r"总分100(\d{1,3}(?:\.\d{1,2})?)(?!\d)")


def _score_after(cells: list[Cell], i: int) -> Optional[float]:
    """The score in a 总分 row: [总分, 100, 98.62] → 98.62; [总分, 95] → 95; '总分100100' → 100."""
    numbers: list[str] = []
    skipped = 0
    for k, nxt in enumerate(cells[i + 1:i + 9], start=i + 1):
        t = re.sub(r"\s+", "", nxt.text).rstrip("。.，,").rstrip("分")
        if not t:
            continue
        if not _NUMBER.match(t):
            if numbers and numbers == ["100"] and normalize_label(cells[i].text) == "总分":
                return None  # 总分 | 100 (分值) | 【待填】: the score cell is not filled in
            if numbers or skipped >= 5 or _is_end(t):
                break
            skipped += 1  # a cell laid out between the label and its score (Sichuan)
            continue
        if skipped and _any_label(cells[k - 1].text):
            break
        numbers.append(t)
        if len(numbers) == 2:
            break
    if not numbers:
        tail = re.sub(r"\s+", "", cells[i].text)
        m = re.match(r"^(?:总分|综合得分|自评得分|合计)[：:]?(\d+(?:\.\d+)?)", tail)
        if not m:
            return None
        numbers = [m.group(1)]
    if len(numbers) == 1 and numbers[0].startswith("100") and len(numbers[0]) > 3:
        numbers = ["100", numbers[0][3:]]  # weight and score run together
    values = [float(n) for n in numbers]
    if len(values) == 2 and values[0] == 100:
        return values[1] if values[1] <= 100 else None
    return values[0] if values[0] <= 100 else None


def read_evaluation(cells: list[Cell]) -> tuple[Optional[float], Optional[str]]:
    """总分/自评得分 and 评价等次, from their cells or, for prose reports, from sentences."""
    score = grade = None
    for i, cell in enumerate(cells):
        key = label_of(cell.text, "evaluation")
        if key is None:
            lead = re.match(r"^(?:总分|综合得分|自评得分)[：:]?\d", re.sub(r"\s+", "", cell.text))
            if lead and score is None:
                score = _score_after(cells, i)
            continue
        if key == "score" and score is None:
            score = _score_after(cells, i)
            continue
        if key == "grade" and grade is None:
            for nxt in cells[i + 1:i + 3]:
                t = re.sub(r"\s+", "", nxt.text)
                if not t:
                    continue
                if t in _GRADES or t.rstrip("级等") in _GRADES:
                    grade = t
                break
    if score is None or grade is None:
        for cell in cells:
            if score is None:
                m = _PROSE_SCORE.search(cell.text) or _RUN_TOTAL.search(re.sub(r"\s+", "", cell.text))
                if m and float(m.group(1)) <= 100:
                    score = float(m.group(1))
            if grade is None:
                m = _PROSE_GRADE.search(cell.text)
                if m:
                    grade = m.group(1)
    return score, grade


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
    if self_evaluation and form.indicators and not _has_form_end(cells):
        form.warnings.append("没有找到表尾（总分、填报人或说明等），文件可能不完整")
    last = next((c.text.strip() for c in reversed(cells) if c.text.strip()), "")
    if last and (classify_label(last)[0] or _any_label(last) or _is_name_header(last) or _cut_label(last)):
        form.warnings.append(f"文件在「{last[:20]}」处中断，其后的内容缺失，文件可能不完整")
    return form

"""The indicator table of a form, found by its vocabulary and read as a stream of cells.

A level label (产出指标, 数量指标…) sets the level; any other cell opens an indicator,
and the cells after it fill the columns the table's header named, in order. Marked
table rows bound their cells; 正向/定量 marks are dropped and a comparator, number and
unit given their own columns are joined into one target.
"""

from __future__ import annotations

import re
from typing import Optional

from corpus.cells import Cell
from corpus.indicators import classify_label, clean_name
from corpus.labels import normalize_label
from corpus.models import Indicator
from corpus.normalize import first_number, looks_like_value, split_value
from corpus.shapes_runtogether import word_value_tail
from corpus.parsers.cell_values import (
    COMPARATOR_ONLY,
    NATURE_MARKS,
    SYMBOLS,
    UNIT_ONLY,
    looks_numeric,
    percent_value,
    span_of_cells,
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
_EMPTY_ROW = re.compile(r"^(?:指标\s*\d*\s*[：:]?|[…．.。]{2,}|—+|-{2,})$")
_NUMBERED_NAME = re.compile(r"^指标\s*\d+\s*[：:.、]?\s*[\u4e00-\u9fff]")  # '指标2工程验收合格率' opens a row
_DATE_LIKE = re.compile(r"(?:19|20)\d{2}\s*[.\-/年]\s*\d{1,2}(?!\d)")

def _role_of_header(text: str) -> Optional[str]:
    c = normalize_label(text)
    if not c or len(c) > 20:
        return None
    for role, words in _ROLE_WORDS:
        if any(w in c for w in words):
            return role
    return None


def is_name_header(text: str) -> bool:
    c = normalize_label(text)
    return any(c.startswith(w) for w in _NAME_HEADERS)


def _table_start(cells: list[Cell]) -> Optional[int]:
    for i, cell in enumerate(cells):
        c = normalize_label(cell.text)
        if is_name_header(c) or c in ("一级指标", "二级指标"):
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
        if is_name_header(c):
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


def is_table_end(text: str) -> bool:
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
        text = cell.text.strip().translate(SYMBOLS)
        if not text:
            i += 1
            continue
        if is_table_end(text):
            break
        if is_name_header(text) or normalize_label(text) in _HEADER_ONLY:
            i += 1
            continue
        kind, cat = classify_label(text)
        if kind and _level_named_row(text, cat, subcategory, level2, cells[i - 1].text if i else ""):
            kind = None  # '服务对象满意度指标 | 服务对象满意度 | …': the row's name, not a third level
        if kind:
            label = normalize_label(re.sub(r"[（(]\s*\d+(?:\.\d+)?\s*分?\s*[）)]$", "", text))
            if kind == "L1?":
                kind = "L2" if category == "产出" else "L1"
            if kind == "L1":
                if label != level1:
                    level1, category, level2, subcategory = label, cat, "", None
                elif not level2 and cat == "满意度":
                    level2, subcategory = label, cat  # '满意度指标' written in both level columns
            else:
                if category is None and cat == "满意度":
                    level1, category = label, "满意度"
                level2, subcategory = label, cat
            i += 1
            continue
        if looks_numeric(text) and rows:
            _fill_number(rows[-1], text, roles)
            i += 1
            continue
        if _EMPTY_ROW.match(text):
            i += 1  # a template row left blank ('指标2', '……')
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
            nxt, after = cells[j].text.strip(), cells[j + 1].text.strip().translate(SYMBOLS)
            if len(nxt) > 6 and not looks_numeric(nxt) and looks_like_value(after):
                j += 1  # a description column between the name and its values (Hebei)
        tail = _TAIL_VALUE.search(name)
        following = next((c.text.strip() for c in cells[j:j + 3] if c.text.strip()), "")
        if tail and tail.start() >= 2 and re.search(r"[%‰≥≤<>=]", tail.group(1)) and (
            not looks_like_value(following.translate(SYMBOLS)) or _split_levels(following)[0]
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
            nxt = cells[j].text.strip().translate(SYMBOLS)
            if nxt and (classify_label(nxt)[0] or is_table_end(nxt) or _split_levels(nxt)[0] or _NUMBERED_NAME.match(nxt)):
                break
            if role in ("weight", "score") and nxt and not looks_numeric(nxt) and not percent_value(nxt):
                if looks_like_value(nxt) and pos + 1 < len(roles_here):
                    continue  # this row has no cell for the number column; the cell is the next role's
                break
            if role in ("deviation", "note") and _next_row_name(cells, j, cell.row):
                break  # the row left its text column empty: this is the next row's name
            assigned.append((role, nxt))
            j += 1
        if not any(v for _, v in assigned):
            m = _TAIL_VALUE.search(name)
            if m and m.start() >= 2 and (re.search(r"[%‰≥≤<>=]", m.group(1)) or re.search(r"\D$", m.group(1))):
                assigned = [("target", m.group(1))]
                name = name[: m.start()]
            elif word_value_tail(name):  # '…发展情况稳步提高': a qualitative target run into its name
                word = word_value_tail(name)
                assigned = [("target", word)]
                name = name[: -len(word)]
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


def _next_row_name(cells: list[Cell], j: int, row) -> bool:
    """cells[j] is a name whose target follows ('保障村干部人数 | =42个'), not a reason text."""
    text = cells[j].text.strip()
    if not text or looks_like_value(text.translate(SYMBOLS)) or j + 1 >= len(cells):
        return False
    after = cells[j + 1]
    if row is not None and after.row != row:
        return False
    return bool(re.match(r"^(?:>=|<=|≥|≤|>|<|=)\s*\d", after.text.strip().translate(SYMBOLS)))


def _level_named_row(text: str, cat, subcategory, level2: str, previous: str) -> bool:
    """A name that spells its level without the suffix, right after that level's cell."""
    c = normalize_label(text)
    return bool(level2) and cat == subcategory and not c.endswith(("指标", "目标")) \
        and normalize_label(previous) == level2 and level2.startswith(c)


def _merge_value_parts(cells: list[Cell]) -> list[Cell]:
    """One cell per value: drop 正向/定量 marks, join '=' '8' '人/次' into '=8人/次'.

    Forms that give 指标性质/指标方向, 指标值 and 度量单位 their own columns
    (Sichuan, Inner Mongolia) then read like forms that write '≥8人/次' in one cell.
    """
    out: list[Cell] = []
    pending_cmp: Optional[Cell] = None
    for cell in cells:
        t = re.sub(r"\s+", "", cell.text).translate(SYMBOLS)
        if t in NATURE_MARKS:
            continue
        if COMPARATOR_ONLY.match(t):
            pending_cmp = cell
            continue
        if pending_cmp is not None:
            cell = Cell(re.sub(r"\s+", "", pending_cmp.text).translate(SYMBOLS) + t, cell.line, cell.row)
            pending_cmp = None
            out.append(cell)
            continue
        if t and UNIT_ONLY.match(t) and out and re.search(r"\d$", out[-1].text.strip()):
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
    if comp and COMPARATOR_ONLY.match(comp) and not re.match(r"^[<>=≥≤]", target):
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
    if value is not None and unit is None and by_role.get("unit") and not COMPARATOR_ONLY.match(by_role["unit"]):
        unit = by_role["unit"]
    if value is not None and unit is None:
        named = re.search(r"[（(]([^（()）]{1,6})[)）]$", name)
        if named and (named.group(1) in ("%", "‰") or UNIT_ONLY.match(named.group(1))):
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
        span=span_of_cells(span_cells),
    )
    if by_role.get("deviation"):
        ind.deviation = by_role["deviation"]
    if description:
        ind.description = description
    if value is not None and 20000 <= value <= 80000 and not unit and "时效" in (level2 or "") + name:
        ind.date_serial_suspect = True  # an Excel date serial (44561 = 2021-12-31), not a number
    return ind

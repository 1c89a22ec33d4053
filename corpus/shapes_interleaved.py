"""Indicator tables whose cells a PDF/xls/docx extraction put out of reading order.

Mirror sites that extract text from a table column by column give the cells of an
indicator table in one of two de-interleaved orders instead of name, target, actual,
weight, score row by row:

- row-major values apart from their names: the header, then every row's values one
  row after another (`=100% 100% 10 10 =100% 100% 20 20 …`), the names and level
  labels before or after them (`… 合同结算条款完成率 费用结算及时性 …`);
- column-major: the names, then each column header followed by that column's values
  (`年度目标值 7 100% 100% 实施周期目标值 7 100% 100%`).

Both are recognised by counts that must agree: the number of names times the number
of value columns is the length of the value run (row-major), or every column header
is followed by as many values as there are names (column-major). Only then are the
region's cells rebuilt as ordinary rows (level 1, level 2, name, values in header
order) for the cell reader; anything else is left as it came. Names cut by the
extraction ('与委托运营方结算完成' … '率') are joined, a level label is given to each name
when there are as many level-2 labels as names, level 1 follows from level 2.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from corpus.cells import Cell, Row
from corpus.indicators import classify_label
from corpus.labels import label_of, lexicon, normalize_label

_NAME_HEADERS = ("三级指标", "指标名称", "指标内容", "三级目标", "具体指标")
_START = _NAME_HEADERS + ("一级指标", "二级指标")
_END = ("总分", "综合得分", "绩效自评综合得分", "评价等次", "填报人", "填表人", "联系电话", "审核意见")
_TITLE = re.compile(r"(?:自评表|目标表|申报表)")
_VALUE = re.compile(
    r"^(?:>=|<=|≥|≤|≧|≦|>|<|=|＝|＞|＜)?\s*[-+]?\d+(?:,\d{3})*(?:\.\d+)?\s*"
    r"(?:%|％|‰|[\u4e00-\u9fff]{1,3}(?:/[\u4e00-\u9fff]{1,2})?)?$|^[—-]$"
)
_NOISE = set("绩效指标目")
# level 2 category -> level 1 category (the national template's hierarchy)
_PARENT = {"数量": "产出", "质量": "产出", "时效": "产出", "成本": "产出", "经济效益": "效益", "社会效益": "效益",
           "生态效益": "效益", "可持续影响": "效益", "满意度": "满意度"}
_L1_DEFAULT = {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标"}
_MIN_ROW_CELLS = 8  # a handful of cells holds no table worth re-ordering


def _role(text: str) -> Optional[str]:
    from corpus.parsers.cell_indicators import _role_of_header

    c = normalize_label(text)
    if c in _START or len(c) > 12:
        return None
    return _role_of_header(c)


def _is_value(text: str) -> bool:
    return bool(_VALUE.match(re.sub(r"\s+", "", text)))


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"\d+(?:\.\d+)?", text.strip()))


@lru_cache(maxsize=32768)
def _kind(text: str) -> str:
    """'start', 'end', 'role', 'level', 'label', 'value', 'noise' or 'name'."""
    t = re.sub(r"\s+", "", text)
    c = normalize_label(t)
    if not c:
        return "noise"
    if c in _START:
        return "start"
    if any(c.startswith(w) for w in _END) and len(c) <= 12:
        return "end"
    if _TITLE.search(c) and len(c) >= 6:
        return "end"
    if classify_label(t)[0] and c.endswith(("指标", "目标")):
        return "level"
    if _role(t):
        return "role"
    if c in ("绩效指标", "年度绩效指标") or (len(c) == 1 and c in _NOISE):
        return "noise"
    if any(label_of(t, table) for table in ("fields", "money", "goals")):
        return "label"
    if _is_value(t):
        return "value"
    return "name"


def _level1_labels(kinds: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for kind, text in kinds:
        if kind == "level":
            k, cat = classify_label(text)
            if k and k.startswith("L1") and cat:
                out.setdefault(cat, normalize_label(text))
    return out


def _names(items: list[tuple[str, str]]) -> list[str]:
    """The region's names in order, a short piece cut off a name joined back to it."""
    names: list[str] = []
    for kind, text in items:
        if kind != "name":
            continue
        t = re.sub(r"\s+", "", text)
        if len(t) <= 2 and names:
            names[-1] += t
        else:
            names.append(t)
    return names


def _levels_for(items: list[tuple[str, str]], count: int) -> Optional[list[tuple[str, str]]]:
    """(level 1, level 2) per name when the region holds exactly one level-2 label per name."""
    level2 = []
    for kind, text in items:
        if kind != "level":
            continue
        k, cat = classify_label(text)
        if k == "L2" or (k == "L1?" and level2):
            level2.append((normalize_label(text), cat))
        elif cat == "满意度" and level2 and level2[-1][1] != "满意度":
            pass  # '满意度指标' as level 1; its level 2 follows
    if len(level2) != count:
        return None
    l1 = _level1_labels(items)
    out = []
    for label, cat in level2:
        parent = _PARENT.get(cat or "")
        out.append((l1.get(parent, _L1_DEFAULT.get(parent, "")) if parent else "", label))
    return out


def _row_major(items: list[tuple[str, str]], roles: list[str]) -> Optional[tuple[list[list[str]], list[str]]]:
    """Rows rebuilt from one long value run, and the values left over after them."""
    names = _names(items)
    width = len(roles)
    runs: list[list[str]] = []
    current: list[str] = []
    for kind, text in items:
        t = re.sub(r"\s+", "", text)
        if kind == "value":
            current.append(t)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    if not runs or width < 2 or len(names) < 2:
        return None
    run = max(runs, key=len)
    if len(run) < width * len(names) or len(run) > width * len(names) + 3:
        return None
    rows = [run[k * width:(k + 1) * width] for k in range(len(names))]
    for values in rows:  # the number columns must hold numbers, or the grouping is wrong
        for role, value in zip(roles, values):
            if role in ("weight", "score") and not _is_number(value):
                return None
    return rows, run[width * len(names):]


def _mark_runs(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Short texts inside a run of values are values too ('… 20 20 及时 及时 20 20 …')."""
    out = list(items)
    for k, (kind, text) in enumerate(out):
        if kind != "name" or len(re.sub(r"\s+", "", text)) > 4 or k == 0 or out[k - 1][0] != "value":
            continue
        m = k + 1
        while m < len(out) and out[m][0] == "name" and len(re.sub(r"\s+", "", out[m][1])) <= 4 and m - k < 3:
            m += 1
        if m < len(out) and out[m][0] == "value":
            for q in range(k, m):
                out[q] = ("value", out[q][1])
    return out


def _column_major(items: list[tuple[str, str]]) -> Optional[tuple[list[str], list[list[str]], list[str], list[str]]]:
    """Names, then 'header v1 … vn' per column: (names, rows of values, headers, what is left)."""
    first_value = next((k for k, (kind, _) in enumerate(items) if kind == "value"), None)
    if first_value is None:
        return None
    names = _names(items[:first_value])
    n = len(names)
    if n < 2:
        return None
    headers: list[str] = []
    columns: list[list[str]] = []
    k = 0
    while k < len(items):
        kind, text = items[k]
        if kind == "role":
            values = []
            m = k + 1
            while m < len(items) and len(values) < n and (items[m][0] == "value" or (values and items[m][0] == "name")):
                values.append(re.sub(r"\s+", "", items[m][1]))
                m += 1
            if len(values) == n and _is_value(values[0]):
                headers.append(re.sub(r"\s+", "", text))
                columns.append(values)
                k = m
                continue
        k += 1
    if not columns or any(kind == "role" for kind, _ in items[:first_value]) and len(columns) < 1:
        return None
    rows = [[col[r] for col in columns] for r in range(n)]
    last = max(k for k, (kind, text) in enumerate(items) if kind == "role" and re.sub(r"\s+", "", text) == headers[-1])
    rest = [re.sub(r"\s+", "", t) for kind, t in items[last + 1 + n:] if kind in ("name", "value")]
    return names, rows, headers, rest


def _rebuild(items: list[tuple[str, str]], anchor: Cell, row_base: int) -> Optional[list[Row]]:
    items = _mark_runs(items)
    role_texts = [re.sub(r"\s+", "", t) for kind, t in items if kind == "role"]
    roles = [_role(t) for t in role_texts]
    line = anchor.line

    def row(texts: list[str], k: int) -> Row:
        return Row(cells=[Cell(t, line, row_base + k) for t in texts], tabular=True)

    names = _names(items)
    major = _row_major(items, [r for r in roles if r]) if roles else None
    if major is not None:
        values, rest = major
        levels = _levels_for(items, len(names)) or [("", "")] * len(names)
        out = [row(["一级指标", "二级指标", "三级指标", *role_texts], 0)]
        for k, (name, vals) in enumerate(zip(names, values), start=1):
            out.append(row([levels[k - 1][0], levels[k - 1][1], name, *vals], k))
        if len(rest) == 2 and all(_is_number(v) for v in rest) and any(kind == "end" for kind, _ in items):
            out.append(row(["总分", *rest], len(out)))  # the 总分 row's 分值 and 得分
        return out
    column = _column_major(items)
    if column is not None:
        names, values, headers, rest = column
        out = [row(["三级指标", *headers], 0)]
        for k, (name, vals) in enumerate(zip(names, values), start=1):
            out.append(row([name, *vals], k))
        if rest:  # values of rows whose names the text never reached: kept, read as a row cut off
            out.append(Row(cells=[Cell("".join(rest), line)]))
        return out
    return None


def _region(cells: list[Cell], start: int) -> int:
    """Where the indicator region that starts at `start` ends (the 总分 cell is kept in it)."""
    k = start + 1
    while k < len(cells):
        kind = _kind(cells[k].text)
        if kind == "end":
            return k + 1 if normalize_label(cells[k].text).startswith(("总分", "综合得分")) else k
        k += 1
    return k


def recover_interleaved(rows: list[Row]) -> list[Row]:
    """Rows with every de-interleaved indicator region rebuilt (see the module docstring)."""
    flat = [(r, c) for r, row in enumerate(rows) for c in row.cells]
    if len(flat) < _MIN_ROW_CELLS:
        return rows
    cells = [c for _, c in flat]
    replacements: list[tuple[int, int, list[Row]]] = []
    k = 0
    while k < len(cells):
        text = cells[k].text
        if len(text) > 12 or normalize_label(text) not in _START:  # cheap test before any other
            k += 1
            continue
        end = _region(cells, k)
        items = [(_kind(c.text), c.text) for c in cells[k:end]]
        rebuilt = _rebuild(items, cells[k], 100_000 + k)
        if rebuilt:
            replacements.append((k, end, rebuilt))
        k = end
    if not replacements:
        return rows
    result: list[Row] = []
    pos = 0
    for start, end, rebuilt in replacements:
        result.extend(_rows_between(rows, flat, pos, start))
        result.extend(rebuilt)
        pos = end
    result.extend(_rows_between(rows, flat, pos, len(flat)))
    return result


def _rows_between(rows: list[Row], flat: list[tuple[int, Cell]], a: int, b: int) -> list[Row]:
    """The original rows' cells from flat index a to b, grouped back into their rows."""
    out: list[Row] = []
    last = None
    for r, cell in flat[a:b]:
        if r != last:
            out.append(Row(cells=[], tabular=rows[r].tabular))
            last = r
        out[-1].cells.append(cell)
    return out


# --- the form's head: fields and the money table ------------------------------------

_HEAD_MIN_CELLS = 30  # one extracted line holding a whole form
_ORG_OR_NAME = ("name", "unit", "department", "implementer")
_MONEY_COLUMNS = ("total", "current_year", "executed", "execution_rate", "weight", "score")
_AMOUNT = re.compile(r"^[-+]?\d+(?:,\d{3})*(?:\.\d+)?(?:万元|元)?$")
_PERCENT = re.compile(r"^\d+(?:\.\d+)?\s*[%％]$")


def _any_label(text: str) -> bool:
    return any(label_of(text, t) for t in ("fields", "money", "goals", "evaluation"))


def _loose_text(text: str) -> bool:
    """A piece of a name or unit: words without digits, brackets at its end or a label."""
    t = re.sub(r"\s+", "", text)
    return 2 <= len(t) <= 30 and not re.search(r"\d|[)）:：。，,;；]$", t) and not re.search(r"\d", t) \
        and not _any_label(t) and not _TITLE.search(t) and _kind(t) == "name"


def _values_before_labels(cells: list[Cell]) -> list[Cell]:
    """'XX 项目名称 主管部门 YY': a label whose neighbour is another label takes the loose
    words written just before it (a value the extraction put ahead of its label)."""
    out = list(cells)
    k = 0
    while k < len(out):
        key = label_of(out[k].text, "fields")
        nxt = out[k + 1].text if k + 1 < len(out) else ""
        if key in _ORG_OR_NAME and nxt and _any_label(nxt):
            m = k
            while m > 0 and k - m < 3 and _loose_text(out[m - 1].text):
                m -= 1
            before = out[m - 1].text if m > 0 else ""
            if m < k and not label_of(before, "fields"):
                moved = Cell("".join(re.sub(r"\s+", "", c.text) for c in out[m:k]), out[m].line, out[m].row)
                out[m:k + 1] = [out[k], moved]
                k = m + 2
                continue
        k += 1
    return out


def _money_kind(text: str) -> Optional[str]:
    key = label_of(text, "money")
    return key if key in _MONEY_COLUMNS else None


def _fits(column: str, value: str) -> bool:
    t = value.replace(",", "")
    if _PERCENT.match(t):
        return column == "execution_rate"
    if not _AMOUNT.match(t):
        return False
    number = float(re.sub(r"[^\d.]", "", t) or 0)
    return column in ("total", "current_year", "executed") or number <= 100


def _number(text: str) -> float:
    return float(re.sub(r"[^\d.]", "", text.replace(",", "")) or 0)


def _money_without_row_label(cells: list[Cell]) -> list[Cell]:
    """A money header run followed at once by amounts (its 年度资金总额 label displaced
    further on): the amounts are the total row. A merged 执行率 cell the extraction put
    elsewhere is found as a lone percentage that agrees with 执行数 / 预算数."""
    from corpus.parsers.cell_form import is_total_row

    k = 0
    while k < len(cells):
        columns = []
        m = k
        while m < len(cells) and _money_kind(cells[m].text):
            columns.append(_money_kind(cells[m].text))
            m += 1
        if len(columns) < 3 or m >= len(cells) or not _AMOUNT.match(cells[m].text.replace(",", "")):
            k = m + 1 if m > k else k + 1
            continue
        money = [c for c in columns if c in ("total", "current_year", "executed")]
        rest = [c for c in columns if c not in money]
        values: list[str] = []
        q = m
        while q < len(cells) and len(values) < len(columns):
            t = re.sub(r"\s+", "", cells[q].text)
            column = (money + rest)[len(values)] if len(values) < len(money) else None
            if column is not None and not _fits(column, t):
                break
            if column is None and not (_AMOUNT.match(t.replace(",", "")) and _number(t) <= 100 or _PERCENT.match(t)):
                break
            values.append(t)
            q += 1
        label_at = next((p for p in range(q, min(q + 40, len(cells))) if is_total_row(cells[p].text)), None)
        if len(values) < len(money) + 1 or label_at is None:
            k = q
            continue
        by_column = dict(zip(money, values))
        others = values[len(money):]
        rate_missing = "execution_rate" in rest and len(others) == len(rest) - 1 and not any(_PERCENT.match(v) for v in others)
        if rate_missing:
            non_rate = [c for c in rest if c != "execution_rate"]
            by_column.update(zip(non_rate, others))
            rate_at = _stray_rate(cells, q, by_column)
            by_column["execution_rate"] = cells[rate_at].text.strip() if rate_at is not None else "—"
        else:
            by_column.update(zip(rest, others))
        label = cells[label_at]
        row = [Cell(label.text, label.line, label.row)] + [Cell(by_column.get(c, "—"), cells[m].line, cells[m].row)
                                                            for c in columns]
        drop = {label_at}
        if rate_missing and rate_at is not None:
            drop.add(rate_at)
        tail = [c for p, c in enumerate(cells[q:], start=q) if p not in drop]
        cells = cells[:m] + row + tail
        k = m + len(row)
    return cells


def _stray_rate(cells: list[Cell], start: int, by_column: dict[str, str]) -> Optional[int]:
    """A lone percentage within the form's head that agrees with 执行数 / 预算数 (±0.5)."""
    budget = by_column.get("current_year") or by_column.get("total")
    executed = by_column.get("executed")
    if not budget or not executed or _number(budget) == 0:
        return None
    expected = _number(executed) / _number(budget) * 100
    for p in range(start, min(start + 60, len(cells))):
        t = re.sub(r"\s+", "", cells[p].text)
        if _PERCENT.match(t) and abs(_number(t) - expected) <= 0.5:
            return p
        if _kind(t) == "start":
            break
    return None


def recover_head(rows: list[Row]) -> list[Row]:
    """One-line forms: values put ahead of their labels and money rows without their
    label moved back into reading order (long extracted rows only)."""
    out = []
    for row in rows:
        if len(row.cells) >= _HEAD_MIN_CELLS:
            row = Row(cells=_money_without_row_label(_values_before_labels(row.cells)), tabular=row.tabular)
        out.append(row)
    return out


# --- a row of labels, then a row of their values -------------------------------------

_PERIOD = re.compile(r"^(?:19|20)\d{2}\s*年?(?:\s*\d{1,2}\s*月)?\s*[-—~～至到]\s*(?:19|20)\d{2}\s*年?")


def _label_like(text: str) -> bool:
    t = re.sub(r"\s+", "", text)
    return 1 <= len(t) <= 9 and not re.search(r"\d", t) and not _TITLE.search(t) and not _is_value(t)


def _joined_labels(cells: list[Cell]) -> list[Cell]:
    """Pieces of a label cut by a line break ('省级业务主管部' / '门') joined."""
    out: list[Cell] = []
    for cell in cells:
        if out and not label_of(out[-1].text, "fields") and label_of(out[-1].text + cell.text, "fields"):
            out[-1] = Cell(out[-1].text + cell.text, out[-1].line, out[-1].row)
        else:
            out.append(cell)
    return out


def _assign(labels: list[Cell], values: list[Cell]) -> tuple[list[tuple[Cell, Cell]], list[Cell]]:
    """Each name/unit/period label its value, by what the value looks like."""
    from corpus.parsers.cell_filing import plausible_name, plausible_org

    used: set[int] = set()
    pairs: list[tuple[Cell, Cell]] = []
    for label in labels:
        key = label_of(label.text, "fields")
        if key == "name":
            test = lambda t: plausible_name(t) and not plausible_org(t)  # noqa: E731
        elif key in ("unit", "department", "implementer"):
            test = plausible_org
        elif key == "period":
            test = lambda t: bool(_PERIOD.match(t))  # noqa: E731
        else:
            continue
        fits = [k for k, v in enumerate(values) if k not in used and test(re.sub(r"\s+", "", v.text))]
        if key in ("unit", "department", "implementer"):  # a body names its place: '广东省教育厅'
            fits.sort(key=lambda k: not re.match(r"^\s*[\u4e00-\u9fff]{1,5}[省市县区州旗镇乡]", values[k].text))
        pick = fits[0] if fits else None
        if key == "name" and pick not in (None, 0):
            pick = None  # a name is the first value under the first label, or nothing
        if pick is not None:
            used.add(pick)
            pairs.append((label, values[pick]))
    return pairs, [v for k, v in enumerate(values) if k not in used]


def _label_row(row: Row) -> bool:
    """Several header cells and nothing that reads as a value ('资金名称 | 省级业务主管部')."""
    from corpus.parsers.cell_filing import plausible_org

    def org(text: str) -> bool:  # a body's name, not a label cut short ('省级业务主管部' / '门')
        return plausible_org(text) and not any(lab.startswith(text) for lab in lexicon("fields"))

    return len(row.cells) >= 2 and all(_label_like(c.text) and not org(c.text) for c in row.cells)


def recover_label_rows(rows: list[Row]) -> list[Row]:
    """Rows holding only labels (two field labels at least), then rows of values: the
    table's header cells and its value cells extracted apart. Name, unit and period
    labels are paired with the values that look like them; other values stay in order."""
    out: list[Row] = []
    k = 0
    while k < len(rows):
        m = k
        while m < len(rows) and _label_row(rows[m]):
            m += 1
        if m == k:
            out.append(rows[k])
            k += 1
            continue
        labels = _joined_labels([c for r in rows[k:m] for c in r.cells])
        if sum(1 for c in labels if label_of(c.text, "fields")) < 2 or len(labels) < 4 \
                or m >= len(rows) or all(_label_like(c.text) for c in rows[m].cells + rows[min(m + 1, len(rows) - 1)].cells):
            out.extend(rows[k:m])  # not a label block: these rows are left as they came
            k = m
            continue
        values: list[Cell] = []
        q = m
        while q < len(rows) and len(values) < len(labels) and q - m < 4:
            if any(_any_label(c.text) for c in rows[q].cells):
                break
            values.extend(rows[q].cells)
            q += 1
        pairs, rest = _assign(labels, values)
        if not pairs:
            out.append(rows[k])
            k += 1
            continue
        paired = {id(label) for label, _ in pairs}
        out.append(Row(cells=[c for label, value in pairs for c in (label, value)], tabular=True))
        others = [c for c in labels if id(c) not in paired and not label_of(c.text, "fields")] + rest
        if others:
            out.append(Row(cells=others, tabular=True))
        k = q
    return out

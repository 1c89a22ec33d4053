"""Labels a web page split over lines ('年初' / '预算数', '实际' / '完成值', '经济效益' / '指标').

A table cell whose label wrapped inside its column comes out of a flattened web
page as two or three one-line cells. Read apart, '预算数' alone is the wrong column
('年初预算数' is the budget at the start of the year, '全年预算数' the adjusted one)
and '实际' / '完成值' look like two columns. Cells are joined when together they
spell a label the lexicon or the indicator-table vocabulary knows and the first
piece alone does not.
"""

from __future__ import annotations

import re
from functools import lru_cache

from corpus.cells import Cell, Row
from corpus.indicators import classify_label
from corpus.labels import label_of, lexicon, normalize_label

_TABLES = ("fields", "money", "goals", "evaluation")
# column headers of indicator tables (not form fields, so not in the lexicon)
_HEADER_WORDS = (
    "一级指标", "二级指标", "三级指标", "指标内容", "指标名称", "指标值", "年度指标值", "全年指标值",
    "实际完成值", "全年实际值", "全年完成值", "实际值", "完成值", "目标值", "年度目标值", "预期指标值",
    "指标性质", "指标方向", "度量单位", "计量单位", "偏差原因分析及改进措施", "未完成原因分析及改进措施",
    "未完成原因和改进措施", "偏差原因", "绩效指标", "年度绩效指标", "参考分值", "权重", "分值", "得分",
)
_MAX_PIECE = 8


@lru_cache(maxsize=1)
def _header_words() -> frozenset[str]:
    return frozenset(_HEADER_WORDS)


def _known(text: str) -> bool:
    """A whole label: a lexicon entry, an indicator column header or a level label."""
    norm = normalize_label(text)
    if not norm:
        return False
    if norm in _header_words() or any(label_of(norm, t) for t in _TABLES):
        return True
    return classify_label(norm)[0] is not None and norm.endswith(("指标", "目标"))


_PREFIXES: dict[int, frozenset[str]] = {}


def _label_prefixes() -> frozenset[str]:
    """Proper prefixes of every label this module can join to, so most cells are ruled out by
    one set lookup (the lexicon is cached per home; a user's labels.toml gives a new dict)."""
    tables = [lexicon(t) for t in _TABLES]
    key = hash(tuple(id(t) for t in tables))
    if key not in _PREFIXES:
        from corpus.indicators import LEVEL1, LEVEL2

        words = set(_HEADER_WORDS)
        for table in tables:
            words.update(table)
        words.update(f"{base}{suffix}" for base in (*LEVEL1, *LEVEL2) for suffix in ("指标", "目标"))
        _PREFIXES[key] = frozenset(w[:k] for w in words for k in range(1, len(w)))
    return _PREFIXES[key]


def _joinable(piece: str) -> bool:
    norm = normalize_label(piece)
    return 0 < len(norm) <= _MAX_PIECE and not piece.strip().endswith(("：", ":"))


def _join(cells: list[Cell]) -> list[Cell]:
    out: list[Cell] = []
    i = 0
    while i < len(cells):
        cell = cells[i]
        joined = None
        head = re.sub(r"\s+", "", cell.text)
        if head in _label_prefixes() and _joinable(cell.text) and not _known(cell.text):
            for width in (3, 2):
                group = cells[i:i + width]
                if len(group) < width or not all(_joinable(c.text) for c in group[1:]):
                    continue
                text = "".join(normalize_label(c.text) for c in group)
                if _known(text):
                    joined = (Cell(text, cell.line, cell.row), width)
                    break
        if joined is None:
            out.append(cell)
            i += 1
        else:
            out.append(joined[0])
            i += joined[1]
    return out


def join_wrapped_labels(rows: list[Row]) -> list[Row]:
    """Rows with wrapped labels joined: across one-cell rows, and inside a marked row."""
    out: list[Row] = []
    run: list[Row] = []

    def flush() -> None:
        if not run:
            return
        cells = _join([r.cells[0] for r in run])
        out.extend(Row(cells=[c]) for c in cells)
        run.clear()

    for row in rows:
        if not row.tabular and len(row.cells) == 1:
            run.append(row)
            continue
        flush()
        if len(row.cells) >= 2:
            row = Row(cells=_join(row.cells), tabular=row.tabular)
        out.append(row)
    flush()
    return out

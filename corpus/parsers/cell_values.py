"""Small readers of single cells shared by the cell-based form modules: symbols folded,
numbers, money and percentages recognised, and a cell's source span."""

from __future__ import annotations

import re
from typing import Optional

from corpus.cells import Cell
from corpus.labels import label_of
from corpus.models import SourceSpan
from corpus.normalize import first_number, parse_money

SYMBOLS = str.maketrans({"≧": "≥", "≦": "≤", "═": "=", "﹦": "=", "＝": "=", "＞": ">", "＜": "<", "％": "%", "﹪": "%"})
NUMBER = re.compile(r"^[-+]?\d+(?:,\d{3})*(?:\.\d+)?$")
_MONEY_CELL = re.compile(r"^[-+]?\d+(?:,\d{3})*(?:\.\d+)?\s*(?:万元|万|元|亿元)?$")
_PERCENT_CELL = re.compile(r"^[-+]?\d+(?:\.\d+)?\s*%$")
COMPARATOR_ONLY = re.compile(r"^(?:>=|<=|=>|=<|≥|≤|>|<|=|大于等于|小于等于|不低于|不高于|不少于|不超过)$")
NATURE_MARKS = {"正向", "反向", "定量", "定性", "正向指标", "反向指标", "定量指标", "定性指标", "中性"}
UNIT_CHARS = "个家人次项份件台套座所户元万公里千米平方亩吨天日月年小时分钟场期批篇条处辆名间栋册本种类宗例株棵头只箱"
UNIT_ONLY = re.compile(
    rf"^(?:%|‰|[{UNIT_CHARS}]{{1,4}}(?:[/·*][{UNIT_CHARS}]{{1,3}}(?:[·*][{UNIT_CHARS}])?)?|%\(百分比\)|[A-Za-z]{{1,3}}|㎡|m²)$"
)


def span_of_cells(cells: list[Cell]) -> Optional[SourceSpan]:
    if not cells:
        return None
    return SourceSpan(page=cells[0].line.page, line_start=cells[0].line.no, line_end=cells[-1].line.no_end)


def any_label(text: str) -> bool:
    return any(label_of(text, t) for t in ("fields", "money", "goals", "evaluation"))


def money_value(text: str, unit: str) -> Optional[float]:
    t = re.sub(r"\s+", "", text)
    if not _MONEY_CELL.match(t):
        return None
    return parse_money(t, default_unit=unit)


def percent_value(text: str) -> Optional[float]:
    t = re.sub(r"\s+", "", text).translate(SYMBOLS)
    if _PERCENT_CELL.match(t) or NUMBER.match(t):
        return first_number(t)
    return None


def looks_numeric(text: str) -> bool:
    return bool(NUMBER.match(re.sub(r"\s+", "", text)))

"""Budget figures a prose report states in sentences, where it has no money table.

'项目资金共2179万元，截止2022年12月8日，已完成拨付2113.63万元，执行率97%' gives the year's
budget and what was spent; the first statement of each kind is taken, as written.
"""

from __future__ import annotations

import re
from typing import Optional

from corpus.cells import Cell
from corpus.models import Budget

_AMOUNT = r"(?:为|是|共|达|合计)?\s*(\d+(?:\.\d+)?)\s*(万元|元)"
_BUDGETED = re.compile(
    r"(?:全年应执行数|全年预算数|年度预算数|预算数|项目资金共|资金总额|预算资金|计划投资|安排资金|下达资金|"
    r"收到[^，。；,;]{0,8}资金共)" + _AMOUNT
)
_SPENT = re.compile(
    r"(?:全年执行数|实际执行数|(?<!应)执行数|实际支出|累计支出|已完成拨付|实际拨付|已拨付|(?:19|20)\d{2}年支出|支出资金|实际使用资金)"
    + _AMOUNT
)


def _yuan(number: str, unit: str) -> float:
    value = float(number)
    return value * 10_000 if unit == "万元" else value


def _first(pattern: re.Pattern, cells: list[Cell]) -> Optional[float]:
    for cell in cells:
        if len(cell.text) < 8:
            continue
        m = pattern.search(re.sub(r"\s+", "", cell.text))
        if m:
            return _yuan(m.group(1), m.group(2))
    return None


def prose_budget(cells: list[Cell]) -> Budget:
    """The year's budget and spending as the report's sentences state them (yuan)."""
    return Budget(current_year=_first(_BUDGETED, cells), executed=_first(_SPENT, cells))

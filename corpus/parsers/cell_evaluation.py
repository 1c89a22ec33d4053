"""The score and grade a self-evaluation states: a 总分 row, a run-together '总分100100'
or a prose '自评得分100分'."""

from __future__ import annotations

import re
from typing import Optional

from corpus.cells import Cell
from corpus.labels import label_of, normalize_label
from corpus.parsers.cell_indicators import is_table_end
from corpus.parsers.cell_values import NUMBER, any_label

_GRADES = ("优秀", "良好", "合格", "不合格", "优", "良", "中", "差", "较差")
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
        if not NUMBER.match(t):
            if numbers and numbers == ["100"] and normalize_label(cells[i].text) == "总分":
                return None  # 总分 | 100 (分值) | 【待填】: the score cell is not filled in
            if numbers or skipped >= 5 or is_table_end(t):
                break
            skipped += 1  # a cell laid out between the label and its score (Sichuan)
            continue
        if skipped and any_label(cells[k - 1].text):
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

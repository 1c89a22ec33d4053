"""Decide what kind of filing a text is, from words its title and headings use."""

from __future__ import annotations

from typing import Optional

from corpus.normalize import compact
from corpus.readers.base import ExtractedText

_SELF_EVALUATION = ("自评报告", "自评表", "绩效自评", "绩效评价报告", "评价自评")
_TARGET_TABLE = ("绩效目标表", "绩效目标申报表", "目标申报表", "绩效目标（申报）表")
_BUDGET = ("经费情况说明", "部门预算")


def detect_kind(doc: ExtractedText) -> Optional[str]:
    """'self_evaluation', 'target_table', 'budget_disclosure' or None.

    The opening lines decide first (a title says what the document is); the whole
    text is the fallback, since budget PDFs put their project pages at the end.
    """
    head = compact(" ".join(l.text for l in doc.lines[:40]))
    whole = compact(doc.text)
    for text in (head, whole):
        if any(w in text for w in _SELF_EVALUATION):
            return "self_evaluation"
        if any(w in text for w in _TARGET_TABLE) or ("项目名称" in text and "三级指标" in text):
            return "target_table"
        if "经费情况说明" in text or ("部门预算" in text and "立项依据" in text):
            return "budget_disclosure"
    return None

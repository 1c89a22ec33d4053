"""Decide what kind of filing a text is, from words its title and headings use."""

from __future__ import annotations

from typing import Optional

from corpus.normalize import compact
from corpus.readers.base import ExtractedText

_SELF_EVALUATION = ("自评报告", "自评表", "绩效自评", "绩效评价报告", "评价自评")
_TARGET_TABLE = ("绩效目标表", "绩效目标申报表", "目标申报表", "绩效目标（申报）表")
_BUDGET = ("经费情况说明", "部门预算")


def _kind_of(text: str, prefer_target: bool) -> Optional[str]:
    self_eval = any(w in text for w in _SELF_EVALUATION)
    target = (any(w in text for w in _TARGET_TABLE) and (not prefer_target or "项目名称" in text)) or (
        "项目名称" in text and "三级指标" in text
    )
    if not prefer_target and "部门预算" in text and not target and not self_eval:
        return "budget_disclosure"
    if self_eval and (not target or not prefer_target):
        return "self_evaluation"
    if target:
        return "target_table"
    if "经费情况说明" in text or ("部门预算" in text and "立项依据" in text):
        return "budget_disclosure"
    return None


def detect_kind(doc: ExtractedText) -> Optional[str]:
    """'self_evaluation', 'target_table', 'budget_disclosure' or None.

    The title (first non-empty lines) decides first; the whole text is the fallback,
    where a target table's own markers win over words like 绩效自评 that its prose
    may use ("年底开展绩效自评"). Budget PDFs put their project pages at the end.
    """
    title_lines = [compact(l.text) for l in doc.lines[:40] if compact(l.text)][:3]
    by_title = _kind_of("".join(title_lines), prefer_target=False)
    if by_title:
        return by_title
    return _kind_of(compact(doc.text), prefer_target=True)

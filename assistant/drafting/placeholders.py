"""No borrowed facts: figures, places, unit names and dates a precedent states appear only in placeholders.

The writer's own facts (the numbers in the name, brief and budget, the year) may stand in
the text; anything else a precedent says with a number is wrapped clause by clause as
【参考：1-6月完成30%（来源：2023年·单位·项目）】, so a writer who files the draft as is files
no other project's facts. `borrowed_figures` finds what slipped through (tests and bench).

Example:
    >>> own = own_numbers("对全市32座城市桥梁开展定期检测", 800000, 2026)
    >>> mask("检测桥梁32座，抽查在建项目180个。", own, "2023年·某站·某项目")
    '检测桥梁32座，【参考：抽查在建项目180个（来源：2023年·某站·某项目）】。'
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_PLACEHOLDER = re.compile(r"【(?:待填|参考)[^【】]*】")
_CLAUSE = re.compile(r"(?:[^，,；;。\n]|(?<=\d),(?=\d{3}))+")  # 800,000 stays one clause
_PLACE = re.compile(r"^(.{2,6}?(?:省|市|区|县|镇|乡|街道))")


def _norm(num: str) -> str:
    n = num.replace(",", "")
    return n[:-2] if n.endswith(".0") else n


def own_numbers(text: str, budget: Optional[float], year: Optional[int]) -> set[str]:
    """The numbers the writer gave: in name/brief, the budget (元 and 万元) and the years around `year`."""
    own = {_norm(m.group()) for m in _NUMBER.finditer(text or "")}
    if budget:
        own |= {_norm(f"{budget:.2f}"), _norm(f"{budget:g}"), _norm(f"{budget / 10000:g}"), f"{budget:.0f}"}
    if year:
        own |= {str(year), str(year - 1), str(year + 1)}
    return own


def place_of(unit: Optional[str]) -> Optional[str]:
    """The place a unit name starts with ('虹川区建设…' → '虹川区'), if any."""
    m = _PLACE.match(unit or "")
    return m.group(1) if m else None


def wrap_reference(text: str, source: str, note: str = "") -> str:
    """One whole item as a reference placeholder (a legal basis with its 文号), inner brackets neutralised."""
    body = text.strip().replace("【", "〔").replace("】", "〕")
    return f"【参考：{body}（来源：{source}{'；' + note if note else ''}）】"


def _outside(text: str) -> str:
    return _PLACEHOLDER.sub("", text)


def _foreign(clause: str, own: set[str], places: Iterable[str]) -> bool:
    if any(_norm(m.group()) not in own for m in _NUMBER.finditer(clause)):
        return True
    return any(p and p in clause for p in places)


def mask(text: str, own: set[str], source: str, places: Iterable[str] = ()) -> str:
    """`text` with every clause that states a borrowed figure or place wrapped as 【参考：…（来源：source）】."""
    places = [p for p in places if p]
    out: list[str] = []
    for seg in _split_keep(text):
        if seg.startswith("【") and _PLACEHOLDER.fullmatch(seg):
            out.append(seg)
            continue
        def wrap(m: re.Match) -> str:
            clause = m.group()
            body = clause.strip().replace("【", "〔").replace("】", "〕")  # no nested brackets
            if not body or not _foreign(body, own, places):
                return clause
            lead = clause[: len(clause) - len(clause.lstrip())]
            return f"{lead}【参考：{body}（来源：{source}）】"
        out.append(_CLAUSE.sub(wrap, seg))
    joined = "".join(out)
    # neighbouring clauses from one source read as one placeholder: 【参考：1-3月，完成20%（来源：…）】
    tail = re.escape(f"（来源：{source}）】")
    return re.sub(tail + r"([，,、])【参考：", r"\1", joined)


def _split_keep(text: str) -> list[str]:
    """Text split into placeholder and non-placeholder runs, so placeholders are never wrapped twice."""
    parts: list[str] = []
    last = 0
    for m in _PLACEHOLDER.finditer(text):
        if m.start() > last:
            parts.append(text[last:m.start()])
        parts.append(m.group())
        last = m.end()
    if last < len(text):
        parts.append(text[last:])
    return parts


def borrowed_figures(text: str, own: set[str], places: Iterable[str] = ()) -> list[str]:
    """Figures (and foreign places) outside any placeholder that are not the writer's own."""
    bare = _outside(text or "")
    found = [m.group() for m in _NUMBER.finditer(bare) if _norm(m.group()) not in own]
    found += [p for p in places if p and p in bare]
    return found

"""Normalise the small things filings write in many ways: comparators, values,
document numbers, money and dates. Each function keeps the raw text available to
the caller; none of them guesses where the text is ambiguous.
"""

from __future__ import annotations

import logging
import math
import re
from datetime import date
from typing import NamedTuple, Optional

from corpus.models import DocNumber

COMPARATORS = {
    ">=": "≥", "=>": "≥", "≥": "≥", "≧": "≥", "＞＝": "≥", "大于等于": "≥", "不低于": "≥", "不少于": "≥",
    "<=": "≤", "=<": "≤", "≤": "≤", "≦": "≤", "＜＝": "≤", "小于等于": "≤", "不高于": "≤", "不超过": "≤",
    ">": ">", "＞": ">", "<": "<", "＜": "<", "=": "=", "＝": "=",
}
_COMPARATOR_RE = re.compile(
    r"^\s*(>=|=>|<=|=<|≥|≤|≧|≦|＞＝|＜＝|大于等于|小于等于|不低于|不少于|不高于|不超过|>|<|＞|＜|=|＝)\s*"
)
_NUMBER = r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?"
_VALUE_RE = re.compile(rf"^({_NUMBER})\s*(?:[~～\-—至到]\s*({_NUMBER}))?\s*(.*)$")


_BOUND_SUFFIX = re.compile(r"(?:及以上|以上|及以下|以下|以内)$")
_DATE_UNIT = re.compile(r"^(?:年|年度|月|月份|月底|月末|月中|日|号)(?:前|底|以前|之前|内|末)?$|^月.*前$")


_VALUE_SYMBOLS = str.maketrans({"％": "%", "﹪": "%", "≧": "≥", "≦": "≤", "═": "=", "﹦": "=", "＝": "=", "＞": ">", "＜": "<"})
# a date or period written as the target ('2023.07-2024.01', '2021年12月31日前'), not a number
_PERIOD_LIKE = re.compile(r"^(?:19|20)\d{2}\s*[.\-/年]\s*\d{1,2}(?!\d)")


def normalize_comparator(raw: str) -> Optional[str]:
    """'>=' → '≥' etc.; None for an unknown symbol."""
    return COMPARATORS.get(raw.strip())


def split_value(raw: str) -> tuple[Optional[str], Optional[float], Optional[float], Optional[str]]:
    """Split an indicator value such as '>=90%', '=1~2%', '30个', '<=45天'.

    Returns (comparator, number, upper bound of a range, unit). A value that is not
    numeric (a date like '11月底前', a grade like '优良') gives numbers None and the
    comparator (if any) with the rest as unit-less text.

    >>> split_value(">=90%")
    ('≥', 90.0, None, '%')
    """
    text = raw.strip().translate(_VALUE_SYMBOLS)
    text = re.sub(r"[（(]\s*(%|‰)\s*[）)]", r"\1", text)  # '=100.00(%)'
    if _PERIOD_LIKE.match(re.sub(r"^[=≥≤<>]\s*", "", text)):
        return (COMPARATORS.get(text[0]) if text[:1] in "=≥≤<>" else None), None, None, None
    comparator = None
    m = _COMPARATOR_RE.match(text)
    if m:
        comparator = COMPARATORS[m.group(1)]
        text = text[m.end():]
    m = _VALUE_RE.match(text)
    if not m:
        return comparator, None, None, None
    number = float(m.group(1).replace(",", ""))
    high = float(m.group(2).replace(",", "")) if m.group(2) else None
    unit = m.group(3).strip() or None
    bound = _BOUND_SUFFIX.search(unit) if unit else None
    if unit and bound:  # '60%及以上' is '≥60%', '5天以内' is '≤5天'
        comparator = comparator or ("≥" if "上" in bound.group(0) else "≤")
        unit = unit[: bound.start()].strip() or None
    if unit and (len(unit) > 8 or re.search(r"\d", unit) or _DATE_UNIT.match(unit)):
        # '11月底前', '3月份~11月份': a date or period, not number + unit
        return comparator, None, None, None
    return comparator, number, high, unit


def looks_like_value(text: str) -> bool:
    """True for a cell that reads as an indicator value rather than a name."""
    t = text.strip()
    if not t:
        return False
    if _COMPARATOR_RE.match(t):
        return True
    return bool(re.fullmatch(rf"{_NUMBER}\s*(?:[~～\-至]\s*{_NUMBER})?\s*[%％‰A-Za-z\u4e00-\u9fa5/²³]{{0,6}}", t))


# --- document numbers ---------------------------------------------------------

_OPEN = "〔【[（(［﹝"
_CLOSE = "〕】]）)］﹞"
DOC_NUMBER_RE = re.compile(
    r"(?P<agency>[\u4e00-\u9fa5]{1,12})\s*"
    r"(?P<open>[〔【\[（(［﹝])\s*(?P<year>(?:19|20)\d{2})\s*(?P<close>[〕】\]）)］﹞])\s*"
    r"第?\s*(?P<number>\d{1,5})\s*(?P<hao>号)?"
)
_AGENCY_LEADING_NOISE = re.compile(r"^(?:根据|依据|按照|参照|关于|以及|和|及|与|并|文|见|据|是|即|的|为)+")


def find_doc_numbers(text: str) -> list[DocNumber]:
    """Every 发文字号 in the text, raw and normalised to 机关代字〔YYYY〕N号."""
    found = []
    for m in DOC_NUMBER_RE.finditer(text):
        agency = _AGENCY_LEADING_NOISE.sub("", re.split(r"批复|通知|[和及与的据]", m.group("agency"))[-1])
        if not agency:
            continue
        raw = m.group(0)
        raw = raw[raw.index(agency[0]):] if agency[0] in raw else raw
        number = int(m.group("number"))
        year = int(m.group("year"))
        well_formed = (
            m.group("open") == "〔"
            and m.group("close") == "〕"
            and m.group("hao") is not None
            and not m.group("number").startswith("0")
        )
        found.append(
            DocNumber(
                raw=raw.strip(),
                normalized=f"{agency}〔{year}〕{number}号",
                agency=agency,
                year=year,
                number=number,
                well_formed=well_formed,
            )
        )
    return found


# --- money ------------------------------------------------------------------

_MONEY_RE = re.compile(rf"({_NUMBER})\s*(亿元|万元|万|元)?")


def parse_money(raw: str, default_unit: str = "元") -> Optional[float]:
    """'517,500' → 517500.0; '881.32万元' → 8813200.0; the unit in the text wins over the default."""
    m = _MONEY_RE.search(raw.replace(" ", ""))
    if not m:
        return None
    digits = m.group(1).replace(",", "")
    unit = m.group(2) or default_unit
    factor = {"亿元": 1e8, "万元": 1e4, "万": 1e4, "元": 1.0}[unit]
    amount = float(digits) * factor if len(digits) <= 40 else float("inf")
    if not math.isfinite(amount) or abs(amount) > 1e15:  # models.MAX_AMOUNT: a typo or an attack, not money
        logging.getLogger(__name__).warning("金额「%s」超出范围，已忽略", raw[:60])
        return None
    return round(amount, 2)


def money_unit_in(label: str) -> Optional[str]:
    """The unit a label declares, e.g. '项目总预算（元）' → '元', '（万元）' → '万元'."""
    m = re.search(r"[（(]\s*(万元|元)\s*[）)]", label)
    if m:
        return m.group(1)
    m = re.search(r"单位\s*[：:]\s*(万元|元)", label)
    return m.group(1) if m else None


# --- dates and years ------------------------------------------------------

_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?")


def parse_date(raw: str) -> Optional[date]:
    """'2020-01-01', '2025.1.1', '2024年09月28日' → date; None if not a full date."""
    m = _DATE_RE.search(raw)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def find_year(text: str) -> Optional[int]:
    """The fiscal year a title names ('（2020年度）', '20 23 年度' with stray spaces)."""
    compact = re.sub(r"(?<=\d)\s+(?=\d)", "", text)
    m = re.search(r"((?:19|20)\d{2})\s*年", compact)
    return int(m.group(1)) if m else None


# a year written out in prose (2018年, 2018年度) or short (19年度); not inside 〔2019〕-style document numbers
_PROSE_YEAR4 = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年)")
_PROSE_YEAR2 = re.compile(r"(?<![\d〔【\[（(])(\d{2})(?=年度)")


class DatedSentence(NamedTuple):
    """A sentence naming a year: the year, the sentence, and the few characters right after the year."""

    year: int
    sentence: str
    after: str


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (between 。；; or line breaks) holding text[start:end]."""
    left = max(text.rfind(c, 0, start) for c in "。；;\n") + 1
    rights = [i for i in (text.find(c, end) for c in "。；;\n") if i != -1]
    right = min(rights) + 1 if rights else len(text)
    return text[left:right].strip()


def dated_sentences(text: str) -> list[DatedSentence]:
    """Every year written in prose with its sentence: four-digit years first, then '19年度'-style ones.

    Example:
        >>> [d.year for d in dated_sentences("2018年度总共抽检了357组样品；19年度抽检了400组。")]
        [2018, 2019]
    """
    out = [DatedSentence(int(m.group(1)), sentence_around(text, m.start(), m.end()), text[m.end():m.end() + 4])
           for m in _PROSE_YEAR4.finditer(text)]
    out += [DatedSentence(2000 + int(m.group(1)), sentence_around(text, m.start(), m.end()), text[m.end():m.end() + 4])
            for m in _PROSE_YEAR2.finditer(text)]
    return out


def first_number(text: Optional[str]) -> Optional[float]:
    """The first number in a cell ('92.5', '得分 8', '95%'), or None."""
    m = re.search(r"-?\d+(?:\.\d+)?", text or "")
    return float(m.group(0)) if m else None


def compact(text: str) -> str:
    """Remove all whitespace (for matching labels across wrapped lines)."""
    return re.sub(r"\s+", "", text)

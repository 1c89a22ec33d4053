"""Small readers of indicator values and names shared by the rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from corpus.models import Indicator

COMPARATOR_RE = re.compile(r"^\s*(>=|=>|<=|=<|≥|≤|≧|≦|＞＝|＜＝|大于等于|小于等于|不低于|不少于|不高于|不超过|>|<|＞|＜|=|＝)\s*")
NUM = r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?"
_QUANT_RE = re.compile(rf"^({NUM})\s*(?:[~～\-—至到]\s*({NUM}))?\s*(.*)$")
DATE_UNIT_RE = re.compile(r"^(?:年度?|月份?|日|号)|^(?:个)?月(?:份)?(?:底|末|中|内)?(?:前|以前|之前)?$")
DEADLINE_RE = re.compile(r"(?:\d{1,2}\s*月(?:份)?(?:\s*\d{1,2}\s*日)?|\d{4}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?)\s*(?:底|末)?\s*(?:前|以前|之前|止|内)?")
DURATION_UNITS = ("天", "日", "工作日", "个工作日", "小时", "分钟", "周", "个月", "月", "年", "季度")
PERCENT_UNITS = ("%", "％", "‰", "百分点")
COUNT_UNITS = (
    "个", "次", "人", "人次", "份", "家", "项", "场", "场次", "套", "台", "件", "本", "册", "篇", "期", "所", "户", "座",
    "处", "条", "部", "辆", "组", "张", "块", "批", "批次", "名", "起", "例", "课时", "学时", "班", "门", "类",
)
MONEY_UNITS = ("元", "万元", "亿元", "千元")
RANGE_RE = re.compile(r"\d\s*(?:月份?|日|%|％)?\s*[~～\-—至到]\s*\d")


@dataclass
class Quant:
    """A value cell read for checking: comparator, number(s), unit text and shape."""

    comparator: Optional[str]
    number: Optional[float]
    high: Optional[float]
    unit: str
    shape: str  # 'number' | 'date' | 'text' | 'empty'


def read_value(raw: str) -> Quant:
    """Read '>=90%', '16', '≥3年', '=11月底前', '完善' into a `Quant`."""
    text = (raw or "").strip().replace("％", "%")
    if not text:
        return Quant(None, None, None, "", "empty")
    comparator = None
    m = COMPARATOR_RE.match(text)
    if m:
        comparator = m.group(1)
        text = text[m.end():].strip()
    if re.match(r"^(?:19|20)\d{2}\s*[.\-/年]", text):
        return Quant(comparator, None, None, text, "date")  # '2023.07-2024.01', '2020年度'
    m = _QUANT_RE.match(text)
    if not m:
        shape = "date" if DEADLINE_RE.search(text) and re.search(r"\d", text) else "text"
        return Quant(comparator, None, None, text, shape)
    number = float(m.group(1).replace(",", ""))
    high = float(m.group(2).replace(",", "")) if m.group(2) else None
    unit = m.group(3).strip()
    if unit and (DATE_UNIT_RE.match(unit) and not unit.startswith(("年", "个月")) or re.search(r"\d", unit)):
        return Quant(comparator, None, None, text, "date")
    if unit in ("年度",) or (unit.startswith("年") and len(unit) > 1 and unit not in ("年",)):
        return Quant(comparator, None, None, text, "date")
    return Quant(comparator, number, high, unit, "number")


def ascii_comparator(raw: str) -> bool:
    return bool(re.match(r"^\s*(>=|<=|=>|=<)", raw or ""))


def loc(ind: Indicator) -> str:
    """'指标 产出目标/质量/培训情况总结' for messages."""
    name = ind.name if len(ind.name) <= 30 else ind.name[:30] + "…"
    parts = [p for p in (ind.level1, ind.level2, name or "（未填名称）") if p]
    return "指标 " + "/".join(parts)


def row_text(ind: Indicator) -> str:
    return f"{ind.name} {ind.raw_value}".strip()


def base_name(name: str) -> str:
    """Name without whitespace, numbering and punctuation (for duplicate checks)."""
    n = re.sub(r"\s+", "", name)
    n = re.sub(r"^(?:指标\d+[：:.、]?|\d+[、.．])", "", n)
    return re.sub(r"[，,。.；;：:、（）()“”\"'《》]", "", n)


def is_rate_name(name: str) -> bool:
    n = re.sub(r"[（(][^）)]*[）)]$", "", name.strip())
    return n.endswith(("率", "比例", "比率", "占比", "满意度", "满意程度", "覆盖面"))


def is_count_name(name: str) -> bool:
    n = re.sub(r"[（(][^）)]*[）)]$", "", name.strip())
    return n.endswith(("数", "次数", "人数", "个数", "人次", "场次", "份数", "家数", "数量", "件数", "项数"))


def is_time_name(name: str) -> bool:
    n = re.sub(r"[（(][^）)]*[）)]$", "", name.strip())
    return n.endswith(("时间", "时限", "周期", "期限", "日期"))


def strip_list_numbers(text: str) -> str:
    """Remove '1、', '（2）', '3.' list markers so they do not count as numbers."""
    text = re.sub(r"[（(]\s*\d{1,2}\s*[）)]", " ", text)
    return re.sub(r"(?:^|(?<=[\s。；;，,：:]))\d{1,2}\s*[、.．]", " ", text)


def bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fa5A-Za-z0-9]", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def clip(text: str, n: int = 60) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= n else text[:n] + "…"

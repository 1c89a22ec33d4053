"""Scoring a self-evaluation by the rules: E-01 weights (产出 50 / 效益 30 / 满意度 10 / 预算执行率 10),
E-02 quantitative scores, E-03 qualitative bands and deadlines, B-06 预算执行率, E-04 grades.

Example:
    >>> bucket_weights({"产出", "效益"})
    ({'产出': 55.0, '效益': 35.0}, '没有满意度指标，其10分平均移给产出（55分）、效益（35分）')
    >>> grade_of(86.5)
    '良'
"""

from __future__ import annotations

import re
from typing import Callable, Literal, Optional

from pydantic import BaseModel

from assistant.checks.rules._util import read_value  # the checker's own value reader: same A/B as E-02
from assistant.drafting.text import compact_name, money, number
from corpus.models import Indicator

ChangeFn = Callable[..., None]  # records one Change: (field, new, reason, old=None, review=False)

# E-01 defaults (财预〔2020〕10号 单位自评条款 as restated in rules.md; the article was not verified)
DEFAULT_WEIGHTS = {"产出": 50.0, "效益": 30.0, "满意度": 10.0}
BUDGET_WEIGHT = 10.0
# E-03 bands as share of the weight, and the suggested point inside each band
QUAL_BANDS = {"达成": (0.8, 1.0, 1.0), "部分达成": (0.6, 0.8, 0.7), "未达成": (0.0, 0.6, 0.3)}
GRADES = [(90.0, "优"), (80.0, "良"), (60.0, "中"), (0.0, "差")]
_REVERSE = ("≤", "<", "<=", "=<", "＜", "＜＝", "不高于", "不超过", "小于等于", "≦")
_ZERO_EXACT = ("=", "＝")
_QUAL_WORDS = [
    ("未达成", ("未达成", "未完成", "未达到", "未通过", "没有完成", "没有达到")),
    ("部分达成", ("部分达成", "部分完成", "部分达到", "基本达成", "基本完成", "基本达到")),
    ("达成", ("达成", "已达成", "完成", "已完成", "全部完成", "按期完成", "按时完成", "达到", "已达到", "通过", "已通过")),
]
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月(?:份)?\s*(?:(\d{1,2})\s*日|(底|末)|(中|上旬|中旬|下旬))?")


# --- rows, weights, scores ---------------------------------------------------------

def bucket(r: Indicator) -> Optional[str]:
    """The E-01 weight bucket of a row: 产出 (成本 included), 效益 (影响力 included), 满意度, or None (not scored)."""
    cat, sub, l1 = r.category or "", r.subcategory or "", r.level1 or ""
    if cat == "满意度" or sub == "满意度" or "满意" in l1:
        return "满意度"
    if cat in ("产出", "成本") or "产出" in l1 or "成本" in l1:
        return "产出"
    if cat in ("效益", "影响力") or any(w in l1 for w in ("效益", "效果", "影响")):
        return "效益"
    return None  # 投入与管理 and unknown headings: inputs are not performance targets (S-04)


def _spread(total: float, n: int) -> list[float]:
    """`total` split over n rows in whole hundredths, the remainder on the first rows (sums exactly)."""
    cents = round(total * 100)
    base, extra = divmod(cents, n)
    return [(base + (1 if i < extra else 0)) / 100 for i in range(n)]


def bucket_weights(present: set[str]) -> tuple[dict[str, float], Optional[str]]:
    """E-01 default weights of the buckets present; a missing bucket's weight split evenly over the others."""
    weights = {b: w for b, w in DEFAULT_WEIGHTS.items() if b in present}
    missing = [b for b in DEFAULT_WEIGHTS if b not in present]
    if not weights or not missing:
        return weights, None
    moved = sum(DEFAULT_WEIGHTS[b] for b in missing)
    share = _spread(moved, len(weights))
    for b, extra in zip(list(weights), share):
        weights[b] += extra
    note = (f"没有{'、'.join(missing)}指标，其{moved:g}分平均移给"
            + "、".join(f"{b}（{w:g}分）" for b, w in weights.items()))
    return weights, note


def _qual_grade(text: str) -> Optional[str]:
    t = re.sub(r"\s+", "", text or "")
    for grade, words in _QUAL_WORDS:
        if any(t.startswith(w) for w in words):
            return grade
    return None


def _deadline(text: str) -> Optional[tuple[int, int]]:
    """(month, day) of the last month/day a deadline or date names ('11月底前' → (11, 31))."""
    found = list(_MONTH_DAY.finditer(text or ""))
    if not found:
        return None
    m = found[-1]
    month = int(m.group(1))
    if not 1 <= month <= 12:
        return None
    day = int(m.group(2)) if m.group(2) else (31 if m.group(3) or not m.group(4) else {"中": 15, "上旬": 10, "中旬": 20, "下旬": 31}[m.group(4)])
    return month, day


def is_reverse(comparator: Optional[str], target: float) -> bool:
    """≤/< targets are 反向; so is an exact zero target ('=0起': any occurrence misses it)."""
    return comparator in _REVERSE or (target == 0 and comparator in _ZERO_EXACT)


class RowScore(BaseModel):
    """How one row was scored (for the change list and the report)."""

    kind: Literal["quant", "qual", "date", "none"] = "none"
    ratio: Optional[float] = None
    score: Optional[float] = None
    below: bool = False
    percent: str = ""
    reason: str = ""
    review: bool = False


def score_row(r: Indicator, weight: float) -> "RowScore":
    """E-02 for numbers, E-03 for graded words, deadlines compared by month and day."""
    actual = (r.actual or "").strip()
    a, b = read_value(r.raw_value), read_value(actual)
    comparator = r.comparator or a.comparator
    if a.shape == "number" and b.shape == "number" and a.number is not None and b.number is not None:
        reverse = is_reverse(comparator, a.number)
        if reverse:
            ratio = 1.0 if b.number <= a.number else (a.number / b.number if b.number else 1.0)
            formula = "反向指标：得分 = 分值 × min(目标/实际, 1)"
        else:
            ratio = 1.0 if a.number == 0 else b.number / a.number
            formula = "正向指标：得分 = 分值 × min(实际/目标, 1)"
        capped = max(0.0, min(ratio, 1.0))
        score = round(weight * capped, 2)
        note = ""
        if a.unit and b.unit and a.unit != b.unit:
            note = f"；目标单位「{a.unit}」与实际单位「{b.unit}」不同，请核对"
        ceiling = a.high if a.high is not None else a.number  # a range '=1~2%' is met up to its upper bound
        if not reverse and ceiling and b.number / ceiling >= 1.5:
            note += f"；实际完成值为目标的{b.number / ceiling:.0%}，评审可能认为年初目标设定偏低"
        return RowScore(kind="quant", ratio=capped, score=score, below=capped < 1.0, percent=f"{capped:.1%}",
                        reason=f"{formula}（E-02），{number(weight)} × {capped:.4f} = {number(score)}{note}",
                        review=bool(note))
    grade = _qual_grade(actual)
    if grade is None and a.shape == "date":
        due, done = _deadline(r.raw_value), _deadline(actual)
        if due and done:
            grade = "达成" if done <= due else "部分达成"
            if grade == "达成":
                return RowScore(kind="date", ratio=1.0, score=round(weight, 2), percent="按期",
                                reason=f"时效指标：实际{actual}不晚于目标{r.raw_value}，得满分")
            lo, hi, pick = QUAL_BANDS[grade]
            score = round(weight * pick, 2)
            return RowScore(kind="date", ratio=pick, score=score, below=True, percent="逾期", review=True,
                            reason=f"时效指标：实际{actual}晚于目标{r.raw_value}，按“部分达成”档（{lo:.0%}–{hi:.0%}）"
                                   f"建议得{number(score)}分，请按逾期程度在档内调整（E-03）")
    same_words = bool(compact_name(actual)) and compact_name(actual) == compact_name(r.raw_value)
    if grade is None and same_words and a.shape != "number":
        grade = "达成"  # 'target 通过年度考核 / actual 通过年度考核'
    if grade is None:
        return RowScore(kind="none", review=True,
                        reason="实际完成值既不是可比的数值，也没有写明“达成/部分达成/未达成”，无法计分。"
                               "请在实际完成值前写明完成档次，如“达成：已建立闭环机制”")
    lo, hi, pick = QUAL_BANDS[grade]
    score = round(weight * pick, 2)
    return RowScore(kind="qual", ratio=pick, score=score, below=grade != "达成", percent=grade, review=True,
                    reason=f"定性指标：填报为“{grade}”，按E-03该档为分值的{lo:.0%}–{hi:.0%}，"
                           f"建议得分{number(score)}（取{pick:.0%}），可在档内调整")


def grade_of(score: float) -> str:
    """E-04: 优 ≥90, 良 80–<90, 中 60–<80, 差 <60."""
    return next(g for floor, g in GRADES if score >= floor)


def row_weights(rows: list[Indicator], change: ChangeFn) -> dict[int, float]:
    """E-01: each bucket's weight spread evenly over its rows; rows outside the buckets get none."""
    buckets = [bucket(r) for r in rows]
    level_weights, moved = bucket_weights({b for b in buckets if b})
    change("分值", "、".join(f"{b}{number(w)}" for b, w in level_weights.items()) + f"、预算执行率{number(BUDGET_WEIGHT)}",
           "按财预〔2020〕10号单位自评的默认分配（产出50、效益30、满意度10、预算执行率10；条文未经原文核实），"
           "各一级指标的分值平均分到其下的三级指标" + (f"；{moved}" if moved else "") + "。地方模板另有规定的请按规定调整")
    out: dict[int, float] = {}
    for b, total in level_weights.items():
        members = [i for i, x in enumerate(buckets) if x == b]
        out.update(zip(members, _spread(total, len(members))))
    for i, r in enumerate(rows):
        if buckets[i] is None:
            change(f"指标「{r.name[:30]}」·分值", None, f"「{r.level1 or r.category}」类指标反映投入而非产出或效果（S-04），不计分；"
                   "仍列出供对照，如地方模板要求计分请自行分配分值", review=True)
    return out


def budget_execution(executed: Optional[float], budget: Optional[float], change: ChangeFn,
                     notices: list[str]) -> dict:
    """预算执行率 and its score (10 × min(执行数/预算数, 1)); unscored without both amounts."""
    execution: dict = {"weight": BUDGET_WEIGHT, "rate_percent": None, "score": None}
    if executed is None or not budget:
        why = "填报人未提供全年执行数" if executed is None else "目标表没有项目当年预算，请提供全年预算数"
        change("预算执行率·得分", None, f"{why}，预算执行率（{number(BUDGET_WEIGHT)}分）未计分", review=True)
        return execution
    rate = executed / budget
    execution["rate_percent"] = round(rate * 100, 1)
    execution["score"] = round(BUDGET_WEIGHT * min(rate, 1.0), 2)
    change("预算执行率·得分", number(execution["score"]),
           f"执行率 = 全年执行数 {money(executed)} / 全年预算数 {money(budget)} = {rate:.1%}；"
           f"得分 = {number(BUDGET_WEIGHT)} × min(执行率, 1)（B-06）")
    if rate < 0.9:
        notices.append(f"预算执行率{rate:.1%}低于90%，按要求须说明原因（B-06）。请在“存在的主要问题”中补充执行偏低的原因")
        change("预算执行率", f"{rate:.1%}", "执行率低于90%，须说明原因", review=True)
    if rate > 1.0:
        change("预算执行率", f"{rate:.1%}", "执行数超过预算数，请核对全年预算数是否为调整后预算", review=True)
    return execution

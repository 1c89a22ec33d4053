"""H. Self-evaluation scoring and report structure: E-01, E-02, E-04, E-05, E-06, E-08, E-09."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterator, Optional

from assistant.checks.engine import FilingContext, ProjectContext
from assistant.checks.registry import Hit, rule
from assistant.checks.rules._util import loc, read_value

_DEFAULT_WEIGHTS = {"产出": 50, "效益": 30, "满意度": 10}
# local scoring layouts the parser recognises (project.layout): 预算执行 points, then the rest
LOCAL_LAYOUTS = {"sichuan-10-90": (10.0, "四川：预算执行10分+绩效指标90分"), "hubei-20-40-40": (20.0, "湖北：预算执行20分+产出40分+效益40分")}


@rule(
    "E-01", "WEIGHTS", "error", "law", "K",
    "财预〔2020〕10号单位自评条款（条文未经原文核实）：产出50/效益30/满意度10/预算执行率10；S7（二手）；S10 四川10+90；S9 湖北20+40+40",
    "自评表各指标分值之和必须为100（预算执行率另列10分时为90）；默认分配为产出50、效益30、满意度10、预算执行率10，"
    "地方模板可以不同（偏离默认只作提示）。",
)
def e01(ctx: ProjectContext) -> Iterator[Hit]:
    weighted = [r for r in ctx.rows if r.weight is not None]
    if not weighted:
        return
    total = sum(r.weight for r in weighted)
    has_budget_row = any("预算执行" in r.name for r in weighted)
    local = LOCAL_LAYOUTS.get(ctx.project.layout or "")
    if local and not has_budget_row:
        ok = {100.0, 100.0 - local[0]}  # the declared 预算执行 points are scored outside the indicator rows
    else:
        ok = {100.0} if has_budget_row else {100.0, 90.0}
    if not any(abs(total - t) < 0.01 for t in ok):
        yield Hit(
            f"各指标分值合计为{total:g}分，应为100分（预算执行率单列10分时，其余指标合计90分）。请调整各指标权重。",
            location="指标分值", text=f"合计 {total:g}",
        )
        return
    by_cat: dict[str, float] = defaultdict(float)
    for r in weighted:
        cat = "产出" if r.category == "成本" else r.category  # 成本 shares 产出's 50 (it was 二级 under 产出 before 101号)
        if cat in _DEFAULT_WEIGHTS:
            by_cat[cat] += r.weight
    if local is None and ctx.layout in ("A", "B") and by_cat and any(abs(by_cat.get(c, 0) - w) > 0.01 for c, w in _DEFAULT_WEIGHTS.items()):
        got = "、".join(f"{c}{by_cat.get(c, 0):g}" for c in _DEFAULT_WEIGHTS)
        yield Hit(
            f"一级指标分值为{got}，与国家默认的产出50、效益30、满意度10不同（据财预〔2020〕10号，条文未经核实）。"
            "如系地方模板规定可忽略；否则请调整。",
            location="指标分值", text=got, severity="info",
        )


def _forward(comparator: Optional[str]) -> bool:
    return comparator not in ("≤", "<", "<=", "=<", "＜", "不高于", "不超过", "小于等于")


def _ratio(r) -> Optional[float]:
    """Completion ratio (capped at 1) from the target A and actual B, or None."""
    a, b = read_value(r.raw_value), read_value(r.actual or "")
    if a.shape != "number" or b.shape != "number" or a.number is None or b.number is None:
        return None
    comparator = r.comparator or a.comparator
    if a.number == 0 and comparator in ("=", "＝"):
        return 1.0 if b.number <= 0 else 0.0  # '=0起': any occurrence misses the target
    if _forward(comparator):
        if a.number == 0:
            return 1.0
        return max(0.0, min(b.number / a.number, 1.0))
    if b.number == 0:
        return 1.0
    return max(0.0, min(a.number / b.number, 1.0))


@rule(
    "E-02", "QUANT_SCORE", "warn", "template", "V",
    "S9 湖北自评表填报说明：正向 得分=权重×B/A，反向 得分=权重×A/B，不得突破权重",
    "定量指标得分：正向指标 = 权重 × min(实际/目标, 1)；反向（≤）指标 = 权重 × min(目标/实际, 1)；得分不能超过权重。",
)
def e02(ctx: ProjectContext) -> Iterator[Hit]:
    for r in ctx.rows:
        if r.weight is None or r.score is None:
            continue
        if r.score > r.weight + 1e-6:
            yield Hit(f"「{r.name}」得分{r.score:g}超过了分值{r.weight:g}。得分不能突破权重。",
                      location=loc(r), text=f"{r.score:g}/{r.weight:g}", span=r.span)
            continue
        ratio = _ratio(r)
        if ratio is None:
            continue
        expected = r.weight * ratio
        if abs(expected - r.score) > max(0.5, 0.05 * r.weight):
            yield Hit(
                f"「{r.name}」按目标{r.raw_value}、实际{r.actual}计算应得约{expected:.2f}分，表中填{r.score:g}分。"
                "请按“权重×完成比例”重新计算，或说明扣分理由。",
                location=loc(r), text=f"{r.raw_value} / {r.actual} / {r.score:g}", span=r.span,
            )


@rule(
    "E-06", "DEVIATION_EXPLAINED", "warn", "law", "V",
    "S4 地方转载285号办法：分析说明未完成目标及其原因；S10 四川自评表“未完成原因分析”栏",
    "实际完成值未达到目标的指标，必须在“偏差原因分析及改进措施”中说明原因；只有没有偏差时才能写“无”。",
)
def e06(ctx: ProjectContext) -> Iterator[Hit]:
    for r in ctx.rows:
        if not (r.actual or "").strip():
            continue
        ratio = _ratio(r)
        if ratio is None or ratio >= 1.0:
            continue
        reason = (getattr(r, "deviation", None) or "").strip()
        if reason in ("", "无", "/", "-", "—", "无偏差"):
            yield Hit(f"「{r.name}」目标{r.raw_value}、实际完成{r.actual}，未达到目标，但没有说明偏差原因。"
                      "请填写未完成的原因和改进措施。", location=loc(r), text=f"{r.raw_value} / {r.actual}", span=r.span)


_BANDS = {"优": (90, 100.01), "优秀": (90, 100.01), "良": (80, 90), "良好": (80, 90), "中": (60, 80), "差": (0, 60), "较差": (0, 60)}


@rule(
    "E-04", "GRADE_BAND", "error", "law", "V2",
    "S8 评价等级优(90–100)良(80–89)中(60–79)差(0–59)（二手转述）；财预〔2020〕10号评分评级条款（未经原文核实）",
    "评价等次必须与综合得分一致：优≥90，良80–<90，中60–<80，差<60。上海区级的优/良/合格/不合格另按当地标准。",
    scope="filing",
)
def e04(ctx: FilingContext) -> Iterator[Hit]:
    ev = ctx.filing.evaluation
    if not ev or ev.score is None or not ev.grade:
        return
    grade = ev.grade.strip()
    band = _BANDS.get(grade)
    if band and not (band[0] <= ev.score < band[1]):
        right = next((g for g, (lo, hi) in _BANDS.items() if lo <= ev.score < hi and len(g) == 1), "—")
        yield Hit(f"综合得分{ev.score:g}分对应的等次应为「{right}」，表中填的是「{grade}」。请核对得分或等次。",
                  location="评价等次", text=f"{ev.score:g} {grade}")


@rule(
    "E-05", "SCORE_SUPPORTED", "warn", "law", "V",
    "S4 地方转载285号办法：评价报告应包括绩效评价指标体系和评价标准",
    "综合得分必须有逐项指标的分值和得分（或权重加完成情况）支撑，否则得分无据。",
    scope="filing",
)
def e05(ctx: FilingContext) -> Iterator[Hit]:
    ev = ctx.filing.evaluation
    if not ev or ev.score is None:
        return
    rows = [r for p in ctx.filing.projects for r in p.indicators if not r.empty]
    if not any(r.weight is not None or r.score is not None for r in rows):
        yield Hit(
            f"自评综合得分{ev.score:g}分，但表中没有任何指标的分值或得分，也没有预算执行率得分，得分无据可查。"
            "请补充评分表：各指标权重、完成值和得分（含预算执行率10分）。",
            location="绩效自评综合得分", text=f"{ev.score:g} {ev.grade or ''}".strip(),
        )


_CN_NUM = "一二三四五六七八九十"
_L1_HEAD = re.compile(rf"^([{_CN_NUM}]+)[、.．]")


def _cn(n: str) -> int:
    if n == "十":
        return 10
    if n.startswith("十"):
        return 10 + _CN_NUM.index(n[1]) + 1
    if len(n) == 2 and n.endswith("十"):
        return (_CN_NUM.index(n[0]) + 1) * 10
    return _CN_NUM.index(n[0]) + 1 if len(n) == 1 else 0


@rule(
    "E-08", "HEADING_SEQUENCE", "info", "convention", "O",
    "实际填报中观察到的问题（种子文件 004）",
    "报告中的“一、二、三…”标题编号应连续，不能跳号，也不能在编号标题之间夹着没编号的同级标题。",
    scope="filing",
)
def e08(ctx: FilingContext) -> Iterator[Hit]:
    ev = ctx.filing.evaluation
    if not ev or not ev.sections:
        return
    numbered = []
    for s in ev.sections:
        m = _L1_HEAD.match(s.title.strip())
        if m:
            numbered.append((_cn(m.group(1)), s))
    for (a, sa), (b, sb) in zip(numbered, numbered[1:]):
        if a and b and b != a + 1:
            missing = "、".join(_CN_NUM[k - 1] for k in range(a + 1, b) if 0 < k <= 10)
            yield Hit(
                f"一级标题从「{sa.title.strip()[:20]}」跳到「{sb.title.strip()[:20]}」"
                + (f"，缺少“{missing}、”" if missing else "") + "。请给中间的标题补上编号，使编号连续。",
                location="报告标题", text=sb.title, span=sb.span,
            )


@rule(
    "E-09", "SIGN_OFF", "info", "template", "O",
    "自评报告模板（种子文件 004）：评价人员签字、评价组组长签字、部门意见、财政部门意见",
    "评价人员签字、日期、部门意见、财政意见等栏目应填写，或明确注明“不适用”。",
    scope="filing",
)
def e09(ctx: FilingContext) -> Iterator[Hit]:
    ev = ctx.filing.evaluation
    if not ev or not ev.evaluators:
        return
    unsigned = [e.name for e in ev.evaluators if not e.signed]
    if unsigned:
        yield Hit(f"评价人员{'、'.join(unsigned)}的签字栏为空。请签字并填写日期，组长签字、部门意见和财政意见栏同样需要填写或注明“不适用”。",
                  location="评价人员", text="、".join(unsigned))

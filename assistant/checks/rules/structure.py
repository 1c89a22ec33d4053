"""A. Table structure: S-01 … S-10."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from assistant.checks.engine import ProjectContext
from assistant.checks.layout import ALLOWED_L2, LAYOUT_ZH
from assistant.checks.registry import Hit, rule
from assistant.checks.rules._util import PERCENT_UNITS, base_name, bigrams, clip, is_rate_name, loc, read_value
from corpus.models import SourceSpan

_COST = {"成本", "经济成本", "社会成本", "生态环境成本"}
_BENEFIT_L2 = {"经济效益", "社会效益", "生态效益", "可持续影响"}


def _table_span(ctx: ProjectContext):
    rows = [r for r in ctx.project.indicators if r.span]
    if not rows:
        return None
    return SourceSpan(page=rows[0].span.page, line_start=rows[0].span.line_start, line_end=rows[-1].span.line_end)


def _has_table(ctx: ProjectContext) -> bool:
    return bool(ctx.project.indicators)


def _has_satisfaction(rows) -> bool:
    return any(r.category == "满意度" or r.subcategory == "满意度" for r in rows)


def _has_cost(rows) -> bool:
    return any(r.category == "成本" or r.subcategory in _COST for r in rows)


@rule(
    "S-01", "REQUIRED_L1", "error", "template", "V",
    "S12 绩效目标申报表填写要求：“绩效指标包括三个一级指标，即产出指标、效益指标和服务对象满意度指标”；S3 绩效目标内容",
    "一级指标须包含产出和效益（缺一为错误）；满意度指标应当设置（无直接服务对象时可不设，缺失为警告）。"
    "上海市级模板须包含产出目标和效果目标。",
)
def s01(ctx: ProjectContext) -> Iterator[Hit]:
    rows = ctx.project.indicators
    span = _table_span(ctx)
    if not rows:
        if ctx.filing.kind != "budget_disclosure":
            yield Hit("没有找到绩效指标表。请按模板填写一级/二级/三级指标及指标值。", location="指标表")
        return
    cats = {r.category for r in rows}
    benefit = "效果目标" if ctx.layout == "C" else "效益指标"
    for cat, label in (("产出", "产出指标"), ("效益", benefit)):
        if cat not in cats:
            yield Hit(f"一级指标缺少「{label}」。请补充{label}及其下的二级、三级指标。", location="指标表", span=span)
    if ctx.layout != "C" and not _has_satisfaction(rows):
        yield Hit(
            "没有设置满意度指标。有直接服务对象的项目应设“服务对象满意度”指标（如“参训学员满意度 ≥90%”）；"
            "确无直接服务对象的，请在说明中注明。",
            location="指标表", span=span, severity="warn",
        )


@rule(
    "S-02", "REQUIRED_L2_OUTPUT", "error", "law", "V",
    "S3 地方转载285号办法：绩效目标应从“数量、质量、成本和时效”方面细化；S5 产出=数量/质量/时效/成本",
    "产出指标下须有数量指标（缺失为错误）；质量、时效指标应当设置（缺失为警告）；"
    "成本指标应在产出之下（老模板）或作为一级指标（2021年起模板），全表没有成本指标为警告。",
)
def s02(ctx: ProjectContext) -> Iterator[Hit]:
    rows = ctx.rows
    if not any(r.category == "产出" for r in ctx.project.indicators):
        return
    span = _table_span(ctx)
    output = {r.subcategory for r in rows if r.category == "产出"}
    if "数量" not in output:
        yield Hit("产出指标下没有填写数量指标。请补充反映工作量的数量指标（如“检查项目数 ≥120个”）。",
                  location="产出指标", span=span)
    for sub, example in (("质量", "“验收合格率 ≥95%”"), ("时效", "“完成时间 ≤11月30日”")):
        if sub not in output:
            yield Hit(f"产出指标下没有填写{sub}指标。请补充{sub}指标，如{example}。",
                      location="产出指标", span=span, severity="warn")
    if not _has_cost(rows):
        yield Hit(
            "全表没有填写成本指标。请在产出指标下（或按2021年起模板作为一级指标）补充成本指标，"
            "如“单位成本 ≤X元/人”“项目总成本 ≤X万元”。",
            location="成本指标", span=span, severity="warn",
        )


@rule(
    "S-03", "REQUIRED_L2_BENEFIT", "error", "law", "V",
    "S3 绩效目标内容（效益）；S5 效益=经济/社会/生态/可持续影响",
    "效益指标下至少要有一条已填写的经济效益、社会效益、生态效益或可持续影响指标。",
)
def s03(ctx: ProjectContext) -> Iterator[Hit]:
    if not any(r.category == "效益" for r in ctx.project.indicators):
        return
    if not any(r.category == "效益" and r.subcategory in _BENEFIT_L2 for r in ctx.rows):
        yield Hit("效益指标下没有已填写的经济、社会、生态效益或可持续影响指标。请至少填写一条，并给出可衡量的指标值。",
                  location="效益指标", span=_table_span(ctx))


@rule(
    "S-04", "NO_INPUT_AS_TARGET", "warn", "template", "V",
    "S13 省级填报说明（片段）：“财力、人力和物力等投入数量不能作为绩效目标”",
    "投入与管理、资金到位、投入时间、预算金额、人员投入等反映投入的内容不能作为绩效目标。"
    "上海市级模板本身设有“投入与管理”栏，此时降为提示。",
)
def s04(ctx: ProjectContext) -> Iterator[Hit]:
    terms = ctx.lexicon.words("input_terms")
    for r in ctx.rows:
        input_row = r.category == "投入与管理" or r.subcategory == "投入管理" or any(t in r.name for t in terms)
        if not input_row:
            continue
        sev = "info" if ctx.layout == "C" else None
        yield Hit(
            f"「{r.name}」反映的是资金或人力投入，不是产出或效果，不宜作为绩效目标。"
            "请改为产出或效益指标；模板确有投入栏时，至少写明可考核的指标值。",
            location=loc(r), text=f"{r.name} {r.raw_value}", span=r.span, severity=sev,
        )


@rule(
    "S-05", "NO_EMPTY_ROWS", "error", "template", "V",
    "S12 “指标值应尽量细化、量化”；表中残留模板空行为实际填报中的常见缺陷",
    "不得保留只有“指标1：”“指标2：”“……”而无内容或无指标值的模板行；二级指标下不能一行也没有填。",
)
def s05(ctx: ProjectContext) -> Iterator[Hit]:
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for r in ctx.project.indicators:
        if r.empty:
            groups[(r.level1, r.level2)].append(r)
    for (l1, l2), rows in groups.items():
        filled = [r for r in ctx.rows if r.level1 == l1 and r.level2 == l2]
        names = "、".join(dict.fromkeys(r.name or r.raw_value or "（空行）" for r in rows))
        first, last = rows[0].span, rows[-1].span
        span = SourceSpan(page=first.page, line_start=first.line_start, line_end=last.line_end) if first and last else None
        where = "/".join(p for p in (l1, l2) if p) or "指标表"
        if filled:
            msg = f"{where}下有{len(rows)}行模板行未填写（{clip(names, 40)}）。请删除空行或补全指标名称和指标值。"
        else:
            msg = (f"{where}下没有任何已填写的三级指标，只有模板行（{clip(names, 40)}）。"
                   "请填写至少一条带指标值的三级指标；确不适用的请删除该栏并说明。")
        yield Hit(msg, location=where, text=names, span=span)


@rule(
    "S-06", "NO_DUPLICATE_L3", "warn", "law", "V",
    "S6 共性指标体系框架“绩效指标明确性”",
    "同一个三级指标不能同时出现在两个不同的一级/二级指标之下。",
)
def s06(ctx: ProjectContext) -> Iterator[Hit]:
    seen: dict[str, list] = defaultdict(list)
    for r in ctx.rows:
        key = base_name(r.name)
        if key:
            seen[key].append(r)
    for rows in seen.values():
        places = list(dict.fromkeys((r.level1, r.level2) for r in rows))
        if len(places) < 2:
            continue
        where = "；".join("/".join(p for p in pl if p) for pl in places)
        r = rows[1]
        yield Hit(
            f"指标「{r.name}」同时出现在{where}下。同一指标只能归入一个类别，请保留最贴切的一处，另一处换成该类别应有的指标。",
            location=loc(r), text=r.name, span=r.span,
        )


@rule(
    "S-07", "MIN_COUNT", "warn", "template", "V",
    "S13 省级填报说明（片段）：个性指标“总数不得少于3个”",
    "全表已填写的三级指标一般不少于3个。",
)
def s07(ctx: ProjectContext) -> Iterator[Hit]:
    if ctx.project.indicators and 0 < len(ctx.rows) < 3:
        yield Hit(f"全表只有{len(ctx.rows)}个已填写的三级指标，少于许多地方模板要求的3个。请补充能反映主要产出和效果的指标。",
                  location="指标表", span=_table_span(ctx))


_WORK_VERBS = ("组织", "开展", "编制", "负责", "做好", "完成", "实施", "推进", "加强", "进行", "举办", "购买", "建设")


import re


def _work_items(ctx: ProjectContext) -> list[str]:
    import re

    from corpus.parsers.common import split_numbered_items

    if ctx.is_self_evaluation:
        ev = ctx.filing.evaluation
        items = list(ev.tasks) if ev else []
    else:
        sec = ctx.project.section("overview")
        items = split_numbered_items(sec.text) if sec else []
    if len(items) < 2:
        return []
    heads = []
    for it in items:
        it = re.sub(r"^(?:任务|目标)\s*\d+\s*[：:、]?", "", it.strip())
        head = re.split(r"[：:，,；;。]|--|——", it, maxsplit=1)[0].strip()
        if len(head) >= 4:
            heads.append((head[:24], it))
    return heads


@rule(
    "S-08", "COVERAGE", "warn", "law", "V",
    "S6 共性指标体系框架③“是否与项目年度任务数或计划数相对应”；S15 相关性",
    "项目概况或年度主要任务列出的每一项主要工作，都应有至少一条绩效指标与之对应。",
)
def s08(ctx: ProjectContext) -> Iterator[Hit]:
    heads = _work_items(ctx)
    if not heads or not ctx.rows:
        return
    pool = set()
    names = [bigrams(r.name) for r in ctx.rows if 2 <= len(r.name) <= 30]
    for r in ctx.rows:
        pool |= bigrams(r.name + (r.actual or ""))
    generic = set(ctx.lexicon.words("generic_bigrams"))
    missing = []
    for head, item in heads:
        core = head
        for v in _WORK_VERBS:
            if core.startswith(v) and len(core) > len(v) + 2:
                core = core[len(v):]
        item_grams = bigrams(item)
        head_grams = bigrams(head) - generic
        if any(g and len(g & item_grams) / len(g) >= 0.5 for g in names):
            continue  # an indicator named in the item text
        if any(len((g - generic) & head_grams) >= 2 for g in names):
            continue  # an indicator sharing two specific words with the item
        chars = set(re.sub(r"[^\u4e00-\u9fa5]", "", core))
        if len(chars) >= 3 and any(len(chars & set(r.name)) / len(chars) >= 0.75 for r in ctx.rows if len(r.name) <= 30):
            continue  # '土壤检测' ~ '土样检测份数'
        core = head
        for v in _WORK_VERBS + ("对",):
            if core.startswith(v) and len(core) > len(v) + 2:
                core = core[len(v):]
        grams = bigrams(core)
        if grams and len(grams & pool) / len(grams) < 0.5:
            missing.append(head)
    if missing:
        sec = ctx.project.section("overview")
        yield Hit(
            f"以下主要工作没有对应的绩效指标：{'；'.join(missing)}。请为每项主要工作设置至少一条数量、质量或时效指标。",
            location="年度主要任务" if ctx.is_self_evaluation else "项目概况",
            text="；".join(missing), span=sec.span if sec else None,
        )


@rule(
    "S-09", "L1_L2_CONSISTENT", "warn", "law", "V2",
    "S1/S2 财预〔2021〕101号指标体系（成本：经济/社会/生态环境成本；产出：数量/质量/时效）",
    "二级指标必须属于所在一级指标（依所识别的模板格式判断）。",
)
def s09(ctx: ProjectContext) -> Iterator[Hit]:
    allowed = ALLOWED_L2.get(ctx.layout, {})
    reported = set()
    for r in ctx.rows:
        if r.category not in allowed or r.subcategory is None:
            continue
        if r.subcategory not in allowed[r.category] and (r.level1, r.level2) not in reported:
            reported.add((r.level1, r.level2))
            yield Hit(
                f"在「{LAYOUT_ZH[ctx.layout]}」格式中，二级指标「{r.level2}」不属于一级指标「{r.level1}」。请移到正确的一级指标下。",
                location=loc(r), text=f"{r.level1}/{r.level2}", span=r.span,
            )


# S-10: sampling/coverage rates of one activity (抽检, 检查 …) whose targets disagree
_RATE_ACTIVITIES = ("抽检", "抽查", "检查", "巡查", "检测", "监测", "督查")
_NOT_COVERAGE = ("合格", "达标", "优良", "满意", "完成", "整改", "处置", "及时", "准确", "正确", "通过", "发生", "事故",
                 "提升", "提高", "增长", "下降", "降低", "结案", "办结", "出具", "问题")
_RATE_FACTOR = 3.0


def _coverage_rate(r) -> tuple[str, float] | None:
    """(activity, percent) for a row like '建材监督抽检率 =30%' or '监督抽检覆盖率 ≥5%'."""
    name = base_name(r.name)
    if not is_rate_name(name) or any(w in name for w in _NOT_COVERAGE):
        return None
    activity = next((a for a in _RATE_ACTIVITIES if a in name), None)
    q = read_value(r.raw_value)
    if activity is None or q.shape != "number" or not q.number or q.high is not None:
        return None
    if not q.unit.startswith(PERCENT_UNITS):
        return None
    return activity, q.number


@rule(
    "S-10", "RATE_CONSISTENCY", "warn", "convention", "O",
    "S6 共性指标体系框架“绩效指标明确性”的延伸；相差3倍的阈值是经验值（种子文件 000 项目3），并非成文规定",
    "同一项目中针对同一工作（如“抽检”）的覆盖类比率指标，目标值应口径一致；相差3倍以上时多半是分母不同或数字有误。",
)
def s10(ctx: ProjectContext) -> Iterator[Hit]:
    groups: dict[str, list] = defaultdict(list)
    for r in ctx.rows:
        got = _coverage_rate(r)
        if got:
            groups[got[0]].append((got[1], r))
    for activity, items in groups.items():
        if len(items) < 2:
            continue
        (lo, rlo), (hi, rhi) = min(items, key=lambda x: x[0]), max(items, key=lambda x: x[0])
        if hi / lo <= _RATE_FACTOR:
            continue
        yield Hit(
            f"同是“{activity}”的比率指标，「{clip(rlo.name, 30)}」目标{rlo.raw_value}，而「{clip(rhi.name, 30)}」目标{rhi.raw_value}，"
            f"相差{hi / lo:.0f}倍。请核对两者的分母（口径）是否一致；口径不同的请在名称中写明，数字有误的请统一（经验提示，并非成文规定）。",
            location=loc(rlo), text=f"{rlo.name} {rlo.raw_value}；{rhi.name} {rhi.raw_value}",
            span=rlo.span,
        )

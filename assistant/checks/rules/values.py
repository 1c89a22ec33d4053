"""B. Indicator names and values: V-01 … V-08, D. satisfaction targets: M-01."""

from __future__ import annotations

import re
from typing import Iterator

from assistant.checks.engine import ProjectContext
from assistant.checks.registry import Hit, rule
from assistant.checks.rules._util import (
    COMPARATOR_RE, COUNT_UNITS, DURATION_UNITS, MONEY_UNITS, PERCENT_UNITS, RANGE_RE, ascii_comparator, base_name, clip,
    is_count_name, is_rate_name, is_time_name, loc, read_value,
)


@rule(
    "V-01", "COMPARATOR", "error", "template", "V",
    "S10 四川自评表“指标性质”栏；S12 申报表填报说明（指标值须明确）",
    "定量指标值必须带比较符（= ≥ ≤ > <，或“指标性质”栏）和数字，如“≥90%”“=30个”。",
)
def v01(ctx: ProjectContext) -> Iterator[Hit]:
    for r in ctx.rows:
        q = read_value(r.raw_value)
        if q.shape != "number" or q.comparator is not None or r.comparator is not None:
            continue
        if ctx.is_self_evaluation and q.unit:
            continue  # a single value column in a self-evaluation may be the result; V-07 reports that
        yield Hit(
            f"指标值「{r.raw_value}」是裸数字，没有比较符，无法判断是下限、上限还是固定值。"
            "请写成“≥X单位”“≤X单位”或“=X单位”。",
            location=loc(r), text=r.raw_value, span=r.span,
        )


def _unit_problem(name: str, q) -> str | None:
    unit = q.unit
    if not unit:
        want = "%" if is_rate_name(name) else "计量单位（个、次、人、份、天、元等）"
        return f"指标值「{q.number:g}」没有计量单位。请补上{want}，如“≥90%”“=30个”。"
    if is_rate_name(name) and not unit.startswith(PERCENT_UNITS) and unit != "分":
        return f"指标名称是比率（…率/比例/满意度），但单位是「{unit}」。比率应以%表示，或把名称改成计数指标。"
    if is_count_name(name) and unit.startswith(PERCENT_UNITS):
        return f"指标名称是计数（…数/人次/场次），但单位是「{unit}」。请改用个、次、人等计数单位，或把名称改为“…率”。"
    if is_time_name(name) and (unit.startswith(PERCENT_UNITS) or unit in COUNT_UNITS or unit.startswith(MONEY_UNITS)):
        return f"指标名称是时间/时限，但单位是「{unit}」。时限应写成日期（≤11月30日）或时长（≤45天）。"
    return None


@rule(
    "V-02", "UNIT", "error", "template", "V",
    "S10 四川自评表“度量单位”栏；S16 共性指标库示例（数量：台/件/次/人；质量：%；时效：日期/天）",
    "定量指标值要有计量单位，且单位要与名称相符：…率/比例→%，…数/人次→计数单位，…时间/时限→日期或时长。",
)
def v02(ctx: ProjectContext) -> Iterator[Hit]:
    for r in ctx.rows:
        q = read_value(r.raw_value)
        if q.shape != "number":
            continue
        problem = _unit_problem(r.name, q)
        if problem:
            yield Hit(problem, location=loc(r), text=f"{r.name} {r.raw_value}", span=r.span)


@rule(
    "V-03", "COMPARATOR_FORM", "info", "convention", "O",
    "S16 指标库写法示例；实际填报中观察到的问题",
    "比较符用 ≥ ≤ 而不是 ASCII 的 >= <=；“=”不能与区间（=3月~11月、=1~2%）或“…前”期限（=11月底前）连用。",
)
def v03(ctx: ProjectContext) -> Iterator[Hit]:
    for r in ctx.rows:
        raw = r.raw_value.strip()
        problems = []
        if ascii_comparator(raw):
            problems.append("用了 ASCII 比较符，请改为 ≥ 或 ≤")
        if re.match(r"^[=＝]", raw):
            if r.value_high is not None or RANGE_RE.search(raw) or "~" in raw or "～" in raw:
                problems.append("“=”后面是区间，请写成两个界限（如“≥1%”并另设上限）或“≤截止日期”")
            elif re.search(r"(?:前|以前|之前)$", raw):
                problems.append("“=”与“…前”期限连用，请写成“≤11月30日”之类的截止日期")
        if problems:
            yield Hit(f"指标值「{raw}」的写法不规范：{'；'.join(problems)}。（此为惯例性提示，非成文规定）",
                      location=loc(r), text=raw, span=r.span)


def _graded(value: str, lex) -> bool:
    v = value.strip()
    if v in lex.words("graded_exact"):
        return True
    if re.search(r"《[^》]+》", v):
        return True
    return any(w in v for w in lex.words("graded"))


@rule(
    "V-04", "QUALITATIVE_GRADED", "warn", "law", "V",
    "S3 地方转载285号办法：“不能以量化形式表述的，可以采用定性的分级分档形式表述”；S13 考核等级",
    "不能量化的指标值要写成可评判的等级（好/较好/一般/差；达到/基本达到/未达到）或可核验的标准（通过验收、符合《…》），"
    "不能只写“提高”“完善”“威慑作用”等动词或形容词。",
)
def v04(ctx: ProjectContext) -> Iterator[Hit]:
    vague = ctx.lexicon.words("vague")
    for r in ctx.rows:
        v = r.raw_value.strip()
        if not v or re.search(r"\d", v) or _graded(v, ctx.lexicon):
            continue
        hit = next((w for w in vague if v == w or v.startswith(w)), None)
        if hit is None and v.endswith("作用"):
            hit = "作用"
        if hit is None:
            continue
        yield Hit(
            f"定性指标值「{v}」只是“{hit}”之类的表述，没有分级，无法考核。"
            "请改为分档等级（如“好/较好/一般/差”“达到/基本达到/未达到”）或可核验的标准（如“通过验收”）。",
            location=loc(r), text=v, span=r.span,
        )


def _goal_text(ctx: ProjectContext) -> str:
    sec = ctx.project.section("goals")
    return base_name(sec.text) if sec else ""


@rule(
    "V-05", "NAME_IS_METRIC", "warn", "law", "V",
    "S6 共性指标体系框架②“是否通过清晰、可衡量的指标值予以体现”；长度阈值为实际填报中的经验",
    "三级指标名称应是可度量的名词短语（如“建材抽检合格率”），不能是目标句子：超过40字、含句号分号、或由多个分句组成的名称都应改写。",
)
def v05(ctx: ProjectContext) -> Iterator[Hit]:
    goals = _goal_text(ctx)
    for r in ctx.rows:
        name = r.name.strip()
        clauses = len([c for c in re.split(r"[，,]", name) if c.strip()])
        reasons = []
        if len(name) > 40:
            reasons.append(f"长达{len(name)}字")
        if re.search(r"[。；;！!]", name):
            reasons.append("含句号或分号")
        elif clauses >= 3 or (clauses == 2 and len(name) > 20):
            reasons.append(f"由{clauses}个分句组成")
        key = base_name(name)
        if len(key) >= 15 and goals and key[:15] in goals:
            reasons.append("照抄了项目目标")
        if not reasons:
            continue
        unit_hint = f"；指标值「{r.raw_value}」说不清是什么的比例" if r.raw_value.endswith("%") and len(name) > 40 else ""
        yield Hit(
            f"三级指标名称是一句话而不是指标（{'、'.join(reasons)}{unit_hint}）。"
            "请提炼为可度量的名词短语，如“隐患整改率”“检查覆盖率”，把说明文字移到项目概况或指标解释中。",
            location=loc(r), text=clip(name, 120), span=r.span,
        )


@rule(
    "V-06", "PCT_RANGE", "info", "convention", "O",
    "实际填报中观察到的问题",
    "合格率、达标率、覆盖率、满意度等百分比应在0–100%之间；“≥100%”实际只能是“=100%”。",
)
def v06(ctx: ProjectContext) -> Iterator[Hit]:
    for r in ctx.rows:
        q = read_value(r.raw_value)
        if q.shape != "number" or q.unit != "%" or not re.search(r"(合格率|达标率|覆盖率|满意度|满意率|通过率|完好率)", r.name):
            continue
        if q.number > 100 or (q.high or 0) > 100:
            yield Hit(f"「{r.name}」不可能超过100%（填的是「{r.raw_value}」）。请核对指标值。", location=loc(r), text=r.raw_value, span=r.span)
        elif q.number == 100 and q.comparator in (">=", "≥", "=>", "不低于", "不少于", "大于等于"):
            yield Hit(f"「{r.raw_value}」等于“=100%”，建议直接写“=100%”。", location=loc(r), text=r.raw_value, span=r.span)


@rule(
    "V-07", "TARGET_AND_ACTUAL", "error", "template", "V",
    "S9 湖北自评表填报说明（年度指标值A、实际完成值B）；S10 四川自评表（指标值、完成值分列）",
    "自评表每一行都要分别填写年度指标值（A）和实际完成值（B）；若全部行的B与A完全相同，提示“指标值可能是事后按完成情况设定的”。",
)
def v07(ctx: ProjectContext) -> Iterator[Hit]:
    if not ctx.is_self_evaluation or not ctx.rows:
        return
    rows = ctx.rows
    with_actual = [r for r in rows if (r.actual or "").strip()]
    if not with_actual:
        first, last = rows[0].span, rows[-1].span
        span = first.model_copy(update={"line_end": last.line_end}) if first and last else None
        yield Hit(
            f"定量指标表只有一列数值（共{len(rows)}行），没有区分年度指标值与实际完成值。"
            "请分两栏填写：年初设定的目标值（A）和年末实际完成值（B）。",
            location="定量指标表", text="；".join(f"{r.name} {r.raw_value}" for r in rows[:4]), span=span,
        )
        return
    for r in rows:
        if not (r.actual or "").strip():
            yield Hit(f"「{r.name}」没有填写实际完成值。请填写年末实际完成值。", location=loc(r), text=r.raw_value, span=r.span)
        elif not r.raw_value.strip():
            yield Hit(f"「{r.name}」没有填写年度指标值。请填写年初设定的目标值。", location=loc(r), text=r.actual or "", span=r.span)
    both = [r for r in rows if (r.actual or "").strip() and r.raw_value.strip()]
    if len(both) >= 3 and len(both) == len(rows) and all(_same_wording(r.raw_value, r.actual) for r in both):
        first, last = both[0].span, both[-1].span
        span = first.model_copy(update={"line_end": last.line_end}) if first and last else None
        yield Hit(
            f"全部{len(both)}行的实际完成值与年度指标值一字不差（如「{both[0].name}」{both[0].raw_value}），"
            "指标值可能是年末按完成情况事后设定的。请核对年初批复的目标表，按原定目标值填写A栏。",
            location="定量指标表", text="；".join(f"{r.name} {r.raw_value} / {r.actual}" for r in both[:4]),
            span=span, severity="info",
        )


def _same_wording(target: str, actual: str) -> bool:
    """'=30个' and '30个' read the same; '≥90%' and '95%' do not."""
    def norm(x: str) -> str:
        return re.sub(r"\s+", "", COMPARATOR_RE.sub("", x.replace("％", "%")))
    return norm(target) == norm(actual)


_TIMELY_WORDS = ("及时", "按期", "按时", "准时")


@rule(
    "V-08", "TIMELINESS_VALUE", "warn", "law", "V2",
    "S5 旧模板指标定义：“时效指标，反映…及时程度和效率情况”；S16 时效示例（完成时间**月**日前/按时完成率）",
    "时效指标值应是截止日期（≤11月30日）、时长（≤45天）或按期完成率（=100%）；不能只写“及时”、一段工作期间（3月~11月）或整年（2020年度）。",
)
def v08(ctx: ProjectContext) -> Iterator[Hit]:
    for r in ctx.rows:
        if r.subcategory != "时效":
            continue
        raw = r.raw_value.strip()
        q = read_value(raw)
        problem = None
        if q.shape == "number":
            unit = q.unit
            ok = unit.startswith(PERCENT_UNITS) or any(unit.startswith(u) for u in DURATION_UNITS)
            if not ok and unit:
                problem = f"单位「{unit}」既不是时长也不是比率"
        elif q.shape == "date":
            text = q.unit
            if re.search(r"年度$|^全年", text) or re.fullmatch(r"(?:19|20)\d{2}\s*年?", text):
                problem = "只写了整个年度，没有完成期限"
            elif RANGE_RE.search(text) or "~" in text or "～" in text:
                problem = "写的是一段工作期间，不是截止期限"
        elif q.shape == "text":
            if any(w in raw for w in _TIMELY_WORDS) or raw in ("全年", "年内", "长期"):
                problem = "只写了定性的“及时/按时”"
        if problem:
            yield Hit(
                f"时效指标值「{raw}」{problem}。请写成截止日期（如“≤11月30日”）、时长（如“≤45天”）或“按期完成率 =100%”。",
                location=loc(r), text=raw, span=r.span,
            )


def _is_satisfaction(r) -> bool:
    return (r.category == "满意度" or r.subcategory == "满意度") and "满意" in r.name


@rule(
    "M-01", "SAT_FORMAT", "warn", "convention", "O",
    "实际填报惯例：所见满意度目标均为≥90%或≥85%；未找到全国统一的书面下限，不得把“≥90%”说成法定要求",
    "满意度目标通常写成“≥X%”，X在80–100之间；“=100%”或“≥100%”不现实。",
)
def m01(ctx: ProjectContext) -> Iterator[Hit]:
    for r in ctx.rows:
        if not _is_satisfaction(r):
            continue
        q = read_value(r.raw_value)
        if q.shape != "number" or q.unit not in ("%", ""):
            continue
        note = "（此为实际填报惯例，并非成文规定）"
        if q.number >= 100:
            yield Hit(f"满意度目标「{r.raw_value}」定为100%，几乎不可能实现，评价时易被认为目标设置不合理。"
                      f"常见写法是“≥90%”或“≥85%”{note}。", location=loc(r), text=r.raw_value, span=r.span)
        elif q.number < 80:
            yield Hit(f"满意度目标「{r.raw_value}」低于常见的80%–100%区间，请确认是否过低{note}。",
                      location=loc(r), text=r.raw_value, span=r.span)
        elif q.comparator in ("=", "＝"):
            yield Hit(f"满意度目标「{r.raw_value}」用了“=”，满意度是下限目标，应写“≥{q.number:g}%”{note}。",
                      location=loc(r), text=r.raw_value, span=r.span)

"""C. Category placement (lexicon checks): C-01 … C-08."""

from __future__ import annotations

import re
from typing import Iterator

from assistant.checks.engine import ProjectContext
from assistant.checks.registry import Hit, rule
from assistant.checks.rules._util import COUNT_UNITS, MONEY_UNITS, loc, read_value


@rule(
    "C-01", "TIMELINESS_LEXICON", "error", "law", "V2",
    "S5 旧模板指标定义：“时效指标，反映…及时程度和效率情况”",
    "时效指标必须反映完成时间或及时程度；事故率、合格率、处置率、覆盖率等放在时效下是错位。",
)
def c01(ctx: ProjectContext) -> Iterator[Hit]:
    for r in ctx.rows:
        if r.subcategory != "时效":
            continue
        bad = ctx.lexicon.forbidden("时效", r.name)
        if bad:
            yield Hit(
                f"「{r.name}」是{bad}类指标，不反映完成时间或及时程度，不应放在时效指标下。"
                "请移到质量指标或社会效益指标下，并在时效下改填完成期限（如“≤11月30日”）或按期完成率。",
                location=loc(r), text=r.name, span=r.span,
            )
        elif not ctx.lexicon.matches("时效", r.name) and read_value(r.raw_value).shape not in ("date",):
            q = read_value(r.raw_value)
            if q.shape == "number" and q.unit.startswith(("天", "日", "工作日", "个工作日", "小时", "个月", "月", "周")):
                continue
            yield Hit(
                f"「{r.name}」看不出是时效指标（名称中没有时间、时限、及时等词，指标值也不是日期或时长），请复核分类。",
                location=loc(r), text=r.name, span=r.span, severity="info",
            )


@rule(
    "C-02", "QUALITY_LEXICON", "warn", "law", "V2",
    "S5 旧模板指标定义（质量）；S16 质量示例：合格率/验收通过率/出勤率/评审合格率",
    "质量指标应是合格率、达标率、验收通过等质量衡量；“…报告 =1份”“…总结 =1份”之类的成果个数属于数量指标。",
)
def c02(ctx: ProjectContext) -> Iterator[Hit]:
    for r in ctx.rows:
        if r.subcategory != "质量" or "率" in r.name:
            continue
        q = read_value(r.raw_value)
        if q.shape == "number" and q.unit in COUNT_UNITS:
            yield Hit(
                f"「{r.name} {r.raw_value}」是成果个数，属于数量指标，不是质量指标。"
                "请移到数量指标下；质量指标应衡量成果的质量，如“报告评审通过率 =100%”。",
                location=loc(r), text=f"{r.name} {r.raw_value}", span=r.span,
            )


@rule(
    "C-03", "SATISFACTION_LEXICON", "error", "template", "V",
    "S12 申报表“服务对象满意度指标”；S16 满意度示例（%）",
    "满意度指标名称必须是某类对象的满意度；合格率、受监率等放在满意度下是错位。反之，社会效益下的“…满意度”应移到满意度指标。",
)
def c03(ctx: ProjectContext) -> Iterator[Hit]:
    for r in ctx.rows:
        in_slot = r.category == "满意度" or r.subcategory == "满意度"
        if in_slot and not ctx.lexicon.matches("满意度", r.name):
            yield Hit(
                f"满意度指标下填的是「{r.name}」，它不是满意度。请改为服务对象满意度调查结果（如“受检企业满意度 ≥90%”），"
                "并把该指标移到质量或效益指标下。",
                location=loc(r), text=r.name, span=r.span,
            )
        elif not in_slot and r.category == "效益" and "满意" in r.name:
            yield Hit(f"「{r.name}」是满意度指标，应放在满意度指标下，而不是{r.level2 or '效益指标'}下。",
                      location=loc(r), text=r.name, span=r.span, severity="warn")


@rule(
    "C-04", "ECONOMIC_LEXICON", "error", "law", "V2",
    "S5 旧模板指标定义（经济效益）",
    "经济效益指标必须反映经济上的结果（收入、产值、节约、带动投资、减少损失等，通常以元、万元计）。",
)
def c04(ctx: ProjectContext) -> Iterator[Hit]:
    for r in ctx.rows:
        if r.subcategory != "经济效益" or ctx.lexicon.matches("经济效益", r.name):
            continue
        if read_value(r.raw_value).unit.startswith(MONEY_UNITS):
            continue
        yield Hit(
            f"「{r.name}」不是经济效益指标。请移到合适的类别（如社会效益或产出指标），"
            "经济效益下应填写收入、节约资金、带动投资等以金额衡量的结果；确无经济效益的可不设。",
            location=loc(r), text=r.name, span=r.span,
        )


@rule(
    "C-05", "ECOLOGICAL_LEXICON", "error", "law", "V2",
    "S5 旧模板指标定义（生态效益）",
    "生态效益指标必须反映环境结果（空气、水质、排放、能耗、绿化、扬尘、噪声、垃圾等）。",
)
def c05(ctx: ProjectContext) -> Iterator[Hit]:
    for r in ctx.rows:
        if r.subcategory != "生态效益" or ctx.lexicon.matches("生态效益", r.name):
            continue
        yield Hit(
            f"「{r.name}」不是生态效益指标。请移到合适的类别；生态效益下应填写扬尘、噪声、能耗、排放等环境结果，"
            "确无生态效益的可不设。",
            location=loc(r), text=r.name, span=r.span,
        )


@rule(
    "C-06", "COST_LEXICON", "warn", "law", "V2",
    "S2 财预〔2021〕101号（转述）：成本指标二级为经济成本/社会成本/生态环境成本，可设分项成本控制数",
    "成本指标应是成本、费用、单价、控制数、节支率等，或以元/万元计的金额上限。",
)
def c06(ctx: ProjectContext) -> Iterator[Hit]:
    for r in ctx.rows:
        if not (r.category == "成本" or r.subcategory in ("成本", "经济成本")):
            continue
        if ctx.lexicon.matches("成本", r.name) or read_value(r.raw_value).unit.startswith(MONEY_UNITS):
            continue
        yield Hit(f"「{r.name}」看不出是成本指标。请写成本或费用控制数，如“人均培训成本 ≤300元”。",
                  location=loc(r), text=r.name, span=r.span)


@rule(
    "C-07", "OUTCOME_IN_OUTPUT", "info", "law", "V2",
    "S5 旧模板指标定义（产出与效益的区别）",
    "与基期比较的改善幅度（“较19年提升率”“…提升情况”）是效益，不是产出质量。",
)
def c07(ctx: ProjectContext) -> Iterator[Hit]:
    pat = re.compile(r"较\s*(?:\d{2,4}\s*年|上年|去年|往年)|提升率|提高率|提升情况|提高幅度|增长率")
    for r in ctx.rows:
        if r.category == "产出" and pat.search(r.name):
            yield Hit(f"「{r.name}」衡量的是与基期相比的改善，属于效益指标，不是产出指标。请移到效益指标下。",
                      location=loc(r), text=r.name, span=r.span)


@rule(
    "C-08", "SATISFACTION_SUBJECT", "info", "template", "V",
    "S12 申报表“服务对象满意度指标”",
    "满意度的调查对象应是项目的服务对象（企业、受检单位、学员、居民等）；监管类项目写“群众满意度”较空泛。",
)
def c08(ctx: ProjectContext) -> Iterator[Hit]:
    p = ctx.project
    overview = p.section("overview")
    context = p.name + (overview.text if overview else "")
    if not any(w in context for w in ctx.lexicon.words("regulator_terms")):
        return
    for r in ctx.rows:
        if "满意" in r.name and any(r.name.startswith(w) for w in ctx.lexicon.words("generic_subjects")):
            yield Hit(
                f"「{r.name}」的调查对象泛指群众，而本项目是面向企业或工地的监管工作。"
                "建议改为实际服务对象的满意度，如“受检企业满意度”“参建单位满意度”。",
                location=loc(r), text=r.name, span=r.span,
            )

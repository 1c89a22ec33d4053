"""G. Money and arithmetic: B-01, B-02, B-03, B-05, B-07."""

from __future__ import annotations

import re
from typing import Iterator, Optional

from assistant.checks.engine import FilingContext, ProjectContext
from assistant.checks.registry import Hit, rule
from assistant.checks.rules._util import loc, read_value
from corpus.models import MoneyRow


def _yuan(v: float) -> str:
    return f"{v:,.2f}元"


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1.0 + 1e-6 * max(abs(a), abs(b))


@rule(
    "B-01", "TOTAL_VS_ANNUAL", "error", "template", "V",
    "S12 申报表填报说明（项目资金总额与年度资金）；GovBudgetChecker 的跨年累计与年度比较陷阱",
    "项目总预算不能小于当年预算；一年期（一次性）项目两者应相等。跨年度项目的累计总额不与年度金额比相等。",
)
def b01(ctx: ProjectContext) -> Iterator[Hit]:
    p, b = ctx.project, ctx.project.budget
    if b.total is None or b.current_year is None:
        return
    if b.total + 1.0 < b.current_year:
        yield Hit(f"项目总预算{_yuan(b.total)}小于当年预算{_yuan(b.current_year)}。请核对金额与单位（元/万元）。",
                  location="项目预算", text=f"{b.total:g} / {b.current_year:g}", span=b.span)
        return
    one_year = p.start_date and p.end_date and p.start_date.year == p.end_date.year
    if one_year and not _close(b.total, b.current_year):
        yield Hit(f"项目实施期在同一年内，总预算{_yuan(b.total)}却不等于当年预算{_yuan(b.current_year)}。请核对。",
                  location="项目预算", text=f"{b.total:g} / {b.current_year:g}", span=b.span)


@rule(
    "B-02", "FUND_SOURCES_SUM", "error", "template", "V",
    "S12 申报表填报说明：资金总额按来源（财政拨款、上年结转、其他资金）分别填写",
    "年度资金总额应等于财政拨款 + 上年结转 + 其他资金。",
)
def b02(ctx: ProjectContext) -> Iterator[Hit]:
    b = ctx.project.budget
    if not b.sources or b.current_year is None:
        return
    total = sum(b.sources.values())
    if not _close(total, b.current_year):
        parts = " + ".join(f"{k}{_yuan(v)}" for k, v in b.sources.items())
        yield Hit(f"资金来源合计 {parts} = {_yuan(total)}，与年度资金总额{_yuan(b.current_year)}不符。请核对各来源金额。",
                  location="资金来源", text=parts, span=b.span)


@rule(
    "B-03", "SPEND_PLAN_MONOTONIC", "error", "template", "V2",
    "S15 目标审核规则：年度项目应制订分季度的预期实现进度（二手来源）；累计进度的逻辑要求",
    "资金使用计划的累计进度必须逐期不减、不超过100%、最后一期为100%，且最后一期不晚于计划完成日期。",
)
def b03(ctx: ProjectContext) -> Iterator[Hit]:
    plan = [s for s in ctx.project.spending_plan if s.cumulative_percent is not None]
    if not plan:
        return
    sec = ctx.project.section("plan")
    span = sec.span if sec else None
    text = "；".join(f"{s.period} {s.cumulative_percent:g}%" for s in plan)
    problems = []
    for prev, cur in zip(plan, plan[1:]):
        if cur.cumulative_percent < prev.cumulative_percent:
            problems.append(f"{cur.period}的累计进度{cur.cumulative_percent:g}%低于前一期{prev.cumulative_percent:g}%")
    over = [s for s in plan if s.cumulative_percent > 100]
    if over:
        problems.append(f"{over[0].period}的累计进度超过100%")
    if not over and plan[-1].cumulative_percent < 100:
        problems.append(f"最后一期累计只有{plan[-1].cumulative_percent:g}%，没有达到100%")
    end = ctx.project.end_date
    last_month = plan[-1].end_month
    if end and last_month and (not ctx.project.start_date or ctx.project.start_date.year == end.year) and last_month > end.month:
        problems.append(f"最后一期（{plan[-1].period}）晚于计划完成日期{end}")
    if problems:
        yield Hit(f"资金使用计划有误：{'；'.join(problems)}。请改为逐期递增、最后一期为100%的累计进度。",
                  location="资金使用计划", text=text, span=span)


# --- B-05: self-evaluation money tables ---------------------------------------

_SUMMARY_ORG = re.compile(r"汇总|合计|总计")
_TOTAL_COL = re.compile(r"合计|总计|小计")


def _col(row: MoneyRow, *words: str) -> Optional[str]:
    return next((k for k in row.values if all(w in k for w in words)), None)


def _val(row: MoneyRow, key: Optional[str]) -> Optional[float]:
    return row.values.get(key) if key else None


def _column_checks(table: str, row: MoneyRow) -> Iterator[str]:
    """Within-row formulas: 合计 = Σ parts."""
    vals = row.values
    if not any(v for v in vals.values()):
        return
    if table == "expenditure":
        recipes = [(_col(row, "合计") or _col(row, "总计"), [_col(row, "基本"), _col(row, "项目")]),
                   (_col(row, "基本"), [_col(row, "人员"), _col(row, "公用")])]
    else:
        total = next((k for k in vals if _TOTAL_COL.search(k)), None)
        parts = [k for k in vals if k != total and "结余" not in k and not _TOTAL_COL.search(k)]
        if table == "fixed_assets":
            parts = [k for k in parts if "其中" not in k] or parts
        recipes = [(total, parts)]
    for total, parts in recipes:
        if total is None or not all(parts) or not parts:
            continue
        t = vals.get(total)
        got = [vals.get(p) for p in parts]
        if t is None or all(g is None for g in got):
            continue
        s = sum(g or 0 for g in got)
        if not _close(t, s):
            yield f"「{row.org}」行的{total} {t / 1e4:g}万元 ≠ {' + '.join(parts)} = {s / 1e4:g}万元"


_TABLES = {"income": "收入表", "expenditure": "支出表", "three_public": "三公经费表", "fixed_assets": "固定资产表"}


@rule(
    "B-05", "SELF_EVAL_SUMS", "error", "law", "V",
    "S4 地方转载285号办法：绩效报告数据准确；自评表模板的合计关系",
    "自评表中：收入合计 = 各来源之和；支出合计 = 基本支出 + 项目支出；基本支出 = 人员 + 公用；三公合计 = 各分项之和；"
    "汇总行 = 下属各行之和。下属行已填而汇总行空着是错误。",
    scope="filing",
)
def b05(ctx: FilingContext) -> Iterator[Hit]:
    ev = ctx.filing.evaluation
    if not ev:
        return
    for table, label in _TABLES.items():
        rows: list[MoneyRow] = getattr(ev, table)
        if not rows:
            continue
        summary = next((r for r in rows if _SUMMARY_ORG.search(r.org)), None)
        members = [r for r in rows if r is not summary]
        problems = []
        if summary is not None and members:
            filled_members = [r for r in members if any(v for v in r.values.values())]
            summary_empty = not any(v for v in summary.values.values())
            if summary_empty and filled_members:
                problems.append(f"汇总行「{summary.org}」为空，而「{'、'.join(r.org for r in filled_members)}」已填数")
            elif not summary_empty:
                for key, t in summary.values.items():
                    got = [r.values.get(key) for r in members]
                    if t is not None and any(g is not None for g in got) and not _close(t, sum(g or 0 for g in got)):
                        problems.append(f"汇总行「{summary.org}」的{key}不等于各下属行之和")
        for r in rows:
            problems.extend(_column_checks(table, r))
        if problems:
            spans = [r.span for r in rows if r.span]
            span = spans[0].model_copy(update={"line_end": spans[-1].line_end}) if spans else None
            yield Hit(f"{label}合计关系不成立：{'；'.join(problems)}。请在汇总行填写合计数，并核对各列、各行的加总。",
                      location=label, text="；".join(problems), span=span)


@rule(
    "B-07", "COST_VS_BUDGET", "warn", "law", "V",
    "S6 共性指标体系框架④“是否与预算确定的项目投资额或资金量相匹配”",
    "以金额表示的成本指标上限不应超过项目当年预算。",
)
def b07(ctx: ProjectContext) -> Iterator[Hit]:
    budget = ctx.project.budget.current_year
    if not budget:
        return
    factor = {"元": 1.0, "万元": 1e4, "亿元": 1e8}
    for r in ctx.rows:
        q = read_value(r.raw_value)
        if q.shape != "number" or q.unit not in factor or not (r.category == "成本" or r.subcategory in ("成本", "经济成本")):
            continue
        amount = q.number * factor[q.unit]
        if amount > budget * 1.0001:
            yield Hit(f"成本指标「{r.name} {r.raw_value}」超过了项目当年预算{_yuan(budget)}。请核对金额或单位。",
                      location=loc(r), text=r.raw_value, span=r.span)

"""Draft a project's 绩效自评表 from its target table and the writer's actuals.

The writer gives what only they know (per indicator the 实际完成值, and the year's
全年执行数); everything else is computed by the rules or taken from precedents:

- weights by E-01 (产出 50 / 效益 30 / 满意度 10 / 预算执行率 10, each 一级 spread
  evenly over its 三级 rows, a missing 一级's share moved to the others);
- quantitative scores by E-02 (正向 权重×min(B/A,1), 反向 权重×min(A/B,1));
- qualitative scores by E-03 from the writer's 达成/部分达成/未达成 (a suggestion
  inside the band, marked for review);
- 预算执行率 score = 10 × min(执行数/预算数, 1), total and grade by E-04;
- 偏差原因分析及改进措施 for rows below target, and the 存在的主要问题 /
  改进措施和有关建议 sections, drafted from the closest self-evaluation
  precedents in the store (each item cited), through the Jinja templates
  `prompts/self_eval_*.j2`; 【待填：…】 where no precedent or no actual exists.

The result is a `Filing` of kind "self_evaluation" in the corpus contract, so the
checker, the Word export and the store read it like a parsed self-evaluation.

This module assembles the draft; the parts live beside it: `actuals` (the writer's
input), `target_table` (which table is reported on), `scoring` (E-01..E-04, B-06),
`selfeval_precedents` and `selfeval_narrative` (the prose), `render` (the CLI report).
Their public names are re-exported here.

Example:
    >>> from assistant.home import open_store
    >>> with open_store() as store:
    ...     draft = self_evaluation(store, project="建设工程监督检测", year=2020,
    ...                             actuals={"根据工作安排，检查项目数": "108个"}, executed=1480000)
    >>> row = draft.filing.projects[0].indicators[2]      # =120个, weight 3.34
    >>> row.score, row.deviation[:27]
    (3.01, '年度指标值=120个，实际完成108个，完成90.0%')
"""

from __future__ import annotations

import logging
from typing import Optional

from assistant.drafting.actuals import (
    Actuals, ActualsError, ActualsInput, actuals_template_csv, as_input, load_actuals, match_actuals,
    parse_actual_option,
)
from assistant.drafting.checking import attach_findings
from assistant.drafting.models import Change, Citation, Draft, DraftError, content_sha256, placeholder
from assistant.drafting.render import render_self_evaluation_report, render_template
from assistant.drafting.scoring import (
    BUDGET_WEIGHT, DEFAULT_WEIGHTS, GRADES, QUAL_BANDS, RowScore, bucket, bucket_weights, budget_execution, grade_of,
    is_reverse, row_weights, score_row,
)
from assistant.drafting.selfeval_narrative import (
    DEVIATION_TODO, IMPROVEMENTS_TODO, PROBLEMS_TODO, draft_deviation, draft_sections,
)
from assistant.drafting.selfeval_precedents import precedents
from assistant.drafting.target_table import pick_target
from assistant.drafting.text import money, number, paragraphs
from corpus.models import Budget, Evaluation, Filing, GoalPair, Indicator, Project, SourceInfo

__all__ = [
    "ACTUAL_TODO", "BUDGET_WEIGHT", "DEFAULT_WEIGHTS", "DEVIATION_TODO", "EXECUTED_TODO", "GRADES", "IMPROVEMENTS_TODO",
    "PROBLEMS_TODO", "QUAL_BANDS", "SCORE_TODO", "Actuals", "ActualsError", "ActualsInput", "RowScore",
    "actuals_template_csv", "bucket", "bucket_weights", "grade_of", "is_reverse", "load_actuals", "match_actuals",
    "parse_actual_option", "pick_target", "precedents", "render_self_evaluation_report", "score_row",
    "self_evaluation",
]

log = logging.getLogger(__name__)

ACTUAL_TODO = placeholder("实际完成值")
EXECUTED_TODO = placeholder("全年执行数")
SCORE_TODO = placeholder("总分")


def self_evaluation(
    store, project: Optional[str] = None, *, unit: Optional[str] = None, year: Optional[int] = None,
    from_id: Optional[str] = None, actuals: Actuals = None, executed: Optional[float] = None, check: bool = True,
) -> Draft:
    """Draft the 绩效自评表 of one project from its target table and the writer's actuals.

    Args:
        store: an open `CorpusStore` (the target table and the precedents are read from it).
        project: project name (substring; an exact match wins).
        unit: restrict to filings whose unit contains this.
        year: the year evaluated, i.e. the target table's year (default: the latest one).
        from_id: take the target table with this filing id.
        actuals: indicator name → 实际完成值, or an `ActualsInput` (also 全年执行数/全年预算数 and own deviations).
        executed: 全年执行数 in yuan (overrides `actuals.executed`).
        check: run the checker on the draft and tell new findings from those the target table already had.

    Raises:
        DraftError: no such target table; ActualsError: an actual names no indicator of the project.
    """
    given = as_input(actuals, executed)
    fid, src, idx = pick_target(store, project, unit, year, from_id)
    target = src.projects[idx]
    the_year = src.year or (target.start_date.year if target.start_date else None)
    if the_year is None:
        raise DraftError(f"目标表 {fid} 没有年度。请用 --year 指定，并检查该文件")
    the_unit = target.unit or src.unit
    name = target.name
    rows_src = [r for r in target.indicators if not r.empty]
    if not rows_src:
        raise DraftError(f"目标表 {fid} 中项目「{name}」没有可对照的绩效指标，无法起草自评表")
    matched = match_actuals(given, rows_src, name)

    changes: list[Change] = []
    notices: list[str] = []
    citations: list[Citation] = [Citation(filing_id=fid, year=the_year, unit=the_unit, project=name, kind="filing",
                                          draft_project=name, target="年度指标值")]

    def change(field: str, new, reason: str, old=None, review: bool = False) -> None:
        changes.append(Change(project=name, field=field, old=None if old is None else str(old),
                              new=None if new is None else str(new), reason=reason, review=review))

    row_weight = row_weights(rows_src, change)
    pool = precedents(store, exclude=(name, the_year))
    rows: list[Indicator] = []
    scored: list[tuple[Indicator, RowScore]] = []
    missing: list[str] = []
    for i, old in enumerate(rows_src):
        r = old.model_copy(deep=True)
        r.span = None
        r.weight = row_weight.get(i)
        r.score = None
        for extra in ("deviation", "deviation_sources", "prior_target", "prior_actual"):
            if extra in (r.model_extra or {}):
                del r.model_extra[extra]
        where = f"指标「{r.name[:30]}」"
        if i not in matched:
            r.actual = ACTUAL_TODO
            if r.weight is not None:
                missing.append(r.name)
                change(f"{where}·实际完成值", ACTUAL_TODO, "填报人未提供实际完成值，本行未计分", review=True)
            rows.append(r)
            continue
        r.actual, own_reason = matched[i]
        if r.weight is None:
            rows.append(r)
            continue
        result = score_row(r, r.weight)
        r.score = result.score
        if result.score is None:
            missing.append(r.name)
            change(f"{where}·得分", None, result.reason, review=True)
            rows.append(r)
            continue
        change(f"{where}·得分", number(result.score), result.reason, review=result.review)
        scored.append((r, result))
        if not result.below:
            r.deviation = "无"
        elif own_reason:
            r.deviation = own_reason
            r.deviation_sources = ["填报人填写"]
        else:
            draft_deviation(r, result, pool, the_unit, name, citations, change)
        rows.append(r)

    budget = given.budget if given.budget is not None else target.budget.current_year
    execution = budget_execution(given.executed, budget, change, notices)
    if execution["score"] is None:
        missing.append("预算执行率")

    # total and grade (E-04)
    total: Optional[float] = None
    grade: Optional[str] = None
    partial = round(sum(r.score or 0 for r in rows) + (execution["score"] or 0), 2)
    if missing:
        notices.append(f"有{len(missing)}项未计分（{'、'.join(m[:16] for m in missing[:5])}{'等' if len(missing) > 5 else ''}），"
                       f"总分和评价等次待补齐后计算；已计分部分合计{number(partial)}分")
        change("总分", SCORE_TODO, "有未计分的指标，暂不给出总分和等次", review=True)
    else:
        total = partial
        grade = grade_of(total)
        change("总分", number(total), "各指标得分与预算执行率得分之和")
        change("评价等次", grade, "按总分定等次（E-04）：优≥90，良80–<90，中60–<80，差<60")

    # narrative
    below = [(r, s) for r, s in scored if s.below]
    problems, improvements = draft_sections(target, the_unit, the_year, below, pool, citations, changes, notices)
    goal = target.section("goals")
    summary = render_template("self_eval_summary.j2", executed=money(given.executed) if given.executed is not None else None,
                      rate=f"{execution['rate_percent']:.1f}%" if execution["rate_percent"] is not None else None,
                      below=[r.name for r, _ in below], missing=len(missing), todo=EXECUTED_TODO)
    evaluation = Evaluation(
        score=total, grade=grade,
        qualitative_goals=[GoalPair(target=(goal.text if goal else placeholder("年度总体目标")), actual=summary)],
        problems=paragraphs(problems.text), improvements=paragraphs(improvements.text),
        sections=[problems, improvements],
    )
    evaluation.budget_execution = execution
    new_budget = Budget(current_year=budget, sources=dict(target.budget.sources))
    new_budget.initial = target.budget.current_year
    new_budget.executed = given.executed
    project_out = Project(name=name, category="项目支出", unit=the_unit, department=target.department,
                          implementer=target.implementer or the_unit, budget=new_budget, indicators=rows,
                          start_date=target.start_date, end_date=target.end_date)
    body = Filing(kind="self_evaluation", unit=src.unit or the_unit, year=the_year, title="项目支出绩效自评表",
                  source=SourceInfo(path=f"draft:self_evaluation/{fid}/{the_year}", sha256="", format="json"),
                  projects=[project_out], evaluation=evaluation)
    body.source.sha256 = content_sha256(body)
    draft = Draft(mode="self_evaluation", filing=body, source_filing_id=fid, changes=changes,
                  citations=citations, notices=notices)
    if check:
        attach_findings(draft, src.model_copy(update={"projects": [target]}))
        errors = [f for f in draft.new_findings if f.severity == "error"]
        if errors:  # should not happen: the drafter is meant to produce nothing the checker calls an error
            log.warning("self-evaluation draft introduced %d error findings", len(errors))
            notices.append(f"草稿新增了{len(errors)}条错误级检查结果，请逐条核对（见检查结果）")
    return draft

"""Roll a project's latest target table forward to a new year.

Example:
    >>> from assistant.home import open_store
    >>> with open_store() as store:
    ...     draft = rollover(store, project="建设工程监督检测", to_year=2021)
    >>> draft.filing.projects[0].budget.prior_year_budget
    1530000.0
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Optional

from assistant.drafting.checking import attach_findings
from assistant.drafting.models import Change, Citation, Draft, DraftError, content_sha256, placeholder
from assistant.drafting.target_table import target_table_by_id
from assistant.drafting.text import money
from corpus.models import Filing, Indicator, Project, SourceInfo
from corpus.normalize import dated_sentences

log = logging.getLogger(__name__)

EXECUTED_PLACEHOLDER = placeholder("上年预算执行数")


def _norm(name: str) -> str:
    """An indicator name without spaces, punctuation and brackets, to find last year's row in the self-evaluation.

    Unlike `text.compact_name` it keeps quotes and 《》, as rollover always has."""
    return re.sub(r"[\s，,。、；;:：（）()]", "", name or "")


def _shift(d: Optional[date], delta: int) -> Optional[date]:
    if d is None:
        return None
    try:
        return d.replace(year=d.year + delta)
    except ValueError:  # 29 February
        return d.replace(year=d.year + delta, day=28)


def stale_phrases(text: str, from_year: int, to_year: int) -> list[str]:
    """Sentences in `text` naming a year before `to_year` (statistics that may be out of date)."""
    out = [d.sentence for d in dated_sentences(text) if d.year < to_year]
    seen: set[str] = set()
    return [s for s in out if not (s in seen or seen.add(s))]


def _pick_source(store, project: Optional[str], unit: Optional[str], from_id: Optional[str]) -> tuple[str, Filing, list[int]]:
    if from_id:
        return target_table_by_id(store, from_id, project, "，不能结转。请给出目标表的编号")
    if not project:
        raise DraftError("请用 --project 指定项目名称，或用 --from 指定来源文件编号")
    best: Optional[tuple[int, str, Filing, int]] = None
    for fid, idx, _name, _unit, year in store.find_projects(project, unit):
        filing = store.get(fid)
        if filing.kind != "target_table":
            continue
        key = year or 0
        exact = filing.projects[idx].name == project
        if best is None or (key, exact) > (best[0], best[2].projects[best[3]].name == project):
            best = (key, fid, filing, idx)
    if best is None:
        where = f"（单位含「{unit}」）" if unit else ""
        raise DraftError(f"语料库中没有名称含「{project}」{where}的绩效目标表。请先用 jixiao ingest 入库上一年的目标表")
    return best[1], best[2], [best[3]]


def _self_evaluation_rows(store, name: str, unit: Optional[str], year: int) -> Optional[tuple[str, Filing, Project]]:
    """The self-evaluation of `name` for `year`, if the corpus has one."""
    for fid, idx, _n, _u, y in store.find_projects(name, unit):
        if y != year:
            continue
        filing = store.get(fid)
        if filing.kind == "self_evaluation" and filing.projects[idx].name == name:
            return fid, filing, filing.projects[idx]
    return None


def _executed_from(evaluation: Project) -> Optional[float]:
    b = evaluation.budget
    if b.prior_year_executed is not None:  # a self-evaluation's 全年执行数 lands here in some layouts
        return b.prior_year_executed
    for key in ("全年执行数", "执行数", "executed"):
        if key in b.sources:
            return b.sources[key]
    return getattr(b, "executed", None)


def _roll_project(p: Project, from_year: int, to_year: int, evaluation, changes: list[Change]) -> Project:
    new = p.model_copy(deep=True)
    delta = to_year - from_year
    name = p.name

    def change(field: str, old, new_value, reason: str, review: bool = False) -> None:
        changes.append(Change(project=name, field=field, old=None if old is None else str(old),
                              new=None if new_value is None else str(new_value), reason=reason, review=review))

    # dates
    for attr, key, label in (("start_date", "start", "计划开始日期"), ("end_date", "end", "计划完成日期")):
        old = getattr(p, attr)
        if old is not None:
            moved = _shift(old, delta)
            setattr(new, attr, moved)
            if key in new.header:
                new.header[key] = moved.isoformat()
            change(label, old.isoformat(), moved.isoformat(), f"计划期顺延到{to_year}年")

    # money: last year's 当年预算 becomes this year's 上年预算额
    b = new.budget
    old_budget = p.budget
    if old_budget.current_year is not None:
        b.prior_year_budget = old_budget.current_year
        b.raw["同名项目上年预算额"] = f"同名项目上年预算额（元）：{money(old_budget.current_year)}"
        change("同名项目上年预算额", money(old_budget.prior_year_budget), money(b.prior_year_budget),
               f"取{from_year}年目标表的项目当年预算")
    executed = None
    if evaluation is not None:
        executed = _executed_from(evaluation[2])
    if executed is not None:
        b.prior_year_executed = executed
        b.raw["同名项目上年预算执行数"] = f"同名项目上年预算执行数（元）：{money(executed)}"
        change("同名项目上年预算执行数", money(old_budget.prior_year_executed), money(executed),
               f"取{from_year}年自评（文件 {evaluation[0]}）的执行数")
    else:
        b.prior_year_executed = None
        b.raw["同名项目上年预算执行数"] = f"同名项目上年预算执行数（元）：{EXECUTED_PLACEHOLDER}"
        change("同名项目上年预算执行数", money(old_budget.prior_year_executed), EXECUTED_PLACEHOLDER,
               f"语料库中没有{from_year}年的自评，执行数需由填报人填写", review=True)
    for label, value in (("项目总预算", b.total), ("项目当年预算", b.current_year)):
        if value is not None:
            change(label, money(value), money(value), f"暂沿用{from_year}年数额，请按{to_year}年申报数修改", review=True)
    b.span = None

    # sections: carried over, dated statements flagged
    for s in new.sections:
        s.span = None
        if s.kind == "legal_basis":
            continue  # document titles and numbers keep their own years
        for phrase in stale_phrases(s.text, from_year, to_year):
            change(f"栏目·{s.title}", phrase, None, f"含{to_year}年以前的年份，数据或表述可能已过时，请复核或更新", review=True)
    for lb in new.legal_bases:
        lb.span = None

    # indicators: carried with last year's target (and actual) beside each
    actuals = {}
    if evaluation is not None:
        actuals = {_norm(r.name): r.actual for r in evaluation[2].indicators if r.actual}
    rows: list[Indicator] = []
    for old in p.indicators:
        r = old.model_copy(deep=True)
        r.span = None
        setattr(r, "prior_target", old.raw_value)
        setattr(r, "prior_actual", actuals.get(_norm(old.name)))
        where = f"指标「{old.name}」"
        for attr in ("name", "raw_value"):
            text = getattr(r, attr)
            moved = text.replace(f"{from_year}年", f"{to_year}年")
            if moved != text:
                setattr(r, attr, moved)
                change(f"{where}·{'名称' if attr == 'name' else '指标值'}", text, moved, f"年份顺延到{to_year}年")
        for phrase in stale_phrases(r.name, from_year, to_year):
            change(f"{where}·名称", phrase, None, f"名称中含{to_year}年以前的年份，请确认是否应改为相对上一年（{to_year - 1}年）", review=True)
        rows.append(r)
    new.indicators = rows
    new.span = None
    return new


def rollover(
    store, project: Optional[str] = None, to_year: Optional[int] = None, unit: Optional[str] = None,
    from_id: Optional[str] = None, check: bool = True,
) -> Draft:
    """Draft next year's target table for a project from its latest filed one.

    Args:
        store: an open `CorpusStore`.
        project: project name (substring; an exact match wins among same-year filings).
        to_year: the new year (default: source year + 1).
        unit: restrict to filings whose unit contains this.
        from_id: take this filing (all its projects unless `project` is given).
        check: run `check_filing` on the draft and the source and compare.
    """
    fid, src, idxs = _pick_source(store, project, unit, from_id)
    from_year = src.year or (src.projects[idxs[0]].start_date.year if src.projects[idxs[0]].start_date else None)
    if from_year is None:
        raise DraftError(f"来源文件 {fid} 没有年度，无法推算新年度。请用 --to-year 指定并检查来源文件")
    to_year = to_year or from_year + 1
    if to_year <= from_year:
        raise DraftError(f"新年度 {to_year} 不晚于来源年度 {from_year}。请给出更晚的 --to-year")
    changes: list[Change] = [Change(field="年度", old=str(from_year), new=str(to_year), reason="结转到新年度")]
    projects = []
    for i in idxs:
        p = src.projects[i]
        evaluation = _self_evaluation_rows(store, p.name, p.unit or src.unit, from_year)
        projects.append(_roll_project(p, from_year, to_year, evaluation, changes))
    body = Filing(kind="target_table", unit=src.unit, year=to_year, title=src.title,
                  source=SourceInfo(path=f"draft:rollover/{fid}/{to_year}", sha256="", format="json"),
                  projects=projects)
    body.source.sha256 = content_sha256(body)
    citations = [Citation(filing_id=fid, year=from_year, unit=p.unit or src.unit, project=p.name, kind="filing")
                 for p in projects]
    draft = Draft(mode="rollover", filing=body, source_filing_id=fid, changes=changes, citations=citations)
    if check:
        source_view = src.model_copy(update={"projects": [src.projects[i] for i in idxs]})
        attach_findings(draft, source_view, year_map={str(to_year): str(from_year)})
    return draft

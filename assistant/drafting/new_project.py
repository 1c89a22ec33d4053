"""Draft a new project's target table from the most similar precedents in the corpus.

Each section is taken from the best-matching precedent section (search over the
index), adapted (project name, unit, year and amounts substituted) through the
section templates; the indicator table covers every category of the 2021+ layout
(成本/产出·数量·质量·时效/效益/满意度) with rows taken from precedents, their usual
values, and 【待填：…】 where only the writer can know the number.

Example:
    >>> draft = new_project(NewProjectSpec(name="建筑工地扬尘监督抽查", unit="某区建设工程质量安全监督站",
    ...                     category="经常性项目", budget=1200000, brief="委托第三方检测扬尘"))
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Optional

from pydantic import BaseModel

from assistant.drafting.checking import attach_findings
from assistant.drafting.models import Change, Citation, Draft, DraftError, content_sha256, placeholder
from assistant.drafting.render import Drafter, OfflineDrafter, Precedent
from assistant.drafting.text import money, replace_year
from corpus.models import Budget, Filing, Indicator, LegalBasis, Project, Section, SourceInfo

PRECEDENTS_PER_SECTION = 3  # offered to the drafter; the offline drafter uses the best one
SECTIONS = [
    ("overview", "项目概况"), ("legal_basis", "立项依据"), ("necessity", "项目设立的必要性"),
    ("measures", "保证项目实施的制度、措施"), ("plan", "项目实施计划"), ("goals", "总目标及阶段性目标"),
]
# (一级 label, 二级 label, canonical category, canonical subcategory, rows wanted, writer must give the number)
LAYOUT_2021 = [
    ("成本指标", "经济成本指标", "成本", "经济成本", 1, True),
    ("产出指标", "数量指标", "产出", "数量", 2, True),
    ("产出指标", "质量指标", "产出", "质量", 1, False),
    ("产出指标", "时效指标", "产出", "时效", 1, False),
    ("效益指标", "社会效益指标", "效益", "社会效益", 1, False),
    ("满意度指标", "服务对象满意度指标", "满意度", "满意度", 1, False),
]
_NUM = re.compile(r"^\s*([=＝≥≤><]=?|>=|<=)?\s*(\d+(?:\.\d+)?)\s*(.*)$")


class NewProjectSpec(BaseModel):
    """What the writer tells us about the new project."""

    name: str
    unit: str
    category: str = "经常性项目"
    budget: float
    brief: str = ""
    year: int = date.today().year


def _adapt(text: str, prec: Project, prec_year: Optional[int], spec: NewProjectSpec) -> str:
    """Precedent text with its project name, unit, year and amounts replaced by the new project's."""
    out = text
    if prec.name:
        out = out.replace(prec.name, spec.name)
    if prec.unit:
        out = out.replace(prec.unit, spec.unit)
    if prec_year:
        out = replace_year(out, prec_year, spec.year)
    for amount in {prec.budget.total, prec.budget.current_year} - {None}:
        out = out.replace(money(amount), money(spec.budget))
        if float(amount / 10000).is_integer():
            out = out.replace(f"{amount / 10000:g}万元", f"{spec.budget / 10000:g}万元")
    return out


def _numbered_sentences(text: str) -> list[str]:
    """Sentences that state a figure (digits followed by a unit word or %)."""
    parts = re.split(r"(?<=[。；;\n])", text)
    return [s.strip() for s in parts if re.search(r"\d+(?:\.\d+)?\s*(?:%|个|份|次|组|项|家|人|万元|元|起)", s)]


def _query(spec: NewProjectSpec) -> str:
    return f"{spec.name} {spec.brief}".strip()


def _hits(query: str, filters, k: int, home: Optional[Path]):
    from assistant.search_service import search

    return [h for h in search(query, filters, k=k, home=home, mode="lexical").hits
            if h.passage.filing_kind == "target_table"]


def _precedents(kind: str, hits, store, spec: NewProjectSpec) -> list[tuple[Precedent, object, Project]]:
    """The best distinct precedent sections (several hits may be paragraphs of one) as (P1…, passage, project)."""
    out: list[tuple[Precedent, object, Project]] = []
    texts: set[str] = set()
    for h in hits:
        ps = h.passage
        prec = store.get(ps.filing_id).projects[ps.project_idx]
        original = prec.section(kind)
        text = _adapt(original.text if original else ps.text, prec, ps.year, spec)
        if text in texts:
            continue
        texts.add(text)
        out.append((Precedent(ref=f"P{len(out) + 1}", text=text, project=prec.name, unit=ps.unit, year=ps.year,
                              filing_id=ps.filing_id, passage_id=ps.id), ps, prec))
        if len(out) >= PRECEDENTS_PER_SECTION:
            break
    return out


def _legal_bases(text: str, precs: list[Project], author: str) -> list[LegalBasis]:
    """Structured legal bases of the used precedents; for a model's text only those it still names."""
    out: list[LegalBasis] = []
    seen: set[str] = set()
    for prec in precs:
        for lb in prec.legal_bases:
            key = lb.title or lb.text
            if key in seen or (author == "llm" and key not in text):
                continue
            seen.add(key)
            out.append(lb.model_copy(update={"span": None}))
    return out


def _value_for(raw: str, must_give: bool, what: str) -> str:
    """The usual value, or its comparator and unit around a placeholder when only the writer knows the number."""
    m = _NUM.match(raw or "")
    if not must_give or not m:
        return raw
    comp = (m.group(1) or "≥").replace(">=", "≥").replace("<=", "≤")
    return f"{comp}{placeholder(what)}{m.group(3)}"


def new_project(
    spec: NewProjectSpec, store=None, home: Optional[Path] = None, drafter: Optional[Drafter] = None,
    check: bool = True,
) -> Draft:
    """Draft a target table for a new project from the corpus precedents (needs `jixiao index build`)."""
    from assistant.home import open_store
    from assistant.search_service import SearchFilters

    drafter = drafter or OfflineDrafter()
    own_store = store is None
    store = store or open_store()
    citations: list[Citation] = []
    notices: list[str] = []
    review: list[Change] = []
    drafted_by: dict[str, str] = {}
    facts = spec.model_dump()
    try:
        sections: list[Section] = []
        legal_bases = []
        for kind, title in SECTIONS:
            hits = _hits(_query(spec), SearchFilters(type="section", section=kind), 5, home)
            offered = _precedents(kind, hits, store, spec)
            if not offered:
                sections.append(Section(kind=kind, title=title, text=placeholder(title)))
                notices.append(f"语料库中没有可参考的「{title}」，已留空待填")
                continue
            result = drafter.draft_section(kind, facts, [p for p, _, _ in offered])
            sections.append(Section(kind=kind, title=title, text=result.text))
            drafted_by[kind] = result.label
            notices.extend(result.notices)
            by_ref = {p.ref: (p, ps, prec) for p, ps, prec in offered}
            used = [by_ref[r] for r in dict.fromkeys(result.used) if r in by_ref]
            if result.author == "llm":  # a sentence found in neither the context nor the facts is the stronger warning
                flagged = [(s, "此句的数字或文件名在先例和填报信息中都找不到，可能是模型编造，请核对或删除")
                           for s in result.unsupported]
                flagged += [(s, "此句含数字，是模型参照先例写成的，请按本项目实际核对")
                            for s in _numbered_sentences(result.text)]
            elif kind not in ("legal_basis", "plan"):
                flagged = [(s, "此句的数字取自先例，不是本项目的数据，请按本项目实际修改")
                           for p, _, _ in used for s in _numbered_sentences(p.text)]
            else:
                flagged = []
            seen: set[str] = set()
            for sentence, reason in flagged:
                if sentence not in seen:
                    seen.add(sentence)
                    review.append(Change(project=spec.name, field=f"栏目·{title}", old=sentence, reason=reason, review=True))
            for _, ps, prec in used:
                citations.append(Citation(filing_id=ps.filing_id, year=ps.year, unit=ps.unit, project=prec.name,
                                          kind="section", passage_id=ps.id, excerpt=ps.text[:80],
                                          draft_project=spec.name, target=kind))
            base = used[0][2] if used else offered[0][2]
            if kind == "legal_basis":
                legal_bases = _legal_bases(result.text, [prec for _, _, prec in used] or [base], result.author)
            if kind == "plan":
                plan = [s.model_copy() for s in base.spending_plan]
        rows = _indicators(spec, store, home, citations)
    finally:
        if own_store:
            store.close()
    project = Project(
        name=spec.name, category=spec.category, unit=spec.unit,
        start_date=date(spec.year, 1, 1), end_date=date(spec.year, 12, 31),
        header={"unit": spec.unit, "name": spec.name, "category": spec.category,
                "start": f"{spec.year}-01-01", "end": f"{spec.year}-12-31"},
        sections=sections, legal_bases=legal_bases,
        budget=Budget(total=spec.budget, current_year=spec.budget,
                      raw={"项目总预算": f"项目总预算（元）：{money(spec.budget)}",
                           "项目当年预算": f"项目当年预算（元）：{money(spec.budget)}"}),
        spending_plan=locals().get("plan", []), indicators=rows,
    )
    filing = Filing(kind="target_table", unit=spec.unit, year=spec.year, title="项目支出绩效目标表",
                    source=SourceInfo(path=f"draft:new/{spec.name}/{spec.year}", sha256="", format="json"),
                    projects=[project])
    filing.source.sha256 = content_sha256(filing)
    draft = Draft(mode="new_project", filing=filing, citations=citations, notices=notices, changes=review,
                  drafted_by=drafted_by)
    if check:
        attach_findings(draft)
    return draft


def _indicators(spec: NewProjectSpec, store, home: Optional[Path], citations: list[Citation]) -> list[Indicator]:
    from assistant.search_service import SearchFilters

    rows: list[Indicator] = []
    used: set[str] = set()
    for l1, l2, cat, sub, want, must_give in LAYOUT_2021:
        hits = _hits(_query(spec), SearchFilters(type="indicator", level1=cat, level2=sub), 20, home)
        if not hits:  # nothing similar: any precedent of this category
            hits = _hits(cat + sub, SearchFilters(type="indicator", level1=cat, level2=sub), 20, home)
        taken = 0
        for h in hits:
            ps = h.passage
            if ps.name in used or not ps.value_text:
                continue
            used.add(ps.name)
            values = h.usage.values if h.usage else []
            usual = values[0].value if values else ps.value_text
            sources = [Citation(filing_id=ps.filing_id, year=ps.year, unit=ps.unit, project=ps.project,
                                kind="indicator", passage_id=ps.id, excerpt=f"{ps.name} {ps.value_text}",
                                draft_project=spec.name, target=ps.name)]
            citations.extend(sources)
            row = Indicator(level1=l1, level2=l2, name=ps.name, raw_value=_value_for(usual, must_give, "本年计划数"),
                            category=cat, subcategory=sub)
            row.usual_values = [f"{v.value}（{v.count}次）" for v in values]  # type: ignore[attr-defined]
            row.usage_filings = h.usage.filings if h.usage else 1  # type: ignore[attr-defined]
            row.sources = [c.label() for c in sources]  # type: ignore[attr-defined]
            rows.append(row)
            taken += 1
            if taken >= want:
                break
        if taken == 0:
            raise DraftError(f"语料库中找不到「{l1}·{l2}」的先例指标，无法起草该类指标。请先入库同类项目的目标表并运行 jixiao index build")
    return rows

"""Draft a new project's target table from the most similar precedents in the corpus.

Only precedents that pass the relevance gate (`relevance.py`: same field, similar
name/brief/overview) are drafted from; below the bar a part is a skeleton with writing
hints and the nearest precedents are listed as 仅供参考. Every figure or place a
precedent states is wrapped as 【参考：…（来源：年度·单位·项目）】 (`placeholders.py`);
the writer's own facts (numbers in the brief, the budget, the year) stand in the text
and in own indicator rows (检测桥梁数 =32座). The indicator table covers every category of
the 2021+ layout (成本/产出·数量·质量·时效/效益/满意度); quantity targets are placeholders
with the precedent's value as reference, common rates are proposed as 常用值 with how
many filings use them. Any corpus size works, an empty one included.

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
from assistant.drafting.models import Change, Citation, Draft, content_sha256, placeholder
from assistant.drafting.placeholders import borrowed_figures, mask, own_numbers, place_of, wrap_reference
from assistant.drafting.relevance import Candidate, nearest_note, rank_precedents, relevant, similarity
from assistant.drafting.render import Drafter, OfflineDrafter, Precedent
from assistant.drafting.text import compact_name, money, replace_year
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


NO_MATCH = "语料中没有相近项目，以下为写法提示"
CHECK_APPLIES = "请核对是否适用"
HINTS = {
    "overview": "写明项目内容、实施范围与对象、实施方式（自行实施或委托第三方）、主要产出（如报告、台账）",
    "legal_basis": "列出本项目依据的法律法规、规章、规范性文件和上级部署（文件全称与文号），并写明与本项目的关系",
    "necessity": "写明不开展本项目会有什么问题、服务对象的需求、与单位职责的关系",
    "measures": "写明资金管理、合同与采购管理、质量控制、过程监督与验收等制度和措施",
    "plan": "按季度或月份写明各阶段任务和时间节点，以及资金使用进度",
    "goals": "写明本年总目标（产出什么、达到什么效果）及各阶段目标，数字与绩效指标一致",
}
# generic row names when no relevant precedent offers one (the value is a common rate or a placeholder)
GENERIC = {"经济成本": "项目总成本", "数量": "【待填：主要产出数量指标】", "质量": "合格率",
           "时效": "按时完成率", "社会效益": "【待填：社会效益指标】", "满意度": "服务对象满意度"}
_RATE_WORDS = ("满意度", "合格率", "完成率", "及时率", "达标率", "覆盖率", "准确率", "到位率", "验收")
_COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(座|个|份|次|家|所|台|辆|公里|千米|处|项|场|人次|人|户|批|套|条|期|本|册|块|亩)"
                    r"([\u4e00-\u9fff]{0,12}?)(?=开展|进行|实施|的|，|,|。|；|并|和|及|$)")


def _query(spec: NewProjectSpec) -> str:
    return f"{spec.name} {spec.brief}".strip()


def _own(spec: NewProjectSpec) -> set[str]:
    return own_numbers(f"{spec.name} {spec.brief} {spec.unit}", spec.budget, spec.year)


def _places(spec: NewProjectSpec, cands: list[Candidate]) -> list[str]:
    """Places named by precedents' units that are not the writer's own."""
    mine = place_of(spec.unit)
    return sorted({p for c in cands for p in (place_of(c.project.unit), place_of(c.filing.unit))
                   if p and p != mine and p not in spec.name + spec.brief + spec.unit})


def _skeleton(kind: str, title: str, spec: NewProjectSpec) -> str:
    lead = f"{spec.brief}\n" if kind == "overview" and spec.brief else ""
    return f"{lead}{placeholder(f'{title}。{NO_MATCH}：{HINTS[kind]}')}"


def _cite(c: Candidate, kind: str, target: str, excerpt: str, spec: NewProjectSpec) -> Citation:
    return Citation(filing_id=c.filing_id, year=c.filing.year, unit=c.project.unit or c.filing.unit,
                    project=c.project.name, kind=kind, excerpt=excerpt[:80], draft_project=spec.name, target=target)


def _named_bases(text: str, cands: list[Candidate]) -> list[LegalBasis]:
    """For a model's 立项依据: the offered precedents' bases it still names."""
    out: list[LegalBasis] = []
    seen: set[str] = set()
    for c in cands:
        for lb in c.project.legal_bases:
            key = lb.title or lb.text
            if key and key not in seen and key in text:
                seen.add(key)
                out.append(lb.model_copy(update={"span": None}))
    return out


def new_project(
    spec: NewProjectSpec, store=None, home: Optional[Path] = None, drafter: Optional[Drafter] = None,
    check: bool = True, exclude: Optional[set[str]] = None,
) -> Draft:
    """Draft a target table for a new project from the relevant precedents in the corpus (any size, even empty).

    `exclude`: filing ids not to draft from (the benchmark's leave-one-out)."""
    from assistant.home import open_store

    drafter = drafter or OfflineDrafter()
    own_store = store is None
    store = store or open_store()
    citations: list[Citation] = []
    notices: list[str] = []
    review: list[Change] = []
    drafted_by: dict[str, str] = {}
    facts = spec.model_dump()
    own = _own(spec)
    try:
        cands = rank_precedents(spec.name, spec.brief, spec.unit, store.iter_filings(), home=home, exclude=exclude)
    finally:
        if own_store:
            store.close()
    rel = relevant(cands)
    places = _places(spec, cands)
    if not rel:
        notices.append(f"{NO_MATCH}。{nearest_note(cands)}")
    sections: list[Section] = []
    legal_bases: list[LegalBasis] = []
    for kind, title in SECTIONS:
        if kind == "legal_basis" and not rel:
            notices.append(f"「{title}」：{NO_MATCH}，请按本项目实际列出依据")
        offered: list[tuple[Precedent, Candidate]] = []
        for c in rel:
            if kind == "legal_basis":  # each basis whole, with its source and 请核对是否适用
                text = "\n".join(wrap_reference(lb.text, c.label(), CHECK_APPLIES) for lb in c.project.legal_bases)
            else:
                sec = c.project.section(kind)
                text = mask(_adapt(sec.text, c.project, c.filing.year, spec), own, c.label(), places) if sec else ""
            if not text.strip():
                continue
            offered.append((Precedent(ref=f"P{len(offered) + 1}", text=text, project=c.project.name,
                                      unit=c.project.unit or c.filing.unit, year=c.filing.year,
                                      filing_id=c.filing_id), c))
            if len(offered) >= PRECEDENTS_PER_SECTION:
                break
        if not offered:
            sections.append(Section(kind=kind, title=title, text=_skeleton(kind, title, spec)))
            if rel:
                notices.append(f"「{title}」：相近先例中没有这一栏，已留写法提示待填")
            continue
        result = drafter.draft_section(kind, facts, [p for p, _ in offered])
        by_ref = {p.ref: (p, c) for p, c in offered}
        used = [by_ref[r] for r in dict.fromkeys(result.used) if r in by_ref] or [offered[0]]
        text = mask(result.text, own, used[0][1].label(), places)  # a model's text gets the same rule
        sections.append(Section(kind=kind, title=title, text=text))
        drafted_by[kind] = result.label
        notices.extend(result.notices)
        for s in result.unsupported:
            review.append(Change(project=spec.name, field=f"栏目·{title}", old=s, review=True,
                                 reason="此句的数字或文件名在先例和填报信息中都找不到，可能是模型编造，请核对或删除"))
        if "【参考：" in text:
            review.append(Change(project=spec.name, field=f"栏目·{title}", old=None, review=True,
                                 reason="【参考：…】中是先例的数字或地名，不是本项目的数据，请改成本项目实际或删除"))
        for p, c in used:
            citations.append(_cite(c, "section", kind, p.text, spec))
        if kind == "legal_basis":  # a model's text: only the bases it still names; offline: the used precedents' bases
            legal_bases = _named_bases(text, [c for _, c in used]) if result.author == "llm" else [
                lb.model_copy(update={"span": None}) for _, c in used for lb in c.project.legal_bases]
            review.append(Change(project=spec.name, field=f"栏目·{title}", review=True,
                                 reason=f"立项依据取自同领域先例，{CHECK_APPLIES}（逐条核对文件名称、文号和适用范围）"))
    rows = _indicators(spec, rel, cands, citations, own)
    project = Project(
        name=spec.name, category=spec.category, unit=spec.unit,
        start_date=date(spec.year, 1, 1), end_date=date(spec.year, 12, 31),
        header={"unit": spec.unit, "name": spec.name, "category": spec.category,
                "start": f"{spec.year}-01-01", "end": f"{spec.year}-12-31"},
        sections=sections, legal_bases=legal_bases,
        budget=Budget(total=spec.budget, current_year=spec.budget,
                      raw={"项目总预算": f"项目总预算（元）：{money(spec.budget)}",
                           "项目当年预算": f"项目当年预算（元）：{money(spec.budget)}"}),
        spending_plan=[], indicators=rows,
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


def own_indicators(spec: NewProjectSpec) -> list[tuple[str, str]]:
    """Quantity rows from the writer's own brief: '对全市32座城市桥梁开展定期检测' → ('检测城市桥梁数', '=32座')."""
    verb = re.sub(r"[^\u4e00-\u9fff]", "", spec.name)[-2:] or ""
    out: list[tuple[str, str]] = []
    for m in _COUNT.finditer(spec.brief or ""):
        num, unit, obj = m.groups()
        obj = re.sub(r"^(全市|全区|本市|本区|辖区)", "", obj)
        if not obj:
            continue
        name = f"{verb}{obj}数" if verb and verb not in obj else f"{obj}数"
        out.append((name, f"={num}{unit}"))
    return out


def _is_rate(name: str, raw: str) -> bool:
    return "%" in raw and any(w in name for w in _RATE_WORDS)


def _rate_usage(cands: list[Candidate], sub: str, word: str) -> tuple[Optional[str], int]:
    """The most used % target for `sub` rows whose name contains `word`, and in how many filings."""
    by_value: dict[str, set[str]] = {}
    for c in cands:
        for r in c.project.indicators:
            if r.subcategory == sub and word in (r.name or "") and "%" in (r.raw_value or ""):
                by_value.setdefault(re.sub(r"\s", "", r.raw_value), set()).add(c.filing_id)
    if not by_value:
        return None, 0
    value, fids = max(by_value.items(), key=lambda kv: (len(kv[1]), kv[0]))
    return value, len(fids)


def _indicators(spec: NewProjectSpec, rel: list[Candidate], cands: list[Candidate], citations: list[Citation],
                own: set[str]) -> list[Indicator]:
    """Every category of the 2021 layout: own rows, same-field precedent rows (figures as placeholders), common rates."""
    rows: list[Indicator] = []
    query = _query(spec)

    def add(l1, l2, cat, sub, name, value, note=None, source=None):
        row = Indicator(level1=l1, level2=l2, name=name, raw_value=value, category=cat, subcategory=sub)
        row.usual_values = [note] if note else []  # type: ignore[attr-defined]
        row.sources = [source] if source else []  # type: ignore[attr-defined]
        rows.append(row)

    for l1, l2, cat, sub, want, _ in LAYOUT_2021:
        taken = 0
        if sub == "经济成本":
            add(l1, l2, cat, sub, GENERIC[sub], f"≤{money(spec.budget).replace(',', '')}元", note="填报人给出的预算")
            taken += 1
        if sub == "数量":
            for name, value in own_indicators(spec):
                add(l1, l2, cat, sub, name, value, note="填报人给出的数量")
                taken += 1
        pool: list[tuple[float, Indicator, Candidate]] = []
        seen = {compact_name(r.name) for r in rows}
        for c in rel:
            for r in c.project.indicators:
                if r.subcategory == sub and r.name and r.raw_value and not r.empty:
                    pool.append((similarity(r.name, query) + c.score, r, c))
        pool.sort(key=lambda t: t[0], reverse=True)
        for _, r, c in pool:
            if taken >= want:
                break
            key = compact_name(r.name)
            if key in seen or borrowed_figures(r.name, own):
                continue
            seen.add(key)
            raw = re.sub(r"\s", "", r.raw_value)
            if _is_rate(r.name, raw):
                word = next(w for w in _RATE_WORDS if w in r.name)
                common, n = _rate_usage(cands, sub, word)
                value, note = (common, f"常用值，{n}份填报采用") if common else (raw, None)
            elif re.search(r"\d", raw):
                value, note = placeholder(f"本年目标值（参考：{raw}，来源：{c.label()}）"), None
            else:
                value, note = raw, None
            cite = _cite(c, "indicator", r.name, f"{r.name} {r.raw_value}", spec)
            add(l1, l2, cat, sub, r.name, value, note=note, source=cite.label())
            citations.append(cite)
            taken += 1
        if taken == 0:  # no same-field row: a generic row; rates get the corpus's common value
            name = GENERIC[sub]
            word = next((w for w in _RATE_WORDS if w in name), None)
            common, n = _rate_usage(cands, sub, word) if word else (None, 0)
            if common:
                add(l1, l2, cat, sub, name, common, note=f"常用值，{n}份填报采用")
            else:
                add(l1, l2, cat, sub, name, placeholder("目标值" + ("，常见为≥90%" if word == "满意度" else "")))
    return rows


def borrowed_in_draft(draft: Draft, spec: NewProjectSpec) -> list[str]:
    """Figures and foreign places the draft states outside placeholders that the writer did not give.

    Common rates proposed as 常用值 (满意度 ≥90%) are not facts of another project and are allowed."""
    own = _own(spec)
    p = draft.filing.projects[0]
    places = sorted({pl for c in draft.citations for pl in [place_of(c.unit)] if pl and pl != place_of(spec.unit)
                     and pl not in spec.name + spec.brief + spec.unit})
    out = [f"{s.title}：{x}" for s in p.sections for x in borrowed_figures(s.text, own, places)]
    for r in p.indicators:
        out += [f"指标名 {r.name}：{x}" for x in borrowed_figures(r.name, own, places)]
        if not any("常用值" in n for n in getattr(r, "usual_values", []) or []):
            out += [f"指标值 {r.name}：{x}" for x in borrowed_figures(r.raw_value or "", own, places)]
    return out

"""The prose of a self-evaluation: 偏差原因分析及改进措施 for rows below target, and the 存在的主要问题 /
改进措施和有关建议 sections, drafted from the closest precedents through `prompts/self_eval_*.j2`, every
borrowed item cited and flagged for review; 【待填：…】 where no precedent fits.
"""

from __future__ import annotations

from typing import Optional

from assistant.drafting.models import Change, Citation, placeholder
from assistant.drafting.render import render_template
from assistant.drafting.scoring import ChangeFn, RowScore
from assistant.drafting.selfeval_precedents import SelfEvalPrecedent, adapt, best_deviation, rank_projects
from assistant.drafting.text import paragraphs
from corpus.models import Indicator, Project, Section

DEVIATION_TODO = placeholder("偏差原因分析及改进措施")
PROBLEMS_TODO = placeholder("存在的主要问题")
IMPROVEMENTS_TODO = placeholder("改进措施和有关建议")


def draft_deviation(r: Indicator, result: RowScore, pool: list[SelfEvalPrecedent], unit: Optional[str],
                    project: str, citations: list[Citation], change: ChangeFn) -> None:
    """偏差原因分析及改进措施 for a row below target: the writer's numbers, then the closest precedent's reason."""
    found = best_deviation(r, pool, unit)
    row = {"name": r.name, "target": r.raw_value, "actual": r.actual, "percent": result.percent, "kind": result.kind}
    precedent = None
    if found:
        prec, prec_row, text, _sim = found
        precedent = {"text": text, "row": prec_row, "project": prec.project, "unit": prec.unit, "year": prec.year,
                     "filing_id": prec.filing_id}
        citations.append(prec.citation("indicator", f"偏差·{r.name}", text, project))
        r.deviation_sources = [prec.label() + f"，指标「{prec_row}」"]
    r.deviation = render_template("self_eval_deviation.j2", row=row, precedent=precedent, todo=DEVIATION_TODO)
    where = f"指标「{r.name[:30]}」·偏差原因"
    if found:
        change(where, r.deviation, f"未达到目标；原因取自先例 {found[0].label()}（指标「{found[1]}」），"
               "请按本项目实际情况改写", review=True)
    else:
        change(where, DEVIATION_TODO, "未达到目标，语料库中没有相近指标的偏差说明可参考，请填写原因和改进措施", review=True)


def draft_sections(target: Project, unit: Optional[str], year: int, below: list[tuple[Indicator, RowScore]],
                   pool: list[SelfEvalPrecedent], citations: list[Citation], changes: list[Change],
                   notices: list[str]) -> tuple[Section, Section]:
    """存在的主要问题 and 改进措施和有关建议 from the most similar self-evaluation precedents."""
    ranked = rank_projects(target, unit, pool)
    out = []
    for kind, title, attr, todo in (("problems", "存在的主要问题", "problems", PROBLEMS_TODO),
                                    ("improvements", "改进措施和有关建议", "improvements", IMPROVEMENTS_TODO)):
        items: list[dict] = []
        seen: set[str] = set()
        for prec in ranked:
            texts = getattr(prec, attr)
            if not texts:
                continue
            for t in texts:
                adapted = adapt(t, prec, target, unit, year)
                if adapted in seen:
                    continue
                seen.add(adapted)
                items.append({"text": adapted, "source": prec.label(), "prec": prec})
            if len(items) >= 2:
                break
        items = items[:4]
        rows = [{"name": r.name, "target": r.raw_value, "actual": r.actual, "kind": s.kind, "percent": s.percent}
                for r, s in below] if kind == "problems" else []
        text = render_template(f"self_eval_{kind}.j2", below=rows, items=items, todo=todo)
        sources = []
        for para in paragraphs(text):
            src = [it["source"] for it in items if it["text"] in para]
            if not src and any(f"「{r['name']}」" in para for r in rows):
                src = ["据填报的实际完成值"]
            sources.append({"text": para, "sources": src})
        section = Section(kind=kind, title=title, text=text)
        section.sources = sources
        out.append(section)
        used = {it["prec"].filing_id: it["prec"] for it in items}
        for prec in used.values():
            excerpt = next(it["text"] for it in items if it["prec"] is prec)
            citations.append(prec.citation("section", kind, excerpt, target.name))
        if items:
            changes.append(Change(project=target.name, field=f"栏目·{title}", new=None, review=True,
                                  reason=f"取自{len(used)}份相近项目的自评（{'；'.join(p.label() for p in used.values())}），"
                                         "是别的项目的情况，请按本项目实际改写或删除"))
        else:
            notices.append(f"语料库中没有可参考的「{title}」，已留【待填】")
    return out[0], out[1]

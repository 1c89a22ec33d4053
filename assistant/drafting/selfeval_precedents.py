"""Precedents for a self-evaluation: the filed self-evaluations in the store, their deviation reasons and
their 存在的主要问题 / 改进措施 items, ranked by how close their project and rows are to the one drafted
(character-bigram Dice similarity, same unit and 二级 as tie-breaks).

Example:
    >>> pool = precedents(store, exclude=("建设工程监督检测", 2020))   # the report being drafted left out
    >>> rank_projects(target, target.unit, pool)[0].label()
    '2022年 · 虹川区建设工程质量安全监督站 · 在建工程质量安全监督抽查（文件 615219328c8e8ad0）'
"""

from __future__ import annotations

import re
from typing import Optional

from pydantic import BaseModel, Field

from assistant.drafting.models import Citation
from assistant.drafting.text import replace_year
from corpus.models import Filing, Indicator, Project

_NONE_WORDS = ("", "无", "/", "-", "—", "无偏差")


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fa5A-Za-z0-9]", "", text or "")
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


class SelfEvalPrecedent(BaseModel):
    """One project of a filed self-evaluation, with the texts a new self-evaluation may borrow."""

    filing_id: str
    year: Optional[int] = None
    unit: Optional[str] = None
    project: str
    problems: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    deviations: list[tuple[str, str, str]] = Field(default_factory=list)  # (row name, subcategory, text)
    words: set[str] = Field(default_factory=set)

    def citation(self, kind: str, target: str, excerpt: str, draft_project: str) -> Citation:
        """A citation of this precedent for the drafted `target` (a section kind or an indicator)."""
        return Citation(filing_id=self.filing_id, year=self.year, unit=self.unit, project=self.project, kind=kind,
                        excerpt=excerpt[:80], draft_project=draft_project, target=target)

    def label(self) -> str:
        """'2022年 · 某单位 · 项目名（文件 abc123）'."""
        return self.citation("filing", "", "", "").label()


_ITEM_NUM = re.compile(r"^\s*(?:[（(]\s*\d{1,2}\s*[）)]|\d{1,2}\s*[、.．]|[一二三四五六七八九十]+\s*[、.．])\s*")
_LABELLED = re.compile(r"(存在的(?:主要)?问题|改进措施(?:和有关建议)?|有关建议)\s*[：:]")


def _items(text: str) -> list[str]:
    """Sentences of a problems/improvements block, list numbers removed, each ending with 。."""
    out = []
    for para in text.split("\n"):
        para = _ITEM_NUM.sub("", para.strip())
        for s in re.split(r"(?<=[。；;])", para):
            s = s.strip().rstrip("；;，,")
            if len(s) >= 6:
                out.append(s if s.endswith("。") else s + "。")
    return out


def _narrative_blocks(filing: Filing) -> tuple[list[str], list[str]]:
    """Problems and improvements of a parsed self-evaluation, from its lists or its '存在的问题：' prose."""
    ev = filing.evaluation
    if ev is None:
        return [], []
    problems = [s for t in ev.problems for s in _items(t)]
    improvements = [s for t in ev.improvements for s in _items(t)]
    for sec in ev.sections:  # '存在的问题：…改进措施：…' run on in one narrative block
        parts = _LABELLED.split(sec.text)
        for label, body in zip(parts[1::2], parts[2::2]):
            if "问题" in label and not problems:
                problems = _items(body)
            elif "问题" not in label and not improvements:
                improvements = _items(body)
    return problems, improvements


def precedents(store, exclude: Optional[tuple[str, Optional[int]]] = None) -> list[SelfEvalPrecedent]:
    """Every filed self-evaluation project in the store with its usable text; drafts (path 'draft:…')
    and `exclude` = (project name, year), the report being drafted, are left out."""
    out: list[SelfEvalPrecedent] = []
    for summary in store.list(kind="self_evaluation"):
        if summary.path.startswith("draft:"):
            continue
        fid, filing = summary.id, store.get(summary.id)
        problems, improvements = _narrative_blocks(filing)
        for p in filing.projects:
            if exclude and (p.name, filing.year) == exclude:
                continue
            devs = [(r.name, r.subcategory or "", (getattr(r, "deviation", None) or "").strip())
                    for r in p.indicators if (getattr(r, "deviation", None) or "").strip() not in _NONE_WORDS]
            words = _bigrams(p.name + "".join(r.name for r in p.indicators))
            out.append(SelfEvalPrecedent(filing_id=fid, year=filing.year, unit=p.unit or filing.unit, project=p.name,
                                         problems=problems, improvements=improvements, deviations=devs, words=words))
    return out


def best_deviation(row: Indicator, pool: list[SelfEvalPrecedent],
                   unit: Optional[str]) -> Optional[tuple[SelfEvalPrecedent, str, str, float]]:
    """(precedent, its row name, its deviation text, similarity) of the most similar row (name bigrams,
    same 二级 and unit as tie-breaks), or None when no row is close enough."""
    mine = _bigrams(row.name)
    best = None
    for prec in pool:
        for name, sub, text in prec.deviations:
            sim = _dice(mine, _bigrams(name))
            if sim <= 0:
                continue
            rank = sim + (0.2 if sub and sub == row.subcategory else 0) + (0.05 if unit and prec.unit == unit else 0)
            key = (rank, prec.year or 0, prec.filing_id)
            if rank >= 0.3 and (best is None or key > best[0]):
                best = (key, prec, name, text)
    return None if best is None else (best[1], best[2], best[3], best[0][0])


def rank_projects(project: Project, unit: Optional[str], pool: list[SelfEvalPrecedent]) -> list[SelfEvalPrecedent]:
    """The precedents like `project` (its name and row names), closest first; the same unit counts extra."""
    mine = _bigrams(project.name + "".join(r.name for r in project.indicators))
    scored = [(_dice(mine, p.words) + (0.3 if unit and p.unit == unit else 0), p.year or 0, p.filing_id, p) for p in pool]
    scored = [s for s in scored if s[0] > 0.05]
    scored.sort(key=lambda s: (s[0], s[1], s[2]), reverse=True)
    return [s[3] for s in scored]


def adapt(text: str, prec: SelfEvalPrecedent, project: Project, unit: Optional[str], year: Optional[int]) -> str:
    """A precedent's sentence with its project name, unit and year replaced by the drafted project's."""
    out = text
    if prec.project and prec.project != project.name:
        out = out.replace(prec.project, project.name)
    if prec.unit and unit and prec.unit != unit:
        out = out.replace(prec.unit, unit)
    if prec.year and year:
        out = replace_year(out, prec.year, year)
    return out

"""Templates in `prompts/`, the drafter seam, and the text reports the CLI prints for drafts.

`Drafter` is the one interface a section writer implements: it gets the new
project's facts and the best few precedents (`Precedent`, id P1, P2…) and returns a
`SectionDraft` saying which precedents it actually used, so citations follow what
was used rather than what was offered. `OfflineDrafter` (default) fills the Jinja2
template `prompts/section_<kind>.j2` with the best precedent: deterministic, no
network. `assistant.drafting.llm.LLMDrafter` speaks an OpenAI-compatible chat API
and falls back to the offline drafter when the model fails.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Literal, Optional, Protocol, Sequence

from pydantic import BaseModel, Field

from assistant.checks.model import severity_label
from assistant.drafting.models import Draft
from assistant.drafting.text import money, number

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment over `prompts/` (StrictUndefined: a missing field is an error)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PROMPTS_DIR)), undefined=jinja2.ChainableUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False, autoescape=False,
    )


def render_template(name: str, **ctx) -> str:
    """`prompts/<name>` rendered with `ctx`, surrounding blank space stripped."""
    return environment().get_template(name).render(**ctx).strip()


class Precedent(BaseModel):
    """One precedent section offered to a drafter; `text` is already adapted to the new project."""

    ref: str  # "P1", "P2"…: the id a drafter cites it by
    text: str
    project: str = ""
    unit: Optional[str] = None
    year: Optional[int] = None
    filing_id: str = ""
    passage_id: Optional[str] = None


class SectionDraft(BaseModel):
    """What a drafter wrote for one section, and on what it rests."""

    text: str
    used: list[str] = Field(default_factory=list, description="refs of the precedents the text draws on")
    author: Literal["offline", "llm", "fallback"] = "offline"
    label: str = "离线模板"  # who wrote it, in words, for the report
    notices: list[str] = Field(default_factory=list)
    unsupported: list[str] = Field(default_factory=list, description="sentences whose figures or 《titles》 are in no precedent")


class Drafter(Protocol):
    """Writes one section from the new project's facts (plain dict) and precedents, best first."""

    def draft_section(self, kind: str, project: dict, precedents: Sequence[Precedent]) -> SectionDraft: ...


class OfflineDrafter:
    """Selects and assembles the best precedent's text through the section templates."""

    def draft_section(self, kind: str, project: dict, precedents: Sequence[Precedent]) -> SectionDraft:
        if not precedents:
            raise ValueError("OfflineDrafter needs at least one precedent")
        text = render_template(f"section_{kind}.j2", project=project, precedent=precedents[0])
        return SectionDraft(text=text, used=[precedents[0].ref])


def shown_amount(x: Optional[float]) -> str:
    """An amount as the reports and prompts show it: `money(x)`, or （空） where the filing leaves it blank."""
    return money(x, missing="（空）")


def render_report(draft: Draft, title: str) -> str:
    """The Chinese text summary the CLI prints for a draft."""
    counts = Counter(f.severity for f in draft.findings)
    by_section: dict[tuple[str, str], list[str]] = {}
    for c in draft.citations:
        if c.kind in ("section", "legal_basis"):
            by_section.setdefault((c.draft_project, c.target), []).append(c.label())

    def cite(p, kind: str) -> list[str]:
        return list(dict.fromkeys(by_section.get((p.name, kind), [])))

    def executed(p) -> str:
        raw = p.budget.raw.get("同名项目上年预算执行数", "")
        return raw[raw.index("【待填"):] if "【待填" in raw else shown_amount(p.budget.prior_year_executed)

    text = environment().get_template("draft_report.txt.j2").render(
        draft=draft, title=title, money=shown_amount, cite=cite, executed=executed, count=lambda s: counts[s],
        sev=severity_label,
    )
    return text.rstrip() + "\n"


def render_self_evaluation_report(draft: Draft, title: str) -> str:
    """The Chinese text summary the CLI prints for a self-evaluation draft (`prompts/self_eval_report.txt.j2`)."""
    counts = Counter(f.severity for f in draft.findings)
    text = render_template("self_eval_report.txt.j2", draft=draft, title=title, num=number, money=money,
                           count=lambda s: counts[s], sev=severity_label)
    return text + "\n"

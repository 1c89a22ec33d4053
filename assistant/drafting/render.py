"""Templates in `prompts/` and the drafter seam.

`Drafter` is the one interface a section writer implements. `OfflineDrafter`
(default) fills the Jinja2 template `prompts/section_<kind>.j2` with the adapted
precedent: deterministic, no network. An LLM drafter (OpenAI-compatible chat API)
would implement the same protocol and is not built yet.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Optional, Protocol

from assistant.drafting.models import Draft

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment over `prompts/` (StrictUndefined: a missing field is an error)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PROMPTS_DIR)), undefined=jinja2.ChainableUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False, autoescape=False,
    )


class Drafter(Protocol):
    """Writes one section from the new project's facts and a precedent (both plain dicts)."""

    def draft_section(self, kind: str, project: dict, precedent: dict) -> str: ...


class OfflineDrafter:
    """Selects and assembles precedent text through the section templates."""

    def draft_section(self, kind: str, project: dict, precedent: dict) -> str:
        template = environment().get_template(f"section_{kind}.j2")
        return template.render(project=project, precedent=precedent).strip()


def _money(x: Optional[float]) -> str:
    if x is None:
        return "（空）"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def render_report(draft: Draft, title: str) -> str:
    """The Chinese text summary the CLI prints for a draft."""
    counts = Counter(f.severity for f in draft.findings)
    by_section: dict[tuple[str, str], list[str]] = {}
    for c in draft.citations:
        if c.kind in ("section", "legal_basis"):
            by_section.setdefault((c.draft_project, c.target), []).append(c.label())

    def cite(p, kind: str) -> list[str]:
        return by_section.get((p.name, kind), [])

    def executed(p) -> str:
        raw = p.budget.raw.get("同名项目上年预算执行数", "")
        return raw[raw.index("【待填"):] if "【待填" in raw else _money(p.budget.prior_year_executed)

    text = environment().get_template("draft_report.txt.j2").render(
        draft=draft, title=title, money=_money, cite=cite, executed=executed, count=lambda s: counts[s],
    )
    return text.rstrip() + "\n"

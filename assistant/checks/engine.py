"""Run the registered rules over a filing or one project."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Optional

from assistant.checks.errors import UnknownRule, UnknownSeverity
from assistant.checks.layout import Layout, detect_layout
from assistant.checks.lexicon import Lexicon, load_lexicon
from assistant.checks.model import SEVERITY_RANK, Finding, RuleInfo
from assistant.checks.registry import RULES, Hit
from corpus.models import Filing, Indicator, Project

log = logging.getLogger(__name__)


@dataclass
class ProjectContext:
    """What a project rule sees: the project, its filing, its layout and the lexicon."""

    filing: Filing
    project: Project
    index: int
    lexicon: Lexicon

    @cached_property
    def layout(self) -> Layout:
        return detect_layout(self.project)

    @cached_property
    def rows(self) -> list[Indicator]:
        """Filled indicator rows (template rows left empty excluded)."""
        return [r for r in self.project.indicators if not r.empty]

    @property
    def year(self) -> Optional[int]:
        if self.filing.year:
            return self.filing.year
        p = self.project
        return p.start_date.year if p.start_date else None

    @property
    def is_self_evaluation(self) -> bool:
        return self.filing.kind == "self_evaluation"


@dataclass
class FilingContext:
    """What a filing rule sees."""

    filing: Filing
    lexicon: Lexicon
    projects: list[ProjectContext] = field(default_factory=list)


_default_lexicon: Optional[Lexicon] = None


def default_lexicon() -> Lexicon:
    """The lexicon (bundled + home extension), loaded once per process."""
    global _default_lexicon
    if _default_lexicon is None:
        _default_lexicon = load_lexicon()
    return _default_lexicon


def resolve_rules(rules: Optional[Iterable[str]]) -> list[str]:
    """Rule ids to run (all when None); raises `UnknownRule` for ids not registered."""
    from assistant.checks import rules as _registered  # noqa: F401

    if rules is None:
        return list(RULES)
    wanted = [r.strip().upper() for r in rules if r.strip()]
    unknown = [r for r in wanted if r not in RULES]
    if unknown:
        raise UnknownRule(unknown)
    return wanted


def _min_rank(min_severity: Optional[str]) -> int:
    if min_severity is None:
        return 0
    if min_severity not in SEVERITY_RANK:
        raise UnknownSeverity(min_severity)
    return SEVERITY_RANK[min_severity]


def _finding(info: RuleInfo, hit: Hit, project: Optional[ProjectContext]) -> Finding:
    return Finding(
        rule_id=info.id,
        rule_name=info.name,
        severity=hit.severity or info.severity,
        basis=info.basis,
        source_tag=info.source_tag,
        basis_note=info.basis_note(),
        project=project.project.name if project else None,
        project_index=project.index if project else None,
        location=hit.location,
        span=hit.span,
        text=hit.text[:300],
        message=hit.message,
    )


def check_filing(
    filing: Filing,
    rules: Optional[Iterable[str]] = None,
    min_severity: Optional[str] = None,
    lexicon: Optional[Lexicon] = None,
) -> list[Finding]:
    """Every finding of the selected rules on a filing, in source order.

    Args:
        filing: a parsed filing (or a draft built as one).
        rules: rule ids to run (default all); unknown ids raise `UnknownRule`.
        min_severity: drop findings below 'warn' / 'error'.
        lexicon: the category lexicon (default: bundled + home extension).

    Example:
        >>> findings = check_filing(parse_file("表.txt"), rules=["S-05", "V-01"])
    """
    ids = resolve_rules(rules)
    floor = _min_rank(min_severity)
    lex = lexicon or default_lexicon()
    ctx = FilingContext(filing=filing, lexicon=lex)
    ctx.projects = [ProjectContext(filing, p, i, lex) for i, p in enumerate(filing.projects)]
    found: list[Finding] = []
    for rid in ids:
        info, func = RULES[rid]
        if info.scope == "filing":
            found.extend(_finding(info, h, None) for h in func(ctx))
        else:
            for pctx in ctx.projects:
                found.extend(_finding(info, h, pctx) for h in func(pctx))
    found = [f for f in found if SEVERITY_RANK[f.severity] >= floor]
    found.sort(key=_order)
    return found


def check_project(
    project: Project,
    filing: Optional[Filing] = None,
    rules: Optional[Iterable[str]] = None,
    min_severity: Optional[str] = None,
    lexicon: Optional[Lexicon] = None,
) -> list[Finding]:
    """Project-scope findings for one project (a draft in the app, say).

    Without a filing, a target-table filing holding only this project is assumed.
    """
    if filing is None:
        from corpus.models import SourceInfo

        filing = Filing(kind="target_table", source=SourceInfo(path="<draft>", sha256="", format="json"), projects=[project])
    ids = [r for r in resolve_rules(rules) if RULES[r][0].scope == "project"]
    floor = _min_rank(min_severity)
    lex = lexicon or default_lexicon()
    index = next((i for i, p in enumerate(filing.projects) if p is project), 0)
    pctx = ProjectContext(filing, project, index, lex)
    found = [_finding(RULES[rid][0], h, pctx) for rid in ids for h in RULES[rid][1](pctx)]
    found = [f for f in found if SEVERITY_RANK[f.severity] >= floor]
    found.sort(key=_order)
    return found


def _order(f: Finding) -> tuple:
    line = f.span.line_start if f.span else 10**9
    return (f.project_index if f.project_index is not None else 10**6, line, f.rule_id)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)

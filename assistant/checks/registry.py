"""Rules are small functions registered with their metadata.

A rule takes a context (`ProjectContext` or `FilingContext`) and yields `Hit`s;
the engine turns hits into `Finding`s carrying the rule's id, severity and source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from assistant.checks.names import name_zh
from assistant.checks.model import Basis, RuleInfo, Scope, Severity, SourceTag
from corpus.models import SourceSpan


@dataclass
class Hit:
    """What a rule reports; severity None means the rule's default."""

    message: str
    location: str = ""
    text: str = ""
    span: Optional[SourceSpan] = None
    severity: Optional[Severity] = None


RuleFunc = Callable[[object], Iterable[Hit]]
RULES: dict[str, tuple[RuleInfo, RuleFunc]] = {}


def rule(
    id: str,
    name: str,
    severity: Severity,
    basis: Basis,
    tag: SourceTag,
    source: str,
    explanation: str,
    scope: Scope = "project",
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under `id`."""

    def register(func: RuleFunc) -> RuleFunc:
        info = RuleInfo(
            id=id, name=name_zh(name), code=name, severity=severity, basis=basis, source_tag=tag, source=source,
            explanation=explanation, scope=scope,
        )
        RULES[id] = (info, func)
        return func

    return register


def rule_infos() -> list[RuleInfo]:
    """All registered rules, in rules.md order (by id)."""
    from assistant.checks import rules  # noqa: F401  (registers the rules)

    order = "SVCMGLBET"
    return sorted((info for info, _ in RULES.values()), key=lambda r: (order.index(r.id[0]), r.id))

"""Run the checker on a draft and tell carried findings from new ones."""

from __future__ import annotations

from typing import Optional

from assistant.checks import check_filing
from assistant.drafting.models import Draft
from corpus.models import Filing


def finding_key(f, year_map: Optional[dict[str, str]] = None) -> tuple[str, str, str]:
    """(rule id, project, location) with the draft's years mapped back to the source's."""
    where = f.location or ""
    for new, old in (year_map or {}).items():
        where = where.replace(new, old)
    return f.rule_id, f.project or "", where


def attach_findings(draft: Draft, source: Optional[Filing] = None, year_map: Optional[dict[str, str]] = None) -> Draft:
    """Check the draft (and the source, if any) and fill `findings`, `carried_findings`, `new_findings`."""
    draft.findings = check_filing(draft.filing)
    if source is None:
        draft.new_findings = list(draft.findings)
        return draft
    old = {finding_key(f) for f in check_filing(source)}
    for f in draft.findings:
        (draft.carried_findings if finding_key(f, year_map) in old else draft.new_findings).append(f)
    return draft

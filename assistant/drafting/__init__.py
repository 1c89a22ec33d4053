"""Drafting: roll a filing forward, draft a new project from precedents, export.

Library code only; the CLI lives in `assistant/cli_draft.py`. Every draft is a
`Draft` record holding a corpus `Filing` (the same JSON contract as parsed files),
the list of changes made, the precedents cited and the check findings.
"""

from assistant.drafting.models import Change, Citation, Draft, DraftError

__all__ = ["Change", "Citation", "Draft", "DraftError"]

"""Rule checks over parsed filings (rules.md): `check_filing`, `check_project`, `rule_infos`.

Rules read typed records only (never raw text), so the same checks run on drafts.
"""

from assistant.checks.engine import check_filing, check_project, has_errors
from assistant.checks.errors import CheckError, LexiconError, UnknownRule, UnknownSeverity
from assistant.checks.layout import detect_layout
from assistant.checks.lexicon import Lexicon, load_lexicon
from assistant.checks.model import Finding, RuleInfo
from assistant.checks.registry import rule_infos

__all__ = [
    "check_filing", "check_project", "has_errors", "rule_infos", "detect_layout", "load_lexicon", "Lexicon",
    "Finding", "RuleInfo", "CheckError", "UnknownRule", "UnknownSeverity", "LexiconError",
]

"""Text helpers the drafting modules share, so amounts, scores and names are written the same way in every draft.

Example:
    >>> money(1480000), money(1234567.5), money(None, missing="（空）")
    ('1,480,000', '1,234,567.50', '（空）')
    >>> number(3.34), number(10.0), number(None)
    ('3.34', '10', '')
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional


def money(x: Optional[float], missing: str = "") -> str:
    """An amount in 元 as the forms write it (thousands separated, cents only when there are any); `missing` for None."""
    if x is None:
        return missing
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def number(x: Optional[float]) -> str:
    """A weight or score as the 自评表 writes it: at most two decimals, no trailing zeros; '' for None."""
    if x is None:
        return ""
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")


def compact_name(name: Optional[str]) -> str:
    """A name without spaces, punctuation, brackets or quotes, so a writer's spelling of an indicator still matches."""
    return re.sub(r"[\s，,。、；;:：（）()“”\"'《》]", "", name or "")


def replace_year(text: str, old: int, new: int) -> str:
    """`old` → `new` where it is written as a year ('2020年', '2020 年'), never inside a longer number."""
    return re.sub(rf"(?<!\d){old}(?=\s*年)", str(new), text)


def paragraphs(text: str) -> list[str]:
    """The non-blank lines of `text`, stripped: the paragraphs a section is stored and cited by."""
    return [p.strip() for p in text.split("\n") if p.strip()]


def strip_controls(text: str) -> str:
    """Drop control and format characters (zero-width, bidi overrides) but keep newlines and tabs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))

"""Space-separated rows whose cells themselves hold spaces.

A web table flattened to one line per row with spaces between cells also keeps the
spaces inside a cell: `数量( ≥**个 )`, `执行率(全年 执行数/全年 预算数)`, `(2022 年度)`.
Split on every space, the bracket's pieces become cells of their own and shift every
column after them. Pieces are joined back while a bracket is open (a few at most,
so a stray unclosed bracket cannot swallow the row).
"""

from __future__ import annotations

_OPEN = "(（[［【"
_CLOSE = ")）]］】"
_MAX_JOIN = 4
_MAX_LEN = 48


def _depth(text: str) -> int:
    return sum(text.count(c) for c in _OPEN) - sum(text.count(c) for c in _CLOSE)


def join_bracket_parts(parts: list[str]) -> list[str]:
    """['数量(', '≥**个', ')', '>=4个'] → ['数量(≥**个)', '>=4个']."""
    out: list[str] = []
    i = 0
    n = len(parts)
    while i < n:
        part = parts[i]
        depth = _depth(part)
        if depth > 0:
            joined, k = part, i + 1
            while k < n and k - i <= _MAX_JOIN and depth > 0 and len(joined) <= _MAX_LEN:
                joined += parts[k]
                depth += _depth(parts[k])
                k += 1
            if depth == 0:
                out.append(joined)
                i = k
                continue
        out.append(part)
        i += 1
    return out

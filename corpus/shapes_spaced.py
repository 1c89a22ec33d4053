"""Space-separated rows whose cells themselves hold spaces.

A web table flattened to one line per row with spaces between cells also keeps the
spaces inside a cell: `数量( ≥**个 )`, `执行率(全年 执行数/全年 预算数)`, `(2022 年度)`.
Split on every space, the bracket's pieces become cells of their own and shift every
column after them. Pieces are joined back while a bracket is open (a few at most,
so a stray unclosed bracket cannot swallow the row).
"""

from __future__ import annotations

import re

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


def label_and_value(parts: list[str]) -> list[str] | None:
    """A two-piece line 'label amount' ('资金总额 3') or two values ('12 100%') as two cells,
    else None (prose)."""
    from corpus.labels import label_of
    from corpus.normalize import looks_like_value

    if len(parts) != 2:
        return None
    if all(looks_like_value(p) and re.match(r"^\D{0,2}\d", p) for p in parts):
        return parts
    if not _AMOUNT.match(parts[1]):
        return None
    if any(label_of(parts[0], table) for table in ("fields", "money", "evaluation")):
        return parts
    return None


_AMOUNT = re.compile(r"^[-+]?\d+(?:,\d{3})*(?:\.\d+)?\s*(?:万元|元|%|％)?$")


def place_trailing_values(rows: list) -> list:
    """A header row of column labels, then a row of 'label amount' pairs with one amount
    left over at its end ('预算数 6.84 到位数 6.84 执行数 6.84 100.00' under '… 预算执行进度(%)'):
    the leftover is the header's last column, so it gets that label as its own cell."""
    from corpus.cells import Cell
    from corpus.labels import label_of

    for k in range(1, len(rows)):
        head, row = rows[k - 1], rows[k]
        if not (head.tabular and row.tabular) or len(row.cells) < 5 or len(row.cells) % 2 == 0:
            continue
        last = head.cells[-1].text if head.cells else ""
        if not label_of(last, "money"):
            continue
        texts = row.texts
        pairs = texts[:-1]
        if not _AMOUNT.match(texts[-1]) or any(label_of(t, "money") == label_of(last, "money") for t in pairs):
            continue
        labels, amounts = pairs[0::2], pairs[1::2]
        if all(len(t) <= 12 and not _AMOUNT.match(t) for t in labels) and all(_AMOUNT.match(a) for a in amounts) \
                and any(label_of(t, "money") for t in labels):
            tail = row.cells[-1]
            row.cells.insert(len(row.cells) - 1, Cell(last, tail.line, tail.row))
    return rows

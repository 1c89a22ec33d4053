"""Saved web pages (.html/.htm): tables as real rows of cells, text as lines.

Many filings reach users as the page a government site published. lxml parses the
page leniently; `<table>` rows become lines with cells, a cell spanning rows or
columns (rowspan/colspan) repeated in every slot it covers, so the cell stage sees
the grid the reader of the page saw. Scripts, styles and the page head are dropped;
navigation is left to the cell stage's chrome filter.
"""

from __future__ import annotations

import re

from corpus.errors import ParseError, TooLarge
from corpus.readers.base import MAX_CELLS, MAX_LINES, ExtractedText

_BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article", "dd", "dt", "pre"}
_DROP = {"script", "style", "head", "noscript", "template", "svg", "iframe"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
MAX_SPAN = 100  # a colspan/rowspan above this is a hostile page, not a form


def _decode(data: bytes, path: str) -> str:
    """The page's declared charset first, then the text reader's detection."""
    m = _CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii").lower().replace("gb2312", "gb18030"))
        except (LookupError, UnicodeDecodeError):
            pass
    from corpus.readers.text import decode

    return decode(data, path)


def _text(el) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def _span(value, default: int = 1) -> int:
    try:
        return max(1, min(MAX_SPAN, int(str(value).strip())))
    except (TypeError, ValueError):
        return default


def _table_rows(table) -> list[list[str]]:
    """The table as a grid: spanned cells repeated down and right."""
    grid: list[list[str]] = []
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill)
    for tr in table.iter("tr"):
        if tr.getparent() is not None and _owner_table(tr) is not table:
            continue  # a row of a nested table: read with that table
        row: list[str] = []
        col = 0
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
        for cell in cells:
            col = _fill_spanned(row, pending, col)
            text = _text(cell)
            colspan, rowspan = _span(cell.get("colspan")), _span(cell.get("rowspan"))
            for k in range(colspan):
                row.append(text)
                if rowspan > 1:
                    pending[col + k] = (text, rowspan - 1)
            col += colspan
        _fill_spanned(row, pending, col)
        grid.append(row)
    return grid


def _fill_spanned(row: list[str], pending: dict[int, tuple[str, int]], col: int) -> int:
    """Repeat cells spanning down from earlier rows into this row from `col` on; the next free column."""
    while col in pending:
        text, left = pending.pop(col)
        row.append(text)
        if left > 1:
            pending[col] = (text, left - 1)
        col += 1
    return col


def _owner_table(el):
    parent = el.getparent()
    while parent is not None and not (isinstance(parent.tag, str) and parent.tag.lower() == "table"):
        parent = parent.getparent()
    return parent


def read_html(data: bytes, path: str) -> ExtractedText:
    """Read a saved page into lines, table rows with cells."""
    try:
        import lxml.html
    except ImportError:  # pragma: no cover - lxml is a dependency
        raise ParseError(path, "读取网页需要 lxml（pip install lxml）") from None
    text = _decode(data, path)
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml raises several types for unusable input
        raise ParseError(path, f"网页无法解析（{type(exc).__name__}）") from None
    out = ExtractedText(format="html")
    buf: list[str] = []
    cells_seen = 0

    def flush() -> None:
        line = re.sub(r"\s+", " ", "".join(buf)).strip()
        buf.clear()
        if line:
            out.add(line)

    def walk(el) -> None:
        nonlocal cells_seen
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _DROP:
            if el.tail:
                buf.append(el.tail)
            return
        if tag == "table":
            flush()
            for row in _table_rows(el):
                cells_seen += len(row)
                if cells_seen > MAX_CELLS:
                    raise TooLarge(path, f"表格超过 {MAX_CELLS} 个单元格上限")
                if any(c for c in row):
                    out.add(" ".join(c for c in row if c), cells=row)
            if el.tail:
                buf.append(el.tail)
            return
        if tag in _BLOCK:
            flush()
        if el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
        if tag in _BLOCK:
            flush()
        if el.tail:
            buf.append(el.tail)
        if len(out.lines) > MAX_LINES:
            raise TooLarge(path, f"超过 {MAX_LINES} 行上限")

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return out

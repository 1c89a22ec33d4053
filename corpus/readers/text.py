"""Plain-text filings: detect the encoding, then recover table rows from the text's shape.

Three shapes carry table cells in plain text:
- Word export: each cell on its own line starting with a tab, rows separated by blank
  lines, a cell's extra paragraphs on following lines without the tab;
- tab-separated rows: several cells on one line separated by tabs;
- web tables flattened with `|` between cells.
PDF-extracted text has no cell markers and is left as plain lines.
"""

from __future__ import annotations

import codecs
import re
from typing import Optional

from corpus.errors import EncodingError, NotAFiling, TooLarge
from corpus.readers.base import MAX_LINES, ExtractedText

_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def decode(data: bytes, path: str) -> str:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.

    Raises EncodingError when none fits, NotAFiling for binary content.
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")
        except UnicodeDecodeError as exc:
            raise EncodingError(path, f"带 UTF-8 BOM，但内容不是有效的 UTF-8（第 {exc.start} 字节）") from None
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise EncodingError(path, f"UTF-16 解码失败（{exc.reason}）") from None
    if b"\x00" in data[:4096]:
        raise NotAFiling(path, "内容是二进制数据，不是文本")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise EncodingError(path, "既不是 UTF-8 也不是 GB18030/GBK")
    return data.decode(best.encoding, errors="replace")


def _pipe_cells(line: str) -> Optional[list[str]]:
    stripped = line.strip()
    if stripped.count("|") < 2:
        return None
    parts = stripped.strip("|").split("|")
    return [p.strip() for p in parts]


def read_text(data: bytes, path: str) -> ExtractedText:
    """Read a .txt filing into lines, with cells where the text shape shows them."""
    text = decode(data, path).replace("\r\n", "\n").replace("\r", "\n")
    raw_lines = text.split("\n")
    if len(raw_lines) > MAX_LINES:
        raise TooLarge(path, f"{len(raw_lines)} 行，超过 {MAX_LINES} 行上限")
    out = ExtractedText(format="txt")
    i = 0
    n = len(raw_lines)
    while i < n:
        line = raw_lines[i]
        if line.startswith("\t") and "\t" not in line[1:]:
            i = _read_tab_cell_row(raw_lines, i, out)
            continue
        if _PIPE_SEPARATOR.match(line) and "|" in line:
            i += 1
            continue
        cells = _pipe_cells(line)
        if cells is None and line.strip() and ("\t" in line.strip() or line.startswith("\t")):
            # a tab-led line here has a second tab: a row whose leading cells are blank
            cells = [c.strip() for c in line.rstrip().split("\t")]
        if cells is not None:
            out.add(" ".join(c for c in cells if c), cells=cells, no=i + 1)
        else:
            out.add(line.rstrip(), no=i + 1)
        i += 1
    return out


def _read_tab_cell_row(raw: list[str], start: int, out: ExtractedText) -> int:
    """Collect one Word-export row: tab-led cells plus their continuation lines.

    A short run of untabbed lines (a cell's extra paragraphs) that is followed by
    another tab-led line belongs to the previous cell; blank lines before a tab-led
    line end the row; a long untabbed run is prose after the table and ends it.
    """
    cells: list[str] = []
    i = start
    n = len(raw)
    while i < n:
        line = raw[i]
        if line.startswith("\t"):
            if "\t" in line[1:]:
                break  # a tab-separated row, not a Word-export cell
            cells.append(line[1:].strip())
            i += 1
            continue
        j = i
        while j < n and _blank(raw[j]):
            j += 1
        if j >= n or raw[j].startswith("\t"):
            i = j
            break  # blank lines then a new row (or the end)
        k = j
        while k < n and not raw[k].startswith("\t"):
            k += 1
        block = [x.strip() for x in raw[j:k] if not _blank(x)]
        if k >= n or len(block) > _MAX_CONTINUATION_LINES:
            break  # prose after the table
        cells[-1] = "\n".join([cells[-1], *block]).strip()
        last_text = max(idx for idx in range(j, k) if not _blank(raw[idx]))
        if last_text + 1 < k:
            i = k  # blank lines before the next tab-led line: the row ends here
            break
        i = k
    text = " ".join(c.replace("\n", " ") for c in cells if c)
    out.add(text, cells=cells, no=start + 1, no_end=max(start + 1, i))
    return i


_MAX_CONTINUATION_LINES = 8


def _blank(line: str) -> bool:
    """An empty line; a tab-only line is an empty cell, not a blank."""
    return not line.startswith("\t") and line.strip() == ""

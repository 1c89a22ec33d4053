"""Word (.docx) and Excel (.xlsx) readers, with zip-bomb and size limits checked first."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Any, Iterator

from corpus.errors import CorruptFile, EncryptedFile, ParseError, TooLarge
from corpus.readers.base import (
    MAX_CELLS,
    MAX_LINES,
    MAX_TABLE_DEPTH,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_RATIO,
    ExtractedText,
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_zip(data: bytes, path: str, required: str) -> None:
    """Refuse encrypted, corrupt or bomb-like Office zips before any parser opens them."""
    if data.startswith(_OLE_MAGIC):
        raise EncryptedFile(path, "Office 文件被加密或是旧版 .doc/.xls 格式")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError, struct.error):
        # a damaged central directory surfaces as any of these (e.g. "zip file version 8.4")
        raise CorruptFile(path, "不是有效的 Office 压缩包") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > 10_000:
            raise TooLarge(path, f"压缩包内有 {len(infos)} 个文件")
        total = sum(i.file_size for i in infos)
        if total > MAX_UNZIPPED_BYTES:
            raise TooLarge(path, f"解压后 {total // 2**20} MiB，超过 {MAX_UNZIPPED_BYTES // 2**20} MiB 上限")
        packed = max(1, sum(i.compress_size for i in infos))
        if total / packed > MAX_ZIP_RATIO and total > 10 * 2**20:
            raise TooLarge(path, f"压缩比 {total // packed}:1，疑似压缩炸弹")
        names = {i.filename for i in infos}
        if required not in names:
            raise CorruptFile(path, f"缺少 {required}，不是有效的 Office 文档")
    _check_inflated_sizes(data, infos, path)


def _check_inflated_sizes(data: bytes, infos: list, path: str) -> None:
    """Inflate every member in chunks (output counted, not kept) and hold it to its declared size.

    The sizes in the zip headers are the attacker's word: a member that says 1 KB
    but inflates to gigabytes passes the checks above, and zipfile's read() inflates
    the whole of it in one go before noticing. Counting here keeps memory flat.
    """
    total = 0
    for info in infos:
        h = info.header_offset
        local = data[h:h + 30]
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            raise CorruptFile(path, f"压缩包成员 {info.filename} 的文件头损坏")
        start = h + 30 + int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
        raw = memoryview(data)[start:start + info.compress_size]
        if info.compress_type == zipfile.ZIP_STORED:
            size = len(raw)
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            d = zlib.decompressobj(-15)
            size = 0
            try:
                for pos in range(0, len(raw), 1 << 16):
                    chunk = raw[pos:pos + (1 << 16)]
                    while chunk:
                        size += len(d.decompress(chunk, 1 << 20))
                        if size > info.file_size or total + size > MAX_UNZIPPED_BYTES:
                            raise TooLarge(path, f"压缩包成员 {info.filename} 解压后大于声明的大小，疑似压缩炸弹")
                        chunk = d.unconsumed_tail
            except zlib.error:
                raise CorruptFile(path, f"压缩包成员 {info.filename} 的数据损坏") from None
        else:
            raise CorruptFile(path, f"压缩包成员 {info.filename} 使用了 Office 不用的压缩方式")
        if size != info.file_size:
            raise CorruptFile(path, f"压缩包成员 {info.filename} 的大小与声明不符")
        total += size


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes, path: str) -> ExtractedText:
    """Paragraphs and table rows in body order; each table row becomes one line with cells.

    The table XML is walked directly (w:tr/w:tc, w:gridSpan, w:vMerge) in linear time:
    python-docx's merged-cell handling is quadratic (1,000 vertically merged rows took
    minutes). A vertically merged cell repeats its top cell's text downwards; a
    horizontally merged cell is one cell, as python-docx gave it.
    """
    check_zip(data, path, "word/document.xml")
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = zf.read("word/document.xml")
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, huge_tree=True, no_network=True))
    except Exception as exc:
        raise CorruptFile(path, f"Word 文档无法打开（{type(exc).__name__}）") from None
    body = root.find(f"{_W}body")
    if body is None:
        raise CorruptFile(path, "Word 文档缺少正文")
    out = ExtractedText(format="docx")
    counter = {"cells": 0}

    def para_text(p: Any) -> str:
        parts: list[str] = []
        for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
            if el.tag == f"{_W}t":
                parts.append(el.text or "")
            elif el.tag == f"{_W}tab":
                parts.append("\t")
            else:
                parts.append("\n")
        return "".join(parts)

    def walk(parent: Any, depth: int) -> None:
        for child in parent:
            if len(out.lines) >= MAX_LINES:
                raise TooLarge(path, f"超过 {MAX_LINES} 行")
            if child.tag == f"{_W}p":
                for part in para_text(child).split("\n"):
                    out.add(part)
            elif child.tag == f"{_W}tbl":
                walk_table(child, depth + 1)
            elif child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    walk(content, depth)

    def walk_table(table: Any, depth: int) -> None:
        if depth > MAX_TABLE_DEPTH:
            raise TooLarge(path, f"表格嵌套超过 {MAX_TABLE_DEPTH} 层")
        above: dict[int, str] = {}  # grid column -> text of the vertical merge running there
        for tr in table.iter(f"{_W}tr"):
            if tr.getparent() is not table:
                continue  # rows of nested tables are walked with their own table
            cells: list[str] = []
            nested: list[Any] = []
            col = 0
            for tc in tr.findall(f"{_W}tc"):
                pr = tc.find(f"{_W}tcPr")
                span, vmerge = 1, None
                if pr is not None:
                    gs = pr.find(f"{_W}gridSpan")
                    if gs is not None:
                        try:
                            span = max(1, min(int(gs.get(f"{_W}val", "1")), 1000))
                        except ValueError:
                            span = 1
                    vm = pr.find(f"{_W}vMerge")
                    if vm is not None:
                        vmerge = vm.get(f"{_W}val", "continue")
                counter["cells"] += 1
                if counter["cells"] > MAX_CELLS:
                    raise TooLarge(path, f"超过 {MAX_CELLS} 个单元格")
                if vmerge == "continue" and col in above:
                    text = above[col]
                else:
                    text = "\n".join(para_text(p) for p in tc.findall(f"{_W}p")).strip()
                    if vmerge == "restart":
                        above[col] = text
                    else:
                        above.pop(col, None)
                cells.append(text)
                nested.extend(tc.findall(f"{_W}tbl"))
                col += span
            out.add(" ".join(c.replace("\n", " ") for c in cells if c), cells=cells)
            for inner in nested:
                walk_table(inner, depth + 1)

    walk(body, 0)
    return out


MAX_BLANK_ROW_RUN = 100  # blank rows kept in a row; a longer run (a far-off stray cell) is one gap


def _sheet_rows(ws: Any) -> Iterator[list[str]]:
    """Rows as cell texts, each only as wide as its own last cell.

    The sheet's `<dimension>` is the file's word: openpyxl pads every row to the claimed width
    and fills every row up to the claimed height, so `A1:XFD1048576` plus one cell at XFD1048576
    made 16,384-wide lists for a million blank rows (refused only after 168 s). The claim is
    dropped (`reset_dimensions`) and only the cells the sheet holds are read.
    """
    ws.reset_dimensions()
    for row in ws.iter_rows(values_only=True):
        yield ["" if v is None else _cell_text(v) for v in row]


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def read_xlsx(data: bytes, path: str) -> ExtractedText:
    """Every sheet's rows as lines with cells; the sheet index is the 'page'."""
    check_zip(data, path, "xl/workbook.xml")
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise CorruptFile(path, f"Excel 工作簿无法打开（{type(exc).__name__}）") from None
    out = ExtractedText(format="xlsx")
    cells_seen = 0
    try:
        for sheet_no, ws in enumerate(wb.worksheets, start=1):
            out.pages = sheet_no
            blank_run = 0
            for cells in _sheet_rows(ws):
                while cells and cells[-1] == "":
                    cells.pop()
                blank_run = 0 if cells else blank_run + 1
                if blank_run > MAX_BLANK_ROW_RUN:
                    continue
                cells_seen += len(cells)
                if cells_seen > MAX_CELLS or len(out.lines) >= MAX_LINES:
                    raise TooLarge(path, f"超过 {MAX_CELLS} 个单元格或 {MAX_LINES} 行")
                if not cells:
                    out.add("", page=sheet_no)
                elif len(cells) == 1:
                    out.add(cells[0], page=sheet_no)
                else:
                    out.add(" ".join(c for c in cells if c), page=sheet_no, cells=cells)
    except (ParseError, MemoryError):
        raise
    except Exception as exc:  # read-only sheets are unzipped and parsed lazily, while iterating
        raise CorruptFile(path, f"Excel 工作表无法读取（{type(exc).__name__}）") from None
    finally:
        wb.close()
    return out

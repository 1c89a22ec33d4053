"""PDF reader (pdfplumber, MIT): text lines per page, with page, size and time limits."""

from __future__ import annotations

import io
import itertools
import re
import time
import zlib
from typing import Any

from corpus.errors import CorruptFile, EncryptedFile, ParseError, TooLarge
from corpus.readers.base import (
    MAX_LINES,
    MAX_PDF_INFLATED_BYTES,
    MAX_PDF_PAGES,
    MAX_PDF_STREAM_BYTES,
    PARSE_SECONDS,
    ExtractedText,
)
from corpus.readers.ocr import MIN_TEXT_CHARS

_STREAM = re.compile(rb"stream\r?\n")
_CHUNK = 1 << 16
# pdfminer recovers a damaged Flate stream one byte at a time with quadratic copying;
# past this size that is a hang, not a recovery
_MAX_DAMAGED_FLATE = 1 << 20


def check_streams(data: bytes, path: str) -> None:
    """Refuse decompression bombs before pdfminer inflates anything.

    Every stream body sits in the file itself (object streams hold no streams), so a
    scan of the raw bytes sees them all. Each one that starts like zlib data is
    inflated in chunks, output counted and thrown away, up to the limits.
    """
    total = 0
    for m in _STREAM.finditer(data):
        start = m.end()
        head = data[start:start + 2]
        if len(head) < 2 or head[0] & 0x0F != 8 or (head[0] << 8 | head[1]) % 31:
            continue  # not zlib data (unfiltered, DCT, or the word "stream" in text)
        end = data.find(b"endstream", start)
        end = len(data) if end < 0 else end
        d = zlib.decompressobj()
        size = 0
        pos = start
        try:
            while pos < end and not d.eof:
                chunk = data[pos:min(end, pos + _CHUNK)]
                pos += len(chunk)
                while chunk:
                    out = d.decompress(chunk, _CHUNK * 16)
                    size += len(out)
                    if size > MAX_PDF_STREAM_BYTES:
                        raise TooLarge(path, f"PDF 数据流解压后超过 {MAX_PDF_STREAM_BYTES // 2**20} MiB，疑似压缩炸弹")
                    chunk = d.unconsumed_tail
        except zlib.error:
            if end - start > _MAX_DAMAGED_FLATE:
                raise CorruptFile(path, f"PDF 压缩数据流损坏（{(end - start) // 1024} KiB）") from None
        total += size
        if total > MAX_PDF_INFLATED_BYTES:
            raise TooLarge(path, f"PDF 数据流解压后共超过 {MAX_PDF_INFLATED_BYTES // 2**20} MiB")


def read_pdf(data: bytes, path: str) -> ExtractedText:
    """Extract each page's text as lines; the page number travels with every line."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    started = time.monotonic()
    check_streams(data, path)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        # pdfplumber wraps pdfminer's errors in PdfminerException(original)
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)) or any(
            word in str(inner).lower() for word in ("password", "encrypt")
        ):
            raise EncryptedFile(path, "PDF 需要密码") from None
        if isinstance(inner, PDFSyntaxError):
            raise CorruptFile(path, "PDF 结构无法识别") from None
        raise CorruptFile(path, f"PDF 无法打开（{type(inner).__name__}）") from None
    try:
        out, scanned = _extract(pdf, path, started)
    finally:
        _close_quietly(pdf)
    if scanned:
        from corpus.readers.pdf_scanned import read_scanned_pages

        read_scanned_pages(data, path, out, scanned, started)
    return out


def _close_quietly(pdf: Any) -> None:
    """pdfplumber's close() walks the page tree again; on a broken tree that raises."""
    try:
        for page in getattr(pdf, "_pages", None) or []:
            page.close()
    except Exception:
        pass
    try:
        pdf.stream.close()
    except Exception:
        pass


def _extract(pdf: Any, path: str, started: float) -> tuple[ExtractedText, list[int]]:
    """The text layer's lines, and the pages that have none but a picture (scanned)."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    out = ExtractedText(format="pdf")
    try:
        # count pages without building them all: a page tree can hold millions
        page_objs = list(itertools.islice(PDFPage.create_pages(pdf.doc), MAX_PDF_PAGES + 1))
    except Exception as exc:
        raise CorruptFile(path, f"PDF 页面树损坏（{type(exc).__name__}）") from None
    if len(page_objs) > MAX_PDF_PAGES:
        raise TooLarge(path, f"超过 {MAX_PDF_PAGES} 页上限")
    out.pages = len(page_objs)
    doctop: float = 0
    scanned: list[int] = []
    for page_no, page_obj in enumerate(page_objs, start=1):
        if time.monotonic() - started > PARSE_SECONDS:
            raise TooLarge(path, f"解析超过 {PARSE_SECONDS:.0f} 秒（在第 {page_no} 页）")
        page = None
        try:
            page = Page(pdf, page_obj, page_number=page_no, initial_doctop=doctop)
            doctop += page.height
            text = page.extract_text() or ""
            if len("".join(text.split())) < MIN_TEXT_CHARS and page.images:
                scanned.append(page_no)
        except (ParseError, MemoryError):
            raise
        except Exception as exc:
            raise CorruptFile(path, f"第 {page_no} 页无法提取文字（{type(exc).__name__}）") from None
        finally:
            if page is not None:
                page.close()
        for line in text.split("\n"):
            out.add(line.rstrip(), page=page_no)
        if len(out.lines) > MAX_LINES:
            raise TooLarge(path, f"超过 {MAX_LINES} 行")
    return out, scanned

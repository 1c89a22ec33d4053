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
# glyphs + images + paths drawn on one page; a dense real page draws under 10,000, and each object
# costs pdfminer/pdfplumber ~50 µs and ~1.7 KiB, so a 1 KiB content stream could ask for gigabytes
MAX_PAGE_OBJECTS = 50_000
_CHECK_EVERY = 512  # objects between deadline checks inside a page


class _PageBudget(Exception):
    """Raised from inside pdfminer's interpreter when a page goes over its object cap or the deadline."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _budget_page_class() -> type:
    """pdfplumber's Page, laid out by a device that counts what the page draws as it draws it.

    The 60 s limit was checked only between pages, so one page drawing a million glyphs
    (a 3.8 KB file: 25 s and 1.77 GB) ran unchecked; the count and the deadline are now
    enforced inside the page's interpretation, before its objects pile up.
    """
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent

    class BudgetDevice(PDFPageAggregatorWithMarkedContent):
        deadline: float = float("inf")
        drawn: int = 0

        def _count(self) -> None:
            self.drawn += 1
            if self.drawn > MAX_PAGE_OBJECTS:
                raise _PageBudget(f"页面绘制的字符/图形超过 {MAX_PAGE_OBJECTS} 个，疑似字形炸弹")
            if self.drawn % _CHECK_EVERY == 0 and time.monotonic() > self.deadline:
                raise _PageBudget(f"解析超过 {PARSE_SECONDS:.0f} 秒")

        def render_char(self, *args: Any, **kwargs: Any) -> float:  # type: ignore[override]
            self._count()
            return super().render_char(*args, **kwargs)

        def render_image(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
            self._count()
            super().render_image(*args, **kwargs)

        def paint_path(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
            self._count()
            super().paint_path(*args, **kwargs)

    class BudgetPage(Page):
        deadline: float = float("inf")

        @property
        def layout(self) -> Any:
            if hasattr(self, "_layout"):
                return self._layout
            device = BudgetDevice(self.pdf.rsrcmgr, pageno=self.page_number, laparams=self.pdf.laparams)
            device.deadline = self.deadline
            try:
                PDFPageInterpreter(self.pdf.rsrcmgr, device).process_page(self.page_obj)
            except _PageBudget:
                raise
            except Exception as exc:
                from pdfplumber.utils.exceptions import PdfminerException

                raise PdfminerException(exc)
            self._layout = device.get_result()
            return self._layout

    return BudgetPage


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
                while chunk and not d.eof:  # past the end, bytes before `endstream` stay in the tail forever
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

    Page = _budget_page_class()
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
            page.deadline = started + PARSE_SECONDS
            doctop += page.height
            text = page.extract_text() or ""
            if len("".join(text.split())) < MIN_TEXT_CHARS and page.images:
                scanned.append(page_no)
        except (ParseError, MemoryError):
            raise
        except _PageBudget as exc:
            raise TooLarge(path, f"{exc.why}（在第 {page_no} 页）") from None
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

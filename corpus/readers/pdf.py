"""PDF reader (pdfplumber, MIT): text lines per page, with page, size and time limits."""

from __future__ import annotations

import io
import time

from corpus.errors import CorruptFile, EncryptedFile, TooLarge
from corpus.readers.base import MAX_LINES, MAX_PDF_PAGES, PARSE_SECONDS, ExtractedText


def read_pdf(data: bytes, path: str) -> ExtractedText:
    """Extract each page's text as lines; the page number travels with every line."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    started = time.monotonic()
    out = ExtractedText(format="pdf")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise EncryptedFile(path, "PDF 需要密码") from None
    except PDFSyntaxError:
        raise CorruptFile(path, "PDF 结构无法识别") from None
    except Exception as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise EncryptedFile(path, "PDF 需要密码") from None
        raise CorruptFile(path, f"PDF 无法打开（{type(exc).__name__}）") from None
    with pdf:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise CorruptFile(path, f"PDF 页面树损坏（{type(exc).__name__}）") from None
        if len(pages) > MAX_PDF_PAGES:
            raise TooLarge(path, f"{len(pages)} 页，超过 {MAX_PDF_PAGES} 页上限")
        out.pages = len(pages)
        for page_no, page in enumerate(pages, start=1):
            if time.monotonic() - started > PARSE_SECONDS:
                raise TooLarge(path, f"解析超过 {PARSE_SECONDS:.0f} 秒（在第 {page_no} 页）")
            try:
                text = page.extract_text() or ""
            except Exception as exc:
                raise CorruptFile(path, f"第 {page_no} 页无法提取文字（{type(exc).__name__}）") from None
            finally:
                page.close()
            for line in text.split("\n"):
                out.add(line.rstrip(), page=page_no)
            if len(out.lines) > MAX_LINES:
                raise TooLarge(path, f"超过 {MAX_LINES} 行")
    return out

"""Scanned pages of a PDF: rendered and read by OCR, within the reader's time budget.

The text layer's lines of the other pages are kept; each scanned page's OCR lines take
its place, in page order. Without an OCR engine a PDF that is all pictures is refused
with the install line, and one with some scanned pages warns which were not read.
"""

from __future__ import annotations

import time
from typing import Any

from corpus.errors import CorruptFile, ScannedWithoutOcr
from corpus.readers.base import PARSE_SECONDS, ExtractedText
from corpus.readers.ocr import OCR_SCALE, ocr_available, ocr_image

MAX_RENDER_PIXELS = 6_000_000  # a page claiming a huge size is rendered smaller, not into gigabytes
INSTALL_HINT = "pip install rapidocr-onnxruntime（或 pip install 'jixiao[ocr]'）"


def _page_list(pages: list[int]) -> str:
    return "、".join(str(p) for p in pages[:20]) + ("…" if len(pages) > 20 else "")


def read_scanned_pages(data: bytes, path: str, out: ExtractedText, scanned: list[int], started: float) -> None:
    """Replace the scanned pages' (empty) lines in `out` by what OCR reads on them."""
    if not ocr_available():
        text_chars = sum(len(l.text.strip()) for l in out.lines if l.page not in scanned)
        if text_chars < 20:
            raise ScannedWithoutOcr(path, f"PDF 没有文字层（扫描件，共 {out.pages} 页），需要 OCR 才能读取：{INSTALL_HINT}")
        out.warnings.append(f"第 {_page_list(scanned)} 页是扫描图片，未安装 OCR，这些页没有读取（{INSTALL_HINT}）")
        return
    import pypdfium2 as pdfium

    read: dict[int, list[Any]] = {}
    try:
        doc = pdfium.PdfDocument(data)
    except Exception as exc:
        raise CorruptFile(path, f"扫描页无法渲染（{type(exc).__name__}）") from None
    try:
        for page_no in scanned:
            if time.monotonic() - started > PARSE_SECONDS:
                left = [p for p in scanned if p not in read]
                out.warnings.append(f"文字识别（OCR）超过 {PARSE_SECONDS:.0f} 秒，第 {_page_list(left)} 页未识别")
                break
            read[page_no] = ocr_image(_render(doc, page_no - 1, path))
    finally:
        doc.close()
    if read:
        out.warnings.append(f"第 {_page_list(sorted(read))} 页是扫描图片，文字由 OCR 识别，请核对")
    _merge(out, read)


def _render(doc: Any, index: int, path: str) -> Any:
    import numpy as np

    try:
        page = doc[index]
        width, height = page.get_size()
        scale = min(OCR_SCALE, (MAX_RENDER_PIXELS / max(1.0, width * height)) ** 0.5)
        image = page.render(scale=scale).to_pil().convert("RGB")
    except Exception as exc:
        raise CorruptFile(path, f"第 {index + 1} 页无法渲染（{type(exc).__name__}）") from None
    return np.asarray(image)


def _merge(out: ExtractedText, read: dict[int, list[Any]]) -> None:
    """Lines in page order, OCR lines in place of the scanned pages', renumbered
    (ExtractedText.add numbers them)."""
    kept = out.lines
    out.lines = []
    pages = sorted({l.page for l in kept if l.page is not None} | set(read))
    for page_no in pages:
        if page_no in read:
            for line in read[page_no]:
                out.add(line.text, page=page_no, cells=line.cells)
        else:
            for line in (l for l in kept if l.page == page_no):
                out.add(line.text, page=page_no, cells=line.cells)

"""Turn a file's bytes into numbered lines, whatever its format.

The format is decided by the file's content, and a content that contradicts the
extension is refused (a '.pdf' that is really a zip is suspicious, not helpful).
"""

from __future__ import annotations

from pathlib import Path

from corpus.errors import EmptyFile, ParseError, TooLarge, UnsupportedFormat
from corpus.readers.base import MAX_FILE_BYTES, ExtractedText, Line

__all__ = ["ExtractedText", "Line", "SUPPORTED_SUFFIXES", "sniff_format", "read_bytes"]

SUPPORTED_SUFFIXES = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf", ".xlsx": "xlsx",
                      ".doc": "doc", ".xls": "xls", ".wps": "wps", ".et": "et", ".html": "html", ".htm": "html"}


def sniff_format(data: bytes) -> str:
    """What the bytes are: 'pdf', 'zip', 'ole' or 'text'."""
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    return "text"


def read_bytes(data: bytes, path: str) -> ExtractedText:
    """Dispatch on extension, after checking the content agrees with it."""
    suffix = Path(path).suffix.lower()
    fmt = SUPPORTED_SUFFIXES.get(suffix)
    if fmt is None:
        raise UnsupportedFormat(path, f"扩展名 {suffix or '（无）'}")
    if not data.strip():
        raise EmptyFile(path)
    if len(data) > MAX_FILE_BYTES:
        raise TooLarge(path, f"{len(data) // 2**20} MiB，超过 {MAX_FILE_BYTES // 2**20} MiB 上限")
    actual = sniff_format(data)
    expected = {"txt": "text", "html": "text", "pdf": "pdf", "docx": "zip", "xlsx": "zip", "doc": "ole", "xls": "ole", "wps": "ole", "et": "ole"}[fmt]
    if actual == "ole" and fmt in ("docx", "xlsx"):
        pass  # encrypted OOXML is an OLE container; the office reader says so
    elif actual != expected:
        raise ParseError(path, f"扩展名是 {suffix}，但内容是 {actual} 格式（扩展名与内容不符）")
    if fmt == "txt":
        from corpus.readers.text import read_text

        return read_text(data, path)
    if fmt == "html":
        from corpus.readers.html import read_html

        return read_html(data, path)
    if fmt in ("doc", "xls", "wps", "et"):
        from corpus.readers.legacy import read_legacy

        return read_legacy(data, path, fmt)
    if fmt == "pdf":
        from corpus.readers.pdf import read_pdf

        return read_pdf(data, path)
    from corpus.readers.office import read_docx, read_xlsx

    return read_docx(data, path) if fmt == "docx" else read_xlsx(data, path)

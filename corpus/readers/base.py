"""The common shape every reader returns: numbered lines, optionally split into cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

# Limits that keep a hostile or huge file from hanging or exhausting memory.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_PDF_PAGES = 300
MAX_PDF_STREAM_BYTES = 64 * 1024 * 1024  # one decompressed PDF stream
MAX_PDF_INFLATED_BYTES = 256 * 1024 * 1024  # all of a PDF's streams together
MAX_LINES = 200_000
MAX_CELLS = 500_000
MAX_TABLE_DEPTH = 5
PARSE_SECONDS = 60.0


@dataclass
class Line:
    """One line of extracted text; `cells` is set where the source had table cells."""

    text: str
    no: int
    page: Optional[int] = None
    cells: Optional[list[str]] = None
    no_end: int = 0

    def __post_init__(self) -> None:
        if not self.no_end:
            self.no_end = self.no


@dataclass
class ExtractedText:
    format: str
    lines: list[Line] = field(default_factory=list)
    pages: int = 0
    warnings: list[str] = field(default_factory=list)  # what the reader could not read, for the filing

    def add(
        self,
        text: str,
        page: Optional[int] = None,
        cells: Optional[list[str]] = None,
        no: int = 0,
        no_end: int = 0,
    ) -> None:
        """Append a line; `no` defaults to the next line number."""
        no = no or (self.lines[-1].no_end + 1 if self.lines else 1)
        text = strip_control(text)
        if cells is not None:
            cells = [strip_control(c) for c in cells]
        self.lines.append(Line(text=text, no=no, page=page, cells=cells, no_end=no_end or no))

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def file_kind(mode: int) -> str:
    """A Chinese name for what a non-regular path is, for the refusal message."""
    import stat

    for test, name in ((stat.S_ISLNK, "符号链接"), (stat.S_ISFIFO, "命名管道 FIFO"), (stat.S_ISCHR, "字符设备"),
                       (stat.S_ISBLK, "块设备"), (stat.S_ISSOCK, "套接字"), (stat.S_ISDIR, "文件夹")):
        if test(mode):
            return name
    return "特殊文件"


_XML_ILLEGAL = None


def strip_control(text: str) -> str:
    """Drop characters XML 1.0 forbids (C0 controls except tab/newline/CR, U+FFFE/FFFF, lone
    surrogates): lxml/python-docx raise ValueError on them when a filing is exported."""
    global _XML_ILLEGAL
    if _XML_ILLEGAL is None:
        import re

        _XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
    return _XML_ILLEGAL.sub("", text)

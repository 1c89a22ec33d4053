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
        self.lines.append(Line(text=text, no=no, page=page, cells=cells, no_end=no_end or no))

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

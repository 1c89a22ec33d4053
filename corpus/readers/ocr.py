"""Scanned pages: OCR with rapidocr-onnxruntime (PP-OCR Chinese models inside the wheel).

A page without a text layer is rendered (pypdfium2, already under pdfplumber) and read
by PP-OCR. The result keeps what a form needs: where the page has ruled tables, the
rules found in the image (OpenCV, which rapidocr brings) give the cell grid, each text
box goes into its cell, and a cell merged across rows (no rule between them) is filled
down as docx's vMerge is; text outside tables becomes lines, boxes on one baseline
joined. So a scanned form reaches the cell stage in the same shape as a docx form.

rapidocr is an optional extra (`pip install 'jixiao[ocr]'`); without it a scanned page
is reported, never silently read as empty.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

OCR_SCALE = 2.0  # render at 144 dpi: PP-OCR reads 10.5 pt table text reliably from here
MIN_SCORE = 0.5
MIN_TEXT_CHARS = 8  # a page with fewer extractable characters than this has no text layer
_LOCK = threading.Lock()  # one engine per process; onnxruntime sessions are not shared across threads here


class OcrUnavailable(RuntimeError):
    """rapidocr-onnxruntime is not installed."""


@dataclass
class Box:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class OcrLine:
    """One line of a scanned page: `cells` where it is a table row."""

    text: str
    cells: Optional[list[str]] = None


def ocr_available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise OcrUnavailable(str(exc)) from None
    return RapidOCR()


def ocr_image(image: Any) -> list[OcrLine]:
    """Read one page image into lines, table rows as cells."""
    with _LOCK:
        result, _ = _engine()(image)
    boxes = [_box(points, text) for points, text, score in (result or []) if score >= MIN_SCORE and text.strip()]
    grids = find_grids(image)
    return layout(boxes, grids)


def _box(points: list, text: str) -> Box:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return Box(text.strip(), min(xs), min(ys), max(xs), max(ys))


# --- ruled tables -------------------------------------------------------------------


@dataclass
class Grid:
    """One ruled table: the rules' positions and masks to ask which rule crosses where."""

    ys: list[int]  # horizontal rules, top to bottom
    xs: list[int]  # vertical rules, left to right
    horizontal: Any  # mask of horizontal rule pixels
    vertical: Any  # mask of vertical rule pixels

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def contains(self, box: Box) -> bool:
        x0, y0, x1, y1 = self.bounds
        return x0 <= box.cx <= x1 and y0 <= box.cy <= y1

    def columns_at(self, band: int) -> list[int]:
        """The vertical rules that cross row band `band` (columns differ from row to row)."""
        top, bottom = self.ys[band], self.ys[band + 1]
        mid0, mid1 = top + (bottom - top) // 4, bottom - (bottom - top) // 4
        return [x for x in self.xs if self.vertical[mid0:mid1 + 1, max(0, x - 2):x + 3].any(axis=1).mean() > 0.6]

    def ruled_above(self, band: int, x0: int, x1: int) -> bool:
        """Whether the rule on top of `band` runs between x0 and x1 (no rule: merged cell)."""
        y = self.ys[band]
        strip = self.horizontal[max(0, y - 2):y + 3, x0 + 3:max(x0 + 4, x1 - 2)]
        return strip.size > 0 and strip.any(axis=0).mean() > 0.6


def _positions(profile: Any, min_len: int) -> list[int]:
    """Centres of runs of rows (or columns) whose rule length reaches min_len."""
    out: list[int] = []
    run: list[int] = []
    for i, value in enumerate(profile):
        if value >= min_len:
            run.append(i)
        elif run:
            out.append(sum(run) // len(run))
            run = []
    if run:
        out.append(sum(run) // len(run))
    return out


def find_grids(image: Any) -> list[Grid]:
    """Ruled tables in a page image, by morphological opening with long thin kernels."""
    import cv2
    import numpy as np

    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    binary = cv2.adaptiveThreshold(~gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    h, w = binary.shape
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 30), 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 60))))
    horizontal = horizontal > 0
    vertical = vertical > 0
    grids: list[Grid] = []
    count, labels, stats, _ = cv2.connectedComponentsWithStats((horizontal | vertical).astype(np.uint8), connectivity=8)
    for i in range(1, count):
        x, y, bw, bh, _area = stats[i]
        if bw < w // 5 or bh < 20:
            continue  # a lone underline or a short rule, not a table
        region = labels[y:y + bh, x:x + bw] == i
        hmask = np.zeros_like(horizontal)
        vmask = np.zeros_like(vertical)
        hmask[y:y + bh, x:x + bw] = horizontal[y:y + bh, x:x + bw] & region
        vmask[y:y + bh, x:x + bw] = vertical[y:y + bh, x:x + bw] & region
        ys = _positions(hmask.sum(axis=1), max(10, bw // 20))
        xs = _positions(vmask.sum(axis=0), max(10, min(bh // 3, 40)))
        if len(ys) >= 2 and len(xs) >= 2:
            grids.append(Grid(ys=ys, xs=xs, horizontal=hmask, vertical=vmask))
    return grids


def _grid_rows(grid: Grid, boxes: list[Box]) -> list[tuple[float, OcrLine]]:
    """The table's rows of cells, a cell merged over several rows filled into each of
    them (the text sits in the middle row of the merge, so it is gathered first)."""
    bands: list[tuple[int, list[int]]] = []  # (top, group id per cell)
    group_text: list[str] = []
    above: dict[tuple[int, int], int] = {}  # (x0, x1) of a cell on the previous band -> its group
    for band in range(len(grid.ys) - 1):
        top, bottom = grid.ys[band], grid.ys[band + 1]
        cols = grid.columns_at(band)
        if bottom - top < 8 or len(cols) < 2:
            above = {}
            continue
        groups: list[int] = []
        spans: list[tuple[int, int]] = []
        for x0, x1 in zip(cols, cols[1:]):
            inside = sorted(
                (b for b in boxes if x0 <= b.cx < x1 and top <= b.cy < bottom), key=lambda b: (round(b.cy / 12), b.x0)
            )
            text = _join(b.text for b in inside)
            group = _continued(above, x0, x1) if band and not grid.ruled_above(band, x0, x1) else None
            if group is None:
                group = len(group_text)
                group_text.append(text)
            elif text:
                group_text[group] = _join([group_text[group], text])
            groups.append(group)
            spans.append((x0, x1))
        above = dict(zip(spans, groups))
        bands.append((top, groups))
    rows: list[tuple[float, OcrLine]] = []
    for top, groups in bands:
        texts = [group_text[g] for g in groups]
        if any(texts):
            rows.append((top, OcrLine(" ".join(t for t in texts if t), cells=texts)))
    return rows


def _continued(above: dict[tuple[int, int], int], x0: int, x1: int) -> Optional[int]:
    """The merged cell (group) above that this unruled cell continues: same column span."""
    for (a0, a1), group in above.items():
        if abs(a0 - x0) <= 6 and abs(a1 - x1) <= 6:
            return group
    return None


def _join(parts: Any) -> str:
    """Boxes of one cell or one line: Chinese wraps with no space, Latin words keep one."""
    out = ""
    for part in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and part[:1].isascii() and part[:1].isalnum():
            out += " "
        out += part
    return out


def _text_lines(boxes: list[Box]) -> list[tuple[float, OcrLine]]:
    """Boxes outside tables grouped by baseline; far-apart boxes on one line become cells."""
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        if lines:
            last = lines[-1]
            height = max(b.y1 - b.y0 for b in last)
            if abs(box.cy - sum(b.cy for b in last) / len(last)) < 0.5 * height:
                last.append(box)
                continue
        lines.append([box])
    out: list[tuple[float, OcrLine]] = []
    for group in lines:
        group.sort(key=lambda b: b.x0)
        height = max(b.y1 - b.y0 for b in group)
        pieces: list[list[Box]] = [[group[0]]]
        for box in group[1:]:
            if box.x0 - pieces[-1][-1].x1 > 2.5 * height:
                pieces.append([box])
            else:
                pieces[-1].append(box)
        texts = [_join(b.text for b in p) for p in pieces]
        top = min(b.y0 for b in group)
        out.append((top, OcrLine(" ".join(texts), cells=texts if len(texts) > 1 else None)))
    return out


def layout(boxes: list[Box], grids: list[Grid]) -> list[OcrLine]:
    """Tables and free lines of a page in reading order (top to bottom)."""
    placed: list[tuple[float, OcrLine]] = []
    free = [b for b in boxes if not any(g.contains(b) for g in grids)]
    for grid in grids:
        placed.extend(_grid_rows(grid, [b for b in boxes if grid.contains(b)]))
    placed.extend(_text_lines(free))
    placed.sort(key=lambda item: item[0])
    return [line for _, line in placed]

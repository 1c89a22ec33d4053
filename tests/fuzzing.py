"""Seeds and mutators shared by tests/test_fuzz_parsers.py and bench/fuzz.py.

A mutation is a list of `Op`s applied in order to a seed's bytes; for .docx and
.xlsx some ops work on one zip member (mangling its XML) and the zip is written
again, others work on the raw bytes. Everything is deterministic given the ops,
so hypothesis can shrink a failing case and a saved case can be replayed.

The property under test (`check`): `parse_bytes` returns a `Filing` or raises a
`ParseError` subclass, nothing else.
"""

from __future__ import annotations

import codecs
import io
import signal
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED_TXT = sorted((SHARED / "seeds").glob("*.txt"))
REAL_PDF = sorted((SHARED / "real").glob("*.pdf"))

FORMATS = ("txt", "docx", "pdf", "xlsx")

# --- seeds --------------------------------------------------------------------


@lru_cache(maxsize=None)
def seed_lines(which: int = 0) -> tuple[tuple[str, Optional[tuple[str, ...]]], ...]:
    """(text, cells) of each line of a seed .txt, as the text reader sees them."""
    from corpus.readers.text import read_text

    path = SEED_TXT[which % len(SEED_TXT)]
    doc = read_text(path.read_bytes(), str(path))
    return tuple((ln.text, tuple(ln.cells) if ln.cells else None) for ln in doc.lines)


def _tabulate(lines):
    """From the indicator header on, space-separated lines become table rows (as a Word table would hold them)."""
    in_table = False
    for text, cells in lines:
        if "一级" in text or "一级指标" in text:
            in_table = True
        if in_table and cells is None and len(text.split()) > 1:
            cells = tuple(text.split())
        yield text, cells


def make_docx(lines, nested: int = 0) -> bytes:
    """A .docx with the seed's lines: rows with cells become table rows, the rest paragraphs."""
    import docx

    document = docx.Document()
    table = None
    for text, cells in _tabulate(lines):
        if cells and len(cells) > 1:
            if table is None or len(table.columns) != len(cells):
                table = document.add_table(rows=0, cols=len(cells))
            row = table.add_row()
            for cell, value in zip(row.cells, cells):
                cell.text = value
        else:
            table = None
            document.add_paragraph(text)
    if nested:
        outer = document.add_table(rows=1, cols=1)
        cell = outer.rows[0].cells[0]
        for _ in range(nested):
            inner = cell.add_table(rows=1, cols=1)
            cell = inner.rows[0].cells[0]
        cell.text = "最内层"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_xlsx(lines) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for text, cells in _tabulate(lines):
        ws.append(list(cells) if cells else [text])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def small_pdf(pages: int = 1, text: str = "Hello") -> bytes:
    """A tiny hand-written PDF (Helvetica text), `pages` pages sharing one content stream."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objs = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        None,  # pages, filled below
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
    ]
    kids = []
    for _ in range(pages):
        objs.append(b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Resources<</Font<</F1 3 0 R>>>>/Contents 4 0 R>>")
        kids.append(b"%d 0 R" % len(objs))
    objs[1] = b"<</Type/Pages/Kids[" + b" ".join(kids) + b"]/Count %d>>" % pages
    return write_pdf(objs)


def write_pdf(objs: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """Serialise objects 1..n with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<</Size %d/Root 1 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, trailer_extra, xref)
    return bytes(out)


@lru_cache(maxsize=None)
def pdf_page_slices(max_pages: int = 2) -> tuple[bytes, ...]:
    """The first pages of each real PDF, re-saved (small, fast seeds with the real fonts/tables)."""
    import pypdfium2 as pdfium

    out = []
    for path in REAL_PDF:
        src = pdfium.PdfDocument(str(path))
        dst = pdfium.PdfDocument.new()
        dst.import_pages(src, list(range(min(max_pages, len(src)))))
        buf = io.BytesIO()
        dst.save(buf)
        out.append(buf.getvalue())
        dst.close()
        src.close()
    return tuple(out)


@lru_cache(maxsize=None)
def seeds(fmt: str, full: bool = False) -> tuple[bytes, ...]:
    """Seed files for a format; `full` adds the whole real PDFs (slow to parse, ~1 s each)."""
    if fmt == "txt":
        raw = [p.read_bytes() for p in SEED_TXT]
        return tuple(raw + [raw[0].decode().encode("gb18030"), codecs.BOM_UTF16_LE + raw[1].decode().encode("utf-16-le")])
    if fmt == "docx":
        return tuple(make_docx(seed_lines(i)) for i in range(len(SEED_TXT))) + (make_docx(seed_lines(0)[:20], nested=2),)
    if fmt == "xlsx":
        return tuple(make_xlsx(seed_lines(i)) for i in range(len(SEED_TXT)))
    if fmt == "pdf":
        base = pdf_page_slices() + (small_pdf(2),)
        return base + (tuple(p.read_bytes() for p in REAL_PDF) if full else ())
    raise ValueError(fmt)


# --- mutations ----------------------------------------------------------------

BYTE_OPS = ("flip", "set", "truncate", "delete", "insert", "control", "splice", "duplicate", "swap_digits", "reencode")
ZIP_OPS = ("xml_cut", "xml_tag", "xml_insert", "xml_entity", "drop_member", "raw_member", "member_flip")
OPS = BYTE_OPS + ZIP_OPS


@dataclass(frozen=True)
class Op:
    kind: str
    pos: float  # 0..1, where in the data (or which member)
    blob: bytes  # bytes to insert / set
    n: int  # a count or a choice

    def __repr__(self) -> str:
        return f"Op({self.kind!r}, {self.pos:.3f}, {self.blob!r}, {self.n})"


_CONTROL = b"\x00\x01\x07\x08\x0b\x0c\x1a\x1b\x7f\r\t\n\xff\xfe"
_ENCODINGS = ("utf-16", "utf-16-le", "utf-16-be", "gb18030", "big5", "latin-1", "utf-32", "utf-8-sig", "cp1252", "shift_jis")
_XML_SNIPPETS = (
    b"<", b">", b"</w:tbl>", b"<w:tbl><w:tr><w:tc>", b"&#0;", b"&amp", b"]]>", b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
    b"<c r=\"A1\" t=\"s\"><v>999999</v></c>", b"<c r=\"XFD1048576\"><v>1e400</v></c>", b"<row r=\"-5\">",
    b"<w:gridSpan w:val=\"-3\"/>", b"<w:vMerge/>", b"<c t=\"d\"><v>notadate</v></c>", b"<c t=\"n\"><v>x</v></c>",
    b"<sheetData>", b"\x00", b"\xff\xfe", b"<w:p><w:r><w:t>\xe9\xa1\xb9\xe7\x9b\xae\xe5\x90\x8d\xe7\xa7\xb0</w:t></w:r></w:p>",
)


def _at(data: bytes, pos: float) -> int:
    return min(len(data), max(0, int(pos * len(data))))


def mutate_bytes(data: bytes, op: Op, others: tuple[bytes, ...] = ()) -> bytes:
    i = _at(data, op.pos)
    k = op.kind
    if k == "flip":
        if not data:
            return data
        i = min(i, len(data) - 1)
        return data[:i] + bytes([data[i] ^ (1 << (op.n % 8))]) + data[i + 1:]
    if k == "set":
        return data[:i] + op.blob + data[i + len(op.blob):]
    if k == "truncate":
        return data[:i]
    if k == "delete":
        return data[:i] + data[i + 1 + op.n % 4096:]
    if k == "insert":
        return data[:i] + op.blob * (1 + op.n % 64) + data[i:]
    if k == "control":
        c = _CONTROL[op.n % len(_CONTROL)]
        return data[:i] + bytes([c]) * (1 + op.n % 7) + data[i:]
    if k == "splice":
        src = others[op.n % len(others)] if others else data
        j = _at(src, (op.pos * 7.31) % 1.0)
        return data[:i] + src[j:j + 1 + op.n % 8192] + data[i:]
    if k == "duplicate":
        return data[:i] + data[i:i + 1 + op.n % 4096] * 2 + data[i:]
    if k == "swap_digits":
        # change a number in place (lengths, counts, offsets, object numbers)
        j = i
        while j < len(data) and not (48 <= data[j] <= 57):
            j += 1
        if j >= len(data):
            return data
        e = j
        while e < len(data) and 48 <= data[e] <= 57:
            e += 1
        repl = str([0, 1, -1, 2**31, 2**63, 10**12, op.n][op.n % 7]).encode()
        return data[:j] + repl + data[e:]
    if k == "reencode":
        text = data.decode("utf-8", errors="replace")
        enc = _ENCODINGS[op.n % len(_ENCODINGS)]
        return text.encode(enc, errors="replace")
    return data


def _mangle_xml(xml: bytes, op: Op) -> bytes:
    i = _at(xml, op.pos)
    if op.kind == "xml_cut":
        return xml[:i] + xml[i + 1 + op.n % 2048:]
    if op.kind == "xml_tag":
        # drop the next '<' or '>' (unbalances the document)
        j = xml.find(b"<" if op.n % 2 else b">", i)
        return xml if j < 0 else xml[:j] + xml[j + 1:]
    if op.kind == "xml_insert":
        snippet = _XML_SNIPPETS[op.n % len(_XML_SNIPPETS)]
        j = xml.find(b"<", i)
        j = i if j < 0 else j
        return xml[:j] + snippet * (1 + (op.n // 32) % 8) + xml[j:]
    if op.kind == "xml_entity":
        j = xml.find(b">", i)
        j = i if j < 0 else j + 1
        return xml[:j] + op.blob + xml[j:]
    return mutate_bytes(xml, Op("flip", op.pos, op.blob, op.n))


def mutate_zip(data: bytes, op: Op) -> bytes:
    """Apply a zip-level op; a zip that cannot be opened gets a byte flip instead."""
    try:
        zin = zipfile.ZipFile(io.BytesIO(data))
        infos = zin.infolist()
        members = [(info, zin.read(info)) for info in infos]
    except Exception:
        return mutate_bytes(data, Op("flip", op.pos, op.blob, op.n))
    if not members:
        return data
    target = op.n % len(members)
    # prefer the interesting XML members
    xmlish = [i for i, (info, _) in enumerate(members) if info.filename.endswith(".xml") or info.filename.endswith(".rels")]
    if xmlish:
        target = xmlish[op.n % len(xmlish)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for idx, (info, body) in enumerate(members):
            if idx == target:
                if op.kind == "drop_member":
                    continue
                if op.kind == "raw_member":
                    body = op.blob * (1 + op.n % 100)
                elif op.kind == "member_flip":
                    body = mutate_bytes(body, Op("flip", op.pos, op.blob, op.n))
                else:
                    body = _mangle_xml(body, op)
            zout.writestr(info.filename, body)
    return buf.getvalue()


def apply(fmt: str, data: bytes, ops, others: tuple[bytes, ...] = ()) -> bytes:
    for op in ops:
        if op.kind in ZIP_OPS:
            if fmt in ("docx", "xlsx"):
                data = mutate_zip(data, op)
            else:
                data = mutate_bytes(data, Op("flip", op.pos, op.blob, op.n))
        else:
            data = mutate_bytes(data, op, others)
    return data


# --- the property -------------------------------------------------------------


class Hang(Exception):
    """Raised by `time_limit` when one parse runs past its bound."""


class time_limit:
    """SIGALRM-based bound on one call (main thread only; a no-op elsewhere)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False

    def _fire(self, *_):
        raise Hang(f"parse ran longer than {self.seconds:.0f} s")

    def __enter__(self):
        if self.seconds <= 0:
            return self  # no bound (e.g. under libFuzzer, which owns SIGALRM)
        try:
            self.old = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self.armed = True
        except ValueError:  # not the main thread
            pass
        return self

    def __exit__(self, *exc):
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.old)
        return False


def check(data: bytes, name: str, seconds: float = 30.0) -> Optional[BaseException]:
    """None if `parse_bytes` kept its contract (a Filing or a ParseError naming the file),
    else the offending exception (a `Hang` when it ran past `seconds`)."""
    from corpus.errors import ParseError
    from corpus.models import Filing
    from corpus.parse import parse_bytes

    try:
        with time_limit(seconds):
            result = parse_bytes(data, name)
    except ParseError as exc:
        if name not in str(exc):
            return AssertionError(f"ParseError does not name the file: {exc}")
        return None
    except Exception as exc:  # noqa: BLE001 - this is what we are hunting
        return exc
    if not isinstance(result, Filing):
        return AssertionError(f"parse_bytes returned {type(result).__name__}")
    return None


def minimize(data: bytes, still_fails: Callable[[bytes], bool], budget: int = 300) -> bytes:
    """Greedy delta reduction: drop chunks while the failure persists (at most `budget` tries)."""
    tries = 0
    chunk = max(1, len(data) // 2)
    while chunk >= 1 and tries < budget:
        i = 0
        changed = False
        while i < len(data) and tries < budget:
            cand = data[:i] + data[i + chunk:]
            tries += 1
            if cand and still_fails(cand):
                data = cand
                changed = True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    return data

"""Issue 14: readers under a budget inside the work (xlsx dimension claims, PDF glyph bombs)."""

from __future__ import annotations

import io
import zipfile

import pytest

from corpus.readers import read_bytes
from tests import fuzzing


def _xlsx_with_sheet(edit) -> bytes:
    """A seed workbook with its first sheet's XML passed through `edit`."""
    src = fuzzing.seeds("xlsx")[0]
    zin = zipfile.ZipFile(io.BytesIO(src))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info.filename, data)
    return buf.getvalue()


def _claim_whole_sheet(xml: str) -> str:
    import re

    xml, n = re.subn(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
    assert n == 1
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>远端单元格</t></is></c></row>'
    return xml.replace("</sheetData>", far + "</sheetData>")


def test_xlsx_claiming_A1_XFD1048576_reads_only_real_cells():
    """Finding: a sheet claiming A1:XFD1048576 with a cell at XFD1048576 was refused only after
    168 s (openpyxl padded a million blank rows to 16,384 columns). Now the claim is ignored and
    the real cells are read; the million-row gap becomes one bounded run of blank lines."""
    plain = read_bytes(fuzzing.seeds("xlsx")[0], "plain.xlsx")
    doc = read_bytes(_xlsx_with_sheet(_claim_whole_sheet), "claim.xlsx")
    texts = [line.text for line in doc.lines]
    assert texts[: len(plain.lines)] == [line.text for line in plain.lines]
    assert texts[-1] == "远端单元格"
    assert len(doc.lines) < len(plain.lines) + 200  # not a line per blank row of the gap
    assert len(doc.lines[-1].cells) == 16384  # the far cell keeps its column


def test_xlsx_dimension_smaller_than_the_data_no_longer_cuts_rows():
    """A writer that records `A1` as the dimension of a full sheet: openpyxl stopped after row 1."""
    import re

    doc = read_bytes(_xlsx_with_sheet(lambda x: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1"/>', x)),
                     "small-claim.xlsx")
    plain = read_bytes(fuzzing.seeds("xlsx")[0], "plain.xlsx")
    assert [line.text for line in doc.lines] == [line.text for line in plain.lines]


@pytest.mark.parametrize("i", range(len(fuzzing.seeds("xlsx"))))
def test_xlsx_seed_lines_unchanged_by_ignoring_the_dimension(i):
    """Honest workbooks read exactly as openpyxl's dimension-bound iteration read them."""
    import openpyxl

    data = fuzzing.seeds("xlsx")[i]
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    expected = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            cells = ["" if v is None else str(v).strip() for v in row]
            while cells and cells[-1] == "":
                cells.pop()
            expected.append(" ".join(c for c in cells if c) if len(cells) > 1 else (cells[0] if cells else ""))
    wb.close()
    assert [line.text for line in read_bytes(data, "seed.xlsx").lines] == expected


# --- PDF glyph bomb: the budget is enforced inside the page ----------------------------------------


def glyph_bomb_pdf(glyphs: int) -> bytes:
    """One page whose Flate content stream shows `glyphs` Helvetica glyphs (1M glyphs ≈ 2.6 KB)."""
    import zlib

    line = b"(" + b"A" * 1000 + b") Tj 0 -1 Td\n"
    content = b"BT /F1 1 Tf 10 800 Td\n" + line * (glyphs // 1000) + b"ET\n"
    z = zlib.compress(content, 9)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_pdf_glyph_bomb_refused_inside_the_page():
    """Finding: a 1-page PDF full of glyphs (3.8 KB → 25 s and 1.77 GB; 12 KB still running at 300 s)
    ran unchecked because the 60 s limit was checked only between pages. Now the page's drawn
    objects are counted as pdfminer draws them and the page is refused at the cap, in a child process
    capped at 1.5 GiB of address space (the bomb used 1.77 GB)."""
    import subprocess
    import sys
    import textwrap

    from tests.conftest import REPO

    code = textwrap.dedent("""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
        from corpus.errors import TooLarge
        from corpus.readers import read_bytes
        from tests.test_reliability_readers import glyph_bomb_pdf
        data = glyph_bomb_pdf(4_000_000)
        try:
            read_bytes(data, "glyphs.pdf")
        except TooLarge as exc:
            print(len(data), exc)
    """)
    res = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    size, message = res.stdout.split(" ", 1)
    assert int(size) < 12_000
    assert "glyphs.pdf" in message and "字形炸弹" in message and "第 1 页" in message


def test_pdf_page_under_the_object_cap_still_reads():
    from corpus.readers.pdf import MAX_PAGE_OBJECTS

    doc = read_bytes(glyph_bomb_pdf(MAX_PAGE_OBJECTS // 2), "dense.pdf")
    assert doc.pages == 1 and doc.text.count("A") == MAX_PAGE_OBJECTS // 2 // 1000 * 1000


@pytest.mark.parametrize("pdf", sorted(__import__("glob").glob("/work/shared/real/*.pdf")))
def test_real_pdfs_stay_far_under_the_page_object_cap(pdf):
    """The cap sits far above what real filings draw (at most 1,407 objects on a page of the real PDFs)."""
    from pathlib import Path

    doc = read_bytes(Path(pdf).read_bytes(), pdf)
    assert doc.pages > 20 and len(doc.lines) > 400


def test_pdf_stream_check_ends_at_the_end_of_the_zlib_data():
    """Found with the glyph bomb: when the bomb check's inflate reached the end of a stream's zlib data
    on a full output buffer, the bytes before `endstream` stayed in the tail forever (a hang before
    pdfminer even started). Run in a child so a hang fails the test instead of stopping the suite."""
    import subprocess
    import sys

    from tests.conftest import REPO

    code = ("from corpus.readers.pdf import check_streams; from tests.test_reliability_readers import glyph_bomb_pdf; "
            "check_streams(glyph_bomb_pdf(4_000_000), 'g.pdf'); print('done')")
    res = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert res.stdout.strip() == "done", res.stderr[-2000:]

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

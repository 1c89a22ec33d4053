"""Fuzzing the readers: whatever the bytes, `parse_bytes` returns a Filing or raises a
ParseError naming the file, and comes back.

Mutated seeds (the two seed .txt files, slices of the real PDFs, small generated
.docx/.xlsx) and random bytes, for each format. A short bounded run lives here;
`python bench/fuzz.py --seconds 300` runs the same mutators for longer.
The regression tests at the bottom replay failures the fuzzer found.
"""

from __future__ import annotations

import codecs
import io
import logging
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.errors import CorruptFile, EncodingError, ParseError
from corpus.parse import parse_bytes
from tests import fuzzing
from tests.fuzzing import FORMATS, OPS, Op, apply, check, seeds

PER_CASE_SECONDS = 30.0  # a hang guard, far above any real parse

ops_strategy = st.lists(
    st.builds(
        Op,
        kind=st.sampled_from(OPS),
        pos=st.floats(0, 1, allow_nan=False),
        blob=st.binary(min_size=1, max_size=16),
        n=st.integers(0, 2**16),
    ),
    min_size=1,
    max_size=5,
)

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,  # the default run is reproducible; bench/fuzz.py explores
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


@pytest.fixture(autouse=True)
def _quiet_pdfminer(caplog):
    # pdfminer logs a warning for every damaged stream it recovers
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    yield
    logging.getLogger("pdfminer").setLevel(logging.NOTSET)


def _assert_contract(data: bytes, name: str) -> None:
    problem = check(data, name, PER_CASE_SECONDS)
    if problem is not None:
        raise AssertionError(f"{name} ({len(data)} bytes): {type(problem).__name__}: {problem}") from problem


@pytest.mark.parametrize("fmt", FORMATS)
def test_seeds_parse(fmt):
    """The seeds themselves are good filings (the fuzzer starts from real structure)."""
    for i, data in enumerate(seeds(fmt)[:2]):
        filing = parse_bytes(data, f"seed{i}.{fmt}")
        assert filing.kind in ("target_table", "self_evaluation", "budget_disclosure")


@pytest.mark.parametrize("fmt", FORMATS)
@FUZZ
@given(which=st.integers(0, 10), ops=ops_strategy)
def test_mutated_seeds(fmt, which, ops):
    pool = seeds(fmt)
    data = apply(fmt, pool[which % len(pool)], ops, others=pool)
    _assert_contract(data, f"fuzz.{fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
@settings(FUZZ, max_examples=60)
@given(data=st.binary(min_size=0, max_size=4096), magic=st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe"]))
def test_random_bytes(fmt, data, magic):
    _assert_contract(magic + data, f"random.{fmt}")


# --- regressions: each one failed with something other than a ParseError -------


def test_bom_utf8_with_invalid_utf8_is_an_encoding_error():
    # was UnicodeDecodeError from corpus/readers/text.py decode()
    data = codecs.BOM_UTF8 + "项目名称".encode("gb18030") + b"\xff\xfe\xc4\n"
    with pytest.raises(EncodingError) as err:
        parse_bytes(data, "bom.txt")
    assert "bom.txt" in str(err.value)


def _zip_with_version(version: int) -> bytes:
    data = bytearray(seeds("docx")[0])
    # bump "version needed to extract" in every central directory header
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        data[i + 6:i + 8] = version.to_bytes(2, "little")
        i = data.find(b"PK\x01\x02", i + 4)
    return bytes(data)


def test_zip_needing_unknown_version_is_corrupt():
    # was NotImplementedError("zip file version 8.4") from zipfile.ZipFile in check_zip()
    with pytest.raises(CorruptFile) as err:
        parse_bytes(_zip_with_version(84), "future.docx")
    assert "future.docx" in str(err.value)


def _rezip(data: bytes, member: str, body: bytes) -> bytes:
    zin = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, body if info.filename == member else zin.read(info))
    return buf.getvalue()


def test_xlsx_with_broken_sheet_xml_is_corrupt():
    # was xml.etree.ElementTree.ParseError while iterating a read-only sheet in read_xlsx()
    src = seeds("xlsx")[0]
    sheet = zipfile.ZipFile(io.BytesIO(src)).read("xl/worksheets/sheet1.xml")
    cut = sheet.find(b"<row", 600)
    data = _rezip(src, "xl/worksheets/sheet1.xml", sheet[:cut] + b"<row><<c" + sheet[cut:])
    with pytest.raises(CorruptFile) as err:
        parse_bytes(data, "broken-sheet.xlsx")
    assert "broken-sheet.xlsx" in str(err.value)


def test_xlsx_with_bad_member_crc_is_corrupt():
    # was zipfile.BadZipFile("Bad CRC-32") / zlib.error while iterating rows in read_xlsx()
    src = bytearray(seeds("xlsx")[0])
    # the CRC in the central directory entry of the sheet: only checked once the sheet is read through
    i = src.find(b"PK\x01\x02")
    while src[i + 46:i + 46 + len(b"xl/worksheets/sheet1.xml")] != b"xl/worksheets/sheet1.xml":
        i = src.find(b"PK\x01\x02", i + 4)
    src[i + 16:i + 20] = bytes(b ^ 0xFF for b in src[i + 16:i + 20])
    with pytest.raises(CorruptFile) as err:
        parse_bytes(bytes(src), "crc.xlsx")
    assert "crc.xlsx" in str(err.value)


def test_docx_with_bad_cell_attribute_loses_nothing():
    # the table XML is read directly: a malformed w:gridSpan counts as one column, the rest of the file reads
    src = seeds("docx")[0]
    body = zipfile.ZipFile(io.BytesIO(src)).read("word/document.xml")
    body = body.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="abc"/>', 1)
    if b'w:gridSpan w:val="abc"' not in body:
        body = body.replace(b"<w:tc>", b'<w:tc><w:tcPr><w:gridSpan w:val="abc"/></w:tcPr>', 1)
    assert b'w:val="abc"' in body
    damaged = parse_bytes(_rezip(src, "word/document.xml", body), "span.docx")
    intact = parse_bytes(src, "intact.docx")
    assert [p.name for p in damaged.projects] == [p.name for p in intact.projects]
    assert sum(len(p.indicators) for p in damaged.projects) == sum(len(p.indicators) for p in intact.projects)


def _pdf_with_bad_mediabox(box: bytes) -> bytes:
    return fuzzing.write_pdf(
        [
            b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox " + box + b">>",
        ]
    )


@pytest.mark.parametrize("box", [b"[0 0 200 /x /y 200]", b"null", b"(text)"])
def test_pdf_with_non_numeric_mediabox_is_corrupt(box):
    # was MalformedPDFException / TypeError raised from pdfplumber's close() in `with pdf:`,
    # which replaced the CorruptFile raised inside (read_pdf now closes quietly)
    with pytest.raises(ParseError) as err:
        parse_bytes(_pdf_with_bad_mediabox(box), "box.pdf")
    assert "box.pdf" in str(err.value)


def test_pdf_with_broken_page_dictionary_is_corrupt():
    # was PdfminerException(PSSyntaxError("Invalid dictionary construct")) from pdfplumber's close()
    data = fuzzing.write_pdf(
        [
            b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Resources<</Font<< /F1 >>/F2 >>>>",
        ]
    )
    with pytest.raises(ParseError) as err:
        parse_bytes(data, "dict.pdf")
    assert "dict.pdf" in str(err.value)

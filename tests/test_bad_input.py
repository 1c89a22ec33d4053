"""Bad input gets one clear line naming the file; nothing crashes, nothing is half-stored."""

from __future__ import annotations

import io
import zipfile

import pytest

from corpus.errors import CorruptFile, EmptyFile, EncryptedFile, NotAFiling, ParseError, TooLarge, UnsupportedFormat
from corpus.parse import parse_bytes, parse_file
from tests.conftest import WANLI_PDF


def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(EmptyFile) as err:
        parse_file(p)
    assert str(p) in str(err.value) and "文件为空" in str(err.value)


def test_unsupported_extension(tmp_path):
    p = tmp_path / "form.rtf"
    p.write_bytes(b"whatever")
    with pytest.raises(UnsupportedFormat) as err:
        parse_file(p)
    assert "form.rtf" in str(err.value) and ".rtf" in str(err.value)


def test_not_a_filing():
    with pytest.raises(NotAFiling) as err:
        parse_bytes("今天天气很好，我们去公园散步。\n".encode(), "diary.txt")
    assert "diary.txt" in str(err.value)


def test_binary_content_in_txt():
    with pytest.raises(NotAFiling):
        parse_bytes(b"\x00\x01\x02binary" * 100, "blob.txt")


def test_lying_extension_pdf_that_is_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    with pytest.raises(ParseError) as err:
        parse_bytes(buf.getvalue(), "report.pdf")
    assert "扩展名与内容不符" in str(err.value)


def test_truncated_pdf():
    data = WANLI_PDF.read_bytes()
    with pytest.raises((CorruptFile, NotAFiling)):
        parse_bytes(data[: len(data) // 3], "truncated.pdf")


def test_corrupt_docx():
    with pytest.raises(CorruptFile) as err:
        parse_bytes(b"PK\x03\x04" + b"garbage" * 50, "broken.docx")
    assert "broken.docx" in str(err.value)


def test_encrypted_office_file():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(EncryptedFile):
        parse_bytes(ole, "secret.docx")


def test_zip_bomb_docx_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("word/document.xml", b"\x00" * (300 * 2**20))
    with pytest.raises(TooLarge) as err:
        parse_bytes(buf.getvalue(), "bomb.docx")
    assert "bomb.docx" in str(err.value)


def test_encrypted_pdf(tmp_path):
    # a hand-written Standard-security Encrypt dictionary: no reader may open it without the password
    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"4 0 obj<</Filter/Standard/V 1/R 2/O(0123456789abcdef0123456789abcdef)"
        b"/U(0123456789abcdef0123456789abcdef)/P -4>>endobj\n"
        b"trailer<</Root 1 0 R/Encrypt 4 0 R/ID[<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]>>\n%%EOF"
    )
    with pytest.raises(EncryptedFile) as err:
        parse_bytes(pdf, "locked.pdf")
    assert "locked.pdf" in str(err.value)


def test_gibberish_pdf():
    with pytest.raises(CorruptFile):
        parse_bytes(b"%PDF-1.7\n" + b"nonsense " * 100, "junk.pdf")

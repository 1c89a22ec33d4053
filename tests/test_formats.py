"""Old Office formats read through LibreOffice; files are made by the test itself."""

from __future__ import annotations

import shutil
import subprocess

import pytest

soffice = shutil.which("soffice")
needs_lo = pytest.mark.skipif(soffice is None, reason="LibreOffice (soffice) not installed")


def _convert(src, fmt, tmp_path):
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/p", "--headless", "--convert-to", fmt,
                    "--outdir", str(tmp_path / "o"), str(src)], capture_output=True, timeout=120, check=True)
    return (tmp_path / "o" / (src.stem + "." + fmt)).read_bytes()


@needs_lo
def test_doc_made_by_libreoffice_reads_with_table_cells(tmp_path):
    import docx

    from corpus.readers import read_bytes

    d = docx.Document()
    d.add_paragraph("项目支出绩效目标表")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "项目名称", "农村公路养护"
    t.cell(1, 0).text, t.cell(1, 1).text = "主管部门", "县交通运输局"
    d.save(tmp_path / "f.docx")
    # python-docx's bare tables are dropped by LibreOffice's direct docx->doc export; via .odt they survive
    (tmp_path / "f.odt").write_bytes(_convert(tmp_path / "f.docx", "odt", tmp_path))
    doc = read_bytes(_convert(tmp_path / "f.odt", "doc", tmp_path), "f.doc")
    assert doc.format == "doc"
    assert ["项目名称", "农村公路养护"] in [line.cells for line in doc.lines]
    assert doc.lines[0].text == "项目支出绩效目标表"


@needs_lo
def test_xls_made_by_libreoffice_reads_rows(tmp_path):
    import openpyxl

    from corpus.readers import read_bytes

    wb = openpyxl.Workbook()
    wb.active.append(["项目名称", "农村公路养护"])
    wb.active.append(["年度资金总额", 120])
    wb.save(tmp_path / "f.xlsx")
    doc = read_bytes(_convert(tmp_path / "f.xlsx", "xls", tmp_path), "f.xls")
    assert doc.format == "xls"
    assert [line.cells for line in doc.lines] == [["项目名称", "农村公路养护"], ["年度资金总额", "120"]]


def test_missing_libreoffice_gives_install_message(monkeypatch):
    from corpus.readers import read_bytes
    from corpus.readers.legacy import ConverterMissing

    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ConverterMissing, match="x.doc.*libreoffice-writer-nogui"):
        read_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "x.doc")


def test_doc_extension_with_zip_content_is_refused():
    from corpus.errors import ParseError
    from corpus.readers import read_bytes

    with pytest.raises(ParseError, match="扩展名与内容不符"):
        read_bytes(b"PK\x03\x04" + b"\0" * 100, "x.doc")

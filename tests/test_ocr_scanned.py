"""Scanned PDFs (pages that are only pictures) read by OCR, and refused honestly without it.

The PDFs are built by the tests (tests/ocr_support.py): a real Putuo budget page rendered
to an image, and a ruled 绩效目标表 with merged cells drawn and rendered to an image.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from corpus.errors import ScannedWithoutOcr
from corpus.parse import parse_bytes
from corpus.readers import ocr as ocr_module
from tests.ocr_support import GOAL, INDICATORS, WQY, scanned_real_pages, scanned_target_table

COMMERCE = Path(__file__).resolve().parents[2] / "shared" / "real" / "putuo-2025-commerce-dept-budget.pdf"

needs_ocr = pytest.mark.skipif(not ocr_module.ocr_available(), reason="rapidocr-onnxruntime not installed")
needs_font = pytest.mark.skipif(not WQY.exists(), reason="fonts-wqy-zenhei not installed (the test draws the form)")


def _text_layer_pages(source: Path, pages: list[int]) -> bytes:
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(source))
    part = pdfium.PdfDocument.new()
    part.import_pages(src, [p - 1 for p in pages])
    buf = io.BytesIO()
    part.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def scanned_form() -> bytes:
    return scanned_target_table()


def test_scanned_pdf_has_no_text_layer(scanned_form: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(scanned_form)) as pdf:
        assert not (pdf.pages[0].extract_text() or "").strip()
        assert pdf.pages[0].images


@needs_ocr
@needs_font
def test_scanned_target_table_read_by_ocr(scanned_form: bytes) -> None:
    filing = parse_bytes(scanned_form, "扫描件.pdf")
    assert filing.kind == "target_table"
    assert filing.year == 2024
    (project,) = filing.projects
    assert project.name == "城乡居民健康体检服务"
    assert project.unit == "县疾病预防控制中心"
    assert project.department == "县卫生健康局"
    assert project.budget.sources == {"财政拨款": 1_200_000.0}
    # merged 一级/二级 cells are filled into every row they span
    got = [(i.level1, i.level2, i.name, i.raw_value) for i in project.indicators]
    assert got == [tuple(r) for r in INDICATORS]
    assert [(i.comparator, i.value, i.unit) for i in project.indicators][:2] == [("≥", 20000.0, "人次"), ("=", 12.0, "个")]
    assert any(GOAL[:20] in g for g in json.dumps(project.model_dump(), ensure_ascii=False).split('"'))
    assert any("OCR" in w and "第 1 页" in w for w in filing.warnings)
    assert project.span is None or project.span.page == 1


@needs_ocr
def test_scanned_real_budget_pages_read_as_their_text_layer() -> None:
    pages = [23, 24]
    scanned = parse_bytes(scanned_real_pages(COMMERCE, pages), "commerce-scan.pdf")
    text = parse_bytes(_text_layer_pages(COMMERCE, pages), "commerce-text.pdf")

    def facts(filing):
        return [
            (p.name, [(b.title, [d.normalized for d in b.doc_numbers]) for b in p.legal_bases], p.budget.breakdown)
            for p in filing.projects
        ]

    assert scanned.kind == text.kind == "budget_disclosure"
    assert facts(scanned) == facts(text)
    assert facts(scanned)[0][1] == [
        ("普陀区服务企业发展工作实施意见", ["普投资规范〔2023〕1号"]),
        ("普陀区支持科技创新实施意见", ["普科合规范〔2023〕3号"]),
    ]


def test_scanned_pdf_without_ocr_is_refused_with_install_line(scanned_form: bytes, monkeypatch) -> None:
    monkeypatch.setattr("corpus.readers.pdf_scanned.ocr_available", lambda: False)
    with pytest.raises(ScannedWithoutOcr) as err:
        parse_bytes(scanned_form, "扫描件.pdf")
    message = str(err.value)
    assert "扫描件.pdf" in message and "扫描件" in message and "rapidocr-onnxruntime" in message


def test_partly_scanned_pdf_without_ocr_warns_which_pages(monkeypatch) -> None:
    """Text pages are read; the scanned one is named in a warning, not dropped silently."""
    import pypdfium2 as pdfium

    text_pages = pdfium.PdfDocument(_text_layer_pages(COMMERCE, [23]))
    scan = pdfium.PdfDocument(scanned_real_pages(COMMERCE, [24]))
    text_pages.import_pages(scan)
    buf = io.BytesIO()
    text_pages.save(buf)
    monkeypatch.setattr("corpus.readers.pdf_scanned.ocr_available", lambda: False)
    filing = parse_bytes(buf.getvalue(), "mixed.pdf")
    assert [p.name for p in filing.projects] == ["科技创新专项"]
    assert any("第 2 页是扫描图片，未安装 OCR" in w for w in filing.warnings)


@needs_ocr
@needs_font
def test_ingest_stores_a_scanned_filing(scanned_form: bytes, tmp_path: Path) -> None:
    """End to end through the CLI: the scan is stored and its warning reported."""
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(scanned_form)
    env_home = tmp_path / "home"
    run = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--home", str(env_home), "ingest", str(folder)],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout + run.stderr
    assert "scan.pdf" in out and "OCR" in out
    show = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--home", str(env_home), "corpus", "list"],
        capture_output=True, text=True, timeout=120,
    )
    assert "城乡居民健康体检服务" in show.stdout

"""Scanned PDFs the OCR tests build themselves: pages that are only a picture.

Two sources: a page of the real Putuo budget PDF rendered to an image (its embedded
fonts, no system font needed), and a ruled 绩效目标表 drawn with reportlab in the
WenQuanYi font (Debian fonts-wqy-zenhei, installed by .ci/run) with merged cells as
filers draw them, then rendered to an image. Either way the PDF written has no text
layer, only the image, as a scanner produces.
"""

from __future__ import annotations

import io
from pathlib import Path

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

TARGET_TITLE = "2024年度项目支出绩效目标申报表"
TARGET_HEADER = [
    ["项目名称", "城乡居民健康体检服务", "主管部门", "县卫生健康局"],
    ["实施单位", "县疾病预防控制中心", "项目期限", "2024年1月-2024年12月"],
    ["年度资金总额（万元）", "120.00", "财政拨款（万元）", "120.00"],
]
GOAL = "完成全县65岁以上老年人健康体检2万人次，体检报告按时反馈，群众满意度达到90%以上。"
INDICATORS = [
    # 一级, 二级, 三级, 指标值
    ("产出指标", "数量指标", "体检人数", "≥20000人次"),
    ("产出指标", "数量指标", "覆盖乡镇数", "=12个"),
    ("产出指标", "质量指标", "体检报告合格率", "≥98%"),
    ("产出指标", "时效指标", "报告反馈时限", "≤15天"),
    ("效益指标", "社会效益指标", "慢性病早期发现率", "≥85%"),
    ("满意度指标", "服务对象满意度指标", "受检群众满意度", "≥90%"),
]


def _rasterize(pdf_bytes: bytes, scale: float = 2.0) -> bytes:
    """Every page as an image in a new PDF with no text layer."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf_bytes)
    try:
        images = [doc[i].render(scale=scale).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()
    out = io.BytesIO()
    images[0].save(out, format="PDF", resolution=72 * scale, save_all=True, append_images=images[1:])
    return out.getvalue()


def scanned_real_pages(source: Path, pages: list[int]) -> bytes:
    """Pages (1-based) of a real PDF, scanned."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(source))
    part = pdfium.PdfDocument.new()
    try:
        part.import_pages(src, [p - 1 for p in pages])
        buf = io.BytesIO()
        part.save(buf)
    finally:
        part.close()
        src.close()
    return _rasterize(buf.getvalue())


def scanned_target_table() -> bytes:
    """A ruled target table with 一级/二级 cells merged down, as a scan."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(TTFont("WQY", str(WQY), subfontIndex=0))
    title = ParagraphStyle("t", fontName="WQY", fontSize=15, leading=20, alignment=1)
    body = ParagraphStyle("b", fontName="WQY", fontSize=10.5, leading=14)
    rows: list[list[object]] = [list(r) for r in TARGET_HEADER]
    rows.append(["年度绩效目标", Paragraph(GOAL, body), "", ""])
    rows.append(["一级指标", "二级指标", "三级指标", "指标值"])
    rows.extend(list(r) for r in INDICATORS)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), "WQY"),
        ("FONTSIZE", (0, 0), (-1, -1), 10.5),
        ("GRID", (0, 0), (-1, -1), 0.8, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("SPAN", (1, 3), (3, 3)),
    ]
    first = 5
    for col in (0, 1):  # merge runs of equal 一级 / 二级 cells downwards, blanking the rest
        keys = [INDICATORS[i][: col + 1] for i in range(len(INDICATORS))]
        start = 0
        for i in range(1, len(keys) + 1):
            if i == len(keys) or keys[i] != keys[start]:
                if i - start > 1:
                    style.append(("SPAN", (col, first + start), (col, first + i - 1)))
                    for j in range(start + 1, i):
                        rows[first + j][col] = ""
                start = i
    table = Table(rows, colWidths=[110, 130, 150, 110])
    table.setStyle(TableStyle(style))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build([Paragraph(TARGET_TITLE, title), Spacer(1, 12), table])
    return _rasterize(buf.getvalue())

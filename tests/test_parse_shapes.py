"""Our own inputs in every text shape a filing arrives in (fictional units and projects)."""

from __future__ import annotations

import io

import pytest

from corpus.parse import parse_bytes

HEADER = """绩效目标申报表（2023年度）
申报单位名称：青禾县教育局
项目名称：乡村教师培训 项目类别：经常性项目
计划开始日期：2023-01-01 计划完成日期：2023-12-31
项目概况：
组织全县乡村教师开展学科能力培训。
立项依据：
1、《乡村教师支持计划实施办法》（青教发〔2021〕12号）2、关于印发《教师培训管理规定》的通知（青教【2022】5号）
项目实施计划：
（1）1-6月，完成40%（2）1-12月，完成100%
项目总预算（万元）： 120 项目当年预算（万元）： 120
"""

ROWS = [
    ("产出指标", "数量指标", "培训人次", "≥200人次"),
    ("", "", "兰溪路-真南路下立交工程巡查次数", "=12次"),
    ("", "质量指标", "培训合格率", ">=95%"),
    ("", "时效指标", "培训完成时间", "≤11月底"),
    ("效益指标", "社会效益指标", "参训教师教学能力提升", "显著"),
    ("满意度指标", "服务对象满意度指标", "参训教师满意度", "≥90%"),
]
EXPECTED = [
    ("产出指标", "数量指标", "培训人次", "≥200人次"),
    ("产出指标", "数量指标", "兰溪路-真南路下立交工程巡查次数", "=12次"),
    ("产出指标", "质量指标", "培训合格率", ">=95%"),
    ("产出指标", "时效指标", "培训完成时间", "≤11月底"),
    ("效益指标", "社会效益指标", "参训教师教学能力提升", "显著"),
    ("满意度指标", "服务对象满意度指标", "参训教师满意度", "≥90%"),
]


def _rows(filing):
    (project,) = filing.projects
    return [(i.level1, i.level2, i.name, i.raw_value) for i in project.indicators]


def _check_common(filing):
    assert filing.kind == "target_table"
    assert (filing.unit, filing.year) == ("青禾县教育局", 2023)
    (p,) = filing.projects
    assert p.name == "乡村教师培训"
    assert p.budget.current_year == 1_200_000.0
    assert [b.doc_number_normalized for b in p.legal_bases] == ["青教发〔2021〕12号", "青教〔2022〕5号"]
    assert [s.cumulative_percent for s in p.spending_plan] == [40.0, 100.0]
    assert _rows(filing) == EXPECTED


def test_tab_separated_rows():
    table = "一级指标\t二级指标\t三级指标\t指标值\n" + "\n".join("\t".join(r) for r in ROWS)
    _check_common(parse_bytes((HEADER + table).encode(), "tab.txt"))


def test_pipe_flattened_web_table():
    table = "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n|---|---|---|---|\n" + "\n".join(
        "| " + " | ".join(r) + " |" for r in ROWS
    )
    _check_common(parse_bytes((HEADER + table).encode(), "pipe.txt"))


def test_word_export_tab_led_cells_with_empty_template_rows():
    rows = ["\t一级指标\n\t二级指标\n\t三级指标\n\t指标值"]
    for r in ROWS:
        rows.append("\n".join("\t" + c for c in r))
    rows.append("\t\n\t\n\t指标2：\n\t")  # a template row left empty
    filing = parse_bytes((HEADER + "\n" + "\n\n".join(rows) + "\n").encode(), "word.txt")
    (p,) = filing.projects
    assert [(i.level1, i.level2, i.name, i.raw_value) for i in p.indicators if not i.empty] == EXPECTED
    (empty,) = [i for i in p.indicators if i.empty]
    assert (empty.raw_name, empty.level1, empty.level2) == ("指标2：", "满意度指标", "服务对象满意度指标")


def test_pdf_wrapped_cells_one_per_line():
    """Names wrap mid-word (兰溪路-真南路下立交工 / 程); a value stands on its own line."""
    table = """一级指标 二级指标 三级指标 指标值
产出指标

数量指标
培训人次 ≥200人次
兰溪路-真南路下立交工

程巡查次数
=12次
质量指标 培训合格率 >=95%
时效指标
培训完成时间 ≤11月底
效益指标
社会效益指标
参训教师教学能力提升 显著
满意度指标
服务对象满意度指标
参训教师满意度 ≥90%
"""
    _check_common(parse_bytes((HEADER + table).encode(), "pdf-like.txt"))


@pytest.mark.parametrize("encoding,bom", [("gb18030", b""), ("gbk", b""), ("utf-8", b"\xef\xbb\xbf")])
def test_encodings_detected(encoding, bom):
    table = "一级指标\t二级指标\t三级指标\t指标值\n" + "\n".join("\t".join(r) for r in ROWS)
    data = bom + (HEADER + table).encode(encoding)
    _check_common(parse_bytes(data, f"{encoding}.txt"))


def test_docx_tables_and_paragraphs():
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for line in HEADER.strip().split("\n"):
        d.add_paragraph(line)
    t = d.add_table(rows=1 + len(ROWS), cols=4)
    for j, h in enumerate(["一级指标", "二级指标", "三级指标", "指标值"]):
        t.cell(0, j).text = h
    for i, r in enumerate(ROWS, start=1):
        for j, c in enumerate(r):
            t.cell(i, j).text = c
    # a level written once for two rows as a vertically merged cell
    t.cell(1, 0).merge(t.cell(2, 0))
    buf = io.BytesIO()
    d.save(buf)
    filing = parse_bytes(buf.getvalue(), "form.docx")
    assert filing.source.format == "docx"
    _check_common(filing)


def test_xlsx_cells():
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in HEADER.strip().split("\n"):
        ws.append([line])
    ws.append(["一级指标", "二级指标", "三级指标", "指标值"])
    for r in ROWS:
        ws.append(list(r))
        for cell in ws[ws.max_row]:
            cell.data_type = "s"  # '=12次' typed as text (Excel's quote prefix), not a formula
    buf = io.BytesIO()
    wb.save(buf)
    filing = parse_bytes(buf.getvalue(), "form.xlsx")
    assert filing.source.format == "xlsx"
    _check_common(filing)

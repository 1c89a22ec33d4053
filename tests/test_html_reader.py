"""Saved web pages: real table cells with rowspan/colspan filled, through parse and the app upload."""

from __future__ import annotations

from corpus.parse import parse_bytes
from corpus.readers.html import read_html

PAGE = """<!DOCTYPE html><html><head><meta charset="gb2312"><title>绩效自评表</title>
<script>var x = "项目名称";</script><style>td{}</style></head><body>
<div class="nav">首页 &gt; 政府信息公开</div>
<p>中央转移支付某县全民健身中心项目绩效自评表</p><p>（2023年度）</p>
<table border="1">
<tr><td>转移支付(项目)名称</td><td colspan="3">某县全民健身中心项目</td></tr>
<tr><td>中央主管部门</td><td colspan="3">国家体育总局</td></tr>
<tr><td>地方主管部门</td><td>某县人民政府</td><td>资金使用单位</td><td>某县体育发展中心</td></tr>
<tr><td rowspan="2">资金投入情况（万元）</td><td>全年预算数(A)</td><td>全年执行数(B)</td><td>预算执行率(B/A×100%)</td></tr>
<tr><td>2000</td><td>1157.97</td><td>57.89%</td></tr>
<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td><td>全年实际完成值</td></tr>
<tr><td rowspan="2">产 出 指 标</td><td rowspan="2">数量指标</td><td>新建全民健身中心数量</td><td>=1个</td><td>1个</td></tr>
<tr><td>总建筑面积</td><td>≥6500平方米</td><td>6500平方米</td></tr>
<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>群众满意度</td><td>≥90%</td><td>95%</td></tr>
</table>
<p>扫一扫在手机打开当前页</p></body></html>"""


def test_html_table_cells_with_spans_filled():
    doc = read_html(PAGE.encode("gb18030"), "page.html")
    rows = [l.cells for l in doc.lines if l.cells]
    assert rows[0] == ["转移支付(项目)名称"] + ["某县全民健身中心项目"] * 3
    # rowspan repeats the merged cell on the next row
    assert rows[4][0] == "资金投入情况（万元）"
    assert rows[7][:3] == ["产 出 指 标", "数量指标", "总建筑面积"]
    assert not any("var x" in l.text for l in doc.lines)


def test_html_page_parses_into_a_filing():
    filing = parse_bytes(PAGE.encode("gb18030"), "page.htm")
    assert filing.source.format == "html"
    assert filing.kind == "self_evaluation"
    project = filing.projects[0]
    assert project.name == "某县全民健身中心项目"
    assert project.department == "国家体育总局"
    assert project.implementer == "某县体育发展中心"
    area = next(i for i in project.indicators if i.name == "总建筑面积")
    assert (area.level1, area.level2) == ("产出指标", "数量指标")
    assert (area.comparator, area.value, area.unit, area.actual) == ("≥", 6500.0, "平方米", "6500平方米")


def test_html_upload_in_the_app(tmp_path):
    from assistant.app_service import ingest_uploads

    src = tmp_path / "x.html"
    src.write_bytes(PAGE.encode("gb18030"))
    rep = ingest_uploads(tmp_path / "home", [(str(src), "自评表.html")])
    assert rep.failed == [] and len(rep.added) == 1

"""The cell stage and the cell-based form reader on the text shapes real web pages have.

Each test writes a small filing in one shape (modelled on ../shared/real/web) and
checks the facts that come out, through `parse_bytes` as a user's file would go.
"""

from __future__ import annotations

import pytest

from corpus.cells import build_rows, flat_cells, split_run_together
from corpus.errors import NotAFiling
from corpus.labels import label_of, normalize_label
from corpus.parse import parse_bytes
from corpus.readers.text import read_text


def _parse(text: str, name: str = "x.txt"):
    return parse_bytes(text.encode("utf-8"), name)


def _ind(filing, name):
    return next(i for i in filing.projects[0].indicators if i.name == name)


def test_labels_normalise_spacing_brackets_and_colons():
    assert normalize_label("绩 效 目 标：") == "绩效目标"
    assert normalize_label("资金情况 (万元)") == "资金情况"
    assert label_of("全年预算数(A)", "money") == "current_year"
    assert label_of("预算执行率(B/A×100%)", "money") == "execution_rate"
    assert label_of("其中:本年财政拨款", "money") == "src:财政拨款"
    assert label_of("项目支出名称", "fields") == "name"
    assert label_of("主管预算部门", "fields") == "department"
    assert label_of("资金使用单位", "fields") == "implementer"


def test_user_label_file_in_home_extends_the_lexicon(tmp_path, monkeypatch):
    from corpus import labels

    (tmp_path / "labels.toml").write_text('[fields]\nname = ["扶持对象名称"]\n', encoding="utf-8")
    monkeypatch.setenv("JIXIAO_HOME", str(tmp_path))
    labels._lexicon.cache_clear()
    try:
        assert label_of("扶持对象名称", "fields") == "name"
    finally:
        monkeypatch.delenv("JIXIAO_HOME")
        labels._lexicon.cache_clear()


def test_run_together_cells_split_at_labels():
    assert split_run_together("项目主管部门青山区教育局项目执行单位化工区学校") == [
        "项目主管部门", "青山区教育局", "项目执行单位", "化工区学校",
    ]
    # a word that is also a label, inside a name, is not a cut
    assert split_run_together("全年实际完成值") == ["全年实际完成值"]


PIPE_ONE_CELL_PER_LINE = """项目支出绩效目标自评表 |
||||||||
( 2019 年度) |
||||||||
项目名称 |
困难群众临时救助 |
|
|||||
主管部门 |
[155]某县民政局 |
|||||
资金情况(万元) |
|
全年预算数(A) |
全年执行数(B) |
分值 |
执行率(B/A) |
得分 |
||
|
年度资金总额: |
40 |
36 |
10 |
90% |
9 |
||
一级指标 |
二级指标 |
三级指标 |
分值 |
年度指标值 |
全年实际值 |
得分 |
未完成原因及拟采取的改进措施 |
|
产出指标(50分) |
数量指标 |
救助人次 |
20 |
>=120人次 |
131人次 |
20 |
|
|
质量指标 |
救助资金发放准确率 |
15 |
=100% |
100% |
15 |
|
|
满意度指标 |
服务对象满意度指标 |
救助对象满意度 |
10 |
≧90% |
95% |
10 |
|
总分 |
100 |
94 |
"""


def test_pipe_flattened_self_evaluation_one_cell_per_line():
    filing = _parse(PIPE_ONE_CELL_PER_LINE)
    assert filing.kind == "self_evaluation"
    assert filing.year == 2019
    project = filing.projects[0]
    assert project.name == "困难群众临时救助"
    assert project.department == "某县民政局"
    assert project.budget.current_year == 400000.0
    assert project.budget.executed == 360000.0
    assert project.budget.execution_rate == 90.0
    row = _ind(filing, "救助人次")
    assert (row.level1, row.level2) == ("产出指标", "数量指标")
    assert (row.comparator, row.value, row.unit) == ("≥", 120.0, "人次")
    assert (row.actual, row.weight, row.score) == ("131人次", 20.0, 20.0)
    sat = _ind(filing, "救助对象满意度")
    assert (sat.comparator, sat.value, sat.unit) == ("≥", 90.0, "%")
    assert filing.evaluation.score == 94.0


RUN_TOGETHER = """绩效目标表
(2020年度)
项目名称农村学校改造补助资金
项目主管部门某区教育局项目执行单位某区实验学校
资金情况
(万元)
年度资金总额:16
总体目标年度目标
全面改善农村义务教育薄弱学校办学条件,扩大基础教育资源。
绩效指标一级指标二级指标指标内容指标值
产出指标数量指标农村学校改造覆盖率100%
质量指标校舍维修改造质量合格率100%
效益指标社会效益指标义务教育均衡发展水平稳步提高
社会公众或服务对象满意度指标学生家长满意度≥90%
"""


def test_cells_run_together_target_table():
    filing = _parse(RUN_TOGETHER)
    assert filing.kind == "target_table"
    project = filing.projects[0]
    assert project.name == "农村学校改造补助资金"
    assert project.department == "某区教育局"
    assert project.implementer == "某区实验学校"
    assert project.budget.current_year == 160000.0
    cover = _ind(filing, "农村学校改造覆盖率")
    assert (cover.level1, cover.level2, cover.value, cover.unit) == ("产出指标", "数量指标", 100.0, "%")
    assert _ind(filing, "校舍维修改造质量合格率").level2 == "质量指标"
    sat = _ind(filing, "学生家长满意度")
    assert (sat.comparator, sat.value) == ("≥", 90.0)


SPACE_SEPARATED = """再生资源回收经费项目绩效目标表
(2021年)
项目名称 再生资源回收经费
主管部门 (433)某市供销合作社联合社
实施单位 (433001)某市供销合作社联合社
一级指标 二级指标 三级指标 指标性质 指标方向 目标值 计量单位 分值 备注
产出指标 数量指标 出差人次 正向 = 24 人/次 4
产出指标 质量指标 工作任务完成率 正向 = 100 % 4
产出指标 时效指标 项目财政资金到位时间 正向 = 44,561 44,561 10
"""


def test_space_separated_rows_with_nature_value_and_unit_columns():
    filing = _parse(SPACE_SEPARATED)
    trips = _ind(filing, "出差人次")
    assert (trips.comparator, trips.value, trips.unit, trips.weight) == ("=", 24.0, "人/次", 4.0)
    rate = _ind(filing, "工作任务完成率")
    assert (rate.value, rate.unit) == (100.0, "%")
    # an Excel date serial is flagged, not read as a count
    assert _ind(filing, "项目财政资金到位时间").date_serial_suspect is True
    assert any("Excel 日期序号" in w for w in filing.warnings)


def test_partial_document_warns_instead_of_refusing():
    text = "专项扶贫资金绩效目标申报表\n（2024年度）\n项目名称 |\n乡村道路硬化 |\n实施单位 |\n某县交通运输局 |\n年度目标 |\n完成道路硬化12公\ufffd"
    filing = _parse(text)
    assert filing.projects[0].name == "乡村道路硬化"
    assert filing.projects[0].unit == "某县交通运输局"
    assert any("不完整" in w for w in filing.warnings)


def test_name_falls_back_to_the_title():
    text = "某县图书馆资源购置项目支出绩效目标申报表\n（2020年度）\n一级指标 | 二级指标 | 三级指标 | 指标值 |\n产出指标 | 数量指标 | 新增藏书量 | ≥5000册 |\n"
    filing = _parse(text)
    assert filing.projects[0].name == "某县图书馆资源购置"
    assert any("取自表名" in w for w in filing.warnings)
    assert _ind(filing, "新增藏书量").value == 5000.0


def test_traditional_characters_are_read_as_simplified():
    text = "項目支出績效目標表\n（2020年度）\n項目名稱 | 忠烈祠免費開放 |\n主管部門 | 某區民族宗教事務局 |\n一級指標 | 二級指標 | 三級指標 | 指標值 |\n產出指標 | 數量指標 | 管理面積 | =230畝 |\n"
    filing = _parse(text)
    project = filing.projects[0]
    assert project.name == "忠烈祠免费开放"
    assert project.department == "某区民族宗教事务局"
    assert _ind(filing, "管理面积").value == 230.0


def test_page_chrome_and_provenance_are_not_part_of_the_filing():
    doc = read_text("# SOURCE: https://example.org/x\n# NOTE: 自评表\n索引号 123\n扫一扫在手机打开当前页\n项目名称 | 甲 |\n".encode(), "x.txt")
    texts = [c.text for c in flat_cells(build_rows(doc))]
    assert texts == ["项目名称", "甲"]


def test_text_without_any_form_is_still_refused():
    with pytest.raises(NotAFiling):
        _parse("今天天气很好。\n我们去公园散步。\n")


HUBEI_SELF_EVALUATION = """财政项目绩效自评表
（2021年度）
项目名称 | 医院建设补助 |
主管部门 | 某市卫生健康委 |
项目资金(万元) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分(20分*执行率) |
年度资金总额 | 1000 | 1000 | 100% | 20 |
一级指标 | 二级指标 | 三级指标 | 分值 | 年度指标值 | 实际完成值 | 得分 |
产出指标 | 数量指标 | 新建病房楼栋数 | 40 | =1栋 | 1栋 | 40 |
效益指标 | 社会效益指标 | 新增床位数 | 40 | ≥500张 | 520张 | 40 |
"""


def test_hubei_20_40_40_layout_is_recognised_and_checked_by_its_own_weights():
    from assistant.checks.engine import check_filing

    filing = _parse(HUBEI_SELF_EVALUATION)
    project = filing.projects[0]
    assert project.layout == "hubei-20-40-40"
    assert project.budget.executed == 10_000_000.0
    assert sum(r.weight for r in project.indicators) == 80.0
    assert not [f for f in check_filing(filing) if f.rule_id == "E-01"]
    # the same rows without the declared layout: 80 points is an error
    project.layout = None
    assert any(f.rule_id == "E-01" and f.severity == "error" for f in check_filing(filing))


@pytest.mark.parametrize(
    "cell, comparator, value, unit",
    [
        ("≧90%", "≥", 90.0, "%"),
        ("═100%", "=", 100.0, "%"),
        ("﹦5个", "=", 5.0, "个"),
        ("＞3次", ">", 3.0, "次"),
        ("≥80M", "≥", 80.0, "M"),
        ("250万", None, 250.0, "万"),
        ("=100.00(%)", "=", 100.0, "%"),
        ("2023.07-2024.01", None, None, None),
        ("2021年12月31日前", None, None, None),
        ("稳步提高", None, None, None),
    ],
)
def test_target_values_as_filed(cell, comparator, value, unit):
    text = f"绩效目标表\n项目名称 | 甲项目 |\n一级指标 | 二级指标 | 三级指标 | 指标值 |\n产出指标 | 数量指标 | 某指标 | {cell} |\n"
    row = _ind(_parse(text), "某指标")
    assert (row.comparator, row.value, row.unit) == (comparator, value, unit)
    assert row.raw_value == cell

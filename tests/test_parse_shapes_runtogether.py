"""Forms whose cells were run together: aggregator copies and doc-site chunks.

Every input is written here (fictional units and projects) in the shapes those
copies come in: one paragraph with no separators, or numbered chunks "1、" "2、"
that cut mid-cell, wrapped cells keeping a stray space, spaced-out labels, money
columns as a run of digits and OCR glyphs ('≥' read as 2, 10 as IO).
"""

from __future__ import annotations

from corpus.parse import parse_bytes
from corpus.shapes_runtogether import split_money_run


def _parse(text: str, name: str = "copy.txt"):
    filing = parse_bytes(text.encode("utf-8"), name)
    return filing, filing.projects[0]


def _row(project, name):
    return next(i for i in project.indicators if i.name == name)


SELF_EVAL_CHUNKS = (
    "《2021年度县级专项资金绩效目标自评表.docx》由会员分享,可在线阅读,更多相关《…》请在某文库上搜索。\n"
    "1、2021年度县级专项资金绩效目标自评表专项资金名称村道养护补助负责人及电话张三县级主管部门青禾县交通运输局"
    "实施单位青禾县公路所项目资金(万元)全年预算数(A)全年执行数(B)执行率(B/A)年度资金总额80.572.590%"
    "其他资金年度 总体 目标年初设定目标全年实际完成情况完成村道养护村道通行条件改善绩 效 指 标一级 指标二级 指标"
    "三级指标年度指标 值全年 完成值未完成原因和 改进措施产 出 指 标数量 指标养护村道里 程120公里118公里\n"
    "2、路面修补面积3000平方米3000平方米质量 指标养护工程验收合格 率100%100%时效 指标养护任务按期完成率100%"
    "100%效益 指标社会 效益 指标群众出行便利程度明显改善明显改善满意 度指 标服务 对象 满意 度指 标沿线群众满意度"
    "290%95%说明无注:1、其他资金包括…"
)


def test_chunks_are_joined_and_the_header_is_cut_at_labels():
    filing, project = _parse(SELF_EVAL_CHUNKS)
    assert filing.kind == "self_evaluation"
    assert project.name == "村道养护补助"
    assert project.department == "青禾县交通运输局"
    assert project.implementer == "青禾县公路所"
    assert project.budget.current_year == 805000
    assert project.budget.executed == 725000
    assert project.budget.execution_rate == 90


def test_indicator_rows_are_read_across_chunk_boundaries_and_wrapped_names():
    _, project = _parse(SELF_EVAL_CHUNKS)
    mileage = _row(project, "养护村道里程")
    assert (mileage.level1, mileage.level2) == ("产出指标", "数量指标")
    assert (mileage.value, mileage.unit, mileage.actual) == (120, "公里", "118公里")
    area = _row(project, "路面修补面积")  # the row the chunk boundary cut from its level
    assert (area.value, area.unit, area.actual) == (3000, "平方米", "3000平方米")
    assert _row(project, "养护工程验收合格率").level2 == "质量指标"
    assert _row(project, "养护任务按期完成率").actual == "100%"
    word = _row(project, "群众出行便利程度")
    assert (word.raw_value, word.actual, word.level2) == ("明显改善", "明显改善", "社会效益指标")
    satisfied = _row(project, "沿线群众满意度")  # '290%': '≥' read as 2
    assert (satisfied.comparator, satisfied.value, satisfied.actual) == ("≥", 90, "95%")
    assert satisfied.level1 == "满意度指标"


SCORED_PARAGRAPH = (
    "现已完成2022年项目绩效自评,附件:绩效目标自评表(2022年度)项目名称青禾县灌区量水设施改造项目主管部门青禾县水务局"
    "实施单位青禾县灌溉站资金情况(万元)全年预算数(A)全年执行数(B)分值执行率(B/A)得分年度资金总额:5040"
    "1080.00%8其中:本年财政拨款5040其他资金年度总体目标年初设定目标年度总体目标完成情况综述改造量水设施,"
    "绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及拟采取的改进措施产出指标(50分)"
    "数量指标改造量水堰20≥30座≥30座20质量指标工程验收合格率20100%100%20时效指标完工及时率10≥90%85%8"
    "效益指标(30分)社会效益指标灌溉用水计量状况30显著提升显著提升30满意度指标(10分)服务对象满意度指标"
    "受益农户满意度10≥90%≥90%10总分10096注:1.一级指标分值统一设置为…"
)


def test_a_scored_paragraph_splits_money_by_plausibility_and_reads_weights_and_scores():
    filing, project = _parse(SCORED_PARAGRAPH)
    budget = project.budget
    assert (budget.current_year, budget.executed, budget.execution_rate) == (500000, 400000, 80)
    assert budget.points == {"weight": 10, "score": 8}
    weirs = _row(project, "改造量水堰")
    assert (weirs.level1, weirs.weight, weirs.comparator, weirs.value, weirs.unit) == ("产出指标", 20, "≥", 30, "座")
    assert (weirs.actual, weirs.score) == ("≥30座", 20)
    quality = _row(project, "工程验收合格率")
    assert (quality.weight, quality.value, quality.actual, quality.score) == (20, 100, "100%", 20)
    late = _row(project, "完工及时率")
    assert (late.weight, late.value, late.actual, late.score) == (10, 90, "85%", 8)
    words = _row(project, "灌溉用水计量状况")
    assert (words.raw_value, words.actual, words.weight, words.score) == ("显著提升", "显著提升", 30, 30)
    assert _row(project, "受益农户满意度").score == 10
    assert filing.evaluation.score == 96


CHONGQING_CHUNKS = (
    "1、部门整体绩效自评表主管部门青禾区融媒体中心自评总分(分)95.5部门联系人李四联系电话部门预算执行情况"
    "年初预算数全年(调整)预算数全年执行数执行率(%)执行率权重执行率得分(分)O80%108当年绩效目标…\n"
    "2、指标名称计量单位指标性质年初指标值调整指标值年成值全完值得分系数(%)指标权重(分)指标得分(分)是否核心指标"
    "公用经费控制率%定量指标100%96%100%55否采访活动次数次定量指标300次320次100%1010是"
    "宣传工作成效性标定指好好100%33否"
)


def test_a_weighted_template_with_unit_and_nature_columns():
    filing, project = _parse(CHONGQING_CHUNKS)
    assert filing.evaluation.score == 95.5
    control = _row(project, "公用经费控制率")
    assert (control.value, control.unit, control.actual, control.weight, control.score) == (100, "%", "96%", 5, 5)
    visits = _row(project, "采访活动次数")
    assert (visits.value, visits.unit, visits.actual, visits.weight, visits.score) == (300, "次", "320次", 10, 10)
    word = _row(project, "宣传工作成效")  # '性标定指': 定性指标 with its characters out of order
    assert (word.raw_value, word.actual, word.weight) == ("好", "好", 3)


TRANSFER_NOTICE = (
    "各乡镇财政所:现下达专项资金12万元,请加强管理,附件:专项转移支付绩效目标表(2024年度)"
    "部门(单位)名称青禾县民政局部门预算编码310001项目名称困难群众临时救助补助区域东湖镇、西岭镇"
    "资金情况(万元)资金总额:12其中:财政拨款12其他资金总体目标保障困难群众基本生活,"
    "绩效指标一级指标二级指标三级指标指标解释区域目标值东湖镇西岭镇产出指标数量指标救助人次"
    "反映救助人次情况≥40人次≥25人次质量指标救助对象认定准确率反映认定准确情况≥98%≥98%"
)


def test_per_recipient_columns_keep_the_first_recipients_target():
    filing, project = _parse(TRANSFER_NOTICE)
    assert project.name == "困难群众临时救助补助"
    assert project.unit == "青禾县民政局"
    assert project.budget.total == 120000
    count = _row(project, "救助人次")
    assert (count.comparator, count.value, count.unit) == ("≥", 40, "人次")
    assert _row(project, "救助对象认定准确率").value == 98


def test_money_runs_split_where_the_rate_matches():
    assert split_money_run("64.864.864.8100%", ["total", "current_year", "executed", "execution_rate"]) == (
        0, ["64.8", "64.8", "64.8", "100%"])
    # only the last columns filled, an OCR '0' standing for the blank before them
    assert split_money_run("076%107.6", ["total", "current_year", "executed", "execution_rate", "weight", "score"]) == (
        3, ["76%", "10", "7.6"])


def test_ordinary_lines_are_left_to_the_other_readers():
    from corpus.readers.base import Line
    from corpus.shapes_runtogether import recover

    lines = [Line(text="项目名称 村道养护 主管部门 青禾县交通运输局 实施单位 青禾县公路所", no=1),
             Line(text="年初预算数 50 全年预算数 50 全年执行数 40 执行率 80%", no=2)]
    assert recover(lines) == {}

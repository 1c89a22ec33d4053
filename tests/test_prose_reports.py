"""Prose self-evaluation reports: the filing body, project and money from the heading and sentences.

Inputs are written here (fictional bodies) in the shapes government pages publish:
a page with 来源 chrome, a '关于上报…的报告' heading, a '现将…报告如下' first paragraph.
"""

from __future__ import annotations

import pytest

from corpus.parse import parse_bytes
from corpus.parsers.report_heading import report_parts

PAGE = """当前位置：首页>通知公告
日期：2024-05-10  来源：青禾县退役军人事务局
关于上报2023年优抚对象临时救助项目支出绩效自评的报告
县财政局：
根据要求，我局对2023年优抚对象临时救助项目开展了绩效自评，现将有关情况报告如下。
一、项目基本情况
2023年收到财政资金共120.5万元，其中中央资金80万元。2023年支出118.2万元，执行率98.09%。
二、绩效目标完成情况
资金全部按时发放到优抚对象个人账户，发放及时率100%。
"""

INTRO = """为做好2022年衔接资金项目绩效管理工作，现将2022年青禾县交通运输局衔接资金项目绩效自评总结报告如下：
一、绩效目标分解下达情况
我县2022年村道硬化项目计划投资300万元，新建道路12公里。
项目资金共300万元，截止12月10日，已完成拨付285.5万元，执行率95%。
"""


@pytest.mark.parametrize(
    "title, expected",
    [
        ("重庆市青禾区发展和改革委员会2020年度部门整体支出绩效自评报告", ("重庆市青禾区发展和改革委员会", None)),
        ("2021年青禾市发展和改革局部门整体支出绩效自评报告", ("青禾市发展和改革局", None)),
        ("青禾市图书馆2022年度项目支出绩效自评报告(2022年中央支持地方公共文化服务体系建设补助资金)",
         ("青禾市图书馆", "2022年中央支持地方公共文化服务体系建设补助资金")),
        ("关于上报2023年1-4级残疾军人护理费项目支出绩效自评的报告", (None, "1-4级残疾军人护理费项目")),
        ("优抚对象生活补助经费转移支付2023年度绩效自评报告", (None, "优抚对象生活补助经费")),
        ("关于2021年度地质灾害群测群防项目资金绩效评价报告", (None, "地质灾害群测群防项目")),
    ],
)
def test_report_heading_names_body_and_project(title, expected):
    assert report_parts(title) == expected


def test_prose_report_from_a_government_page():
    filing = parse_bytes(PAGE.encode("utf-8"), "救助自评报告.txt")
    assert filing.kind == "self_evaluation"
    project = filing.projects[0]
    assert project.name == "优抚对象临时救助项目"
    assert project.unit == "青禾县退役军人事务局"  # the page's 来源
    assert (project.budget.current_year, project.budget.executed) == (1205000, 1182000)
    assert filing.title == "关于上报2023年优抚对象临时救助项目支出绩效自评的报告"


def test_prose_report_announced_in_its_first_paragraph():
    filing = parse_bytes(INTRO.encode("utf-8"), "衔接资金自评.txt")
    project = filing.projects[0]
    assert project.unit == "青禾县交通运输局"
    assert (project.budget.current_year, project.budget.executed) == (3000000, 2855000)

"""Targets written in words ('60%及以上', '5天以内') and level names written as '产出数量'."""

from __future__ import annotations

import pytest

from corpus.indicators import classify_label
from corpus.normalize import split_value


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("60%及以上", ("≥", 60.0, None, "%")),
        ("95%以上", ("≥", 95.0, None, "%")),
        ("5天以内", ("≤", 5.0, None, "天")),
        ("3次及以下", ("≤", 3.0, None, "次")),
        ("≥90%以上", ("≥", 90.0, None, "%")),
        ("10个", (None, 10.0, None, "个")),
        ("11月底前", (None, None, None, None)),
    ],
)
def test_bounds_written_in_words(raw, expected):
    assert split_value(raw) == expected


@pytest.mark.parametrize(
    "label, expected",
    [("产出数量", ("L2", "数量")), ("产出时效", ("L2", "时效")), ("产出成本", ("L2", "成本")), ("产出", ("L1", "产出"))],
)
def test_level_two_written_after_its_level_one(label, expected):
    assert classify_label(label) == expected

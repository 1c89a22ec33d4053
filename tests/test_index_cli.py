"""The CLI through its runner, with a real tiny sentence-transformers model built here."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

import assistant.cli  # noqa: F401  registers the commands
from assistant.cli_app import app
from tests.index_support import SAMPLE, SEED_000, build_tiny_model, seed_filing

runner = CliRunner()


def run(home, *args):
    return runner.invoke(app, ["--home", str(home), *args])


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    pytest.importorskip("sentence_transformers")
    base = tmp_path_factory.mktemp("models")
    _, filing = seed_filing()
    texts = [i.name for p in filing.projects for i in p.indicators] + ["起重机械检测抽查满意度立项依据"]
    return build_tiny_model(base / "a", texts, hidden=32), build_tiny_model(base / "b", texts, hidden=16, seed=1)


def test_lexical_only_end_to_end(tmp_path):
    home = tmp_path / "home"
    r = run(home, "ingest", "-q", str(SEED_000))
    assert r.exit_code == 0 and "还没有检索索引" in r.output
    r = run(home, "index", "build", "-q", "--lexical-only")
    assert r.exit_code == 0, r.output
    assert "仅关键词" in r.output and "语义检索未开启" in r.output
    r = run(home, "index", "status")
    assert "语义检索未开启" in r.output and "与语料库一致" in r.output and "开启方法" in r.output
    r = run(home, "search", "起重机械 检测 抽查", "--type", "indicator", "-k", "3")
    assert r.exit_code == 0, r.output
    assert "语义检索未开启" in r.output and "仅关键词" in r.output
    assert "[1] 指标 · 产出 / 数量 · 建筑起重机械使用安全监督检测抽查工地数  =30个" in r.output
    assert "第83行" in r.output and "同样措辞用于 1 个文件（2020）" in r.output
    r = run(home, "search", "群众满意度", "--level1", "效益", "--level2", "满意度", "--year", "2019..2021", "--json")
    data = json.loads(r.output)
    assert data["mode"] == "lexical" and not data["semantic_enabled"]
    assert data["hits"] and all(h["passage"]["subcategory"] == "满意度" for h in data["hits"])
    assert data["hits"][0]["lexical_score"] > 0 and data["hits"][0]["semantic_score"] is None


def test_ingest_keeps_index_current_and_status_reports_stale(tmp_path):
    if not SAMPLE.exists():
        pytest.skip("sample corpus not present")
    home = tmp_path / "home"
    run(home, "ingest", "-q", str(SEED_000))
    run(home, "index", "build", "-q", "--lexical-only")
    sample = next(p for p in sorted(SAMPLE.glob("tt_*.txt")))
    r = run(home, "ingest", "-q", str(sample))
    assert "索引已更新：新增 1 个文件" in r.output
    assert "与语料库一致" in run(home, "index", "status").output
    # a deletion behind the index's back makes it stale
    from corpus.store import CorpusStore

    with CorpusStore(home) as store:
        store.delete(next(i for i in store.ids() if i != seed_filing()[0]))
    st = run(home, "index", "status")
    assert "已过期" in st.output and "删除 1" in st.output
    r = run(home, "search", "满意度")
    assert "索引已过期" in r.output
    assert "删除 0" not in run(home, "index", "update").output
    assert "与语料库一致" in run(home, "index", "status").output
    # `corpus remove` updates the index itself: the filing's passages are gone at once
    assert "索引已更新：新增 1 个文件" in run(home, "ingest", "-q", str(sample)).output
    sample_id = next(i for i in json.loads(run(home, "corpus", "list", "--json").output) if i["path"].endswith(sample.name))["id"]
    assert run(home, "search", "满意度", "--json").output.count(sample_id) > 0
    r = run(home, "corpus", "remove", sample_id[:10], "nosuchid")
    assert r.exit_code == 1 and f"已移除：{sample_id}" in r.output and "索引已更新" in r.output
    assert "没有编号为 nosuchid 的文件" in r.output
    assert "与语料库一致" in run(home, "index", "status").output
    assert sample_id not in run(home, "search", "满意度", "--json").output


@pytest.mark.parametrize(
    "args, message",
    [
        (["search", ""], "检索词为空"),
        (["search", "，。的"], "只有停用词或标点"),
        (["search", "满意度", "--type", "foo"], "类型“foo”不存在"),
        (["search", "满意度", "--level1", "外星"], "一级指标“外星”在索引中不存在"),
        (["search", "满意度", "--year", "明年"], "格式不对"),
        (["search", "满意度", "--mode", "magic"], "检索方式“magic”不存在"),
    ],
)
def test_cli_error_messages(tmp_path, args, message):
    home = tmp_path / "home"
    run(home, "ingest", "-q", str(SEED_000))
    run(home, "index", "build", "-q", "--lexical-only")
    r = run(home, *args)
    assert r.exit_code == 2 and message in r.output


def test_cli_missing_and_corrupted_index(tmp_path):
    home = tmp_path / "home"
    r = run(home, "search", "满意度")
    assert r.exit_code == 2 and "请先运行 jixiao index build" in r.output
    assert "还没有检索索引" in run(home, "index", "status").output
    run(home, "ingest", "-q", str(SEED_000))
    run(home, "index", "build", "-q", "--lexical-only")
    (home / "index" / "manifest.json").write_text("garbage", encoding="utf-8")
    r = run(home, "search", "满意度")
    assert r.exit_code == 2 and "已损坏" in r.output and "index build" in r.output
    assert "已损坏" in run(home, "index", "status").output
    assert run(home, "index", "build", "-q", "--lexical-only").exit_code == 0
    shutil.rmtree(home / "index" / "bm25")
    r = run(home, "search", "满意度")
    assert r.exit_code == 2 and "缺失" in r.output


def test_semantic_with_tiny_model_and_refusals(tmp_path, tiny_models):
    from assistant import search_service

    model_a, model_b = tiny_models
    home = tmp_path / "home"
    run(home, "ingest", "-q", str(SEED_000))
    r = run(home, "index", "build", "-q", "--model", str(model_a))
    assert r.exit_code == 0, r.output
    assert "关键词 + 语义" in r.output
    st = run(home, "index", "status", "--json")
    data = json.loads(st.output)
    assert data["semantic_enabled"] and data["dimension"] == 32 and data["model_id"] == str(model_a.resolve())
    r = run(home, "search", "起重机械 检测 抽查", "--json", "-k", "5")
    data = json.loads(r.output)
    assert data["mode"] == "hybrid" and data["semantic_enabled"] and not data["notices"]
    assert any(h["semantic_score"] is not None for h in data["hits"])
    assert any(h["lexical_score"] is not None for h in data["hits"])
    r = run(home, "search", "起重机械", "--model", str(model_b))
    assert r.exit_code == 2 and "维度是 16" in r.output and "重建索引" in r.output
    # the model disappears: search still works, lexically, and says so
    search_service._loaded.clear()
    shutil.move(str(model_a), str(model_a) + ".gone")
    try:
        r = run(home, "search", "起重机械 检测 抽查", "-k", "2")
        assert r.exit_code == 0 and "语义检索未开启" in r.output and "仅关键词" in r.output
        assert "[1] 指标" in r.output
    finally:
        shutil.move(str(model_a) + ".gone", str(model_a))
        search_service._loaded.clear()


def test_build_without_any_model_falls_back_with_reason(tmp_path, monkeypatch):
    home = tmp_path / "home"
    run(home, "ingest", "-q", str(SEED_000))
    r = run(home, "index", "build", "-q", "--model", str(tmp_path / "no-such-model"))
    assert r.exit_code == 0 and "仅关键词" in r.output
    assert "模型目录" in r.output and "不存在" in r.output and "开启方法" in r.output

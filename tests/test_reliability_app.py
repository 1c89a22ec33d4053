"""Issue 14: checks and uploads run on their own queue, so a heavy check never blocks search."""

from __future__ import annotations

import pytest


def test_check_and_upload_do_not_share_search_queue(tmp_path) -> None:
    pytest.importorskip("gradio", reason="Gradio is not installed (pip install 'jixiao[app]')")
    from ui.app import build_app

    demo = build_app(tmp_path / "empty")
    by_name: dict[str, set] = {}
    for fn in demo.fns.values():
        by_name.setdefault(getattr(fn.fn, "__name__", None) or getattr(getattr(fn.fn, "func", None), "__name__", ""),
                           set()).add((fn.concurrency_id, fn.concurrency_limit))
    search = by_name["do_search"]
    check = by_name["check_upload"]
    assert {cid for cid, _ in search}.isdisjoint({cid for cid, _ in check}), (search, check)
    assert all(limit and limit <= 4 for _, limit in check | search)

"""Build hostile files and print wall time and peak memory of parsing each, in a child process.

Run: python bench/hostile_files.py   (docx vertical merges, PDF glyph bombs, an xlsx claiming
A1:XFD1048576, a FIFO, a char device, then seed 000 with a 48 MB paragraph: ingest, index
build and searches after it)

    python bench/hostile_files.py [--paragraph-mb 48] [--only-paragraph]
"""

from __future__ import annotations

import io
import multiprocessing as mp
import os
import resource
import tempfile
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the builders live with the tests


def _merged_docx(rows: int) -> bytes:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    t = d.add_table(rows=rows, cols=3)
    t.cell(0, 0).text = "产出指标"
    for i, row in enumerate(t.rows):
        row.cells[1].text = f"指标{i}"
        vm = OxmlElement("w:vMerge")
        if i == 0:
            vm.set(qn("w:val"), "restart")
        row.cells[0]._tc.get_or_add_tcPr().append(vm)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _child(path: str, q: mp.Queue) -> None:
    from corpus.errors import ParseError
    from corpus.parse import parse_file

    t = time.monotonic()
    try:
        parse_file(path)
        outcome = "parsed"
    except ParseError as exc:
        outcome = str(exc)[-60:]
    q.put((time.monotonic() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, outcome))


def measure(path: str) -> tuple[float, float, str]:
    q: mp.Queue = mp.get_context("fork").Queue()
    p = mp.get_context("fork").Process(target=_child, args=(path, q))
    p.start()
    p.join(600)
    if p.is_alive():
        p.kill()
        return 600.0, 0.0, "killed after 600 s"
    return q.get()


def _paragraph_child(mb: float, tmp: str, q: mp.Queue) -> None:
    """Seed 000 with one `mb` MB paragraph in 项目概况: parse + store + lexical index, then 20 searches."""
    from corpus.ingest import ingest_paths
    from corpus.store import CorpusStore
    from index.searcher import SearchIndex, build_index
    from tests.conftest import SEED_000

    text = SEED_000.read_text(encoding="utf-8")
    sentence = "本项目对全市在建工程开展监督抽查并形成整改闭环，"
    para = (sentence * 40 + "。") * int(mb * 1e6 / (len(sentence.encode()) * 40 + 3))
    at = text.index("项目概况") + len("项目概况")
    path = Path(tmp) / "long-paragraph.txt"
    path.write_text(text[:at] + "\n" + para + text[at:], encoding="utf-8")
    home = Path(tmp) / "home"
    t = time.monotonic()
    with CorpusStore(home) as store:
        report = ingest_paths(store, [path])
        build_index(home / "index", store.iter_filings(), store.ids(), None)
    ingest_s = time.monotonic() - t
    idx = SearchIndex.load(home / "index")
    times = []
    for qtext in ["起重机械 检测 抽查", "监督抽查 整改闭环", "建材监督抽检合格率"] * 7:
        t = time.monotonic()
        resp = idx.search(qtext, k=10, mode="lexical")
        times.append(time.monotonic() - t)
    times.sort()
    longest = max(len(h.passage.text) for h in resp.hits)
    q.put((path.stat().st_size / 1e6, len(report.failed), len(idx.rows), ingest_s, times[len(times) // 2],
           resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, longest))


def paragraph_case(mb: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        q: mp.Queue = mp.get_context("fork").Queue()
        p = mp.get_context("fork").Process(target=_paragraph_child, args=(mb, tmp, q))
        p.start()
        size, failed, rows, ingest_s, p50, mib, longest = q.get(timeout=1800)
        p.join()
    print(f"seed 000 + one paragraph, {size:.1f} MB: failed {failed}, {rows:,} passages, ingest + index "
          f"{ingest_s:.1f} s, search p50 {p50 * 1000:.1f} ms, peak {mib:.0f} MiB, longest hit {longest} chars")


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--paragraph-mb", type=float, default=48.0)
    ap.add_argument("--only-paragraph", action="store_true")
    a = ap.parse_args()
    if not a.only_paragraph:
        files()
    paragraph_case(a.paragraph_mb)


def files() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cases: list[tuple[str, str]] = []
        for rows in (500, 1000):
            f = Path(tmp) / f"vmerge{rows}.docx"
            f.write_bytes(_merged_docx(rows))
            cases.append((f"docx, {rows} vertically merged rows", str(f)))
        from tests.test_reliability_readers import _claim_whole_sheet, _xlsx_with_sheet, glyph_bomb_pdf

        for glyphs in (1_500_000, 5_000_000):
            f = Path(tmp) / f"glyphs{glyphs}.pdf"
            f.write_bytes(glyph_bomb_pdf(glyphs))
            cases.append((f"pdf, 1 page, {glyphs:,} glyphs ({f.stat().st_size / 1024:.1f} KB)", str(f)))
        f = Path(tmp) / "claim.xlsx"
        f.write_bytes(_xlsx_with_sheet(_claim_whole_sheet))
        cases.append(("xlsx claiming A1:XFD1048576 + cell XFD1048576", str(f)))
        fifo = Path(tmp) / "x.txt"
        os.mkfifo(fifo)
        cases += [("FIFO named x.txt", str(fifo)), ("char device /dev/zero", "/dev/zero")]
        print(f"{'case':48} {'seconds':>8} {'peak MiB':>9}  outcome")
        for name, path in cases:
            secs, mib, outcome = measure(path)
            print(f"{name:48} {secs:8.2f} {mib:9.0f}  {outcome}")


if __name__ == "__main__":
    main()

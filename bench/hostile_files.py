"""Build hostile files and print wall time and peak memory of parsing each, in a child process.

Run: python bench/hostile_files.py   (covers: docx vertical merges, FIFO, char device so far)
"""

from __future__ import annotations

import io
import multiprocessing as mp
import os
import resource
import tempfile
import time
from pathlib import Path


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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cases: list[tuple[str, str]] = []
        for rows in (500, 1000):
            f = Path(tmp) / f"vmerge{rows}.docx"
            f.write_bytes(_merged_docx(rows))
            cases.append((f"docx, {rows} vertically merged rows", str(f)))
        fifo = Path(tmp) / "x.txt"
        os.mkfifo(fifo)
        cases += [("FIFO named x.txt", str(fifo)), ("char device /dev/zero", "/dev/zero")]
        print(f"{'case':40} {'seconds':>8} {'peak MiB':>9}  outcome")
        for name, path in cases:
            secs, mib, outcome = measure(path)
            print(f"{name:40} {secs:8.2f} {mib:9.0f}  {outcome}")


if __name__ == "__main__":
    main()

"""Hostile files: bombs, lies and tricks are refused with a message naming the file,
within bounded memory, and the rest of the batch is still ingested.

All hostile files are built in memory (bombs are small on disk: they are
compressed) and parsed in one child process limited to 1.5 GiB of address space,
so a reader that inflates a bomb fails the test with a MemoryError instead of
taking the machine down.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path

import pytest

from corpus.readers.base import MAX_PDF_PAGES, MAX_TABLE_DEPTH
from tests import fuzzing
from tests.conftest import REPO, SEED_000, SEED_004

AS_LIMIT = 1536 * 2**20


def _zeros_member(z: zipfile.ZipFile, name: str, mib: int, head: bytes = b"", tail: bytes = b"") -> None:
    """Write `mib` MiB of filler into a member without holding it in memory."""
    with z.open(name, "w", force_zip64=True) as w:
        w.write(head)
        block = b" " * 2**20
        for _ in range(mib):
            w.write(block)
        w.write(tail)


def _office_with(src: bytes, member: str, mib: int) -> bytes:
    """A copy of an Office file whose `member` is padded with `mib` MiB of blanks (inside its XML)."""
    zin = zipfile.ZipFile(io.BytesIO(src))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == member:
                cut = body.rfind(b"</")
                _zeros_member(z, member, mib, body[:cut], body[cut:])
            else:
                z.writestr(info.filename, body)
    return buf.getvalue()


def _lie_about_size(data: bytes, member: str, size: int = 1000) -> bytes:
    """Rewrite the member's uncompressed size in both headers (and fix its CRC to match that many bytes)."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    info = zin.getinfo(member)
    assert info.file_size < 2**32 and info.compress_size < 2**32
    with zin.open(info) as f:
        prefix = f.read(size)
    crc = zlib.crc32(prefix)
    out = bytearray(data)
    name = member.encode()
    for sig, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        i = out.find(sig)
        while i >= 0:
            if out[i + name_at:i + name_at + len(name)] == name:
                out[i + size_at:i + size_at + 4] = struct.pack("<I", size)
                out[i + size_at - 8:i + size_at - 4] = struct.pack("<I", crc)
            i = out.find(sig, i + 4)
    return bytes(out)


def _office_plain(src: bytes, member: str, mib: int) -> bytes:
    """Like _office_with but without zip64 extras (so the 32-bit header sizes can be rewritten)."""
    zin = zipfile.ZipFile(io.BytesIO(src))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == member:
                cut = body.rfind(b"</")
                with z.open(member, "w") as w:
                    w.write(body[:cut])
                    for _ in range(mib):
                        w.write(b" " * 2**20)
                    w.write(body[cut:])
            else:
                z.writestr(info.filename, body)
    return buf.getvalue()


def _deep_docx(levels: int) -> bytes:
    """A docx whose body holds tables nested `levels` deep, written as raw XML."""
    src = fuzzing.seeds("docx")[0]
    body = zipfile.ZipFile(io.BytesIO(src)).read("word/document.xml")
    nest = b"<w:tbl><w:tr><w:tc>" * levels + b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" + b"</w:tc></w:tr></w:tbl><w:p/>" * levels
    body = body.replace(b"<w:body>", b"<w:body>" + nest, 1)
    zin = zipfile.ZipFile(io.BytesIO(src))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            z.writestr(info.filename, body if info.filename == "word/document.xml" else zin.read(info))
    return buf.getvalue()


def _pdf_bomb(mib: int) -> bytes:
    comp = zlib.compressobj(9)
    parts = [comp.compress(b"BT /F1 12 Tf 20 100 Td (x) Tj ET\n")]
    block = b" " * 2**20
    for _ in range(mib):
        parts.append(comp.compress(block))
    parts.append(comp.flush())
    stream = b"".join(parts)
    return fuzzing.write_pdf(
        [
            b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Kids[4 0 R]/Count 1>>",
            b"<</Length %d/Filter/FlateDecode>>stream\n" % len(stream) + stream + b"\nendstream",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 3 0 R>>",
        ]
    )


def _pdf_claiming_pages(count: int) -> bytes:
    data = fuzzing.small_pdf(1)
    return data.replace(b"/Count 1>>", b"/Count %d>>" % count)


def _encrypted_pdf() -> bytes:
    pypdf = pytest.importorskip("pypdf")  # test-only dependency (the `test` extra)
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(fuzzing.small_pdf(1)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _hostile(tmp: Path) -> dict[str, tuple[bytes, str]]:
    """name → (bytes, the ParseError subclass expected)."""
    docx_seed, xlsx_seed = fuzzing.seeds("docx")[0], fuzzing.seeds("xlsx")[0]
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as z:
        z.writestr("word/document.xml", b"<x/>")
        for i in range(10_001):
            z.writestr(f"m/{i}", b"")
    return {
        "ratio-bomb.docx": (_office_with(docx_seed, "word/document.xml", 60), "TooLarge"),
        "huge-member.docx": (_office_with(docx_seed, "word/document.xml", 210), "TooLarge"),
        "ratio-bomb.xlsx": (_office_with(xlsx_seed, "xl/worksheets/sheet1.xml", 60), "TooLarge"),
        "huge-member.xlsx": (_office_with(xlsx_seed, "xl/worksheets/sheet1.xml", 210), "TooLarge"),
        "lying-size.docx": (_lie_about_size(_office_plain(docx_seed, "word/document.xml", 400), "word/document.xml"), "TooLarge"),
        "lying-size.xlsx": (_lie_about_size(_office_plain(xlsx_seed, "xl/worksheets/sheet1.xml", 400), "xl/worksheets/sheet1.xml"), "TooLarge"),
        "many-members.docx": (many.getvalue(), "TooLarge"),
        "nested-tables.docx": (fuzzing.make_docx(fuzzing.seed_lines(0)[:10], nested=MAX_TABLE_DEPTH + 2), "TooLarge"),
        "very-deep-tables.docx": (_deep_docx(3000), "CorruptFile"),
        "flate-bomb.pdf": (_pdf_bomb(300), "TooLarge"),
        "many-pages.pdf": (fuzzing.small_pdf(MAX_PDF_PAGES * 10), "TooLarge"),
        "claims-pages.pdf": (_pdf_claiming_pages(2_000_000_000), "NotAFiling"),
        "encrypted.pdf": (_encrypted_pdf(), "EncryptedFile"),
        "empty.txt": (b"", "EmptyFile"),
        "blank.docx": (b"  \n\t ", "EmptyFile"),
        "pdf-named.xlsx": (fuzzing.small_pdf(1), "ParseError"),
        "text-named.pdf": ("项目名称：不是 PDF\n".encode(), "ParseError"),
        "zip-named.txt": (docx_seed, "ParseError"),
    }


CHILD = textwrap.dedent(
    """
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    sys.path.insert(0, {repo!r})
    from corpus.parse import parse_file
    from corpus.errors import ParseError
    from corpus.ingest import ingest_paths
    from corpus.store import CorpusStore
    folder, home = sys.argv[1], sys.argv[2]
    names = json.loads(sys.argv[3])
    out = {{"parse": {{}}}}
    for name in names:
        try:
            parse_file(folder + "/" + name)
            out["parse"][name] = ["Filing", ""]
        except ParseError as exc:
            out["parse"][name] = [type(exc).__name__, str(exc)]
        except BaseException as exc:
            out["parse"][name] = ["UNEXPECTED " + type(exc).__name__, str(exc)[:300]]
    with CorpusStore(home) as store:
        report = ingest_paths(store, [folder])
        out["parsed"] = [p for p, _ in report.parsed]
        out["failed"] = report.failed
        out["skipped"] = report.skipped
        out["n_filings"] = store.stats()["filings"]
    # the child's own peak: ru_maxrss would also count the (large) pytest parent it was forked from
    hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")]
    out["maxrss_mib"] = int(hwm[0].split()[1]) // 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(out, ensure_ascii=False))
    """
)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    folder = tmp / "batch"
    folder.mkdir()
    cases = _hostile(tmp)
    for name, (data, _) in cases.items():
        (folder / name).write_bytes(data)
    (folder / "good-000.txt").write_bytes(SEED_000.read_bytes())
    (folder / "good-004.txt").write_bytes(SEED_004.read_bytes())
    # names with control characters: refused by name, before anything reads them
    (folder / "bad\nname.txt").write_bytes(SEED_000.read_bytes().replace("项目".encode(), "项目 ".encode(), 1))
    (folder / "esc\x1b[31mred.txt").write_bytes(SEED_004.read_bytes() + b"\n")
    total = sum(len(d) for d, _ in cases.values())
    assert total < 64 * 2**20, "the hostile files must stay small on disk"
    proc = subprocess.run(
        [sys.executable, "-c", CHILD.format(limit=AS_LIMIT, repo=str(REPO)), str(folder), str(tmp / "home"),
         json.dumps(sorted(cases))],
        capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return cases, folder, json.loads(proc.stdout.strip().splitlines()[-1])


def test_each_hostile_file_is_refused_with_its_name(hostile_run):
    cases, folder, out = hostile_run
    wrong = {}
    for name, (_, expected) in cases.items():
        got, message = out["parse"][name]
        if got != expected or name not in message:
            wrong[name] = (expected, got, message.split("batch/")[-1][:200])
    assert not wrong, wrong


def test_memory_stays_bounded(hostile_run):
    # the child ran under a 1.5 GiB address-space limit; its peak resident set says how close it came
    _, _, out = hostile_run
    assert out["maxrss_mib"] < 1024, out["maxrss_mib"]


def test_rest_of_batch_is_ingested(hostile_run):
    cases, folder, out = hostile_run
    assert sorted(Path(p).name for p in out["parsed"]) == ["good-000.txt", "good-004.txt"]
    assert out["n_filings"] == 2
    # every hostile file has a failure line that names it
    shown = " ".join(p for p, _ in out["failed"])
    for name in cases:
        assert name in shown, name
    # control characters in a name: refused, and shown escaped (no raw newline or escape in the report)
    odd = [p for p, _ in out["failed"] if "bad" in p or "esc" in p]
    assert len(odd) == 2 and all("\n" not in p and "\x1b" not in p for p in odd), odd
    assert all(reason for _, reason in out["failed"])
    assert not out["skipped"]


def test_dotdot_paths_are_resolved_not_duplicated(tmp_path):
    from corpus.ingest import ingest_paths
    from corpus.store import CorpusStore

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f.txt").write_bytes(SEED_000.read_bytes())
    with CorpusStore(tmp_path / "home") as store:
        first = ingest_paths(store, [tmp_path / "a" / "f.txt"])
        again = ingest_paths(store, [tmp_path / "a" / ".." / "a" / "f.txt"])
        assert len(first.parsed) == 1 and again.duplicates and not again.parsed
        (stored,) = store.list()
        assert ".." not in stored.path


def test_symlink_out_of_a_folder_is_not_followed(tmp_path):
    from corpus.ingest import ingest_paths
    from corpus.store import CorpusStore

    outside = tmp_path / "outside.txt"
    outside.write_bytes(SEED_004.read_bytes())
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "link.txt").symlink_to(outside)
    (folder / "real.txt").write_bytes(SEED_000.read_bytes())
    with CorpusStore(tmp_path / "home") as store:
        report = ingest_paths(store, [folder])
    assert [Path(p).name for p, _ in report.parsed] == ["real.txt"]


# --- names: a typed path is the user's, an uploaded name is not -------------------------------------


@pytest.mark.parametrize("name, reason", [
    ("../../evil.txt", "路径"),
    ("/etc/passwd.txt", "路径"),
    ("..\\..\\evil.txt", "路径"),
    ("..", "路径"),
    ("bad\nname.txt", "控制字符"),
    ("esc\x1b[31mred.txt", "控制字符"),
    ("nul\x00.txt", "控制字符"),
    ("disguised\u202etxt.exe", "控制字符"),
    ("", "为空"),
    ("长" * 100 + ".txt", "字节"),
])
def test_upload_name_problems(name, reason):
    from assistant.uploads import name_problem, shown_name

    assert reason in name_problem(name)
    assert not any(ord(ch) < 32 or ch == "\u202e" for ch in shown_name(name))


def test_plain_upload_names_pass_and_are_stored_safely(tmp_path):
    from assistant.uploads import inside, name_problem, stored_name

    for name in ("绩效目标表（2024）.txt", "a b.DOCX", "x.y.pdf", "-.xlsx"):
        assert name_problem(name) is None
        stored = stored_name(name)
        assert "/" not in stored and not stored.startswith(".") and inside(tmp_path, stored).parent == tmp_path.resolve()
    assert stored_name("绩效目标表（2024）.txt") == "绩效目标表2024.txt" and stored_name("a b.DOCX") == "ab.docx"
    with pytest.raises(ValueError, match="数据目录之外"):
        inside(tmp_path, "../x.txt")


def test_uploads_with_hostile_names_are_refused_and_the_batch_goes_on(tmp_path):
    """The app's ingest: each bad name refused with its reason (shown escaped), the good file
    stored, nothing written outside <home>/uploads."""
    from assistant.app_service import ingest_uploads

    home = tmp_path / "home"
    src = tmp_path / "upload.tmp"
    src.write_bytes(SEED_000.read_bytes())
    names = ["../../evil.txt", str(tmp_path / "abs.txt"), "..\\win.txt", "bad\nname.txt", "esc\x1b[31m.txt"]
    rep = ingest_uploads(home, [(str(src), n) for n in names] + [(str(src), "好文件.txt")])
    assert [n for n, _ in rep.added] == ["好文件.txt"]
    assert len(rep.failed) == len(names)
    for (shown, reason), name in zip(rep.failed, names):
        assert ("路径" in reason) if ("/" in name or "\\" in name) else ("控制字符" in reason)
        assert "\n" not in shown and "\x1b" not in shown
    assert sorted(p.name for p in (home / "uploads").iterdir()) == ["好文件.txt"]
    written = {p.name for p in tmp_path.rglob("*") if p.is_file()} - {"upload.tmp"}
    assert not written & {"evil.txt", "abs.txt", "win.txt", "name.txt"}
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "abs.txt").exists()


def test_check_upload_refuses_a_name_with_a_path(tmp_path):
    from assistant.app_service import UploadRefused, parse_upload

    src = tmp_path / "upload.tmp"
    src.write_bytes(SEED_000.read_bytes())
    with pytest.raises(UploadRefused, match="路径"):
        parse_upload(src, "../../x.txt")
    with pytest.raises(UploadRefused, match="控制字符"):
        parse_upload(src, "x\r.txt")
    assert parse_upload(src, "表.txt").source.path == "表.txt"


def test_cli_paths_with_dotdot_are_resolved_and_reported_resolved(tmp_path, monkeypatch):
    """`jixiao ingest ../x` is legitimate on one's own machine: read, and named by the resolved path."""
    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.home import set_home

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f.txt").write_bytes(SEED_000.read_bytes())
    monkeypatch.chdir(tmp_path / "a")
    monkeypatch.setenv("JIXIAO_HOME", str(tmp_path / "home"))
    set_home(None)
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", "-q", "../a/f.txt", "../a/../missing.txt"])
    assert "新增 1" in res.output and f"{tmp_path / 'missing.txt'}：路径不存在" in res.output
    res = runner.invoke(app, ["parse", "../a/f.txt"])
    assert res.exit_code == 0 and res.output.startswith(f"{tmp_path / 'a' / 'f.txt'}：")
    res = runner.invoke(app, ["parse", "bad\x1bname.txt"])
    assert res.exit_code == 2 and "控制字符" in res.output and "\x1b" not in res.output


# --- issue 14: non-regular files and control characters ----------------------------------------------


def test_fifo_named_txt_is_refused_not_hung(tmp_path):
    """Finding: a FIFO named x.txt hung ingest/parse/check (open() blocks for a writer)."""
    import os

    from corpus.errors import ParseError
    from corpus.ingest import collect_files
    from corpus.parse import parse_file

    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    with pytest.raises(ParseError, match="命名管道"):
        parse_file(fifo)
    files, problems = collect_files([tmp_path])
    assert files == []
    assert [(Path(p).name, "命名管道" in r) for p, r in problems] == [("x.txt", True)]


def test_char_device_is_refused_before_reading():
    """Finding: a character device (/dev/zero as a filing) read 4.5 GB before the size check."""
    from corpus.errors import ParseError
    from corpus.parse import parse_file

    with pytest.raises(ParseError, match="字符设备"):
        parse_file("/dev/zero")


def test_symlink_in_a_folder_is_reported_one_line(tmp_path):
    from corpus.ingest import collect_files

    (tmp_path / "real.txt").write_bytes(SEED_000.read_bytes())
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    files, problems = collect_files([tmp_path])
    assert [f.name for f in files] == ["real.txt"]
    assert [(Path(p).name, "符号链接" in r) for p, r in problems] == [("link.txt", True)]


def test_control_characters_are_stripped_from_reader_output():
    """Finding: control characters in a filing crashed `--out x.docx` (lxml ValueError)."""
    from corpus.readers import read_bytes

    data = SEED_000.read_bytes().decode("utf-8").replace("项目名称", "项目\x01名\x0b称", 1).encode("utf-8")
    doc = read_bytes(data, "ctl.txt")
    assert "项目名称" in doc.text
    assert not any(ord(c) < 32 and c not in "\t\n\r" for c in doc.text)


def test_docx_vertical_merges_read_linearly(tmp_path):
    """Finding: 1,000 vertically merged rows took >400 s in python-docx; the XML walk is linear."""
    import io

    import docx

    from corpus.readers import read_bytes

    d = docx.Document()
    t = d.add_table(rows=1000, cols=3)
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    t.cell(0, 0).text = "产出指标"
    for i, row in enumerate(t.rows):  # vMerge written directly: python-docx's own merge() recurses
        row.cells[1].text = f"指标{i}"
        vm = OxmlElement("w:vMerge")
        if i == 0:
            vm.set(qn("w:val"), "restart")
        row.cells[0]._tc.get_or_add_tcPr().append(vm)
    buf = io.BytesIO()
    d.save(buf)
    doc = read_bytes(buf.getvalue(), "merged.docx")
    rows = [line.cells for line in doc.lines if line.cells]
    assert len(rows) == 1000
    assert all(r[0] == "产出指标" for r in rows) and rows[999][1] == "指标999"

"""Old binary Office files (.doc/.xls, WPS .wps/.et): converted by LibreOffice headless, then
read by the docx/xlsx readers; the record keeps the original format name."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from corpus.errors import CorruptFile, ParseError, TooLarge
from corpus.readers.base import PARSE_SECONDS, ExtractedText

TARGET = {"doc": "docx", "wps": "docx", "xls": "xlsx", "et": "xlsx"}


class ConverterMissing(ParseError):
    reason = "需要 LibreOffice 才能读取旧版 Office/WPS 文件"


def read_legacy(data: bytes, path: str, fmt: str) -> ExtractedText:
    """Convert in a private temp dir under PARSE_SECONDS, then read the converted file."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ConverterMissing(
            path, "请安装：apt-get install libreoffice-writer-nogui libreoffice-calc-nogui，或另存为 .docx/.xlsx 后再导入"
        )
    target = TARGET[fmt]
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as tmp:
        src = Path(tmp) / f"in.{fmt}"
        src.write_bytes(data)
        cmd = [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
               "--convert-to", target, "--outdir", str(Path(tmp) / "out"), str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=PARSE_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise TooLarge(path, f"LibreOffice 转换超过 {PARSE_SECONDS:.0f} 秒") from None
        out = Path(tmp) / "out" / f"in.{target}"
        if not out.is_file():
            raise CorruptFile(path, f"LibreOffice 无法转换此 .{fmt} 文件")
        converted = out.read_bytes()
    from corpus.readers.office import read_docx, read_xlsx

    doc = read_docx(converted, path) if target == "docx" else read_xlsx(converted, path)
    doc.format = fmt
    return doc

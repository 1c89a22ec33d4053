"""Write a simple Word document from blocks: paragraphs and tables of cell rows.

Shared by the sample/synth generator and the drafting export, so a drafted form
and a generated one have the same layout (and both parse back with the docx reader).
"""

from __future__ import annotations

import io
from typing import Sequence, Union

Block = tuple[str, Union[str, Sequence[Sequence[str]]]]
"""("p", text) for a paragraph, ("t", rows) for a table whose rows are lists of cell texts."""


def blocks_to_docx(blocks: Sequence[Block]) -> bytes:
    """A .docx with one paragraph or table per block; a short row's last cell spans the rest."""
    import docx

    d = docx.Document()
    for kind, item in blocks:
        if kind == "p":
            d.add_paragraph(str(item))
            continue
        rows = list(item)  # type: ignore[arg-type]
        ncols = max(len(r) for r in rows)
        t = d.add_table(rows=len(rows), cols=ncols)
        t.style = "Table Grid"
        for r, cells in enumerate(rows):
            row = t.rows[r]
            if len(cells) < ncols:
                row.cells[len(cells) - 1].merge(row.cells[ncols - 1])
            for c, text in enumerate(cells):
                row.cells[c].text = text
    d.core_properties.author = "jixiao"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()

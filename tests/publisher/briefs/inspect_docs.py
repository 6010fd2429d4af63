"""Reading the generated documents back the way a reader's tools would: lxml, python-docx, poppler, fontconfig."""

from __future__ import annotations

import io
import re
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from docx import Document
from lxml import html as lxml_html


def html_tree(html: str):
    return lxml_html.fromstring(html)


def figure_cells(tree) -> dict[str, str]:
    return {cell.get("data-fig"): cell.text_content() for cell in tree.xpath("//td[@data-fig]")}


def table_rows(tree, key: str) -> list[list[str]]:
    """Body rows of the table ``key`` (an empty table, shown as a sentence, has none)."""
    tables = tree.xpath(f"//table[@data-table='{key}']")
    assert len(tables) <= 1, f"table {key} appears {len(tables)} times"
    if not tables:
        return []
    return [[cell.text_content() for cell in row.xpath("./td")] for row in tables[0].xpath(".//tr")[1:]]


def docx_texts(data: bytes) -> tuple[list[str], list[list[list[str]]], Document]:
    """Paragraph texts, tables (as rows of cell texts) and the document itself."""
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, tables, document


def docx_links(document) -> list[str]:
    return [rel.target_ref for rel in document.part.rels.values() if rel.is_external]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def squeezed(text: str) -> str:
    """Text without whitespace: a title wrapped inside a table cell is still found."""
    return "".join(text.split())


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    """pdffonts' table: name (without the subset prefix), type, embedded."""
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    fonts = []
    for line in out.splitlines()[2:]:
        match = re.match(r"^(\S+)\s+(.+?)\s+(Identity-H|WinAnsi|Custom|Builtin|Standard|MacRoman)\s+(yes|no)\s+"
                         r"(yes|no)\s+(yes|no)", line)
        assert match, f"unexpected pdffonts line: {line!r}"
        fonts.append({"name": match.group(1).split("+", 1)[-1], "type": match.group(2),
                      "embedded": match.group(4)})
    return fonts


def render_page(pdf: Path, page: int, stem: Path, dpi: int = 60) -> Path:
    """Page ``page`` as a PNG (pdftoppm), for looking at and for pixel checks."""
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(stem)], check=True, capture_output=True)
    return stem.with_suffix(".png")


def red_pixels(png: Path, top_fraction: float = 1.0) -> int:
    """Strongly red pixels in the top part of the image (the masthead of an official document is red)."""
    from PIL import Image

    with Image.open(png) as image:
        rgb = image.convert("RGB")
        width, height = rgb.size
        box = rgb.crop((0, 0, width, int(height * top_fraction)))
        return sum(1 for r, g, b in box.get_flattened_data() if r > 150 and g < 80 and b < 80)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def font_charsets() -> dict[str, set[int]]:
    """Code points each installed font covers, by normalised family and family+style (from fontconfig)."""
    out = subprocess.run(["fc-list", "--format", "%{family[0]}\t%{style[0]}\t%{charset}\n"], check=True,
                         capture_output=True, text=True).stdout
    covered: dict[str, set[int]] = {}
    for line in out.splitlines():
        family, style, charset = (line.split("\t") + ["", ""])[:3]
        points: set[int] = set()
        for part in charset.split():
            low, _, high = part.partition("-")
            points.update(range(int(low, 16), int(high or low, 16) + 1))
        for key in (_norm(family), _norm(family + style)):
            covered.setdefault(key, set()).update(points)
    return covered


def uncovered_characters(text: str, font_names: list[str]) -> set[str]:
    """Characters of ``text`` that none of the named fonts has a glyph for (each would print as a box)."""
    charsets = font_charsets()
    known = [charsets[_norm(name)] for name in font_names if _norm(name) in charsets]
    assert len(known) == len(font_names), f"fonts not found by fontconfig: {font_names}"
    everything = set().union(*known)
    return {ch for ch in set(text) if not ch.isspace() and ord(ch) not in everything}


class ProbeServer:
    """A local HTTP server that records every request: anything a document loads on its own shows up here."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        probe = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                probe.requests.append(self.path)
                self.send_response(404)
                self.end_headers()

            def log_message(self, *_args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "ProbeServer":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()

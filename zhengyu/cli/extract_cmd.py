"""``zhengyu extract``: run the generic article extractor on one saved page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from zhengyu.errors import ZhengyuError

_TAG_RE = re.compile(r"<\s*(?:!doctype|html|head|body|meta|title|div|p|h[1-6]|article|table|span|a)\b", re.I)
_MAX_BYTES = 50 * 1024 * 1024


def _read_page(path: Path) -> bytes:
    if not path.exists():
        raise ZhengyuError(f"找不到网页文件：{path}")
    if not path.is_file():
        raise ZhengyuError(f"不是文件：{path}")
    if path.stat().st_size > _MAX_BYTES:
        raise ZhengyuError(f"网页文件过大（超过 50 MB）：{path}")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ZhengyuError(f"无法读取网页文件 {path}：{exc.strerror or exc}") from exc


@click.command("extract")
@click.argument("page", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--url", default=None, help="The page's original URL (recorded in logs).")
def extract(page: Path, url: str | None) -> None:
    """Extract title, publish time, author, source and body text from a saved article PAGE.

    PAGE holds the raw bytes as saved from the web, in any encoding (UTF-8, GBK, GB18030, Big5); the result is
    one JSON object {title, published_at, author, source, text} with published_at in ISO 8601 with its offset.
    """
    from crawlers.encoding import decode_html
    from crawlers.extract import extract_article

    raw = _read_page(page)
    if not raw.strip():
        raise ZhengyuError(f"网页文件是空的：{page}")
    markup = decode_html(raw)
    if "\x00" in markup[:4096] or not _TAG_RE.search(markup[:200_000]):
        raise ZhengyuError(f"文件不是 HTML 网页：{page}")
    article = extract_article(markup, url=url)
    click.echo(json.dumps(article.to_json_dict(), ensure_ascii=False, indent=2))


def register(cli: click.Group) -> None:
    cli.add_command(extract)

"""``zhengyu extract``: run the generic article extractor on one saved page."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("extract")
@click.argument("page", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--url", default=None, help="The page's original URL (helps dating it; recorded in logs).")
def extract(page: Path, url: str | None) -> None:
    """Extract title, publish time, author, source, account and body text from a saved article PAGE.

    PAGE holds the raw bytes as saved from the web, in any encoding (UTF-8, GBK, GB18030, Big5); the result is
    one JSON object {title, published_at, author, source, text, account} with published_at in ISO 8601 with its
    offset (account: the WeChat official account that published the page).
    """
    from crawlers.extract.page import extract_page_file

    article = extract_page_file(page, url=url)
    click.echo(json.dumps(article.to_json_dict(), ensure_ascii=False, indent=2))


def register(cli: click.Group) -> None:
    cli.add_command(extract)

"""``zhengyu extract``: run the generic article extractor on one saved page."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    pass

"""Process-wide logging configuration, called once by the CLI (never at import)."""

from __future__ import annotations

import logging

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), format=LOG_FORMAT, force=True)
    # Third-party chatter that drowns our own messages at INFO.
    for noisy in ("jieba", "scrapy.core.engine", "scrapy.middleware", "scrapy.extensions", "alembic.runtime",
                   "weasyprint.progress", "fontTools"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))

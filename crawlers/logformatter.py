"""Log formatting: dropped items are logged with their reason only (never the item's text), and repeats of an
item already collected in this run are routine, so they go to DEBUG."""

from __future__ import annotations

import logging

from scrapy import logformatter

DUPLICATE_PREFIX = "本次采集中重复"


class ZhengyuLogFormatter(logformatter.LogFormatter):
    def dropped(self, item, exception, response, spider):
        reason = str(exception)
        ident = getattr(item, "external_id", None) or getattr(item, "url", None) or "?"
        return {
            "level": logging.DEBUG if reason.startswith(DUPLICATE_PREFIX) else logging.INFO,
            "msg": "Dropped %(ident)s: %(reason)s",
            "args": {"ident": ident, "reason": reason},
        }

"""Objects the pipelines need from the process that started the crawl (settings, clock, engine).

Scrapy deep-copies its settings; this holder copies as itself so live objects such as an engine can ride along.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class RunContext:
    settings: Any
    clock: Any
    engine: Any = None

    def __deepcopy__(self, memo) -> "RunContext":
        return self

    def __copy__(self) -> "RunContext":
        return self

    def get_engine(self):
        if self.engine is None:
            from storage.engine import make_engine

            self.engine = make_engine(self.settings.database_url,
                                      sqlite_busy_timeout_ms=self.settings.database.sqlite_busy_timeout_ms)
        return self.engine

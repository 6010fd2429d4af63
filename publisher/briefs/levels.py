"""Warning levels as the configured rule table names and orders them (红/黄/绿 or 红/橙/黄/蓝)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sentiment.detect.rules import LEVEL_COLOUR_NAMES, RulesError, load_rules

from publisher.briefs.names import NO_LEVEL_NAME

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LevelTable:
    codes: tuple[str, ...]  # most severe first
    names: dict[str, str]
    version: str | None = None  # of the rule table; None when it could not be read

    def name(self, code: str | None) -> str:
        if not code:
            return NO_LEVEL_NAME
        return f"{self.names.get(code, LEVEL_COLOUR_NAMES.get(code, code))}色"

    def rank(self, code: str | None) -> int:
        """0 = most severe; a level the table does not know ranks after every known one, ungraded last."""
        if code in self.codes:
            return self.codes.index(code)
        return len(self.codes) + (0 if code else 1)


def level_table(rules_file: Path) -> LevelTable:
    """The levels of the rule table in use; the standard colours when it cannot be read (logged)."""
    try:
        rules = load_rules(rules_file)
    except RulesError as exc:
        log.warning("brief uses the standard level colours: %s", exc)
        return LevelTable(tuple(LEVEL_COLOUR_NAMES), dict(LEVEL_COLOUR_NAMES))
    return LevelTable(tuple(level.code for level in rules.levels), {lv.code: lv.name for lv in rules.levels},
                      rules.version)

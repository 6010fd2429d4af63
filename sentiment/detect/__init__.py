"""Emerging-issue detection (苗头发现), heat, warning levels (三色/四色预警) and the issue lifecycle."""

from sentiment.detect.detector import Detector, TickReport
from sentiment.detect.rules import RulesError, WarningRules, load_rules

__all__ = ["Detector", "RulesError", "TickReport", "WarningRules", "load_rules"]

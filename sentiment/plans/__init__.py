"""Monitoring plans (监测方案): a boolean keyword-rule language, its matcher and plan storage."""

from sentiment.plans.lang import PlanSyntaxError, parse_rule
from sentiment.plans.matcher import CompiledPlan, Document, compile_plan

__all__ = ["CompiledPlan", "Document", "PlanSyntaxError", "compile_plan", "parse_rule"]

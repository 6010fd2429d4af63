"""Figures of a brief, each computed from the store by its own function over a ``Scope``."""

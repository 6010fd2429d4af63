"""Zhengyu (政舆): public-opinion monitoring and authoritative publishing for political-legal offices."""

__version__ = "0.1.0"

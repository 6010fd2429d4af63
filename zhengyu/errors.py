"""Errors that the CLI reports as one clear line instead of a traceback."""


class ZhengyuError(Exception):
    """Base class for errors a user can act on; the message is shown to the user as is."""


class ConfigError(ZhengyuError):
    """A settings file or value is broken; the message names the file, the key and what was expected."""

"""Errors that the CLI reports as one clear line instead of a traceback."""


class ZhengyuError(Exception):
    """Base class for errors a user can act on; the message is shown to the user as is."""


class ConfigError(ZhengyuError):
    """A settings file or value is broken; the message names the file, the key and what was expected."""


class NotFound(ZhengyuError):
    """A record the user named (release, account, user, issue, alert) does not exist."""


class PermissionDenied(ZhengyuError):
    """The acting user lacks the role for an action; the refusal is audited."""

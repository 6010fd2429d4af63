"""What every subcommand shares: settings loaded once, storage handles, and one-line error reporting."""

from __future__ import annotations

import functools
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from zhengyu.errors import ZhengyuError
from zhengyu.logging_setup import configure_logging
from zhengyu.settings import Settings, load_settings

log = logging.getLogger(__name__)


def parse_override(raw: str) -> dict[str, Any]:
    """Turn ``a.b=value`` into ``{"a": {"b": value}}``; the value is read as YAML (numbers, booleans)."""
    import yaml

    if "=" not in raw:
        raise ZhengyuError(f"--set 参数应为 键=值 的形式，例如 --set dashboard.port=8600，实际为 {raw!r}")
    key, value = raw.split("=", 1)
    try:
        parsed = yaml.safe_load(value) if value else None
    except yaml.YAMLError:
        parsed = value
    node: dict[str, Any] = {}
    cursor = node
    parts = key.strip().split(".")
    for part in parts[:-1]:
        cursor = cursor.setdefault(part, {})
    cursor[parts[-1]] = parsed
    return node


@dataclass
class AppContext:
    config_dir: Path
    overrides: dict[str, Any] = field(default_factory=dict)
    debug: bool = False
    _settings: Settings | None = None
    _engine: Any = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_dir, self.overrides)
            configure_logging("DEBUG" if self.debug else self._settings.log_level)
        return self._settings

    @property
    def engine(self):
        if self._engine is None:
            from storage.engine import make_engine

            db = self.settings.database
            self._engine = make_engine(self.settings.database_url, echo=db.echo,
                                       sqlite_busy_timeout_ms=db.sqlite_busy_timeout_ms)
        return self._engine

    def session_factory(self):
        from storage.engine import make_session_factory

        return make_session_factory(self.engine)

    def migrated_engine(self):
        """The engine, with the schema brought up to date first (commands that write need it)."""
        from storage import migrate

        migrate.upgrade(self.engine)
        return self.engine


pass_app = click.make_pass_decorator(AppContext)


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def root_options(func):
    @click.option("--config", "config_dir", type=click.Path(file_okay=False, path_type=Path), default="config",
                  show_default=True, envvar="ZHENGYU_CONFIG_DIR", help="Directory holding settings.yaml and the other YAML.")
    @click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Override data_dir (where the SQLite store lives).")
    @click.option("--database-url", default=None, help="Override database.url (SQLAlchemy URL).")
    @click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
                  help="Override any setting, e.g. --set crawl.download_delay_s=2 (repeatable).")
    @click.option("--debug", is_flag=True, help="Show full tracebacks and debug logs.")
    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx: click.Context, config_dir, data_dir, database_url, sets, debug, **kwargs):
        overrides: dict[str, Any] = {}
        for raw in sets:
            overrides = _merge(overrides, parse_override(raw))
        if data_dir is not None:
            overrides["data_dir"] = str(data_dir)
        if database_url:
            overrides = _merge(overrides, {"database": {"url": database_url}})
        ctx.obj = AppContext(config_dir=config_dir, overrides=overrides, debug=debug)
        return func(**kwargs)

    return wrapper


class ZhengyuGroup(click.Group):
    """A group that reports errors as one line on stderr (full traceback with --debug) and exits non-zero."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("已中断。", err=True)
            sys.exit(130)
        except Exception as exc:  # the CLI boundary: everything becomes one clear line
            debug = isinstance(ctx.obj, AppContext) and ctx.obj.debug
            if debug:
                raise
            if isinstance(exc, ZhengyuError):
                click.echo(f"错误：{exc}", err=True)
            else:
                first_line = (str(exc).strip().splitlines() or [""])[0]
                click.echo(f"错误：{type(exc).__name__}: {first_line}（加 --debug 查看完整信息）", err=True)
            sys.exit(1)

"""Source definitions: one YAML file per site in ``config/sources/``, validated into ``SourceConfig``.

Sites of one family differ only in data (endpoints, selectors, date formats, paging, throttle profile); the
family's spider reads its ``options`` block. Errors name the file and the key, in Chinese, on one line.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from zhengyu.errors import ConfigError
from zhengyu.settings import read_yaml_file

log = logging.getLogger(__name__)

FAMILIES = ("weibo", "forum", "news", "rss", "message_board")


class ThrottleProfile(BaseModel):
    """How hard one domain may be hit."""

    model_config = ConfigDict(extra="forbid")

    concurrency: int = Field(1, ge=1, description="Concurrent requests per domain.")
    delay_s: float = Field(1.0, ge=0, description="Delay between requests to the domain, seconds.")
    autothrottle: bool = Field(True, description="Let AutoThrottle adapt the delay to the server's latency.")


# "polite" is the production default (STYLE.md rule 9); "local" and "fast" are for the bundled sample site
# on localhost only (the demo and the tests), never for a real site.
THROTTLE_PROFILES: dict[str, ThrottleProfile] = {
    "polite": ThrottleProfile(concurrency=1, delay_s=1.0, autothrottle=True),
    "gentle": ThrottleProfile(concurrency=1, delay_s=3.0, autothrottle=True),
    "local": ThrottleProfile(concurrency=4, delay_s=0.02, autothrottle=False),
    "fast": ThrottleProfile(concurrency=16, delay_s=0.0, autothrottle=False),
}


class SourceConfig(BaseModel):
    """One site of one family."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9_][a-z0-9_\-]*$", max_length=100)
    family: Literal["weibo", "forum", "news", "rss", "message_board"]
    platform: str = Field(min_length=1, max_length=40, description="Stored on every post; part of the dedup key.")
    base_url: str
    enabled: bool = True
    interval_s: int = Field(600, ge=10)
    throttle: str | ThrottleProfile = "polite"
    revisit_hours: float = Field(24.0, ge=0, description="Re-walk this far below the high-water mark for edits "
                                                          "and grown comment counts.")
    max_pages: int = Field(50, ge=1, description="Stop paging a list after this many pages.")
    timezone: str = "Asia/Shanghai"
    options: dict[str, Any] = Field(default_factory=dict, description="Family-specific settings.")

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("应为 http:// 或 https:// 开头的绝对地址")
        return value.rstrip("/")

    @field_validator("throttle")
    @classmethod
    def _known_profile(cls, value):
        if isinstance(value, str) and value not in THROTTLE_PROFILES:
            raise ValueError(f"未知的限速档位 {value!r}，可选：{', '.join(THROTTLE_PROFILES)}")
        return value

    @property
    def throttle_profile(self) -> ThrottleProfile:
        return THROTTLE_PROFILES[self.throttle] if isinstance(self.throttle, str) else self.throttle

    def url(self, path: str) -> str:
        """An absolute URL for a path relative to the base URL (absolute URLs pass through)."""
        return urljoin(self.base_url + "/", path.lstrip("/")) if not path.startswith(("http://", "https://")) \
            else path

    def with_base_url(self, base_url: str) -> SourceConfig:
        return self.model_copy(update={"base_url": self._absolute(base_url)})


def load_source_file(path: Path) -> SourceConfig:
    data = read_yaml_file(path)
    data.setdefault("name", path.stem)
    try:
        return SourceConfig(**data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(顶层)"
        raise ConfigError(f"{path}: 采集源配置项 {key} 无效：{err['msg']}") from exc


def load_sources(sources_dir: Path) -> dict[str, SourceConfig]:
    """Every ``*.yaml`` in the directory, by name; file names starting with ``_`` are skipped."""
    sources: dict[str, SourceConfig] = {}
    if not Path(sources_dir).is_dir():
        return sources
    for path in sorted(Path(sources_dir).glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        source = load_source_file(path)
        if source.name in sources:
            raise ConfigError(f"{path}: 采集源名称 {source.name} 重复")
        sources[source.name] = source
    return sources

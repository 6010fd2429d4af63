"""The one typed settings object.

Precedence, highest first: CLI overrides > environment (``ZHENGYU_...``; secrets live only here)
> ``config/settings.yaml`` > defaults. Nested keys use ``__`` in the environment, for example
``ZHENGYU_DATABASE__URL``. Every field carries a description; ``docs/settings.md`` documents them all
and a test fails when one is missing there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from zhengyu.errors import ConfigError

DEFAULT_CONFIG_DIR = Path("config")
SETTINGS_FILE_NAME = "settings.yaml"
MAX_YAML_CHARS = 4_000_000  # the largest configuration file is a few kilobytes


class DatabaseSettings(BaseModel):
    url: str | None = Field(
        None,
        description="SQLAlchemy URL. Empty means a SQLite file `zhengyu.db` under `data_dir`. "
        "Use `postgresql+psycopg://user@host/db` when one machine is outgrown.",
    )
    echo: bool = Field(False, description="Log every SQL statement (debugging only).")
    sqlite_busy_timeout_ms: int = Field(
        15000, ge=0, description="How long a SQLite writer waits for a lock before failing, in milliseconds."
    )


class CrawlSettings(BaseModel):
    sources_dir: Path = Field(
        Path("config/sources"), description="Directory of `*.yaml` source definitions, one site per file."
    )
    user_agent: str = Field(
        "ZhengyuBot/0.1 (+public-opinion research; contact: see robots policy)",
        description="Honest User-Agent sent with every request.",
    )
    obey_robots_txt: bool = Field(True, description="Obey robots.txt (including its Crawl-delay). Keep it on in "
                                  "production.")
    concurrent_requests_per_domain: int | None = Field(
        None, ge=1, description="A ceiling on every source's per-domain concurrency, whatever its throttle profile "
        "says. Empty: each profile's own (polite: 1)."
    )
    download_delay_s: float | None = Field(
        None, ge=0, description="A floor on every source's delay between two requests to one domain, seconds; no "
        "throttle profile goes under it. Empty: each profile's own (polite: 1 s; never under 1 s for a host that "
        "is not in crawl.local_hosts)."
    )
    autothrottle: bool | None = Field(
        None, description="true forces Scrapy AutoThrottle on for every source. Empty: each profile's own choice."
    )
    local_hosts: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost", "::1"],
        description="Hosts that may be crawled with the `local` and `fast` throttle profiles and delays under "
        "1 s (the bundled sample site); every other host is refused them.",
    )
    failure_alert_after: int = Field(
        3, ge=1, description="Consecutive failed runs of a source before a collection-failure alert is recorded."
    )
    redis_url: str | None = Field(
        None, description="Redis URL. When set, crawlers share one request queue and dupefilter (scrapy-redis)."
    )
    http_timeout_s: float = Field(30.0, gt=0, description="Download timeout per request, seconds.")
    peer_lease_s: float = Field(
        15.0, ge=1, description="Distributed mode: a crawler's lease on the shared queue, renewed every third of "
        "this while it works; a peer that stops renewing (killed, frozen) is given up after this many seconds."
    )
    database_retry_s: float = Field(
        120.0, ge=0, description="How long a finished crawl keeps trying to record its run (and its failure) "
        "while the database is unreachable, seconds."
    )
    max_response_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, description="A response larger than this is cancelled while it downloads "
        "(Scrapy's DOWNLOAD_MAXSIZE) and counted in the source's health; bytes."
    )
    warn_response_bytes: int = Field(
        2 * 1024 * 1024, ge=1024, description="A response larger than this is logged as a warning "
        "(Scrapy's DOWNLOAD_WARNSIZE); bytes."
    )


class AnalysisSettings(BaseModel):
    sentiment_model: Literal["trained", "snownlp"] = Field(
        "trained", description="Sentiment model: the shipped trained model, or the SnowNLP baseline."
    )
    batch_size: int = Field(500, ge=1, description="Posts an analysis worker claims per batch.")
    keywords_top_k: int = Field(8, ge=1, le=50, description="Keywords stored per post.")
    lexicon_dir: Path = Field(Path("config/lexicons"), description="User dictionaries and stop-word lists.")
    warning_rules_file: Path = Field(
        Path("config/warning_rules.yaml"), description="Versioned warning-level rule table."
    )
    plans_dir: Path = Field(Path("config/plans"), description="Monitoring plans (keyword rules), one YAML per plan.")
    categories_file: Path = Field(
        Path("config/categories.yaml"), description="政法 category taxonomy: keyword rules per category."
    )
    model_file: Path | None = Field(
        None, description="Trained sentiment model file (default: the model shipped in sentiment/models/)."
    )
    neutral_low: float = Field(
        0.35, ge=0, le=1, description="Calibrated P(positive) below this is labelled neg (负面)."
    )
    neutral_high: float = Field(
        0.65, ge=0, le=1, description="Calibrated P(positive) at or above this is pos (正面); between the two: neu."
    )
    keyword_method: Literal["tfidf", "textrank"] = Field(
        "tfidf", description="Keyword extraction: TF-IDF (fast) or TextRank (jieba.analyse, much slower)."
    )
    idf_min_store_docs: int = Field(
        1000, ge=1, description="Use the IDF learnt from the store only once it covers this many posts."
    )
    poll_interval_s: float = Field(5.0, gt=0, description="Seconds `zhengyu analyze` waits when nothing is pending.")
    idf_auto_refresh: bool = Field(
        True, description="The analysis worker (`zhengyu analyze`, the scheduler, the demo) rebuilds the keyword IDF "
        "table learnt from the store when it is due (see the next settings)."
    )
    idf_refresh_growth: float = Field(
        1.5, gt=1, description="Rebuild the store's IDF table once the store holds this many times the posts it "
        "held at the last build."
    )
    idf_refresh_max_age_h: float = Field(
        24.0, gt=0, description="Rebuild the store's IDF table when it is older than this many hours (by the "
        "injected clock) and the store has changed since."
    )
    idf_refresh_check_s: float = Field(
        300.0, ge=0, description="How often a long-running analysis worker counts the store's posts to decide "
        "whether the IDF table is due, seconds."
    )
    idf_store_max_posts: int = Field(
        200_000, ge=1, description="The store's IDF table is learnt from this many newest posts."
    )


class DashboardSettings(BaseModel):
    host: str = Field("127.0.0.1", description="Address the Streamlit dashboard listens on.")
    port: int = Field(8501, ge=0, le=65535, description="Port of the dashboard (0 picks a free port in the demo).")
    refresh_s: int = Field(10, ge=1, description="How often the dashboard re-reads the store, seconds.")


class DemoSettings(BaseModel):
    site_port: int = Field(0, ge=0, le=65535, description="Port of the bundled sample site (0: a free port).")
    crawl_interval_s: float = Field(15.0, gt=0, description="Seconds between crawl rounds in the demo.")
    posts_per_minute: float = Field(
        20.0, gt=0, description="How fast new posts arrive on the sample site during the demo."
    )
    seed: int = Field(20260101, description="Random seed of the sample site's generated content.")


class SchedulerSettings(BaseModel):
    analyze_interval_s: int = Field(
        60, ge=1, description="How often `zhengyu scheduler` scores posts not yet analysed, seconds."
    )
    detect_interval_s: int = Field(
        300, ge=10, description="How often `zhengyu scheduler` runs emerging-issue detection, seconds."
    )
    job_timeout_s: int = Field(
        1800, ge=10, description="A crawl or detection job running longer than this is stopped, seconds."
    )


class BriefSettings(BaseModel):
    issuing_unit: str = Field(
        "政法舆情监测中心", description="Issuing unit printed on every brief (舆情日报/专报), e.g. `XX市委政法委网络舆情中心`."
    )
    classification: str = Field(
        "内部资料 注意保存", description="Handling mark printed at the top of every brief (empty: none)."
    )
    daily_enabled: bool = Field(True, description="`zhengyu scheduler` generates and delivers the daily brief.")
    daily_time: str = Field(
        "08:00", description="Local time (HH:MM, in `timezone`) at which the scheduler makes the daily brief of the "
        "previous day."
    )
    top_keywords: int = Field(10, ge=1, le=50, description="Keywords and categories listed in a brief.")
    top_groups: int = Field(8, ge=1, le=50, description="Regions and source types listed in a brief.")
    quotes: int = Field(5, ge=0, le=30, description="Representative posts quoted in the overview of a brief.")
    quotes_per_issue: int = Field(2, ge=0, le=10, description="Representative posts quoted under each issue.")
    quote_chars: int = Field(
        160, ge=20, le=2000, description="A quote longer than this many characters is cut (and marked 节选)."
    )
    link_base_url: str | None = Field(
        None, description="Address of the dashboard as leaders reach it (e.g. `https://yq.example.gov.cn`); "
        "summaries sent on channels link to the brief there. Empty: summaries carry no link."
    )

    @field_validator("daily_time")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        import re

        match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
        if not match:
            raise ValueError(f"should be HH:MM (24-hour clock), got {value!r}")
        return f"{int(match.group(1)):02d}:{match.group(2)}"

class ReleaseSettings(BaseModel):
    default_theme: Literal["red", "blue", "plain"] = Field(
        "blue", description="Theme of a release created without `--theme`: red (党政红), blue (政务蓝) or plain (简洁)."
    )
    sensitive_words_file: Path = Field(
        Path("config/lexicons/sensitive_words.txt"),
        description="Sensitive-word list checked before publishing (one word per line, `#` comments); a hit blocks.",
    )
    usage_rules_file: Path = Field(
        Path("config/lexicons/usage_norms.yaml"),
        description="规范表述 list (wrong form → right form, with a note); a hit is a warning that needs a "
        "recorded reason to override.",
    )
    answer_effect_window_h: float = Field(
        24.0, gt=0, description="Length of each of the two equal windows (before and after an answering "
        "release was published) in which the answer's effect (回应效果) on its issue is measured, hours."
    )


class SecretsSettings(BaseModel):
    author_hash_key: SecretStr | None = Field(
        None,
        description="Key for pseudonymising author ids (HMAC). Environment only: ZHENGYU_SECRETS__AUTHOR_HASH_KEY. "
        "Without it a per-data-directory key is generated and kept in `data_dir`.",
    )


class PrivacySettings(BaseModel):
    redact_kinds: list[str] = Field(
        default_factory=lambda: ["message", "official_reply"],
        description="Post kinds whose mobile, ID-card and bank-card numbers are replaced by mask tokens before "
        "they are stored (message-board complaints and their official replies by default). Every export is "
        "redacted whatever this says.",
    )


class Settings(BaseSettings):
    """Everything Zhengyu can be configured with."""

    model_config = SettingsConfigDict(
        env_prefix="ZHENGYU_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    data_dir: Path = Field(Path("data"), description="Where the SQLite store, models' caches and keys live.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Logging level.")
    timezone: str = Field("Asia/Shanghai", description="Time zone used to display times and cut days.")
    database: DatabaseSettings = Field(default_factory=DatabaseSettings, description="Storage.")
    crawl: CrawlSettings = Field(default_factory=CrawlSettings, description="Collection.")
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings, description="Text analysis.")
    dashboard: DashboardSettings = Field(default_factory=DashboardSettings, description="Dashboard.")
    demo: DemoSettings = Field(default_factory=DemoSettings, description="The `zhengyu demo` command.")
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings, description="The scheduler process.")
    briefs: BriefSettings = Field(default_factory=BriefSettings, description="Briefs (舆情日报/专报).")
    releases: ReleaseSettings = Field(default_factory=ReleaseSettings, description="Releases: themes, checks, answers.")
    secrets: SecretsSettings = Field(default_factory=SecretsSettings, description="Secrets (environment only).")
    privacy: PrivacySettings = Field(default_factory=PrivacySettings, description="Personal data and retention.")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def database_url(self) -> str:
        """The effective database URL (a SQLite file under data_dir when none is set)."""
        if self.database.url:
            return self.database.url
        return f"sqlite:///{(self.data_dir / 'zhengyu.db').resolve()}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The YAML layer is merged into init kwargs by load_settings, below the CLI overrides,
        # so only init (YAML + CLI) and the environment remain here, in that precedence.
        return (init_settings, env_settings)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_yaml_file(path: Path) -> dict[str, Any]:
    """Read a YAML mapping, turning syntax errors into a ConfigError that names file, line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: 不是 UTF-8 编码的文本（{exc.reason}）") from exc
    if len(text) > MAX_YAML_CHARS:
        raise ConfigError(f"{path}: 文件过大（{len(text)} 个字符，上限 {MAX_YAML_CHARS}），不像是配置文件")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" 第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}{where}: YAML 语法错误：{problem}") from exc
    except RecursionError as exc:
        raise ConfigError(f"{path}: YAML 嵌套层数过多，无法读取") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: 顶层应为键值映射（mapping），实际为 {type(data).__name__}")
    return data


def _env_overridden_keys(settings_cls: type[BaseSettings]) -> set[str]:
    import os

    prefix = settings_cls.model_config.get("env_prefix", "")
    return {k[len(prefix):].lower().replace("__", ".") for k in os.environ if k.startswith(prefix)}


def _describe_error(error: dict[str, Any], source_of: dict[str, str]) -> str:
    key = ".".join(str(p) for p in error["loc"])
    source = source_of.get(key) or source_of.get(key.split(".")[0], "默认值")
    if error["type"] == "extra_forbidden":
        return f"{source}: 未知的配置项 {key}（请查看 docs/settings.md 中的配置表）"
    value = error.get("input")
    return f"{source}: 配置项 {key} 无效：{error['msg']}（实际值：{value!r}）"


def _flatten_keys(data: dict[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        keys.append(dotted)
        if isinstance(value, dict):
            keys.extend(_flatten_keys(value, dotted + "."))
    return keys


def load_settings(
    config_dir: Path | str | None = None, overrides: dict[str, Any] | None = None
) -> Settings:
    """Load settings from ``config_dir/settings.yaml`` (if present), the environment and overrides.

    ``overrides`` uses nested dicts (``{"database": {"url": ...}}``) and wins over everything.
    Raises ConfigError with one line naming the file, the key and what was expected.
    """
    config_dir = Path(config_dir) if config_dir is not None else DEFAULT_CONFIG_DIR
    path = config_dir / SETTINGS_FILE_NAME
    file_data = read_yaml_file(path) if path.exists() else {}
    overrides = overrides or {}
    source_of = {key: str(path) for key in _flatten_keys(file_data)}
    for key in _env_overridden_keys(Settings):
        source_of[key] = "环境变量 ZHENGYU_" + key.upper().replace(".", "__")
    for key in _flatten_keys(overrides):
        source_of[key] = "命令行参数"
    merged = _deep_merge(file_data, overrides)
    # Environment beats YAML but not the CLI: pass YAML as defaults underneath the env source by
    # removing YAML keys the environment sets, then let init (YAML+CLI) and env combine.
    env_keys = _env_overridden_keys(Settings)
    merged = _drop_keys(merged, env_keys - set(_flatten_keys(overrides)))
    try:
        settings = Settings(**merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(_describe_error(first, source_of)) from exc
    return _rooted_in(settings, config_dir)


CONFIG_PATH_SETTINGS = (
    ("crawl", "sources_dir"),
    ("analysis", "lexicon_dir"),
    ("analysis", "warning_rules_file"),
    ("analysis", "plans_dir"),
    ("analysis", "categories_file"),
    ("releases", "sensitive_words_file"),
    ("releases", "usage_rules_file"),
)
"""Settings that name files of the configuration directory itself."""


def _rooted_in(settings: Settings, config_dir: Path) -> Settings:
    """Point relative ``config/...`` paths into the configuration directory actually in use.

    ``--config /etc/zhengyu`` must read ``/etc/zhengyu/sources``, not ``./config/sources`` of whatever directory
    the command happens to run in. With the default directory (``config``) nothing changes."""
    if config_dir == DEFAULT_CONFIG_DIR:
        return settings
    updates: dict[str, dict[str, Path]] = {}
    for section, name in CONFIG_PATH_SETTINGS:
        value: Path = getattr(getattr(settings, section), name)
        if not value.is_absolute() and value.parts[:1] == (DEFAULT_CONFIG_DIR.name,):
            updates.setdefault(section, {})[name] = config_dir.joinpath(*value.parts[1:])
    for section, changes in updates.items():
        settings = settings.model_copy(update={section: getattr(settings, section).model_copy(update=changes)})
    return settings


def _drop_keys(data: dict[str, Any], dotted_keys: set[str], prefix: str = "") -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if dotted in dotted_keys:
            continue
        if isinstance(value, dict):
            result[key] = _drop_keys(value, dotted_keys, dotted + ".")
        else:
            result[key] = value
    return result


def iter_setting_fields(model: type[BaseModel] = Settings, prefix: str = ""):
    """Yield ``(dotted_name, FieldInfo)`` for every leaf setting; used by the docs table and its test."""
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from iter_setting_fields(annotation, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", info

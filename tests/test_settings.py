"""Settings: precedence, clear errors for broken files and values, and docs that cannot drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhengyu.errors import ConfigError
from zhengyu.settings import Settings, iter_setting_fields, load_settings
from zhengyu.settings_docs import settings_markdown

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    import os

    for key in list(os.environ):
        if key.startswith("ZHENGYU_"):
            monkeypatch.delenv(key)


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "settings.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_defaults_without_a_file(tmp_path):
    settings = load_settings(tmp_path)
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("data/zhengyu.db")
    assert settings.crawl.obey_robots_txt is True
    assert settings.crawl.download_delay_s is None and "127.0.0.1" in settings.crawl.local_hosts


def test_shipped_settings_file_is_valid():
    settings = load_settings(REPO_ROOT / "config")
    assert settings.dashboard.port == 8501


def test_precedence_cli_over_environment_over_yaml(tmp_path, monkeypatch):
    cfg = write(tmp_path, "dashboard:\n  port: 8600\n  host: 0.0.0.0\n")
    assert load_settings(cfg).dashboard.port == 8600
    monkeypatch.setenv("ZHENGYU_DASHBOARD__PORT", "8700")
    settings = load_settings(cfg)
    assert settings.dashboard.port == 8700
    assert settings.dashboard.host == "0.0.0.0"  # untouched YAML siblings survive an env override
    assert load_settings(cfg, {"dashboard": {"port": 8800}}).dashboard.port == 8800


def test_secrets_come_from_the_environment_and_are_masked(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHENGYU_SECRETS__AUTHOR_HASH_KEY", "s3cret")
    settings = load_settings(tmp_path)
    assert settings.secrets.author_hash_key.get_secret_value() == "s3cret"
    assert "s3cret" not in settings.model_dump_json()


def test_broken_yaml_names_file_line_and_problem(tmp_path):
    cfg = write(tmp_path, "database:\n  url: [unclosed\ncrawl:\n  x: 1\n")
    with pytest.raises(ConfigError) as err:
        load_settings(cfg)
    message = str(err.value)
    assert str(cfg / "settings.yaml") in message and "YAML" in message and "行" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("dashboard:\n  port: abc\n", "dashboard.port", "integer"),
        ("crawl:\n  download_delay_s: -1\n", "crawl.download_delay_s", "greater than or equal"),
        ("log_level: LOUD\n", "log_level", "DEBUG"),
        ("timezone: Mars/Olympus\n", "timezone", "unknown time zone"),
        ("analysis:\n  sentiment_model: magic\n", "analysis.sentiment_model", "snownlp"),
        ("databse:\n  url: x\n", "databse", "未知的配置项"),
    ],
)
def test_invalid_values_name_the_key_and_what_was_expected(tmp_path, text, key, expected):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text))
    message = str(err.value)
    assert key in message and expected in message and "settings.yaml" in message


def test_top_level_must_be_a_mapping(tmp_path):
    with pytest.raises(ConfigError, match="映射"):
        load_settings(write(tmp_path, "- a\n- b\n"))


def test_every_setting_is_documented_in_the_settings_table():
    doc = (REPO_ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    names = [name for name, _ in iter_setting_fields(Settings)]
    assert len(names) > 20
    missing = [name for name in names if f"| `{name}` |" not in doc]
    assert missing == [], f"undocumented settings: {missing}"
    undescribed = [name for name, info in iter_setting_fields(Settings) if not info.description]
    assert undescribed == []


def test_settings_table_is_current():
    doc = (REPO_ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert doc == settings_markdown(), "docs/settings.md is stale: run `zhengyu config docs > docs/settings.md`"


def test_configuration_files_are_read_from_the_configuration_directory_in_use(tmp_path):
    elsewhere = REPO_ROOT / "config"
    settings = load_settings(elsewhere)
    assert settings.crawl.sources_dir == elsewhere / "sources"
    assert settings.analysis.warning_rules_file == elsewhere / "warning_rules.yaml"
    assert settings.analysis.lexicon_dir.is_dir() and settings.analysis.categories_file.is_file()
    # the default directory keeps the relative paths; explicit paths outside config/ are left alone
    assert load_settings().crawl.sources_dir == Path("config/sources")
    cfg = write(tmp_path, f"crawl:\n  sources_dir: {tmp_path / 'mine'}\nanalysis:\n  plans_dir: plans_elsewhere\n")
    settings = load_settings(cfg)
    assert settings.crawl.sources_dir == tmp_path / "mine"
    assert settings.analysis.plans_dir == Path("plans_elsewhere")
    assert settings.analysis.categories_file == cfg / "categories.yaml"

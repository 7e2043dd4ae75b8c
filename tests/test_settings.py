"""Settings come from KAIKUBOT_* variables; a bad one stops the program with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import EXIT_CONFIG, main
from bot.settings import SettingsError, load_settings

CLEAN_ENV = {key: value for key, value in os.environ.items() if not key.startswith("KAIKUBOT_")}


@pytest.fixture(autouse=True)
def no_kaikubot_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(os.environ):
        if key.startswith("KAIKUBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_are_a_sqlite_file_helsinki_time_and_finnish() -> None:
    settings = load_settings()
    assert settings.effective_database_url == "sqlite+aiosqlite:///data/kaikubot.db"
    assert settings.timezone == "Europe/Helsinki"
    assert settings.default_language == "fi"
    assert settings.api_base_url == "https://api.telegram.org/bot"


def test_the_file_url_follows_the_api_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIKUBOT_API_BASE_URL", "http://127.0.0.1:8081/bot")
    assert load_settings().file_base_url == "http://127.0.0.1:8081/file/bot"


def test_values_are_read_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("KAIKUBOT_DEFAULT_LANGUAGE=sv\nKAIKUBOT_TOKEN=1:abc\n")
    settings = load_settings()
    assert settings.default_language == "sv"
    assert settings.require_token() == "1:abc"


def test_the_token_never_shows_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIKUBOT_TOKEN", "123:very-secret")
    assert "very-secret" not in repr(load_settings())


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KAIKUBOT_TIMEZONE", "Mars/Olympus"),
        ("KAIKUBOT_DEFAULT_LANGUAGE", "de"),
        ("KAIKUBOT_DATABASE_URL", "mysql://localhost/kaiku"),
        ("KAIKUBOT_API_BASE_URL", "ftp://example"),
        ("KAIKUBOT_DRAFT_MAX_AGE_HOURS", "soon"),
    ],
)
def test_a_bad_value_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings()


def test_run_without_a_token_exits_2_naming_the_variable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run"]) == EXIT_CONFIG
    error = capsys.readouterr().err
    assert "KAIKUBOT_TOKEN" in error
    assert error.count("\n") == 1


def test_the_console_script_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    environment = {**CLEAN_ENV, "KAIKUBOT_TIMEZONE": "Nowhere/Never"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == EXIT_CONFIG
    assert result.stderr.strip().splitlines() == [
        "kaikubot: KAIKUBOT_TIMEZONE is invalid: unknown time zone 'Nowhere/Never'"
    ]

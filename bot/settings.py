"""Typed settings read from KAIKUBOT_* environment variables and an optional .env file."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SUPPORTED_LANGUAGES = ("fi", "sv", "en")
DEFAULT_DATA_DIR = Path("data")


class SettingsError(Exception):
    """A configuration value is missing or invalid; the message names the variable."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="KAIKUBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    token: SecretStr | None = None
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    api_base_url: str = "https://api.telegram.org/bot"
    timezone: str = "Europe/Helsinki"
    default_language: str = "fi"
    log_level: str = "INFO"
    # How long an unfinished form is kept before a job deletes it.
    draft_max_age_hours: int = Field(default=24, ge=1)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("default_language")
    @classmethod
    def _supported_language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value and not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return upper

    @property
    def zone(self) -> ZoneInfo:
        """The time zone in which dates are shown and "today" is decided."""
        return ZoneInfo(self.timezone)

    @property
    def effective_database_url(self) -> str:
        """The configured database, or a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'kaikubot.db'}"

    @property
    def file_base_url(self) -> str:
        """Where files are downloaded from: follows the API URL (…/bot → …/file/bot)."""
        base = self.api_base_url
        if base.endswith("/bot"):
            return base[: -len("bot")] + "file/bot"
        return base + "/file/bot"

    def require_token(self) -> str:
        """Return the bot token or fail with a message naming the variable."""
        if self.token is None or not self.token.get_secret_value().strip():
            raise SettingsError(
                "KAIKUBOT_TOKEN is not set: ask @BotFather for a bot token and put it in "
                "KAIKUBOT_TOKEN (environment or .env)"
            )
        return self.token.get_secret_value().strip()


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation failure into one line naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"KAIKUBOT_{field.upper()} is invalid: {message}") from None

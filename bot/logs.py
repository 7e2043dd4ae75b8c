"""Logging that never shows the bot token."""

from __future__ import annotations

import logging


class RedactFilter(logging.Filter):
    """Replace secrets in every record (the token appears in Bot API URLs)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = message
        for secret in self._secrets:
            redacted = redacted.replace(secret, "[token]")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure(level: str, secrets: list[str]) -> None:
    """Set up logging once, at program start (never at import time)."""
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    redact = RedactFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    quiet_libraries()


def quiet_libraries() -> None:
    """Keep libraries from logging what people type, or the token, at any level we set."""
    # httpx logs every request URL at INFO, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # At DEBUG, python-telegram-bot logs whole updates and requests, and aiosqlite the
    # parameters of every statement: what people typed.
    logging.getLogger("telegram").setLevel(logging.INFO)
    logging.getLogger("aiosqlite").setLevel(logging.INFO)

"""The error a Bot API method answers with, in Telegram's own words and envelope."""

from typing import Any


class BotApiError(Exception):
    """A Bot API method failed the way Telegram reports it: an HTTP status and a description."""

    def __init__(
        self, error_code: int, description: str, *, retry_after: int | None = None
    ) -> None:
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> dict[str, Any]:
        """Return the body Telegram sends with this error."""
        envelope: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            envelope["parameters"] = {"retry_after": self.retry_after}
        return envelope

    def copy(self) -> "BotApiError":
        """Return a fresh instance, so an injected fault can be raised more than once."""
        return BotApiError(self.error_code, self.description, retry_after=self.retry_after)

    @classmethod
    def too_many_requests(cls, retry_after: int) -> "BotApiError":
        """Return the flood-control error Telegram answers with."""
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


def bad_request(detail: str) -> BotApiError:
    """Return a 400 with Telegram's "Bad Request: " prefix."""
    return BotApiError(400, f"Bad Request: {detail}")


class RefusedByTelegram(ValueError):
    """Something a person tried that Telegram itself does not let through (a message over
    4096 characters, text that is not valid Unicode): the message is Telegram's own words."""


def check_user_text(text: str, limit: int, *, what: str = "message text") -> None:
    """Refuse text a person cannot send: empty (for a message), too long, or not Unicode."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates: what undecodable bytes of a terminal become (surrogateescape).
        raise RefusedByTelegram("Bad Request: strings must be encoded in UTF-8") from None
    if what == "message text" and not text:
        raise RefusedByTelegram("Bad Request: message text is empty")
    if len(text) > limit:
        raise RefusedByTelegram(
            f"Bad Request: {what} is too long ({len(text)} characters; at most {limit})"
        )

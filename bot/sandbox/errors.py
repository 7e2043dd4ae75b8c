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

"""Method parameters as they arrive over HTTP (all strings) or in-process (native values)."""

import json
from collections.abc import Mapping
from typing import Any

from bot.sandbox.errors import bad_request

# Objects the Bot API takes JSON-serialised in a form field, with Telegram's complaint when
# the JSON does not parse.
_JSON_FIELDS = {
    "reply_markup": "can't parse reply keyboard markup JSON object",
    "commands": "can't parse commands JSON object",
    "scope": "can't parse BotCommandScope JSON object",
    "menu_button": "can't parse menu button JSON object",
    "entities": "can't parse entities JSON object",
    "caption_entities": "can't parse entities JSON object",
    "link_preview_options": "can't parse link preview options JSON object",
    "reply_parameters": "can't parse reply parameters JSON object",
    "allowed_updates": "can't parse JSON array of allowed updates",
}
_INT_FIELDS = frozenset(
    {
        "message_id", "offset", "limit", "timeout", "cache_time", "reply_to_message_id",
        "user_id", "message_thread_id",
    }
)  # fmt: skip
_BOOL_FIELDS = frozenset(
    {
        "disable_notification", "protect_content", "show_alert", "drop_pending_updates",
        "disable_web_page_preview", "allow_sending_without_reply", "has_spoiler",
        "disable_content_type_detection", "show_caption_above_media", "allow_paid_broadcast",
        "for_channels",
    }
)  # fmt: skip


def normalise(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parse string values into the types the method expects; leave native values alone."""
    result: dict[str, Any] = {}
    for name, value in params.items():
        parsed = _parse_string(name, value) if isinstance(value, str) else value
        if parsed is not None:
            result[name] = parsed
    return result


def _parse_string(name: str, value: str) -> Any:
    if name in _JSON_FIELDS:
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(_JSON_FIELDS[name]) from None
    if name in _INT_FIELDS:
        try:
            return int(value.strip())
        except ValueError:
            raise bad_request(f'field "{name}" must be an Integer') from None
    if name in _BOOL_FIELDS:
        # telegram-bot-api's Client::to_bool.
        return value.strip().lower() in ("true", "yes", "1")
    if name == "chat_id":
        # A private chat's id is an integer; "@name" only ever resolves to public chats.
        stripped = value.strip()
        return int(stripped) if stripped.lstrip("-").isdigit() else stripped
    return value


def optional_str(params: Mapping[str, Any], name: str) -> str | None:
    """Return a string parameter, or None when absent."""
    value = params.get(name)
    return None if value is None else str(value)

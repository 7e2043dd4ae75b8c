"""Reply markup as Telegram checks it: inline keyboards, reply keyboards, removal, force reply.

The error texts are telegram-bot-api's (Client::get_reply_markup), with the "Bad Request: "
prefix and lower-cased first letter the Bot API adds. One rule is stricter than Telegram, on
purpose: an inline button must name exactly one action, where Telegram silently takes the first.
"""

from typing import Any

from bot.sandbox.errors import BotApiError, bad_request

Markup = dict[str, Any]

INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_ACTION_ORDER = {name: index for index, name in enumerate(INLINE_ACTIONS)}
_MAX_BUTTONS = 100
_MAX_CALLBACK_DATA_BYTES = 64
_URL_SCHEMES = ("http", "https", "tg", "ton")
_REPLY_FLAGS = ("resize_keyboard", "one_time_keyboard", "is_persistent", "selective")


def parse_reply_markup(value: object) -> Markup | None:
    """Validate reply_markup and return it normalised, or None when it asks for nothing."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request("object expected as reply markup")
    keyboard = _reply_rows(value["keyboard"]) if "keyboard" in value else []
    inline = _inline_rows(value["inline_keyboard"]) if "inline_keyboard" in value else []
    flags = {name: _flag(value, name) for name in _REPLY_FLAGS if name in value}
    placeholder = _placeholder(value)
    remove = _flag(value, "remove_keyboard") if "remove_keyboard" in value else False
    force_reply = _flag(value, "force_reply") if "force_reply" in value else False
    extras: Markup = dict(flags)
    if placeholder is not None:
        extras["input_field_placeholder"] = placeholder
    # The same precedence as telegram-bot-api; empty keyboards mean no markup at all.
    if keyboard:
        return {"keyboard": keyboard, **extras}
    if inline:
        return {"inline_keyboard": inline}
    if remove:
        return {"remove_keyboard": True, **_only(extras, "selective")}
    if force_reply:
        return {"force_reply": True, **_only(extras, "selective", "input_field_placeholder")}
    return None


def is_inline(markup: Markup | None) -> bool:
    """Tell whether markup is an inline keyboard, the only kind a Message carries back."""
    return markup is not None and "inline_keyboard" in markup


def inline_buttons(markup: Markup | None) -> list[dict[str, Any]]:
    """Return the inline buttons of markup, row by row, or [] for any other markup."""
    if not is_inline(markup):
        return []
    assert markup is not None
    return [button for row in markup["inline_keyboard"] for button in row]


def require_inline(markup: Markup | None) -> Markup | None:
    """Reject reply keyboards where only an inline keyboard may go (edits)."""
    if markup is not None and not is_inline(markup):
        raise bad_request("inline keyboard expected")
    return markup


def _only(extras: Markup, *names: str) -> Markup:
    return {name: extras[name] for name in names if name in extras}


def _flag(value: Markup, name: str) -> bool:
    flag = value[name]
    if not isinstance(flag, bool):
        owner = {
            "remove_keyboard": "the ReplyKeyboardRemove",
            "force_reply": "the reply markup",
            "selective": "the reply markup",
        }.get(name, "the ReplyKeyboardMarkup")
        raise bad_request(f'field "{name}" of {owner} must be of the type Boolean')
    return flag


def _placeholder(value: Markup) -> str | None:
    placeholder = value.get("input_field_placeholder")
    if placeholder is None:
        return None
    if not isinstance(placeholder, str):
        raise bad_request('field "input_field_placeholder" must be of type String')
    if len(placeholder) > 64:
        raise bad_request("input field placeholder must be at most 64 characters long")
    return placeholder


def _rows(value: object, field: str, owner: str) -> list[list[Any]]:
    if not isinstance(value, list):
        raise bad_request(f'field "{field}" of the {owner} must be an Array')
    if not all(isinstance(row, list) for row in value):
        raise bad_request(f'field "{field}" of the {owner} must be an Array of Arrays')
    return [row for row in value if row]


def _reply_rows(value: object) -> list[list[dict[str, Any]]]:
    rows = _rows(value, "keyboard", "ReplyKeyboardMarkup")
    return [[_reply_button(button) for button in row] for row in rows]


def _reply_button(button: object) -> dict[str, Any]:
    if isinstance(button, str):
        button = {"text": button}
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse keyboard button: KeyboardButton must be a String or an Object"
        )
    _button_text(button, "keyboard button")
    return dict(button)


def _inline_rows(value: object) -> list[list[dict[str, Any]]]:
    rows = _rows(value, "inline_keyboard", "InlineKeyboardMarkup")
    if sum(len(row) for row in rows) > _MAX_BUTTONS:
        raise bad_request("REPLY_MARKUP_TOO_LONG")
    return [[_inline_button(button) for button in row] for row in rows]


def _button_text(button: dict[str, Any], what: str) -> str:
    if "text" not in button:
        raise bad_request(f"can't parse {what}: Can't find field \"text\"")
    text = button["text"]
    if not isinstance(text, str):
        raise bad_request(f'can\'t parse {what}: Field "text" must be of type String')
    if not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    return text


def _inline_button(button: object) -> dict[str, Any]:
    what = "inline keyboard button"
    if not isinstance(button, dict):
        raise bad_request(f"can't parse {what}: InlineKeyboardButton must be an Object")
    _button_text(button, what)
    # telegram-bot-api treats an empty url or callback_data as absent. A button has few fields,
    # so they are looked at rather than every action, then put in INLINE_ACTIONS' order.
    present = [
        name
        for name, value in button.items()
        if name in _ACTION_ORDER and value is not None and value != ""
    ]
    actions = sorted(present, key=_ACTION_ORDER.__getitem__)
    if not actions:
        raise bad_request(f"can't parse {what}: Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request(
            f"can't parse {what}: exactly one of the optional fields must be used, "
            f"not {', '.join(actions)}"
        )
    if actions == ["callback_data"]:
        _check_callback_data(button["callback_data"])
    if actions == ["url"]:
        _check_url(button["url"])
    return {"text": button["text"], actions[0]: button[actions[0]]}


def _check_callback_data(data: object) -> None:
    if not isinstance(data, str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "callback_data" must be of type String'
        )
    if len(data.encode()) > _MAX_CALLBACK_DATA_BYTES:
        raise bad_request("BUTTON_DATA_INVALID")


def _check_url(url: object) -> None:
    if not isinstance(url, str):
        raise bad_request('can\'t parse inline keyboard button: Field "url" must be of type String')
    scheme, sep, rest = url.partition("://")
    if sep and scheme.lower() not in _URL_SCHEMES:
        raise _url_error(url, "Unsupported URL protocol")
    if (sep and not rest) or any(ch.isspace() for ch in url) or (not sep and "." not in url):
        raise _url_error(url, "Wrong HTTP URL")


def _url_error(url: str, reason: str) -> BotApiError:
    return bad_request(f"inline keyboard button URL '{url}' is invalid: {reason}")

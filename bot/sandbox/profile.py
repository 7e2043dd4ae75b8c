"""The bot's profile: command lists per scope and language, name, descriptions, menu button."""

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.sandbox.errors import bad_request

_SCOPE_TYPES = frozenset(
    {
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
        "chat", "chat_administrators", "chat_member",
    }
)  # fmt: skip
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_MENU_TYPES = frozenset({"commands", "web_app", "default"})
_TEXT_LIMITS = {"name": 64, "description": 512, "short_description": 120}


def scope_key(scope: object) -> str:
    """Return the canonical JSON of a BotCommandScope; None means the default scope."""
    if scope is None:
        scope = {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
        raise bad_request("wrong bot command scope specified")
    if scope["type"].startswith("chat") and "chat_id" not in scope:
        raise bad_request("chat_id is empty")
    return json.dumps(scope, sort_keys=True, separators=(",", ":"))


def language_key(language_code: object) -> str:
    """Return a checked two-letter language code, "" for all languages."""
    code = "" if language_code is None else str(language_code)
    if code and not _LANGUAGE.fullmatch(code):
        raise bad_request("invalid language code specified")
    return code


class BotProfile:
    """What the bot says about itself, stored the way the Bot API keys it."""

    def __init__(self, first_name: str, chat_exists: Callable[[object], bool]) -> None:
        self._first_name = first_name
        self._chat_exists = chat_exists
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.texts: dict[tuple[str, str], str] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}

    def _command_key(self, params: Mapping[str, Any]) -> tuple[str, str]:
        scope = params.get("scope")
        key = scope_key(scope)
        if (
            isinstance(scope, dict)
            and "chat_id" in scope
            and not self._chat_exists(scope["chat_id"])
        ):
            raise bad_request("chat not found")
        return key, language_key(params.get("language_code"))

    def set_commands(self, params: Mapping[str, Any]) -> bool:
        """Replace the command list of one scope and language."""
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        checked: list[dict[str, str]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("BotCommand must be an Object")
            name = str(command.get("command", "")).removeprefix("/")
            description = str(command.get("description", "")).strip()
            if not _COMMAND.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            checked.append({"command": name, "description": description})
        key = self._command_key(params)
        if checked:
            self.commands[key] = checked
        else:
            self.commands.pop(key, None)
        return True

    def get_commands(self, params: Mapping[str, Any]) -> list[dict[str, str]]:
        """Return the commands of exactly this scope and language, without fallback."""
        return [dict(command) for command in self.commands.get(self._command_key(params), [])]

    def delete_commands(self, params: Mapping[str, Any]) -> bool:
        """Forget the command list of one scope and language."""
        self.commands.pop(self._command_key(params), None)
        return True

    def set_text(self, field: str, params: Mapping[str, Any]) -> bool:
        """Set the name, description or short description for one language."""
        value = str(params.get(field) or "")
        if len(value) > _TEXT_LIMITS[field]:
            raise bad_request(f"bot {field.replace('_', ' ')} is too long")
        key = (field, language_key(params.get("language_code")))
        if value:
            self.texts[key] = value
        else:
            self.texts.pop(key, None)
        return True

    def get_text(self, field: str, params: Mapping[str, Any]) -> dict[str, str]:
        """Return the name, description or short description for one language."""
        language = language_key(params.get("language_code"))
        value = self.texts.get((field, language))
        if value is None:
            value = self.texts.get((field, ""), self._first_name if field == "name" else "")
        return {field: value}

    def set_menu_button(self, params: Mapping[str, Any]) -> bool:
        """Set the menu button of one private chat, or the default one."""
        chat_id = params.get("chat_id")
        if chat_id is not None and not self._chat_exists(chat_id):
            raise bad_request("chat not found")
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in _MENU_TYPES:
            raise bad_request("unsupported menu button type specified")
        if button["type"] == "web_app":
            web_app = button.get("web_app")
            url = web_app.get("url", "") if isinstance(web_app, dict) else ""
            if not button.get("text") or not str(url).startswith("https://"):
                raise bad_request("WEBAPP_URL_INVALID")
        key = chat_id if isinstance(chat_id, int) else None
        if button["type"] == "default":
            self.menu_buttons.pop(key, None)
        else:
            self.menu_buttons[key] = dict(button)
        return True

    def get_menu_button(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Return a chat's menu button, falling back to the default one."""
        chat_id = params.get("chat_id")
        if chat_id is not None and not self._chat_exists(chat_id):
            raise bad_request("chat not found")
        key = chat_id if isinstance(chat_id, int) else None
        button = self.menu_buttons.get(key) or self.menu_buttons.get(None)
        return dict(button) if button else {"type": "commands"}

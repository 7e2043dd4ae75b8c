"""Telegram's formatted text: the HTML parse mode, entities, trimming and UTF-16 offsets.

The parser follows tdlib's `parse_html` (td/telegram/MessageEntity.cpp) step by step, so that it
accepts and rejects what Telegram does, with the same error texts and byte offsets.
"""

import logging
import re
from dataclasses import dataclass
from typing import Any

from bot.sandbox.errors import BotApiError, bad_request

Entity = dict[str, Any]

_LOG = logging.getLogger(__name__)

_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
# Telegram trims these from both ends of a message before it measures or stores it.
_TRIMMED = " \t\n\r\v\f"
# tdlib's match_bot_commands: a slash not glued to a word, 1-64 name characters, optional @bot.
_BOT_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")
_URL_SCHEMES = ("http://", "https://", "tg://", "ton://")
# Where plain text in HTML ends: a tag or a character reference may start there.
_SPECIAL = re.compile("[&<]")


def utf16_len(text: str) -> int:
    """Return the length in UTF-16 code units, the unit of Telegram's entity offsets."""
    if text.isascii():
        return len(text)
    # surrogatepass: a lone surrogate in a Python str still counts as one code unit.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass
class _OpenTag:
    name: str
    argument: str
    expandable: bool
    utf16_offset: int
    text_offset: int


class _HtmlParser:
    """One pass over HTML source, producing plain text and entities or a tdlib error."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.entities: list[Entity] = []
        self.stack: list[_OpenTag] = []

    def at(self, index: int) -> str:
        """Return the character at index, or "" past the end (tdlib reads a NUL there)."""
        return self.src[index] if index < len(self.src) else ""

    def byte_offset(self, index: int) -> int:
        """Return the UTF-8 byte offset of a character index, as tdlib reports positions."""
        return len(self.src[:index].encode())

    def fail(self, message: str) -> BotApiError:
        """Return the error Telegram answers a malformed text with."""
        return bad_request(f"can't parse entities: {message}")

    def emit(self, char: str) -> None:
        """Append one character of visible text."""
        self.out.append(char)
        self.utf16 += 2 if ord(char) > 0xFFFF else 1

    def emit_text(self, text: str) -> None:
        """Append a run of visible text; `out` holds pieces, tags keep indexes into it."""
        self.out.append(text)
        self.utf16 += utf16_len(text)

    def parse(self) -> tuple[str, list[Entity]]:
        """Parse the whole source."""
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char == "&":
                decoded = self.decode_entity(self.pos)
                if decoded is not None:
                    self.emit(decoded[0])
                    self.pos = decoded[1]
                    continue
            if char != "<":
                # Plain text runs up to the next tag or character reference: take it whole.
                special = _SPECIAL.search(self.src, self.pos + 1)
                end = len(self.src) if special is None else special.start()
                self.emit_text(self.src[self.pos : end])
                self.pos = end
                continue
            if self.at(self.pos + 1) == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.stack:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        for entity in self.entities:
            entity.pop("_language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def decode_entity(self, start: int) -> tuple[str, int] | None:
        """Decode &lt; &gt; &amp; &quot; and numeric references; None leaves the '&' as text."""
        end = start + 1
        code = 0
        if self.at(end) == "#":
            end += 1
            if self.at(end) == "x":
                end += 1
                while self.at(end) and self.at(end) in "0123456789abcdefABCDEF":
                    code = code * 16 + int(self.src[end], 16)
                    end += 1
            else:
                while self.at(end) and self.at(end) in "0123456789":
                    code = code * 10 + int(self.src[end])
                    end += 1
            if code == 0 or code >= 0x10FFFF or end - start >= 10:
                return None
        else:
            while self.at(end).isascii() and self.at(end).isalpha():
                end += 1
            named = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(self.src[start + 1 : end])
            if named is None:
                return None
            code = ord(named)
        if 0xD800 <= code <= 0xDFFF:
            raise self.fail(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        if self.at(end) == ";":
            end += 1
        return chr(code), end

    def is_space(self, index: int) -> bool:
        """Tell whether tdlib's is_space holds, which is true at the end of the text too."""
        return self.at(index) in ("", " ", "\t", "\r", "\n", "\v")

    def skip_spaces(self) -> None:
        """Move past whitespace, stopping at the end of the text."""
        while self.at(self.pos) and self.is_space(self.pos):
            self.pos += 1

    def start_tag(self) -> None:
        """Parse a start tag with its attributes and open an entity."""
        begin = self.pos
        where = self.byte_offset(begin)
        self.pos += 1
        while not self.is_space(self.pos) and self.at(self.pos) != ">":
            self.pos += 1
        if not self.at(self.pos):
            raise self.fail(f"Unclosed start tag at byte offset {where}")
        name = self.src[begin + 1 : self.pos].lower()
        if name not in _TAGS:
            raise self.fail(f'Unsupported start tag "{name}" at byte offset {where}')
        argument = ""
        expandable = False
        while self.at(self.pos) != ">":
            self.skip_spaces()
            if self.at(self.pos) == ">":
                break
            attr_begin = self.pos
            while not self.is_space(self.pos) and self.at(self.pos) not in "=>":
                self.pos += 1
            attribute = self.src[attr_begin : self.pos]
            if not attribute:
                raise self.fail(f'Empty attribute name in the tag "{name}" at byte offset {where}')
            self.skip_spaces()
            if self.at(self.pos) != "=":
                # Newer Telegram accepts a bare `expandable` on a blockquote.
                if name == "blockquote" and attribute.lower() == "expandable":
                    expandable = True
                    continue
                raise self.fail(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {where}'
                )
            self.pos += 1
            self.skip_spaces()
            if not self.at(self.pos):
                raise self.fail(f'Unclosed start tag "{name}" at byte offset {where}')
            value = self.attribute_value()
            if not self.at(self.pos):
                raise self.fail(f"Unclosed start tag at byte offset {where}")
            if (name, attribute) in (("a", "href"), ("tg-emoji", "emoji-id")):
                argument = value
            elif name == "code" and attribute == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif name == "span" and attribute == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
        if name == "span" and argument != "spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {where}')
        self.stack.append(_OpenTag(name, argument, expandable, self.utf16, len(self.out)))
        self.pos += 1

    def attribute_value(self) -> str:
        """Parse a quoted string or a bare name token."""
        quote = self.at(self.pos)
        if quote not in ("'", '"'):
            token_begin = self.pos
            while _name_token_char(self.at(self.pos)):
                self.pos += 1
            if not self.is_space(self.pos) and self.at(self.pos) != ">":
                raise self.fail(
                    f"Unexpected end of name token at byte offset {self.byte_offset(token_begin)}"
                )
            return self.src[token_begin : self.pos].lower()
        self.pos += 1
        value: list[str] = []
        while self.at(self.pos) and self.at(self.pos) != quote:
            if self.at(self.pos) == "&":
                decoded = self.decode_entity(self.pos)
                if decoded is not None:
                    value.append(decoded[0])
                    self.pos = decoded[1]
                    continue
            value.append(self.src[self.pos])
            self.pos += 1
        if self.at(self.pos) == quote:
            self.pos += 1
        return "".join(value)

    def end_tag(self) -> None:
        """Parse an end tag and close the innermost entity."""
        begin = self.pos
        where = self.byte_offset(begin)
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {where}")
        self.pos += 1
        while not self.is_space(self.pos) and self.at(self.pos) != ">":
            self.pos += 1
        end_name = self.src[begin + 2 : self.pos].lower()
        self.skip_spaces()
        if self.at(self.pos) != ">":
            raise self.fail(f"Unclosed end tag at byte offset {where}")
        opened = self.stack.pop()
        if end_name and end_name != opened.name:
            raise self.fail(
                f'Unmatched end tag at byte offset {where}, expected "</{opened.name}>", '
                f'found "</{end_name}>"'
            )
        if self.utf16 > opened.utf16_offset:
            self.close_entity(opened)
        self.pos += 1

    def close_entity(self, opened: _OpenTag) -> None:
        """Add the entity a closed tag stands for."""
        span = {"offset": opened.utf16_offset, "length": self.utf16 - opened.utf16_offset}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and all(last[k] == span[k] for k in ("offset", "length"))
        name = opened.name
        if name in _SIMPLE_TYPES:
            self.entities.append({"type": _SIMPLE_TYPES[name], **span})
        elif name == "blockquote":
            kind = "expandable_blockquote" if opened.expandable else "blockquote"
            self.entities.append({"type": kind, **span})
        elif name == "tg-emoji":
            if not opened.argument.isdigit() or int(opened.argument) == 0:
                raise self.fail("Invalid custom emoji identifier specified")
            self.entities.append(
                {"type": "custom_emoji", **span, "custom_emoji_id": opened.argument}
            )
        elif name == "a":
            url = opened.argument or "".join(self.out[opened.text_offset :])
            checked = _checked_link(url)
            if checked:
                self.entities.append({"type": "text_link", **span, "url": checked})
        elif name == "pre":
            if last is not None and same_span and last["type"] == "code" and last.get("_language"):
                last["type"] = "pre"
                last["language"] = last.pop("_language")
            else:
                self.entities.append({"type": "pre", **span})
        elif last is not None and same_span and last["type"] == "pre" and opened.argument:
            last["language"] = opened.argument
        else:
            self.entities.append({"type": "code", **span, "_language": opened.argument})


def _name_token_char(char: str) -> bool:
    """Tell whether char may appear in an unquoted attribute value (ASCII, as in tdlib)."""
    return bool(char) and char.isascii() and (char.isalnum() or char in ".-")


def _checked_link(url: str) -> str:
    """Return the link Telegram would keep, or "" when it silently drops the entity."""
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        return ""
    if url.lower().startswith(_URL_SCHEMES):
        return url
    if "://" in url or "." not in url:
        return ""
    return f"http://{url}"


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Return the plain text and entities of HTML, or raise Telegram's parse error."""
    return _HtmlParser(source).parse()


def trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip surrounding whitespace as Telegram does, shifting and clipping the entities."""
    stripped = text.lstrip(_TRIMMED)
    # The trimmed characters are ASCII, one UTF-16 code unit each.
    shift = len(text) - len(stripped)
    stripped = stripped.rstrip(_TRIMMED)
    limit = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def bot_command_entities(text: str) -> list[Entity]:
    """Return the bot_command entities Telegram detects in a text a person sends."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in _BOT_COMMAND.finditer(text)
    ]


def format_text(raw: str, parse_mode: str | None, entities: object) -> tuple[str, list[Entity]]:
    """Turn a sent text or caption into what the recipient sees: plain text and entities."""
    mode = (parse_mode or "").strip().lower()
    if entities is not None:
        # Explicit entities win over parse_mode, as in the Bot API.
        text, parsed = raw, _checked_entities(entities)
    elif mode == "html":
        text, parsed = parse_html(raw)
    elif mode in ("markdown", "markdownv2"):
        # Telegram accepts these; the model does not parse them, so say so loudly.
        _LOG.error("The Telegram model does not parse parse_mode %s", parse_mode)
        raise bad_request(
            f"can't parse entities: the sandbox models parse_mode HTML only, not {parse_mode}"
        )
    elif mode:
        raise bad_request("unsupported parse_mode")
    else:
        text, parsed = raw, []
    return trim(text, parsed)


def _checked_entities(entities: object) -> list[Entity]:
    """Validate explicit entities enough to catch a malformed list."""
    if not isinstance(entities, list):
        raise bad_request("can't parse entities: Expected an Array of MessageEntity")
    checked: list[Entity] = []
    for entity in entities:
        if not (
            isinstance(entity, dict)
            and isinstance(entity.get("type"), str)
            and isinstance(entity.get("offset"), int)
            and isinstance(entity.get("length"), int)
        ):
            raise bad_request("can't parse entities: MessageEntity must be an Object")
        checked.append(dict(entity))
    return checked

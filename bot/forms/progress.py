"""The engine's own part of a draft: where the form is and what it has seen."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields
from typing import Any

# How many inputs (messages, button presses) a draft remembers to recognise one delivered again.
SEEN_INPUTS = 8


@dataclass
class Progress:
    """Everything the engine needs to go on, besides the form's answers and its step."""

    form_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # Bumped on every stored step: buttons carry it, so an older message's button is refused.
    version: int = 0
    # Steps answered, newest last: « Back returns to the last one.
    trail: list[str] = field(default_factory=list)
    # Answering one question again from the summary: the next step is the summary.
    editing: bool = False
    # The inputs this form took, newest last: Telegram delivers an update again when the bot
    # died before confirming it, and it must count once. (Update ids are no clock: they start
    # anew after a week without updates.)
    seen: list[str] = field(default_factory=list)
    # Set while the person is asked whether to go on with this form or start another.
    paused_step: str | None = None
    switch_to: str | None = None

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> Progress:
        """Rebuild the progress from a draft (unknown keys are ignored)."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in stored.items() if key in known})

    def to_dict(self) -> dict[str, Any]:
        """The progress as a draft stores it."""
        return asdict(self)

    def saw(self, key: str) -> None:
        """Remember an input this form took."""
        self.seen = [*self.seen, key][-SEEN_INPUTS:]

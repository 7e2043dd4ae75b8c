"""How a form is declared: its steps as data, what each asks, what it takes, where it leads.

A step's answer functions take the turn and the answer (typed text, a decoded photo, or a
pressed button's value), store what they accept in `turn.answers`, and return the name of the
next step or `Finished`; they raise `Refusal` with a translated reason to refuse. The engine
(bot.forms.engine) does everything else the same way for every form.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar, cast

from telegram import InlineKeyboardMarkup

from bot.audience import Audience
from bot.context import BotContext
from bot.i18n import Translator

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from bot.forms.engine import Turn


class Answers(Protocol):
    """A form's answers: stored in its draft as a dict, rebuilt from it at every step."""

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> Self:
        """Rebuild the answers from a draft (unknown keys are ignored)."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """The answers as a draft stores them."""
        ...


A = TypeVar("A", bound=Answers)


class FormAnswers:
    """A base for a form's answers declared as a dataclass: stored as a dict of its fields."""

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> Self:
        """Rebuild the answers from a draft (unknown keys are ignored: a form may change)."""
        names = getattr(cls, "__dataclass_fields__", {})
        return cls(**{key: value for key, value in stored.items() if key in names})

    def to_dict(self) -> dict[str, Any]:
        """The answers as a draft stores them."""
        return dataclasses.asdict(cast("DataclassInstance", self))


@dataclass(frozen=True)
class Choice:
    """A button of a question: its label, and the action (and value) it answers with."""

    label: str
    action: str
    value: str | int | None = None


@dataclass
class Question:
    """What a step asks: the text and its buttons, row by row."""

    text: str
    rows: list[list[Choice]] = field(default_factory=list)


class Refusal(Exception):
    """An answer refused: the person is told why and asked the same question again.

    With `delete`, the refused message itself goes from the chat too (it identifies a client).
    """

    def __init__(self, reason: str, *, delete: bool = False) -> None:
        super().__init__("answer refused")  # never the answer itself: it must not be logged
        self.reason = reason
        self.delete = delete


@dataclass
class Finished:
    """The form ends here with a last message; its draft is deleted."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    # Run once the form's end is committed and its last message sent, holding no connection:
    # work too long for the update's transaction (a long read) and the messages it makes.
    then: Callable[[], Awaitable[None]] | None = None
    # The form queued messages in the outbox: they are delivered right after the commit.
    queued: bool = False


# What an answer leads to: the name of the next step, or the end.
Outcome = str | Finished
Answer = Callable[["Turn[A]", str], Awaitable[Outcome]]


@dataclass(frozen=True)
class Step(Generic[A]):
    """One question of a form: what it asks, and the answers it takes."""

    ask: Callable[[Turn[A]], Awaitable[Question]]
    typed: Answer[A] | None = None
    photo: Answer[A] | None = None
    # A button's action → what pressing it does (its value is the answer).
    pressed: Mapping[str, Answer[A]] = field(default_factory=dict)
    # Whether the question offers « Back (when an earlier step was answered).
    back: bool = True


@dataclass(frozen=True)
class Form(Generic[A]):
    """A step-by-step conversation, declared once; bot.forms.engine runs it."""

    # The draft's key and the buttons' callback prefix: short, and never changed.
    name: str
    # The command that starts it (without "/"). Its arguments, or the value of an entry button
    # ("<entry button>:<value>"), reach `start` as turn.argument: a form that starts from a
    # stored record learns there which record, and which of its answers to change.
    command: str
    audience: Audience
    # The answers' class: built empty when the form starts, from the draft at every step.
    answers: type[A]
    steps: Mapping[str, Step[A]]
    # How the form begins: from empty, or from a stored record; returns its first step.
    start: Callable[[Turn[A]], Awaitable[Outcome]]
    # The summary before Confirm, and what Confirm does.
    summary: Callable[[Turn[A]], Awaitable[str]]
    confirm: Callable[[Turn[A]], Awaitable[Outcome]]
    # The answers "Edit an answer" offers: (label, the step that asks it again).
    editable: Callable[[Turn[A]], list[tuple[str, str]]]
    # The form's name as people read it, alone ("Card form").
    title: Callable[[Translator], str]
    entry_buttons: tuple[str, ...] = ()
    # Reads a photo's bytes into the text a photo step takes (None: nothing readable).
    read_photo: Callable[[bytes], str | None] | None = None
    # Checked at every step against the person's roles as they are now: a reason to end the
    # form (nothing stored) when its answers are no longer within the person's scope.
    out_of_scope: Callable[[Turn[A]], str | None] = lambda turn: None
    # What a confirmed form stored, by its id, for a Confirm pressed again after it ended.
    stored_result: Callable[[BotContext, str], Awaitable[str | None]] | None = None

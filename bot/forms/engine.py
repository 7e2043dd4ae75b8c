"""Runs every declared form, one step at a time, the same way.

An answer is checked, stored in the form's draft with the next step and committed, and only
then does the person hear back: the next question, in place of the pressed one where it fits.
The draft is the one source of truth of where a person is: nothing is held in memory, so a
restart changes nothing. What every form shares lives here: « Back, Cancel and /cancel, the
summary with "Edit an answer" and "Confirm", buttons tagged with the form's version, answers
delivered twice, the scope checked at every step, one open form at a time, expired forms.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageLimit
from telegram.error import BadRequest, TelegramError

from bot.context import BotContext
from bot.editing import edit
from bot.forms import buttons
from bot.forms.declaration import A, Choice, Finished, Form, Outcome, Question, Refusal, Step
from bot.forms.progress import Progress
from bot.i18n import Translator
from bot.rules.validity import today
from storage.models import Draft, Person

# The steps the engine itself runs for every form.
CONFIRMING = "CONFIRMING"
CHOOSING_FIELD = "CHOOSING_FIELD"
DISCARDING = "DISCARDING"
SWITCHING = "SWITCHING"

# Actions every question of a form takes besides its own.
BACK = "back"
CANCEL = "cancel"


@dataclass
class Turn(Generic[A]):
    """One update being handled for a form: who, the form, where it is, and its answers."""

    update: Update
    context: BotContext
    form: Form[A]
    progress: Progress
    answers: A
    step: str
    # Said before the next question (for example why an answer was refused).
    notes: list[str] = field(default_factory=list)
    # What the form was started with: a command's arguments, or an entry button's value.
    argument: str = ""

    @property
    def t(self) -> Translator:
        """The reader's translator."""
        return self.context.t

    @property
    def person(self) -> Person | None:
        """Who is answering (bot.access read them in this update's transaction)."""
        return self.context.person

    @property
    def editing(self) -> bool:
        """Whether one answer is being given again from the summary."""
        return self.progress.editing

    def today(self) -> date:
        """Today in the bot's time zone."""
        return today(self.context.settings.zone)

    def go(self, following: str) -> str:
        """Record that this step was answered and move on to `following`."""
        self.progress.trail.append(self.step)
        return following


@dataclass(frozen=True)
class Input:
    """What the person gave: typed text, a decoded photo or a pressed button."""

    kind: str  # "typed", "photo", "pressed" or "start"
    value: str = ""
    action: str = ""
    # Telegram's own identity of the input (its message or callback query), to know it again.
    key: str = ""
    # The label of the pressed button, shown after the question it answered.
    label: str | None = None


def stored_answers(turn: Turn[Any]) -> dict[str, Any]:
    """What the draft keeps: the engine's progress and the form's answers."""
    return {"progress": turn.progress.to_dict(), "answers": turn.answers.to_dict()}


def load_turn(update: Update, context: BotContext, form: Form[A], draft: Draft) -> Turn[A]:
    """The form as its draft holds it."""
    stored = draft.answers or {}
    progress = Progress.from_dict(stored.get("progress", {}))
    answers = form.answers.from_dict(stored.get("answers", {}))
    return Turn(update, context, form, progress, answers, draft.step)


def fresh_turn(update: Update, context: BotContext, form: Form[A]) -> Turn[A]:
    """A new, empty form."""
    return Turn(update, context, form, Progress(), form.answers(), "")


def expired_text(t: Translator, form: Form[Any], hours: int) -> str:
    """What a person reads when their untouched form was deleted."""
    return t.ngettext(
        "Your unfinished form was deleted because it was not touched for {hours} hour. "
        "Nothing was stored. Start again with /{command}.",
        "Your unfinished form was deleted because it was not touched for {hours} hours. "
        "Nothing was stored. Start again with /{command}.",
        hours,
    ).format(hours=hours, command=form.command)


def deleted(t: Translator) -> str:
    """A refused message that identified a client was deleted from the chat."""
    return t.gettext("I deleted your message from this chat so that it is not kept here.")


def cancelled(t: Translator) -> str:
    """The form was dropped."""
    return t.gettext("Cancelled. Nothing was stored.")


# -- the steps every form has ----------------------------------------------------------------


async def _ask_summary(turn: Turn[Any]) -> Question:
    """The summary, with Confirm, "Edit an answer" (when there is one to edit) and Cancel."""
    t = turn.t
    rows = [[Choice(t.gettext("Confirm"), "confirm", turn.progress.form_id)]]
    if turn.form.editable(turn):
        rows.append([Choice(t.gettext("Edit an answer"), "edit")])
    rows.append([Choice(t.gettext("Cancel"), "cancel")])
    return Question(await turn.form.summary(turn), rows)


async def _confirm(turn: Turn[Any], _value: str) -> Outcome:
    """Do what the form's Confirm does."""
    return await turn.form.confirm(turn)


async def _edit(turn: Turn[Any], _value: str) -> Outcome:
    """Offer the answers that can be changed."""
    return CHOOSING_FIELD


async def _ask_before_discarding(turn: Turn[Any], _value: str) -> Outcome:
    """Cancel on the summary asks once before the answers go."""
    return DISCARDING


async def _ask_field(turn: Turn[Any]) -> Question:
    """Which answer to change."""
    t = turn.t
    rows = [[Choice(label, "field", step)] for label, step in turn.form.editable(turn)]
    rows.append([Choice(t.gettext("« Back to the summary"), "summary")])
    return Question(t.gettext("Which answer do you want to change?"), rows)


async def _choose_field(turn: Turn[Any], value: str) -> Outcome:
    """Answer one question again, then come back to the summary."""
    if value not in {step for _label, step in turn.form.editable(turn)}:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    turn.progress.editing = True
    return value


async def _to_summary(turn: Turn[Any], _value: str) -> Outcome:
    """Back to the summary."""
    return CONFIRMING


async def _ask_discard(turn: Turn[Any]) -> Question:
    """Whether to drop every answer given."""
    t = turn.t
    return Question(
        t.gettext("Discard this form? Nothing of it will be stored."),
        [
            [Choice(t.gettext("Discard it"), "discard")],
            [Choice(t.gettext("« Back to the summary"), "summary")],
        ],
    )


async def _discard(turn: Turn[Any], _value: str) -> Outcome:
    """Drop the form."""
    return Finished(cancelled(turn.t))


async def _ask_switch(turn: Turn[Any]) -> Question:
    """Another form was asked for while this one is open: go on with this one, or drop it?"""
    t = turn.t
    return Question(
        t.gettext(
            "You have an unfinished form: {form}. Do you want to go on with it, or discard it "
            "and start anew?"
        ).format(form=turn.form.title(t)),
        [
            [Choice(t.gettext("Go on with it"), "resume")],
            [Choice(t.gettext("Discard it and start anew"), "discard")],
        ],
    )


async def _resume(turn: Turn[Any], _value: str) -> Outcome:
    """Go on where the form was."""
    step = turn.progress.paused_step or CONFIRMING
    turn.progress.paused_step = turn.progress.switch_to = None
    return step


ENGINE_STEPS: dict[str, Step[Any]] = {
    CONFIRMING: Step(
        _ask_summary,
        pressed={"confirm": _confirm, "edit": _edit, CANCEL: _ask_before_discarding},
        back=False,
    ),
    CHOOSING_FIELD: Step(
        _ask_field, pressed={"field": _choose_field, "summary": _to_summary}, back=False
    ),
    DISCARDING: Step(
        _ask_discard, pressed={"discard": _discard, "summary": _to_summary}, back=False
    ),
    # "discard" here is the engine's own (bot.forms.handlers): it starts the other form.
    SWITCHING: Step(_ask_switch, pressed={"resume": _resume}, back=False),
}


def step_of(form: Form[Any], name: str) -> Step[Any] | None:
    """A step of the form, or one the engine runs for it."""
    return form.steps.get(name) or ENGINE_STEPS.get(name)


async def _go_back(turn: Turn[Any], _value: str) -> Outcome:
    """The previous question, or the summary while editing."""
    if turn.progress.editing:
        return CONFIRMING
    if not turn.progress.trail:
        return turn.step
    return turn.progress.trail.pop()


async def _cancel(turn: Turn[Any], _value: str) -> Outcome:
    """Drop the form."""
    return Finished(cancelled(turn.t))


def answer_for(turn: Turn[Any], given: Input) -> Any:
    """What takes this input at the form's current step, if anything."""
    step = step_of(turn.form, turn.step)
    if step is None:
        return None
    if given.kind == "typed":
        return step.typed
    if given.kind == "photo":
        return step.photo if turn.form.read_photo is not None else None
    own = step.pressed.get(given.action)
    if own is not None:
        return own
    if turn.step in ENGINE_STEPS:
        return None
    return {BACK: _go_back, CANCEL: _cancel}.get(given.action)


# -- questions --------------------------------------------------------------------------------


async def question(turn: Turn[Any]) -> tuple[str, InlineKeyboardMarkup | None]:
    """The current step's question (notes first) with its buttons, each tagged with the form's
    version. It may read what it shows: ask while the update's transaction is open."""
    step = step_of(turn.form, turn.step)
    if step is None:
        raise ValueError(f"{turn.form.name} has no step {turn.step}")
    asked = await step.ask(turn)
    rows = list(asked.rows)
    if turn.step not in ENGINE_STEPS:
        last = []
        if step.back and (turn.progress.trail or turn.progress.editing):
            last.append(Choice(turn.t.gettext("« Back"), BACK))
        last.append(Choice(turn.t.gettext("Cancel"), CANCEL))
        rows.append(last)
    markup = InlineKeyboardMarkup(
        [
            [
                buttons.button(
                    turn.form.name, turn.progress.version, choice.label, choice.action, choice.value
                )
                for choice in row
            ]
            for row in rows
        ]
    )
    text = "\n\n".join([*turn.notes, asked.text])
    return text, markup if rows else None


# -- talking to Telegram (after the commit) ---------------------------------------------------


async def answer_query(update: Update, text: str | None = None) -> None:
    """Stop the pressed button's spinner (with an alert when there is a text)."""
    query = update.callback_query
    if query is None:
        return
    with contextlib.suppress(BadRequest):  # a query answered late is refused; nothing lost
        await query.answer(text, show_alert=text is not None)


async def send(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A new message in the person's chat."""
    chat = update.effective_chat
    if chat is not None:
        await update.get_bot().send_message(chat.id, text, reply_markup=markup)


def pressed_message(update: Update) -> Message | None:
    """The message whose button was pressed, when the bot can still edit it."""
    query = update.callback_query
    message = query.message if query is not None else None
    return message if isinstance(message, Message) and message.text else None


def _with_choice(text: str, label: str | None) -> str:
    return f"{text}\n\n→ {label}" if label else text


def _utf16_length(text: str) -> int:
    # Telegram counts a message's length in UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


async def reply(
    update: Update,
    given: Input,
    text: str,
    markup: InlineKeyboardMarkup | None,
    *,
    in_place: bool,
) -> None:
    """Answer the person: a pressed question turns into the next one where it fits (one
    message keeps the questions answered in it, each with "→ choice"); otherwise the pressed
    message shows the choice and the reply comes as a new message."""
    await answer_query(update)
    message = pressed_message(update)
    if message is not None and message.text:
        answered = _with_choice(message.text, given.label)
        combined = f"{answered}\n\n{text}"
        fits = _utf16_length(combined) <= MessageLimit.MAX_TEXT_LENGTH
        if in_place and fits and await edit(message, combined, markup):
            return
        await edit(message, answered, None)
    await send(update, text, markup)


def pressed_label(query: CallbackQuery) -> str | None:
    """The label of the button that was pressed."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return None


async def tell(update: Update, text: str) -> None:
    """Say something outside the form's questions: an alert on a button, else a message."""
    await answer_query(update)
    with contextlib.suppress(TelegramError):
        await send(update, text)

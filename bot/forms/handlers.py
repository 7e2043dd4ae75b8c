"""The handlers that run the declared forms: starting one, every answer, every button, /cancel.

They come first (group -1) and stop an update they took, so that nothing else answers it too;
text that no form waits for goes on to the other handlers.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.access import handles, open_for, refuse
from bot.audience import ANYONE
from bot.context import BotContext
from bot.forms import buttons
from bot.forms.declaration import Finished, Form, Outcome, Refusal
from bot.forms.engine import (
    CONFIRMING,
    SWITCHING,
    Input,
    Turn,
    answer_for,
    cancelled,
    deleted,
    expired_text,
    fresh_turn,
    load_turn,
    pressed_label,
    question,
    reply,
    send,
    stored_answers,
    tell,
)
from bot.forms.progress import Progress
from bot.jobs import kick_outbox
from storage import drafts
from storage.models import Draft

Handler = BaseHandler[Update, BotContext, object]
PRIVATE = filters.ChatType.PRIVATE
# A handler's word that the update was not for it: the handlers after it may take it.
PASS = object()


def stop_when_taken(
    callback: Callable[[Update, BotContext], Coroutine[Any, Any, object]],
) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """Stop the update once the engine took it, or failed on it: no later handler answers it
    too."""

    async def run(update: Update, context: BotContext) -> None:
        try:
            taken = await callback(update, context)
        except Exception as error:
            # Failing, the form took the update all the same: the error handler apologises,
            # and nothing after it answers too.
            await context.application.process_error(update, error)
            raise ApplicationHandlerStop from None
        if taken is not PASS:
            raise ApplicationHandlerStop

    run.__name__ = run.__qualname__ = getattr(callback, "__name__", "form_handler")
    run.__doc__ = callback.__doc__
    return run


class FormEngine:
    """The declared forms and the handlers that run them."""

    def __init__(self, forms: Sequence[Form[Any]]) -> None:
        self.forms = {form.name: form for form in forms}

    def handlers(self) -> list[Handler]:
        """Every form's entry points, then the answers, buttons and /cancel of open forms."""
        entries: list[Handler] = []
        for form in self.forms.values():
            start = stop_when_taken(self._starter(form))
            entries.append(CommandHandler(form.command, start, filters=PRIVATE))
            for data in form.entry_buttons:
                entries.append(CallbackQueryHandler(start, pattern=f"^{re.escape(data)}(?::|$)"))
        # Each reads the person with their open form, in a transaction that may store an answer.
        reading = handles(ANYONE, writes=True, with_draft=True)
        answers = (filters.TEXT & ~filters.COMMAND) | filters.PHOTO
        pressed: list[Handler] = [
            CallbackQueryHandler(
                stop_when_taken(reading(self.on_button)), pattern=buttons.pattern(name)
            )
            for name in self.forms
        ]
        return [
            *entries,
            CommandHandler(
                "cancel", stop_when_taken(reading(self.cancel_command)), filters=PRIVATE
            ),
            MessageHandler(
                PRIVATE & ~filters.UpdateType.EDITED & answers,
                stop_when_taken(reading(self.on_message)),
            ),
            *pressed,
        ]

    # -- starting ---------------------------------------------------------------------------

    def _starter(
        self, form: Form[Any]
    ) -> Callable[[Update, BotContext], Coroutine[Any, Any, object]]:
        @handles(form.audience, writes=True, with_draft=True)
        async def start_form(update: Update, context: BotContext) -> object:
            """Start the form, unless another is open: then ask which one to go on with."""
            draft = context.draft
            notes: list[str] = []
            given = Input("start", key=_input_key(update), label=_start_label(update))
            if draft is not None:
                open_form = self.forms.get(draft.conversation)
                if (
                    open_form is not None
                    and given.key
                    in Progress.from_dict((draft.answers or {}).get("progress", {})).seen
                ):
                    # Delivered again after a restart: the form it started goes on.
                    return await self._ask_again(load_turn(update, context, open_form, draft))
                if draft.step == drafts.EXPIRED or open_form is None:
                    if open_form is not None:
                        hours = context.settings.draft_max_age_hours
                        notes.append(expired_text(context.t, open_form, hours))
                    await _discard(update, context, draft)
                else:
                    turn = load_turn(update, context, open_form, draft)
                    return await self._ask_to_switch(turn, form, given)
            turn = fresh_turn(update, context, form)
            turn.notes = notes
            turn.argument = _argument(update, context, form)
            return await self._begin(turn, given)

        return start_form

    async def _begin(self, turn: Turn[Any], given: Input) -> object:
        """Run the form's start and store where it leads."""
        try:
            outcome = await turn.form.start(turn)
        except Refusal as refusal:
            outcome = Finished(refusal.reason)
        turn.progress.trail.clear()  # what start chose by itself is no step to go back to
        if isinstance(outcome, Finished):
            turn.notes.append(outcome.text)
            outcome = Finished(
                "\n\n".join(turn.notes),
                outcome.markup,
                then=outcome.then,
                queued=outcome.queued,
            )
        return await self._advance(turn, outcome, given)

    async def _ask_to_switch(self, turn: Turn[Any], wanted: Form[Any], given: Input) -> object:
        """Another form is open: ask whether to go on with it or discard it for the new one."""
        progress = turn.progress
        if turn.step != SWITCHING:
            progress.paused_step = turn.step
        progress.switch_to = wanted.name
        return await self._advance(turn, SWITCHING, given)

    # -- answers ----------------------------------------------------------------------------

    async def on_message(self, update: Update, context: BotContext) -> object:
        """A typed answer or a photo for the open form; anything else goes on to others."""
        draft, message = context.draft, update.effective_message
        form = self.forms.get(draft.conversation) if draft is not None else None
        if draft is None or form is None or message is None:
            return PASS
        key = _input_key(update)
        if message.photo:
            return await self._photo(update, context, form, draft, message)
        return await self._answer(
            update, context, form, draft, Input("typed", message.text or "", key=key)
        )

    async def _photo(
        self, update: Update, context: BotContext, form: Form[Any], draft: Draft, message: Message
    ) -> object:
        """A photo of a code: downloaded and decoded between transactions, deleted from the
        chat, then answered as the question asking for it would be typed."""
        key = _input_key(update)
        turn = load_turn(update, context, form, draft)
        if draft.step == drafts.EXPIRED or answer_for(turn, Input("photo")) is None:
            return await self._answer(update, context, form, draft, Input("photo", key=key))
        read_photo = form.read_photo
        assert read_photo is not None  # answer_for takes a photo only then
        await context.commit()  # the download is a network round trip
        picture = await (await message.photo[-1].get_file()).download_as_bytearray()
        decoded = await asyncio.to_thread(read_photo, bytes(picture))
        del picture  # never stored
        with contextlib.suppress(BadRequest):  # already gone
            await message.delete()
        # The answer's own transaction: the person and the form as they are now.
        await open_for(update, context, writes=True, with_draft=True)
        now = context.draft
        if now is None or (now.id, now.step) != (draft.id, draft.step):
            await context.rollback()
            await tell(
                update,
                context.t.gettext("The form changed meanwhile: please send the photo again."),
            )
            return None
        given = Input("photo", decoded or "", key=key)
        if decoded is None:
            given = Input("unreadable photo", key=key)
        return await self._answer(update, context, form, now, given)

    async def on_button(self, update: Update, context: BotContext) -> object:
        """A button of a form: an answer to the open form's question, or an older button."""
        query = update.callback_query
        if query is None:
            return None
        pressed = buttons.parse(query.data)
        form = self.forms.get(pressed.form) if pressed is not None else None
        draft = context.draft
        if pressed is None or form is None:
            return await self._expired(update, context)
        if draft is None or draft.conversation != form.name or draft.step == drafts.EXPIRED:
            return await self._closed(update, context, form, draft, pressed)
        turn = load_turn(update, context, form, draft)
        if pressed.version != turn.progress.version:
            return await self._closed(update, context, form, None, pressed)
        given = Input(
            "pressed", pressed.value, pressed.action, _input_key(update), pressed_label(query)
        )
        if turn.step == SWITCHING and pressed.action == "discard":
            return await self._switch(turn, given)
        return await self._answer(update, context, form, draft, given)

    async def _closed(
        self,
        update: Update,
        context: BotContext,
        form: Form[Any],
        draft: Draft | None,
        pressed: buttons.Pressed,
    ) -> object:
        """A button of a form that is no longer open (or of an older question of it)."""
        if draft is not None and draft.step == drafts.EXPIRED:
            return await self._answer(update, context, form, draft, Input("pressed"))
        if (
            pressed.action == "confirm"
            and form.stored_result is not None
            and form.audience.admits(context.person)
        ):
            stored = await form.stored_result(context, pressed.value)
            if stored is not None:
                await context.rollback()
                await tell(update, stored)
                return None
        return await self._expired(update, context)

    async def _expired(self, update: Update, context: BotContext) -> object:
        await context.rollback()
        query = update.callback_query
        if query is not None:
            with contextlib.suppress(BadRequest):
                await query.answer(context.t.gettext("This button has expired."), show_alert=True)
        return None

    async def _switch(self, turn: Turn[Any], given: Input) -> object:
        """Discard the open form and start the one asked for."""
        context, update = turn.context, turn.update
        wanted = self.forms.get(turn.progress.switch_to or "")
        draft = context.draft
        assert draft is not None  # on_button read it
        await _discard(update, context, draft)
        context.draft = None
        if wanted is None:
            return await self._advance(turn, Finished(cancelled(turn.t)), given)
        if not wanted.audience.admits(context.person):
            await context.commit()
            await refuse(update, context)
            return None
        fresh = fresh_turn(update, context, wanted)
        return await self._begin(fresh, given)

    async def _answer(
        self, update: Update, context: BotContext, form: Form[Any], draft: Draft, given: Input
    ) -> object:
        """Check the answer, store it with the next step, commit, then reply."""
        t = context.t
        if draft.step == drafts.EXPIRED:
            await _discard(update, context, draft)
            await context.commit()
            await tell(update, expired_text(t, form, context.settings.draft_max_age_hours))
            return None
        if not form.audience.admits(context.person):
            await refuse(update, context)
            return None
        turn = load_turn(update, context, form, draft)
        out_of_scope = form.out_of_scope(turn)
        if out_of_scope is not None:
            await _discard(update, context, draft)
            await context.commit()
            await tell(update, out_of_scope)
            return None
        if given.key and given.key in turn.progress.seen:
            return await self._ask_again(turn)  # delivered again: it counted once already
        if given.kind == "unreadable photo":
            return await self._ask_again(
                turn,
                t.gettext(
                    "I could not read a code in the photo. Type the number, or send a sharper "
                    "photo of the QR code or barcode."
                ),
            )
        answer = answer_for(turn, given)
        if answer is None:
            return await self._ask_again(turn, _not_taken(context, given))
        try:
            outcome = await answer(turn, given.value)
        except Refusal as refusal:
            delete = refusal.delete and given.kind == "typed"
            return await self._ask_again(turn, refusal.reason, delete=delete)
        return await self._advance(turn, outcome, given)

    async def _advance(self, turn: Turn[Any], outcome: Outcome, given: Input) -> object:
        """Store where the answer leads (or end the form), commit, and only then reply."""
        update, context = turn.update, turn.context
        chat_id, user_id = _key(update)
        if isinstance(outcome, Finished):
            await drafts.discard(context.session, turn.form.name, chat_id, user_id)
            await context.commit()
            if outcome.queued:
                kick_outbox(context)
            await reply(update, given, outcome.text, outcome.markup, in_place=False)
            if outcome.then is not None:
                await outcome.then()
            return None
        if outcome == CONFIRMING:
            turn.progress.editing = False
        turn.progress.version += 1
        if given.key:
            turn.progress.saw(given.key)
        turn.step = outcome
        text, markup = await question(turn)  # it may read what it shows: before the commit
        await drafts.save(
            context.session,
            turn.form.name,
            chat_id,
            user_id,
            step=outcome,
            answers=stored_answers(turn),
            existing=context.draft,
        )
        await context.commit()
        # Only now, with the answer safe, does the person hear back.
        in_place = given.kind == "pressed" and outcome != CONFIRMING
        await reply(update, given, text, markup, in_place=in_place)
        return None

    async def _ask_again(
        self, turn: Turn[Any], note: str | None = None, *, delete: bool = False
    ) -> object:
        """Store nothing; say why (if there is a reason) and ask the same question again.

        With `delete`, the refused message is deleted from the chat first, where Telegram
        allows it, and the person is told so."""
        if note:
            turn.notes.append(note)
        text, markup = await question(turn)
        # Asked while the transaction is open; used only if the deletion works.
        said_deleted = None
        if delete:
            said_deleted, _ = await question(replace(turn, notes=[*turn.notes, deleted(turn.t)]))
        await turn.context.rollback()
        if said_deleted is not None and await delete_message(turn.update):
            text = said_deleted
        await tell_and_ask(turn.update, text, markup)
        return None

    # -- /cancel ----------------------------------------------------------------------------

    async def cancel_command(self, update: Update, context: BotContext) -> object:
        """Drop the open form; without one, /cancel goes on to the others."""
        draft = context.draft
        if draft is None or draft.step == drafts.EXPIRED or draft.conversation not in self.forms:
            return PASS
        await _discard(update, context, draft)
        await context.commit()
        await send(update, cancelled(context.t))
        return None


async def delete_message(update: Update) -> bool:
    """Delete the person's message, if Telegram still allows it; whether it went."""
    message = update.effective_message
    if message is None or update.callback_query is not None:
        return False
    try:
        return await message.delete()
    except TelegramError:  # older than 48 hours, or already gone
        return False


async def tell_and_ask(update: Update, text: str, markup: Any) -> None:
    """The question again, as a new message below whatever the person sent or pressed."""
    query = update.callback_query
    if query is not None:
        with contextlib.suppress(BadRequest):
            await query.answer()
    await send(update, text, markup)


def _not_taken(context: BotContext, given: Input) -> str:
    """Why this kind of input does not answer the current question."""
    if given.kind == "photo":
        return context.t.gettext("I can read a photo only when a question asks for one.")
    if given.kind == "pressed":
        return context.t.gettext("Please choose one of the buttons.")
    return context.t.gettext("Please answer with the buttons below.")


def _argument(update: Update, context: BotContext, form: Form[Any]) -> str:
    """A command's arguments, or the value after an entry button's own data."""
    query = update.callback_query
    if query is not None and query.data:
        for data in form.entry_buttons:
            if query.data.startswith(f"{data}:"):
                return query.data.removeprefix(f"{data}:")
        return ""
    return " ".join(context.args or [])


def _input_key(update: Update) -> str:
    """Telegram's own identity of what the person sent or pressed."""
    if update.callback_query is not None:
        return f"q{update.callback_query.id}"
    message = update.effective_message
    return f"m{message.message_id}" if message is not None else ""


def _start_label(update: Update) -> str | None:
    query = update.callback_query
    return pressed_label(query) if query is not None else None


def _key(update: Update) -> tuple[int, int]:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        raise ValueError("a form needs a chat and a person")
    return chat.id, user.id


async def _discard(update: Update, context: BotContext, draft: Draft) -> None:
    """Delete a draft in the update's transaction."""
    chat_id, user_id = _key(update)
    await drafts.discard(context.session, draft.conversation, chat_id, user_id)

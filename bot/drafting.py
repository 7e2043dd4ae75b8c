"""Conversations whose state is a stored draft: each step is saved before the bot replies.

A handler inside a ConversationHandler calls `save_step` with the step it will wait for next
and returns what `save_step` returns, so the stored step and PTB's state are the same value.
After a restart, storage.persistence restores PTB's state from these drafts.
"""

from __future__ import annotations

from typing import Any, TypeVar

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from storage import drafts
from storage.models import Draft

Step = TypeVar("Step", bound=str)


def _key(update: Update) -> tuple[int, int]:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        raise ValueError("a conversation needs a chat and a user")
    return chat.id, user.id


async def load(update: Update, context: BotContext, conversation: str) -> Draft | None:
    """The draft of this person's conversation, if one is under way."""
    chat_id, user_id = _key(update)
    return await drafts.get(context.session, conversation, chat_id, user_id)


async def save_step(
    update: Update,
    context: BotContext,
    conversation: str,
    step: Step,
    answers: dict[str, Any],
    *,
    commit: bool = False,
) -> Step:
    """Store the answers and the next step, and return the step.

    The caller commits, or passes `commit` when this is the transaction's last statement. If
    bot.access did not read the draft (context.expected), it is stored only if unchanged;
    otherwise drafts.NotAsExpected makes bot.access start the step again with a fresh read.
    """
    chat_id, user_id = _key(update)
    stored = await drafts.save(
        context.session,
        conversation,
        chat_id,
        user_id,
        step=step,
        answers=answers,
        # The draft bot.access read with the person: its row is updated if it is this one.
        existing=context.draft,
        commit=commit,
        expected=context.expected,
    )
    context.services.held.hold_draft(user_id, stored)  # its next step may go on from it
    return step


async def end(
    update: Update, context: BotContext, conversation: str, *, commit: bool = False
) -> int:
    """Delete the draft and end the conversation.

    The caller commits, or passes `commit` when this is the transaction's last statement. If
    bot.access did not read the draft (context.expected), it is deleted only if unchanged,
    as save_step stores.
    """
    chat_id, user_id = _key(update)
    await drafts.discard(
        context.session,
        conversation,
        chat_id,
        user_id,
        commit=commit,
        expected=context.expected,
    )
    context.services.held.forget_draft(user_id)
    return ConversationHandler.END


def require_read(context: BotContext) -> None:
    """Make sure the person and draft were read in this update, before acting on them in any
    other way than storing the next step (which checks them itself).

    If bot.access used them unread (context.expected), this starts the step again with a
    fresh read: call it before anything is sent or stored.
    """
    if context.expected is not None:
        raise drafts.ReadRequired

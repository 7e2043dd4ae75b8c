"""Conversations whose state is a stored draft: each step is saved before the bot replies.

A handler inside a ConversationHandler calls `save_step` with the step it will wait for next
and returns that step once it has committed and replied, so the stored step and PTB's state
are the same value. After a restart, storage.persistence restores PTB's state from drafts.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from storage import drafts
from storage.models import Draft


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
    update: Update, context: BotContext, conversation: str, step: str, answers: dict[str, Any]
) -> None:
    """Store the answers and the next step in the update's transaction; the caller commits."""
    chat_id, user_id = _key(update)
    await drafts.save(
        context.session,
        conversation,
        chat_id,
        user_id,
        step=step,
        answers=answers,
        # The draft bot.access read with the person: its row is updated if it is this one.
        existing=context.draft,
    )


async def end(update: Update, context: BotContext, conversation: str) -> int:
    """Delete the draft in the update's transaction (the caller commits); the conversation ends."""
    chat_id, user_id = _key(update)
    await drafts.discard(context.session, conversation, chat_id, user_id)
    return ConversationHandler.END

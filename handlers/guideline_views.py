"""What the guideline answers look like: their texts and keyboards, in the reader's language."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.guideline.entries import Entry
from bot.guideline.guide import Answer, Guide
from bot.i18n import N_, Translator
from bot.rules.privacy import IdentifyingKind
from handlers import callbacks
from storage.guideline import Advisers

# The topic areas /guide offers, by the first part of the topic keys.
AREAS = {
    "eligibility": N_("Who can get the card"),
    "card": N_("The card"),
    "tickets": N_("Tickets and courses"),
    "form": N_("The issuing form"),
    "privacy": N_("Privacy"),
    "org": N_("Organisations and staff"),
    "roles": N_("Who does what"),
    "venues": N_("Venues"),
    "materials": N_("Materials"),
    "client": N_("Talking to the client"),
}
RELATED = 2


def refusal(t: Translator, kind: IdentifyingKind) -> str:
    """Why a question was not searched or stored, and what to do instead."""
    if kind is IdentifyingKind.PERSONAL_IDENTITY_CODE:
        return t.gettext(
            "Your question seems to contain a personal identity code. I never store those: "
            "please ask again without it."
        )
    if kind is IdentifyingKind.PHONE_NUMBER:
        return t.gettext(
            "Your question seems to contain a phone number. I never store clients' contact "
            "details: please ask again without it."
        )
    return t.gettext(
        "Your question seems to contain an e-mail address. I never store clients' contact "
        "details: please ask again without it."
    )


def entry_text(entry: Entry, *, full: bool) -> str:
    """An entry as the reader sees it: title, answer and, when asked for, the rest."""
    parts = [entry.title, "", entry.answer]
    if full and entry.more:
        parts += ["", entry.more]
    return "\n".join(parts)


def topic_button(entry: Entry) -> InlineKeyboardButton:
    """A button that opens an entry."""
    return InlineKeyboardButton(
        f"📘 {entry.title}", callback_data=callbacks.data(callbacks.GUIDE_TOPIC, entry.topic)
    )


def entry_keyboard(
    t: Translator, guide: Guide, entry: Entry, *, question_id: int | None, full: bool
) -> InlineKeyboardMarkup:
    """More (if there is more), up to two related entries, and 👍 / 👎 for a question's answer."""
    rows: list[list[InlineKeyboardButton]] = []
    if entry.more and not full:
        more = callbacks.data(callbacks.GUIDE_MORE, entry.topic, question_id or 0)
        rows.append([InlineKeyboardButton(t.gettext("More"), callback_data=more)])
    for topic in entry.related[:RELATED]:
        rows.append([topic_button(guide.entry(entry.language, topic))])
    if question_id is not None:
        rows.append(vote_buttons(question_id))
    return InlineKeyboardMarkup(rows)


def vote_buttons(question_id: int) -> list[InlineKeyboardButton]:
    """👍 and 👎 for the answer to one question."""
    return [
        InlineKeyboardButton(
            "👍", callback_data=callbacks.data(callbacks.GUIDE_VOTE, question_id, "up")
        ),
        InlineKeyboardButton(
            "👎", callback_data=callbacks.data(callbacks.GUIDE_VOTE, question_id, "down")
        ),
    ]


def whom_to_ask(t: Translator, advisers: Advisers) -> str:
    """The sentence naming the person's contact persons and coordinators, or their roles."""
    if not advisers.contact_persons and not advisers.coordinators:
        return t.gettext(
            "You can also ask your organisation's Kaikukortti contact person or your local "
            "coordinator."
        )
    nobody = t.gettext("none in Kaikubot yet")
    return t.gettext(
        "You can also ask your contact person ({contacts}) or your coordinator ({coordinators})."
    ).format(
        contacts=", ".join(advisers.contact_persons) or nobody,
        coordinators=", ".join(advisers.coordinators) or nobody,
    )


def unsure_text(t: Translator, answer: Answer, advisers: Advisers) -> str:
    """Say plainly that the bot is not sure, and whom to ask."""
    lead = (
        t.gettext("I am not sure I understood. These entries may help:")
        if answer.hits
        else t.gettext("I found nothing on that. /guide lists every topic.")
    )
    return f"{lead}\n\n{whom_to_ask(t, advisers)}"


def unsure_keyboard(
    guide: Guide, answer: Answer, reader: str, question_id: int
) -> InlineKeyboardMarkup:
    """The best guesses as buttons, and 👍 / 👎."""
    rows = [[topic_button(guide.entry(reader, hit.topic))] for hit in answer.hits]
    return InlineKeyboardMarkup([*rows, vote_buttons(question_id)])


def areas_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """One button per topic area."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext(label), callback_data=callbacks.data(callbacks.GUIDE_AREA, area)
                )
            ]
            for area, label in AREAS.items()
        ]
    )


def without_votes(markup: InlineKeyboardMarkup) -> InlineKeyboardMarkup:
    """The same buttons without 👍 / 👎, once the person has rated the answer."""
    vote_pattern = callbacks.pattern(callbacks.GUIDE_VOTE)
    rows = [
        [
            b
            for b in row
            if not (isinstance(b.callback_data, str) and vote_pattern.match(b.callback_data))
        ]
        for row in markup.inline_keyboard
    ]
    return InlineKeyboardMarkup([row for row in rows if row])

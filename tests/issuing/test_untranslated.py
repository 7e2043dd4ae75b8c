"""Text never reaches a person untranslated: the issuing form and the /invite form are walked in
Finnish and Swedish through every branch, and nothing they show may hold an English msgid or a
fragment of one (numbers, card numbers, names and commands aside)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import zxingcpp
from babel.messages.pofile import read_po
from sqlalchemy import select

from bot.context import KaikuApplication
from bot.i18n import Translator
from bot.jobs import DRAFTS_JOB
from bot.sandbox.telegram_model import TelegramModel
from storage.models import Draft, Issuance, Locality, Role
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator, png_image
from tests.test_barcodes import encoded, render

LOCALES = Path(__file__).resolve().parents[2] / "locales"
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
# English words that no Finnish or Swedish sentence of this bot holds.
ENGLISH_WORDS = {
    "the", "and", "of", "is", "are", "was", "your", "you", "not", "to", "for", "with", "this",
    "that", "please", "card", "number", "type", "or", "can", "will", "here", "before",
}  # fmt: skip
# What may stay as it is in every language: names of people, units and organisations of the
# test network, the bot's own name and services, commands and links.
NAMES = re.compile(
    r"Family centre|Youth station|Social services|Red Cross|Helpline|Espoo|Kaikubot|Kaikukanta"
    r"|Telegram|Ilona|Kalle|Kaisa|/[a-z_]+(?: \S+)?|https?://\S+|KK[0-9]+"
)


def english_fragments(language: str) -> list[str]:
    """Each msgid's literal text between placeholders, unless the translation keeps it too."""
    with (LOCALES / "messages.pot").open("rb") as source:
        template = read_po(source)
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source)
    fragments = set()
    for message in template:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        found = catalog.get(message.id)
        assert found is not None, message.id
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        translated = " ".join(strings)
        for msgid in ids:
            for piece in PLACEHOLDER.split(msgid):
                piece = piece.strip(" \n.,:;!?()«»•–—\"'“”")
                if len(re.findall(r"[A-Za-z]", piece)) >= 2 and piece not in translated:
                    fragments.add(piece)
    return sorted(fragments, key=len, reverse=True)


def english_in(text: str, fragments: list[str]) -> list[str]:
    """The English msgid fragments and words in a text meant for a Finnish or Swedish reader."""
    text = NAMES.sub(" ", text)
    found = [f for f in fragments if re.search(rf"(?<![\w]){re.escape(f)}(?![\w])", text)]
    words = {word.lower() for word in re.findall(r"\w+", text)}
    return found + sorted(words & ENGLISH_WORDS)


class Reader:
    """A person using the bot in Finnish or Swedish; keeps everything the bot showed them."""

    def __init__(self, user: SimulatedUser, telegram: TelegramModel, language: str) -> None:
        self.user, self.telegram, self.t = user, telegram, Translator(language)
        self.shown: set[str] = set()

    def look(self) -> None:
        for message in self.telegram.chat(self.user.id):
            if message.from_bot:
                self.shown.update([message.text, *message.history, *message.button_labels()])
        self.shown.update(a.text for a in self.user.callback_answers() if a.text)

    async def click(self, msgid: str) -> None:
        await self.user.click(self.t.gettext(msgid))
        self.look()

    async def press(self, label: str) -> None:
        """A button labelled the same in every language (a number)."""
        await self.user.click(label)
        self.look()

    async def send(self, text: str) -> None:
        await self.user.send(text)
        self.look()

    async def send_photo(self, image: bytes) -> None:
        await self.user.send_photo(image)
        self.look()

    async def open(self, kind: str) -> None:
        await self.send("/issue")
        await self.click("All four apply")
        await self.click(kind)

    async def background(self, *, children: str = "2") -> None:
        await self.send("1985")
        await self.send("02150")
        await self.press(children)
        await self.click("Woman")
        await self.click("Student")
        await self.press("4")
        await self.click("Yes")


def qr(number: str) -> bytes:
    return encoded(render(number, zxingcpp.BarcodeFormat.QRCode), "PNG")


async def set_validity(app: KaikuApplication, days_from_today: int) -> None:
    async with app.services.database.write() as session:
        for issuance in await session.scalars(select(Issuance)):
            issuance.valid_until = date.today() + timedelta(days=days_from_today)
        await session.commit()


async def age_drafts(app: KaikuApplication) -> None:
    async with app.services.database.write() as session:
        for draft in await session.scalars(select(Draft)):
            draft.updated_at -= timedelta(hours=25)
        await session.commit()
    (job,) = app.job_queue.get_jobs_by_name(DRAFTS_JOB)  # type: ignore[union-attr]
    await job.run(app)


async def set_pilot_end(app: KaikuApplication, espoo: Network, end: date | None) -> None:
    async with app.services.database.write() as session:
        locality = await session.get(Locality, espoo.localities["espoo"])
        assert locality is not None
        locality.pilot_end_date = end
        await session.commit()


async def walk_issuing(me: Reader, app: KaikuApplication, espoo: Network) -> None:
    """Every question, note, refusal and last message of the issuing form."""
    # Not eligible; then a new card with every kind of refusal on the way.
    await me.send("/issue")
    await me.click("Not eligible")
    await me.open("New card")
    for typed in ("12", "040 123 4567", "maija@example.fi", "131052-308T"):
        await me.send(typed)
    await me.send_photo(png_image(200, 120))  # no code in it
    await me.send_photo(qr("KK123456"))  # read, and echoed
    await me.send_photo(qr("KK123456"))  # no photo asked for here
    for typed in ("85", "1.2.1985", str(date.today().year - 5), "1800", "1985"):
        await me.send(typed)
    for typed in ("0215", "33100"):
        await me.send(typed)
    await me.click("Type it again")
    await me.send("33100")
    await me.click("Use it anyway")
    await me.click("More than 5")
    for typed in ("lots", "3", "31", "7"):
        await me.send(typed)
    await me.click("Prefers not to say")
    await me.click("Rehabilitation or sick leave")
    await me.click("Skip")
    await me.click("Skip")
    # The summary: edit, text where buttons are asked for, discard asked, switching forms.
    await me.click("Edit an answer")
    await me.click("Postal code")
    await me.send("02150")
    await me.click("Edit an answer")
    await me.click("« Back to the summary")
    await me.send("hello")
    await me.click("Cancel")
    await me.click("« Back to the summary")
    await me.send("/issue")
    await me.click("Go on with it")
    await me.click("Confirm")
    # Mobile only.
    await me.open("New card")
    await me.click("Mobile card only (X)")
    await me.background(children="0")
    await me.click("Confirm")
    # A renewal of a card still valid, then of an expired one offered from "New card".
    await me.open("Renewal")
    await me.send("X")
    await me.send("KK123456")
    await me.click("Renew it anyway")
    await me.click("Skip")
    await me.click("Edit an answer")
    await me.click("Card number")
    await me.send("KK123456")
    await me.click("Renew it anyway")
    await me.click("Confirm")
    await set_validity(app, -1)
    await me.open("New card")
    await me.send("KK123456")
    await me.click("Type another number")
    await me.send("KK123456")
    await me.click("Renew it")
    await me.press("3")
    await me.click("Confirm")
    # A replacement carrying the lost card's answers over, corrected before Confirm.
    await me.open("Replacement of a lost card")
    await me.send("X")
    await me.send("KK123456")
    await me.send("KK123456")  # the lost card's own number
    await me.send("KK654321")
    await me.click("Edit an answer")
    await me.click("New card's number")
    await me.send("KK654322")
    await me.click("Edit an answer")
    await me.click("Lost card's number")
    await me.send("KK123456")
    await me.click("Confirm")
    # The lost card's number, refused for ever; a number in use; a renewal never seen before.
    await me.open("Renewal")
    await me.send("KK123456")
    await me.click("Cancel")
    await me.open("New card")
    await me.send("KK654322")
    await me.send("/cancel")
    await me.open("Renewal")
    await me.send("KK777777")
    await me.background()
    await me.click("Cancel")
    await me.click("Discard it")
    # A form untouched for a day; the pilot ended.
    await me.open("New card")
    await age_drafts(app)
    await me.send("KK888888")
    await me.send("/issue")
    await me.click("Cancel")
    await set_pilot_end(app, espoo, date.today() - timedelta(days=1))
    await me.send("/issue")
    await set_pilot_end(app, espoo, None)


async def walk_inviting(me: Reader) -> None:
    """Every question and last message of the /invite form."""
    await me.send("/invite")
    await me.click("card issuer")
    await me.click("« Back")
    await me.click("contact person")
    await me.click("Social services")
    # The invitation text in the reader's own language (another one is the coordinator's choice).
    own = me.t.locale.get_display_name(me.t.language) or me.t.language
    await me.press(own)
    await me.send("/invite")
    await me.click("card issuer")
    await me.click("Red Cross")
    await me.click("Helpline")
    await me.press(own)
    await me.send("/invite")
    await me.click("coordinator")
    await me.press(own)
    await me.click("Confirm")
    await me.send("/invite")
    await me.click("coordinator")
    await me.click("Cancel")


@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_nothing_of_the_issuing_form_reaches_a_reader_in_english(
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
    telegram: TelegramModel,
    language: str,
) -> None:
    user = await sim.user("Ilona", language_code=language)
    await add_person(app.services.database, user.id, "Ilona", (Role.ISSUER, espoo.units["family"]))
    coordinator = await sim.user("Kalle", language_code=language)
    locality = espoo.localities["espoo"]
    await add_person(app.services.database, coordinator.id, "Kalle", (Role.COORDINATOR, locality))
    # Someone with two units chooses one first.
    both = await sim.user("Iida", language_code=language)
    units = (Role.ISSUER, espoo.units["family"]), (Role.ISSUER, espoo.units["youth"])
    await add_person(app.services.database, both.id, "Iida", *units)

    issuer = Reader(user, telegram, language)
    await walk_issuing(issuer, app, espoo)
    two_units = Reader(both, telegram, language)
    await two_units.send("/issue")
    await two_units.click("Cancel")
    inviter = Reader(coordinator, telegram, language)
    await walk_inviting(inviter)

    shown = issuer.shown | two_units.shown | inviter.shown
    fragments = english_fragments(language)
    english = {text: found for text in shown if (found := english_in(text, fragments))}
    assert english == {}
    # The walk really went everywhere: the last messages and the refusals of every kind.
    t = Translator(language)
    expected = [
        t.gettext("Then a card cannot be issued: all four conditions must apply. Nothing was "
                  "stored. If the client's situation changes, they are welcome back."),
        t.gettext("I deleted your message from this chat so that it is not kept here."),
        t.gettext("Read from the photo: {number}").format(number="KK123456"),
        t.gettext("Which unit are you issuing the card for?"),
        t.gettext("Renew it anyway"),
        t.gettext("Cancelled. Nothing was stored."),
        t.gettext("Whom do you want to invite? Choose their role."),
        t.gettext("Which organisation?"),
        t.ngettext("Your unfinished form was deleted because it was not touched for {hours} hour. "
                   "Nothing was stored. Start again with /{command}.",
                   "Your unfinished form was deleted because it was not touched for {hours} "
                   "hours. Nothing was stored. Start again with /{command}.",
                   24).format(hours=24, command="issue"),
    ]  # fmt: skip
    everything = "\n".join(shown)
    missing = [text for text in expected if text not in everything]
    assert missing == []
    assert len(shown) > 80

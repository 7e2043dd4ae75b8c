"""/settings: a coordinator changes their locality's settings, declared on the form engine.

The form starts from the stored settings: a first step lists them with their current values
as buttons (or `/settings validity` opens one at once); choosing one asks it again; the
summary shows old → new, and Confirm stores the change, audits it and tells the locality's
other coordinators through the outbox, each in their own language. The rules are the ones
the command line's `kaikubot locality set` uses (bot.rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.audience import only
from bot.forms import Choice, Finished, Form, FormAnswers, Outcome, Question, Refusal, Step, Turn
from bot.forms.engine import CONFIRMING
from bot.i18n import Translator, choose_language, translator
from bot.rules.background import normalise_postal_entries
from bot.rules.card_numbers import describe_formats, normalise_examples
from bot.rules.privacy import IdentifyingKind, find_identifying
from bot.rules.validity import (
    LONGEST_VALIDITY_MONTHS,
    SHORTEST_VALIDITY_MONTHS,
    check_pilot_end,
    check_validity_months,
)
from handlers import callbacks
from storage import localities, outbox, people, scopes
from storage.models import Person, Role

CHOOSING_SETTING = "CHOOSING_SETTING"
AWAITING_CARD_EXAMPLES = "AWAITING_CARD_EXAMPLES"
AWAITING_VALIDITY = "AWAITING_VALIDITY"
AWAITING_PILOT_END = "AWAITING_PILOT_END"
AWAITING_POSTAL_CODES = "AWAITING_POSTAL_CODES"

# A setting's name in buttons and in `/settings NAME` → its field and the step that asks it.
SETTINGS = {
    "card": ("card_number_examples", AWAITING_CARD_EXAMPLES),
    "validity": ("validity_months", AWAITING_VALIDITY),
    "pilot": ("pilot_end_date", AWAITING_PILOT_END),
    "postal": ("postal_codes", AWAITING_POSTAL_CODES),
}
# Longest value a setting's button shows (a list of postal codes can be long).
LABEL_VALUE_LENGTH = 40

_LIST_SEPARATORS = re.compile(r"[\s,;]+")
_RANGE_DASH = re.compile(r"\s*[\-\u2010\u2011\u2012\u2013\u2014\u2212]\s*")
_POSTAL_ENTRY = re.compile(
    r"(?<![0-9])[0-9]{5}(?:\s*[\-\u2010\u2011\u2012\u2013\u2014\u2212]\s*[0-9]{5})?(?![0-9])"
)
_FINNISH_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})\.?")


@dataclass
class SettingsAnswers(FormAnswers):
    """The locality's settings as stored when the form began, and as the coordinator set them."""

    locality_id: int | None = None
    stored: dict[str, Any] = field(default_factory=dict)
    card_number_examples: list[str] = field(default_factory=list)
    validity_months: int = 12
    pilot_end_date: str | None = None  # ISO date, as the draft stores it
    postal_codes: list[str] = field(default_factory=list)

    def current(self) -> dict[str, Any]:
        """The settings as they are in this form now."""
        return {name: getattr(self, name) for name, _step in SETTINGS.values()}

    def changed(self) -> list[str]:
        """The fields whose value differs from the stored one, in the settings' order."""
        now = self.current()
        return [name for name, _step in SETTINGS.values() if now[name] != self.stored.get(name)]


SettingsTurn = Turn[SettingsAnswers]


def setting_label(t: Translator, name: str) -> str:
    """A setting's name as people read it."""
    labels = {
        "card_number_examples": t.gettext("Card number format"),
        "validity_months": t.gettext("Validity of a card"),
        "pilot_end_date": t.gettext("End of the pilot"),
        "postal_codes": t.gettext("Network postal codes"),
    }
    return labels[name]


def describe_value(t: Translator, name: str, value: Any) -> str:
    """A setting's value as people read it."""
    if name == "card_number_examples":
        shape = describe_formats(value, t)
        if not value:
            return shape
        return f"{', '.join(value)} ({shape})"
    if name == "validity_months":
        return t.ngettext("{count} month", "{count} months", value).format(count=value)
    if name == "pilot_end_date":
        return t.date(date.fromisoformat(value)) if value else t.gettext("no end date")
    return ", ".join(value) if value else t.gettext("not set: any postal code is accepted")


def shortened(text: str) -> str:
    """A value short enough for a button."""
    if len(text) <= LABEL_VALUE_LENGTH:
        return text
    return text[: LABEL_VALUE_LENGTH - 1].rstrip(", ") + "…"


def identifying_reason(t: Translator, kind: IdentifyingKind) -> str:
    """Why typed text shaped like a client's identifying data is refused."""
    if kind is IdentifyingKind.PERSONAL_IDENTITY_CODE:
        return t.gettext(
            "That looks like a personal identity code. I never store those: please type only "
            "what was asked."
        )
    if kind is IdentifyingKind.PHONE_NUMBER:
        return t.gettext(
            "That looks like a phone number. I never store clients' contact details: please "
            "type only what was asked."
        )
    return t.gettext(
        "That looks like an e-mail address. I never store clients' contact details: please "
        "type only what was asked."
    )


def refuse_identifying(turn: SettingsTurn, text: str) -> None:
    """Refuse typed text that may carry a client's data, before anything else reads it."""
    kind = find_identifying(text)
    if kind is not None:
        raise Refusal(identifying_reason(turn.t, kind))


# -- starting, and choosing a setting ---------------------------------------------------------


async def start(turn: SettingsTurn) -> Outcome:
    """Begin from the coordinator's locality's stored settings, on one setting when named."""
    t = turn.t
    locality_id = scopes.coordinated_locality(turn.person)
    locality = await localities.by_id(turn.context.session, locality_id or 0)
    if locality is None:
        return Finished(t.gettext("You no longer coordinate this network, so nothing was changed."))
    stored = localities.snapshot(locality)
    turn.answers = SettingsAnswers.from_dict({**stored, "stored": stored})
    turn.answers.locality_id = locality.id
    chosen = SETTINGS.get(turn.argument.strip().lower())
    if chosen is None:
        return CHOOSING_SETTING
    turn.progress.editing = True
    return chosen[1]


def out_of_scope(turn: SettingsTurn) -> str | None:
    """The coordinator must still coordinate the locality, at every step."""
    if turn.answers.locality_id == scopes.coordinated_locality(turn.person):
        return None
    return turn.t.gettext("You no longer coordinate this network, so nothing was changed.")


async def ask_setting(turn: SettingsTurn) -> Question:
    """Which setting to change, each with its current value."""
    t, current = turn.t, turn.answers.current()
    rows = [
        [
            Choice(
                # Punctuation only, the same in every language the bot speaks.
                f"{setting_label(t, name)}: {shortened(describe_value(t, name, current[name]))}",
                "setting",
                key,
            )
        ]
        for key, (name, _step) in SETTINGS.items()
    ]
    return Question(t.gettext("Which setting of your network do you want to change?"), rows)


async def choose_setting(turn: SettingsTurn, value: str) -> Outcome:
    """Open the chosen setting's question."""
    chosen = SETTINGS.get(value)
    if chosen is None:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    return turn.go(chosen[1])


# -- the settings' questions ------------------------------------------------------------------


def now_line(turn: SettingsTurn, name: str) -> str:
    """The setting's value in this form, to show with its question."""
    t = turn.t
    return t.gettext("Now: {value}").format(
        value=describe_value(t, name, turn.answers.current()[name])
    )


async def ask_card_examples(turn: SettingsTurn) -> Question:
    """The card-number format, as one or two example numbers."""
    t = turn.t
    text = t.gettext(
        "Type one or two example card numbers as they are printed on your cards, separated by "
        "a comma (an old and a new series, say). Letters that every example shares are "
        "required as they are; other letters and digits may be any of their kind."
    )
    return Question(
        f"{text}\n\n{now_line(turn, 'card_number_examples')}",
        [[Choice(t.gettext("Accept any 4 to 16 letters and digits"), "any")]],
    )


async def take_card_examples(turn: SettingsTurn, value: str) -> Outcome:
    """Take the example card numbers."""
    refuse_identifying(turn, value)
    examples = [part for part in re.split(r"[,;\n]+", value) if part.strip()]
    try:
        turn.answers.card_number_examples = normalise_examples(examples)
    except ValueError:
        raise Refusal(
            turn.t.gettext(
                "Please type one or two example card numbers of 4 to 16 letters and digits, "
                "separated by a comma, for example KK123456."
            )
        ) from None
    if not turn.answers.card_number_examples:
        raise Refusal(turn.t.gettext("Please type at least one example card number."))
    return CONFIRMING


async def take_any_card_number(turn: SettingsTurn, _value: str) -> Outcome:
    """Accept any plain card number."""
    turn.answers.card_number_examples = []
    return CONFIRMING


async def ask_validity(turn: SettingsTurn) -> Question:
    """How many months a card is valid."""
    t = turn.t
    text = t.gettext(
        "How many months is a new card valid? Type a number from {shortest} to {longest}."
    ).format(shortest=SHORTEST_VALIDITY_MONTHS, longest=LONGEST_VALIDITY_MONTHS)
    return Question(
        f"{text}\n\n{now_line(turn, 'validity_months')}",
        [[Choice(t.number(months), "months", months) for months in (6, 12, 24)]],
    )


async def take_validity(turn: SettingsTurn, value: str) -> Outcome:
    """Take the validity in months."""
    refuse_identifying(turn, value)
    text = value.strip()
    try:
        months = int(text) if text.isascii() and text.isdigit() else 0
        check_validity_months(months)
    except ValueError:
        raise Refusal(
            turn.t.gettext("Please type a number of months from {shortest} to {longest}.").format(
                shortest=SHORTEST_VALIDITY_MONTHS, longest=LONGEST_VALIDITY_MONTHS
            )
        ) from None
    turn.answers.validity_months = months
    return CONFIRMING


async def ask_pilot_end(turn: SettingsTurn) -> Question:
    """The pilot's last day, or none."""
    t = turn.t
    text = t.gettext(
        "On which day does your pilot end? No card is valid after it. Type the date, for "
        "example {example}."
    ).format(example=example_date(turn))
    return Question(
        f"{text}\n\n{now_line(turn, 'pilot_end_date')}",
        [[Choice(t.gettext("No pilot end date"), "none")]],
    )


def example_date(turn: SettingsTurn) -> str:
    """A date a year ahead, written as people type it (31.5.2027)."""
    ahead = turn.today().replace(day=1, year=turn.today().year + 1)
    return f"{ahead.day}.{ahead.month}.{ahead.year}"


def parse_date(text: str) -> date | None:
    """A typed date: 31.5.2027 as written in Finland and Sweden's forms, or 2027-05-31."""
    text = text.strip()
    match = _FINNISH_DATE.fullmatch(text)
    try:
        if match is not None:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


async def take_pilot_end(turn: SettingsTurn, value: str) -> Outcome:
    """Take the pilot's last day: never in the past."""
    refuse_identifying(turn, value)
    t = turn.t
    typed = parse_date(value)
    if typed is None:
        raise Refusal(
            t.gettext("Please type a date, for example {example}.").format(
                example=example_date(turn)
            )
        )
    try:
        check_pilot_end(typed, turn.today())
    except ValueError:
        raise Refusal(
            t.gettext(
                "{date} is in the past: every new card would already have expired. Please type "
                "a day from today on."
            ).format(date=t.date(typed))
        ) from None
    turn.answers.pilot_end_date = typed.isoformat()
    return CONFIRMING


async def take_no_pilot_end(turn: SettingsTurn, _value: str) -> Outcome:
    """No pilot end: cards are valid for their full months."""
    turn.answers.pilot_end_date = None
    return CONFIRMING


async def ask_postal_codes(turn: SettingsTurn) -> Question:
    """The network municipalities' postal codes."""
    text = turn.t.gettext(
        "Paste the postal codes of your network's municipalities, separated by commas, spaces "
        "or lines. Ranges are allowed, for example 02100-02999."
    )
    return Question(f"{text}\n\n{now_line(turn, 'postal_codes')}")


async def take_postal_codes(turn: SettingsTurn, value: str) -> Outcome:
    """Take the postal codes and ranges."""
    # A range of postal codes ("02100-02999") is shaped like a phone number: the privacy check
    # reads what is left once the codes and ranges are taken out.
    refuse_identifying(turn, _POSTAL_ENTRY.sub(" ", value))
    entries = _LIST_SEPARATORS.split(_RANGE_DASH.sub("-", value))
    try:
        codes = normalise_postal_entries(entries)
    except ValueError:
        codes = []
    if not codes:
        raise Refusal(
            turn.t.gettext(
                "Please type five-digit postal codes or ranges such as 02100-02999, separated "
                "by commas or spaces. A range must not end before it starts."
            )
        )
    turn.answers.postal_codes = codes
    return CONFIRMING


# -- summary and confirm ----------------------------------------------------------------------


def change_lines(t: Translator, answers: SettingsAnswers) -> list[str]:
    """Each changed setting, old → new."""
    current = answers.current()
    # Punctuation only, the same in every language the bot speaks.
    return [
        f"{setting_label(t, name)}: {describe_value(t, name, answers.stored.get(name))} → "
        f"{describe_value(t, name, current[name])}"
        for name in answers.changed()
    ]


async def summary(turn: SettingsTurn) -> str:
    """The changes, before they are stored."""
    t = turn.t
    lines = change_lines(t, turn.answers)
    if not lines:
        return t.gettext(
            'Nothing has been changed yet. Choose "Edit an answer" to change a setting.'
        )
    heading = t.gettext("Change these settings of your network?")
    return "\n".join([heading, "", *lines])


def editable(turn: SettingsTurn) -> list[tuple[str, str]]:
    """Every setting can be changed again from the summary."""
    return [(setting_label(turn.t, name), step) for name, step in SETTINGS.values()]


async def confirm(turn: SettingsTurn) -> Outcome:
    """Store the changes, audit them and tell the locality's other coordinators."""
    t, session, answers = turn.t, turn.context.session, turn.answers
    locality = await localities.by_id(session, answers.locality_id or 0)
    if locality is None:
        return Finished(t.gettext("You no longer coordinate this network, so nothing was changed."))
    # Another coordinator may have changed something meanwhile: the summary compared to what
    # the form began from, and a change is only what differs from that.
    changed = answers.changed()
    if not changed:
        return Finished(t.gettext("Nothing was changed."))
    pilot_end = date.fromisoformat(answers.pilot_end_date) if answers.pilot_end_date else None
    if "pilot_end_date" in changed and pilot_end is not None and pilot_end < turn.today():
        raise Refusal(
            t.gettext("The end of the pilot is in the past now. Please choose another day.")
        )
    changes: dict[str, Any] = {}
    if "card_number_examples" in changed:
        changes["card_number_examples"] = answers.card_number_examples
    if "validity_months" in changed:
        changes["validity_months"] = answers.validity_months
    if "postal_codes" in changed:
        changes["postal_codes"] = answers.postal_codes
    if "pilot_end_date" in changed:
        changes["pilot_end_date"] = pilot_end
        changes["clear_pilot_end"] = pilot_end is None
    localities.configure(session, locality, actor=turn.person, **changes)
    if await notify_coordinators(turn, locality.id, locality.name):
        heading = t.gettext("Saved. The other coordinators of your network were told.")
    else:
        heading = t.gettext("Saved.")
    return Finished("\n".join([heading, "", *change_lines(t, answers)]), queued=True)


async def notify_coordinators(turn: SettingsTurn, locality_id: int, locality_name: str) -> int:
    """Queue a notice of the changes to each other active coordinator, in their language;
    how many were told."""
    changer = turn.person
    default = turn.context.settings.default_language
    told = 0
    for person in await people.of_locality(turn.context.session, locality_id):
        if not coordinates(person, locality_id) or (changer and person.id == changer.id):
            continue
        t = translator(choose_language(person.language, person.telegram_language, default))
        heading = t.gettext("{name} changed the settings of {locality}:").format(
            name=changer.display_name if changer else "", locality=locality_name
        )
        outbox.enqueue(
            turn.context.session,
            person.telegram_id,
            "\n".join([heading, "", *change_lines(t, turn.answers)]),
        )
        told += 1
    return told


def coordinates(person: Person, locality_id: int) -> bool:
    """Whether the person is an active coordinator of the locality."""
    return person.active and locality_id in people.locality_ids(person)


def title(t: Translator) -> str:
    """The form's name as coordinators read it."""
    return t.gettext("Network settings")


SETTING: Form[SettingsAnswers] = Form(
    name=callbacks.SETTINGS,
    command="settings",
    audience=only(Role.COORDINATOR),
    answers=SettingsAnswers,
    title=title,
    start=start,
    steps={
        CHOOSING_SETTING: Step(ask_setting, pressed={"setting": choose_setting}),
        AWAITING_CARD_EXAMPLES: Step(
            ask_card_examples, typed=take_card_examples, pressed={"any": take_any_card_number}
        ),
        AWAITING_VALIDITY: Step(
            ask_validity, typed=take_validity, pressed={"months": take_validity}
        ),
        AWAITING_PILOT_END: Step(
            ask_pilot_end, typed=take_pilot_end, pressed={"none": take_no_pilot_end}
        ),
        AWAITING_POSTAL_CODES: Step(ask_postal_codes, typed=take_postal_codes),
    },
    summary=summary,
    confirm=confirm,
    editable=editable,
    out_of_scope=out_of_scope,
)

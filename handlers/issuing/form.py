"""The issuing form's answers and step names, as stored in the draft (no Telegram, no SQL)."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from datetime import date

from bot.forms.declaration import FormAnswers
from bot.forms.engine import CONFIRMING
from bot.rules.validity import valid_until
from handlers import callbacks
from storage.cards import BACKGROUND_FIELDS, Background

# The form's name: its draft's key and its buttons' callback prefix.
NAME = callbacks.ISSUE


class Step(enum.StrEnum):
    """What the form waits for; stored in the draft, so the values never change."""

    CHOOSING_UNIT = "CHOOSING_UNIT"
    CHECKING_ELIGIBILITY = "CHECKING_ELIGIBILITY"
    CHOOSING_KIND = "CHOOSING_KIND"
    AWAITING_OLD_NUMBER = "AWAITING_OLD_NUMBER"
    AWAITING_NUMBER = "AWAITING_NUMBER"
    OFFERING_RENEWAL = "OFFERING_RENEWAL"
    CONFIRMING_EARLY_RENEWAL = "CONFIRMING_EARLY_RENEWAL"
    AWAITING_BIRTH_YEAR = "AWAITING_BIRTH_YEAR"
    AWAITING_POSTAL_CODE = "AWAITING_POSTAL_CODE"
    CONFIRMING_POSTAL_CODE = "CONFIRMING_POSTAL_CODE"
    CHOOSING_CHILDREN = "CHOOSING_CHILDREN"
    AWAITING_CHILDREN_COUNT = "AWAITING_CHILDREN_COUNT"
    CHOOSING_GENDER = "CHOOSING_GENDER"
    CHOOSING_LIFE_SITUATION = "CHOOSING_LIFE_SITUATION"
    CHOOSING_WELLBEING = "CHOOSING_WELLBEING"
    CHOOSING_MOBILE_CARD = "CHOOSING_MOBILE_CARD"
    # The engine's summary (bot.forms.engine), named here for the steps that lead to it.
    CONFIRMING = CONFIRMING


# The background questions in the order the form asks them.
BACKGROUND = (
    Step.AWAITING_BIRTH_YEAR,
    Step.AWAITING_POSTAL_CODE,
    Step.CHOOSING_CHILDREN,
    Step.CHOOSING_GENDER,
    Step.CHOOSING_LIFE_SITUATION,
    Step.CHOOSING_WELLBEING,
    Step.CHOOSING_MOBILE_CARD,
)


@dataclass
class IssueAnswers(FormAnswers):
    """Everything answered so far, and the locality's rules taken with the unit."""

    unit_id: int | None = None
    unit_name: str = ""
    # The locality's rules, taken when the unit is chosen.
    card_examples: list[str] = field(default_factory=list)
    postal_codes: list[str] = field(default_factory=list)
    validity_months: int = 12
    pilot_end: str | None = None  # ISO date
    kind: str | None = None
    old_number: str | None = None
    number: str | None = None
    # The last valid day of the card being renewed (ISO date), while it still has a while to go.
    renewing_valid_until: str | None = None
    # Answers carried over from the card's earlier issuance (renewal, replacement).
    carried_over: bool = False
    birth_year: int | None = None
    postal_code: str | None = None
    postal_outside_network: bool = False
    children: int | None = None
    gender: str | None = None
    life_situation: str | None = None
    wellbeing: int | None = None
    mobile_card: bool | None = None

    def background(self) -> Background:
        """The background data, once the mandatory answers are in."""
        if self.birth_year is None or self.postal_code is None or self.children is None:
            raise ValueError("the form is not complete")
        return Background(**{name: getattr(self, name) for name in BACKGROUND_FIELDS})

    def after_background(self, answered: Step, *, editing: bool) -> Step:
        """The next question after a background answer, or the summary."""
        if editing or (self.carried_over and answered == Step.CHOOSING_WELLBEING):
            return Step.CONFIRMING
        position = BACKGROUND.index(answered)
        if position + 1 < len(BACKGROUND):
            return BACKGROUND[position + 1]
        return Step.CONFIRMING

    def carry_over(self, background: Background) -> None:
        """Take the answers of an earlier issuance of the same card."""
        self.carried_over = True
        for name, value in asdict(background).items():
            setattr(self, name, value)


def validity_end(form: IssueAnswers, issued_on: date) -> date:
    """The last valid day of a card issued today under the locality's rules."""
    pilot_end = date.fromisoformat(form.pilot_end) if form.pilot_end else None
    return valid_until(issued_on, form.validity_months, pilot_end)

"""The issuing form's answers and steps, as stored in the draft (no Telegram, no SQL)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from storage.cards import BACKGROUND_FIELDS, Background

CONVERSATION = "issue"


class Step(enum.StrEnum):
    """What the form waits for; stored in the draft, so the values never change."""

    CHOOSING_UNIT = "CHOOSING_UNIT"
    CHECKING_ELIGIBILITY = "CHECKING_ELIGIBILITY"
    CHOOSING_KIND = "CHOOSING_KIND"
    AWAITING_OLD_NUMBER = "AWAITING_OLD_NUMBER"
    AWAITING_NUMBER = "AWAITING_NUMBER"
    OFFERING_RENEWAL = "OFFERING_RENEWAL"
    AWAITING_BIRTH_YEAR = "AWAITING_BIRTH_YEAR"
    AWAITING_POSTAL_CODE = "AWAITING_POSTAL_CODE"
    CONFIRMING_POSTAL_CODE = "CONFIRMING_POSTAL_CODE"
    CHOOSING_CHILDREN = "CHOOSING_CHILDREN"
    AWAITING_CHILDREN_COUNT = "AWAITING_CHILDREN_COUNT"
    CHOOSING_GENDER = "CHOOSING_GENDER"
    CHOOSING_LIFE_SITUATION = "CHOOSING_LIFE_SITUATION"
    CHOOSING_WELLBEING = "CHOOSING_WELLBEING"
    CHOOSING_MOBILE_CARD = "CHOOSING_MOBILE_CARD"
    CONFIRMING = "CONFIRMING"
    CHOOSING_FIELD = "CHOOSING_FIELD"
    # Left by the job that clears untouched drafts: the issuer is told on their next message.
    EXPIRED = "EXPIRED"


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

# Fields the summary's "Edit" offers, with the question that answers each.
EDITABLE = {
    "number": Step.AWAITING_NUMBER,
    "birth_year": Step.AWAITING_BIRTH_YEAR,
    "postal_code": Step.AWAITING_POSTAL_CODE,
    "children": Step.CHOOSING_CHILDREN,
    "gender": Step.CHOOSING_GENDER,
    "life_situation": Step.CHOOSING_LIFE_SITUATION,
    "wellbeing": Step.CHOOSING_WELLBEING,
    "mobile_card": Step.CHOOSING_MOBILE_CARD,
}


@dataclass
class Form:
    """Everything answered so far, plus what the form needs to go on."""

    form_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    # Bumped on every stored step: buttons carry it, so an old message's button is refused.
    version: int = 0
    # The last update stored: Telegram delivers an update again if the bot died before
    # confirming it, and a typed answer must not then count for the next question too.
    last_update_id: int = 0
    # Steps answered, newest last: "Back" returns to the last one.
    trail: list[str] = field(default_factory=list)
    editing: bool = False
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

    @classmethod
    def from_answers(cls, answers: dict[str, Any]) -> Form:
        """Rebuild the form from a draft's answers (unknown keys are ignored)."""
        return cls(**{key: value for key, value in answers.items() if key in _FIELD_NAMES})

    def answers(self) -> dict[str, Any]:
        """The form as a draft stores it."""
        # Every step stores the form: copying its lists is all it needs, at a tenth of the
        # cost of asdict's recursive deep copy.
        answers: dict[str, Any] = {}
        for name in _FIELD_NAMES:
            value = getattr(self, name)
            answers[name] = list(value) if isinstance(value, list) else value
        return answers

    def background(self) -> Background:
        """The background data, once the mandatory answers are in."""
        if self.birth_year is None or self.postal_code is None or self.children is None:
            raise ValueError("the form is not complete")
        return Background(**{name: getattr(self, name) for name in BACKGROUND_FIELDS})

    def go(self, answered: Step, following: Step) -> Step:
        """Record that `answered` was answered and move on to `following`."""
        self.trail.append(answered)
        return following

    def back(self, current: Step) -> Step:
        """The step before this one (or this one again at the start)."""
        if not self.trail:
            return current
        return Step(self.trail.pop())

    def after_background(self, answered: Step) -> Step:
        """The next question after a background answer, or the summary."""
        if self.editing or (self.carried_over and answered == Step.CHOOSING_WELLBEING):
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


_FIELD_NAMES = tuple(f.name for f in fields(Form))

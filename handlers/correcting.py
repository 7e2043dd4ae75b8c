"""Correcting a stored issuance: a form that starts from the issuance and asks one background
question again with the issuing form's own questions and checks (handlers/issuing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.audience import only
from bot.forms import Finished, Form, Outcome, Turn
from bot.forms.engine import CHOOSING_FIELD
from bot.i18n import Translator
from bot.rules.background import in_network
from bot.rules.changes import ISSUER_DAYS, may_change
from handlers import callbacks
from handlers.issuing import BACKGROUND_STEPS
from handlers.issuing.form import IssueAnswers
from handlers.issuing.form import Step as At
from handlers.issuing.questions import gender_label, life_situation_label, yes_no_label
from handlers.issuing.summary import editable as issuing_editable
from storage import audit, issuances, scopes
from storage.cards import BACKGROUND_FIELDS
from storage.issuances import Detail
from storage.models import Role

FixTurn = Turn[IssueAnswers]


@dataclass
class FixAnswers(IssueAnswers):
    """The issuing form's answers, loaded from the issuance being corrected."""

    issuance_id: int = 0
    issued_on: str = ""  # ISO date


def fixing(turn: FixTurn) -> FixAnswers:
    """The turn's answers as this form holds them."""
    answers = turn.answers
    if not isinstance(answers, FixAnswers):
        raise TypeError("not a correction")
    return answers


def title(t: Translator) -> str:
    """The form's name as people read it."""
    return t.gettext("Correction")


def not_changeable(t: Translator) -> str:
    """Why an issuance cannot be corrected or voided by this person now."""
    return t.gettext(
        "You cannot change this issuance: issuers can change their unit's issuances for {days} "
        "days after the issue date, coordinators those of their locality at any time. Open the "
        "issuance again from /cards."
    ).format(days=ISSUER_DAYS)


async def changeable(turn: Turn[Any], issuance_id: int) -> Detail | None:
    """The issuance, when this person may change it now (locked until the update ends)."""
    scope = issuances.scope_of(turn.person)
    found = await issuances.detail(turn.context.session, issuance_id, scope, to_change=True)
    if found is None or not may_change(scope, found, turn.today()):
        return None
    return found


def issuance_of(argument: str) -> int:
    """The issuance id a form was started with (an entry button's value, or /command <id>)."""
    words = argument.split()
    return callbacks.identifier(words[0]) if words else 0


async def start(turn: FixTurn) -> Outcome:
    """Load the issuance's answers and ask which one to correct."""
    found = await changeable(turn, issuance_of(turn.argument))
    if found is None:
        return Finished(not_changeable(turn.t))
    answers, issuance = fixing(turn), found.issuance
    answers.issuance_id, answers.issued_on = issuance.id, issuance.issued_on.isoformat()
    answers.unit_id, answers.unit_name = issuance.unit_id, found.unit_name
    answers.kind, answers.number = issuance.kind, found.number
    units = await scopes.issuing_units(turn.context.session, {issuance.unit_id})
    if units:
        answers.card_examples, answers.postal_codes = units[0].card_examples, units[0].postal_codes
    for name, value in issuances.background_answers(issuance).items():
        setattr(answers, name, value)
    answers.postal_outside_network = bool(answers.postal_codes) and not in_network(
        issuance.postal_code, answers.postal_codes
    )
    turn.progress.editing = True
    return CHOOSING_FIELD


def editable(turn: FixTurn) -> list[tuple[str, str]]:
    """The background answers; the card number and the kind are changed by voiding."""
    return [(label, step) for label, step in issuing_editable(turn) if step != At.AWAITING_NUMBER]


def shown(t: Translator, name: str, value: Any) -> str:
    """A background answer as people read it."""
    if name == "gender":
        return gender_label(t, value)
    if name == "life_situation":
        return life_situation_label(t, value)
    if name == "mobile_card":
        return yes_no_label(t, value)
    return t.gettext("not answered") if value is None else str(value)


def field_label(t: Translator, name: str) -> str:
    """A background answer's name."""
    labels = {
        "birth_year": t.gettext("Year of birth"),
        "postal_code": t.gettext("Postal code"),
        "children": t.gettext("Children under 18"),
        "gender": t.gettext("Gender"),
        "life_situation": t.gettext("Life situation"),
        "wellbeing": t.gettext("Cultural wellbeing"),
        "mobile_card": t.gettext("Mobile card"),
    }
    return labels[name]


async def summary(turn: FixTurn) -> str:
    """The answers that change, old → new."""
    t, answers = turn.t, fixing(turn)
    scope = issuances.scope_of(turn.person)
    found = await issuances.detail(turn.context.session, answers.issuance_id, scope)
    heading = t.gettext("Correcting card {number}, issued on {date}:").format(
        number=answers.number, date=t.date(found.issuance.issued_on) if found else ""
    )
    before = issuances.background_answers(found.issuance) if found else {}
    # No words of its own to translate: the field's name, the old answer and the new one.
    changes = [
        f"{field_label(t, name)}: {shown(t, name, before.get(name))} → "
        f"{shown(t, name, getattr(answers, name))}"
        for name in BACKGROUND_FIELDS
        if before.get(name) != getattr(answers, name)
    ]
    if not changes:
        changes = [t.gettext("Nothing is changed yet.")]
    return "\n".join([heading, "", *changes])


async def confirm(turn: FixTurn) -> Outcome:
    """Store the changed answers and record which fields changed (never the answers)."""
    t, answers = turn.t, fixing(turn)
    found = await changeable(turn, answers.issuance_id)
    if found is None:
        return Finished(not_changeable(t))
    changed = issuances.correct(
        found.issuance, {name: getattr(answers, name) for name in BACKGROUND_FIELDS}
    )
    if not changed:
        return Finished(t.gettext("Nothing was changed."))
    audit.record(
        turn.context.session,
        actor=turn.person,
        action="correct",
        entity="issuance",
        entity_id=found.issuance.id,
        after={"fields": changed},
    )
    return Finished(
        t.gettext("The issuance of card {number} is corrected.").format(number=found.number)
    )


CORRECTING: Form[IssueAnswers] = Form(
    name=callbacks.FIX,
    command="correct",
    entry_buttons=(callbacks.FIX_START,),
    audience=only(Role.ISSUER, Role.COORDINATOR),
    answers=FixAnswers,
    title=title,
    start=start,
    steps=BACKGROUND_STEPS,
    summary=summary,
    confirm=confirm,
    editable=editable,
)

"""/orgs: a coordinator runs their network's organisations and units, declared on the form engine.

The first step lists the locality's organisations, each a button; an organisation's step shows
its kind, its commitment to the national guideline and its units, with what can be done:
add a unit, rename, record the commitment, deactivate. Each change is a small path of
questions ending in the engine's summary, and Confirm stores it through storage.network
(audited). The coordinator's scope is checked at every step, and an organisation or unit
taken out of the network meanwhile is answered plainly, never with an apology.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.audience import only
from bot.forms import Choice, Finished, Form, FormAnswers, Outcome, Question, Refusal, Step, Turn
from bot.forms.engine import CONFIRMING
from bot.i18n import Translator
from bot.rules.privacy import find_identifying
from handlers import callbacks
from handlers.callbacks import identifier
from handlers.settings import identifying_reason, parse_date
from storage import localities, network, scopes
from storage.models import Locality, Organisation, Role, Unit
from storage.names import LONGEST_NAME, clean_name

LISTING = "LISTING"
ORGANISATION = "ORGANISATION"
UNIT = "UNIT"
AWAITING_NAME = "AWAITING_NAME"
CHOOSING_KIND = "CHOOSING_KIND"
CHOOSING_COMMITMENT = "CHOOSING_COMMITMENT"
AWAITING_COMMITMENT_DATE = "AWAITING_COMMITMENT_DATE"

# What the form is doing: the change Confirm stores.
ADD_ORGANISATION = "add_org"
ADD_UNIT = "add_unit"
RENAME_ORGANISATION = "rename_org"
RENAME_UNIT = "rename_unit"
DEACTIVATE_ORGANISATION = "off_org"
DEACTIVATE_UNIT = "off_unit"
RECORD_COMMITMENT = "commit"

# The kinds of organisation, as stored (language-independent keys).
KINDS = ("county", "municipal", "ngo", "parish", "other")


@dataclass
class OrgsAnswers(FormAnswers):
    """The change being made, and to what."""

    locality_id: int | None = None
    operation: str | None = None
    organisation_id: int | None = None
    unit_id: int | None = None
    name: str | None = None
    kind: str | None = None
    committed_on: str | None = None  # ISO date, as the draft stores it


OrgsTurn = Turn[OrgsAnswers]


def kind_label(t: Translator, kind: str) -> str:
    """An organisation's kind as people read it (the command line may have typed its own)."""
    labels = {
        "county": t.gettext("Wellbeing services county unit"),
        "municipal": t.gettext("Municipal unit"),
        "ngo": t.gettext("NGO"),
        "parish": t.gettext("Parish"),
        "other": t.gettext("Other"),
    }
    return labels.get(kind, kind)


def commitment_line(t: Translator, organisation: Organisation) -> str:
    """The organisation's commitment to the national guideline, or its absence."""
    if organisation.committed_on is None:
        return t.gettext(
            "No commitment to the national guideline recorded: its units cannot issue cards."
        )
    recorder = organisation.commitment_recorded_by or ""
    if recorder == network.RECORDED_AT_UPGRADE:
        return t.gettext(
            "Committed to the national guideline (recorded when the bot was upgraded on {date})."
        ).format(date=t.date(organisation.committed_on))
    return t.gettext("Committed to the national guideline on {date} (recorded by {name}).").format(
        date=t.date(organisation.committed_on), name=recorder
    )


def gone(t: Translator) -> str:
    """An organisation or unit named by a button is no longer in the network."""
    return t.gettext(
        "That organisation or unit is no longer in your network (it was deactivated or is "
        "not yours). Nothing was changed."
    )


def no_longer_coordinating(t: Translator) -> str:
    """The person no longer coordinates the form's locality."""
    return t.gettext("You no longer coordinate this network, so nothing was changed.")


# -- loading what the answers name, as it is now -----------------------------------------------


async def organisation_of(turn: OrgsTurn) -> Organisation | None:
    """The form's organisation, if it is still an active one of the locality."""
    return await scopes.organisation_in_locality(
        turn.context.session, turn.answers.organisation_id or 0, turn.answers.locality_id or 0
    )


async def unit_of(turn: OrgsTurn) -> Unit | None:
    """The form's unit, if it is still an active one of the form's organisation."""
    unit = await scopes.unit_in_locality(
        turn.context.session, turn.answers.unit_id or 0, turn.answers.locality_id or 0
    )
    if unit is None or unit.organisation_id != turn.answers.organisation_id:
        return None
    return unit


# -- starting, and the listing ------------------------------------------------------------------


async def start(turn: OrgsTurn) -> Outcome:
    """Begin with the coordinator's locality's organisations."""
    turn.answers.locality_id = scopes.coordinated_locality(turn.person)
    if turn.answers.locality_id is None:
        return Finished(no_longer_coordinating(turn.t))
    return LISTING


def out_of_scope(turn: OrgsTurn) -> str | None:
    """The coordinator must still coordinate the locality, at every step."""
    if turn.answers.locality_id == scopes.coordinated_locality(turn.person):
        return None
    return no_longer_coordinating(turn.t)


async def ask_listing(turn: OrgsTurn) -> Question:
    """The locality's organisations, each a button, and adding one."""
    t = turn.t
    found = await scopes.organisations_of(turn.context.session, turn.answers.locality_id or 0)
    if found:
        text = t.gettext("The organisations of your network. Choose one to see its units.")
    else:
        text = t.gettext("There are no organisations in your network yet.")
    uncommitted = [o.name for o in found if o.committed_on is None]
    if uncommitted:
        waiting = t.gettext(
            "No commitment to the national guideline recorded yet, so their units cannot "
            "issue cards: {organisations}"
        ).format(organisations=", ".join(uncommitted))
        text = f"{text}\n\n{waiting}"
    rows = [[Choice(organisation.name, "org", organisation.id)] for organisation in found]
    rows.append([Choice(t.gettext("Add an organisation"), "addorg")])
    return Question(text, rows)


async def choose_organisation(turn: OrgsTurn, value: str) -> Outcome:
    """Open the chosen organisation."""
    turn.answers.organisation_id = identifier(value)
    if await organisation_of(turn) is None:
        turn.answers.organisation_id = None
        raise Refusal(gone(turn.t))
    return turn.go(ORGANISATION)


async def add_organisation(turn: OrgsTurn, _value: str) -> Outcome:
    """Ask the new organisation's name."""
    turn.answers.operation = ADD_ORGANISATION
    turn.answers.organisation_id = None
    return turn.go(AWAITING_NAME)


# -- an organisation, a unit --------------------------------------------------------------------


async def ask_organisation(turn: OrgsTurn) -> Question:
    """The organisation: its kind, commitment and units, and what can be done with it."""
    t = turn.t
    organisation = await organisation_of(turn)
    if organisation is None:
        return Question(gone(t))
    units = await scopes.units_of(turn.context.session, organisation.id)
    lines = [organisation.name]
    if organisation.kind:
        lines.append(kind_label(t, organisation.kind))
    lines.append(commitment_line(t, organisation))
    if not units:
        lines.append(t.gettext("It has no units yet."))
    rows = [[Choice(unit.name, "unit", unit.id)] for unit in units]
    rows.append([Choice(t.gettext("Add a unit"), "addunit")])
    if organisation.committed_on is None:
        rows.append([Choice(t.gettext("Record the commitment"), "commit")])
    rows.append(
        [
            Choice(t.gettext("Rename"), "rename"),
            Choice(t.gettext("Deactivate"), "deactivate"),
        ]
    )
    return Question("\n".join(lines), rows)


async def choose_unit(turn: OrgsTurn, value: str) -> Outcome:
    """Open the chosen unit."""
    turn.answers.unit_id = identifier(value)
    if await unit_of(turn) is None:
        turn.answers.unit_id = None
        raise Refusal(gone(turn.t))
    return turn.go(UNIT)


async def organisation_action(turn: OrgsTurn, operation: str, following: str) -> Outcome:
    """Start a change of the organisation, if it is still in the network."""
    if await organisation_of(turn) is None:
        raise Refusal(gone(turn.t))
    turn.answers.operation = operation
    turn.answers.unit_id = None
    return turn.go(following)


async def add_unit(turn: OrgsTurn, _value: str) -> Outcome:
    """Ask the new unit's name."""
    return await organisation_action(turn, ADD_UNIT, AWAITING_NAME)


async def rename_organisation(turn: OrgsTurn, _value: str) -> Outcome:
    """Ask the organisation's new name."""
    return await organisation_action(turn, RENAME_ORGANISATION, AWAITING_NAME)


async def deactivate_organisation(turn: OrgsTurn, _value: str) -> Outcome:
    """Confirm taking the organisation out of the network."""
    return await organisation_action(turn, DEACTIVATE_ORGANISATION, CONFIRMING)


async def record_commitment(turn: OrgsTurn, _value: str) -> Outcome:
    """Ask the day of the organisation's commitment."""
    return await organisation_action(turn, RECORD_COMMITMENT, AWAITING_COMMITMENT_DATE)


async def ask_unit(turn: OrgsTurn) -> Question:
    """The unit, and what can be done with it."""
    t = turn.t
    unit = await unit_of(turn)
    if unit is None:
        return Question(gone(t))
    return Question(
        unit.name,
        [
            [
                Choice(t.gettext("Rename"), "rename"),
                Choice(t.gettext("Deactivate"), "deactivate"),
            ]
        ],
    )


async def unit_action(turn: OrgsTurn, operation: str, following: str) -> Outcome:
    """Start a change of the unit, if it is still in the network."""
    if await unit_of(turn) is None:
        raise Refusal(gone(turn.t))
    turn.answers.operation = operation
    return turn.go(following)


async def rename_unit(turn: OrgsTurn, _value: str) -> Outcome:
    """Ask the unit's new name."""
    return await unit_action(turn, RENAME_UNIT, AWAITING_NAME)


async def deactivate_unit(turn: OrgsTurn, _value: str) -> Outcome:
    """Confirm taking the unit out of the network."""
    return await unit_action(turn, DEACTIVATE_UNIT, CONFIRMING)


# -- the questions of a change ------------------------------------------------------------------


async def ask_name(turn: OrgsTurn) -> Question:
    """The name: of a new organisation or unit, or the new name of one."""
    t, operation = turn.t, turn.answers.operation
    if operation == ADD_ORGANISATION:
        return Question(t.gettext("What is the new organisation called?"))
    if operation == ADD_UNIT:
        return Question(t.gettext("What is the new unit called?"))
    return Question(t.gettext("Type the new name."))


async def take_name(turn: OrgsTurn, value: str) -> Outcome:
    """Take a name: not empty, not too long, not one the parent has (whatever its case)."""
    t, answers, session = turn.t, turn.answers, turn.context.session
    kind = find_identifying(value)
    if kind is not None:
        raise Refusal(identifying_reason(t, kind))
    name = clean_name(value)
    if not name:
        raise Refusal(t.gettext("Please type a name."))
    if len(name) > LONGEST_NAME:
        raise Refusal(
            t.gettext("That name is too long: please keep it to {count} characters.").format(
                count=LONGEST_NAME
            )
        )
    if answers.operation in (ADD_ORGANISATION, RENAME_ORGANISATION):
        other: Organisation | Unit | None = await network.organisation_named(
            session, answers.locality_id or 0, name
        )
        same = other is not None and other.id == answers.organisation_id
    else:
        other = await network.unit_named(session, answers.organisation_id or 0, name)
        same = other is not None and other.id == answers.unit_id
    if other is not None and not same:
        raise Refusal(
            t.gettext(
                "{name} is already taken in your network (names are the same whatever their "
                "case). Please type another name."
            ).format(name=other.name)
        )
    answers.name = name
    if answers.operation == ADD_ORGANISATION and not turn.editing:
        return turn.go(CHOOSING_KIND)
    return CONFIRMING


async def ask_kind(turn: OrgsTurn) -> Question:
    """What kind of organisation."""
    t = turn.t
    return Question(
        t.gettext("What kind of organisation is it?"),
        [[Choice(kind_label(t, kind), "kind", kind)] for kind in KINDS],
    )


async def take_kind(turn: OrgsTurn, value: str) -> Outcome:
    """Take the kind."""
    if value not in KINDS:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    turn.answers.kind = value
    if turn.editing:
        return CONFIRMING
    return turn.go(CHOOSING_COMMITMENT)


async def ask_commitment(turn: OrgsTurn) -> Question:
    """Whether the organisation has committed to the national guideline."""
    t = turn.t
    return Question(
        t.gettext(
            "Has the organisation committed to the national Kaikukortti guideline? Its units "
            "can issue cards only once the commitment is recorded; you can record it later."
        ),
        [
            [Choice(t.gettext("Yes, it has committed"), "yes")],
            [Choice(t.gettext("Not yet"), "no")],
        ],
    )


async def take_committed(turn: OrgsTurn, _value: str) -> Outcome:
    """It has committed: ask the day."""
    return turn.go(AWAITING_COMMITMENT_DATE)


async def take_not_committed(turn: OrgsTurn, _value: str) -> Outcome:
    """Not yet: the organisation is added without a commitment."""
    turn.answers.committed_on = None
    return CONFIRMING


async def ask_commitment_date(turn: OrgsTurn) -> Question:
    """The day of the commitment: today, or typed."""
    t = turn.t
    today = turn.today()
    return Question(
        t.gettext(
            "On which day did the organisation commit to the guideline? Type the date, for "
            "example {example}, or choose today."
        ).format(example=f"{today.day}.{today.month}.{today.year}"),
        [[Choice(t.gettext("Today"), "today")]],
    )


async def take_commitment_date(turn: OrgsTurn, value: str) -> Outcome:
    """Take a typed day of commitment: a real date, not in the future."""
    t = turn.t
    kind = find_identifying(value)
    if kind is not None:
        raise Refusal(identifying_reason(t, kind))
    typed = parse_date(value)
    today = turn.today()
    if typed is None:
        raise Refusal(
            t.gettext("Please type a date, for example {example}.").format(
                example=f"{today.day}.{today.month}.{today.year}"
            )
        )
    if typed > today:
        raise Refusal(t.gettext("That day is still ahead. Please type the day it committed."))
    turn.answers.committed_on = typed.isoformat()
    return CONFIRMING


async def take_today(turn: OrgsTurn, _value: str) -> Outcome:
    """The organisation committed today."""
    turn.answers.committed_on = turn.today().isoformat()
    return CONFIRMING


# -- summary and confirm ------------------------------------------------------------------------


async def summary(turn: OrgsTurn) -> str:
    """The change, before it is stored."""
    t, answers = turn.t, turn.answers
    organisation = await organisation_of(turn)
    unit = await unit_of(turn)
    org_name = organisation.name if organisation else ""
    unit_name = unit.name if unit else ""
    committed = date.fromisoformat(answers.committed_on) if answers.committed_on else None
    if answers.operation == ADD_ORGANISATION:
        lines = [
            t.gettext("Add this organisation to your network?"),
            "",
            answers.name or "",
            kind_label(t, answers.kind or ""),
        ]
        if committed is None:
            lines.append(t.gettext("No commitment to the national guideline yet."))
        else:
            lines.append(
                t.gettext("Committed to the national guideline on {date}.").format(
                    date=t.date(committed)
                )
            )
        return "\n".join(lines)
    if answers.operation == ADD_UNIT:
        return t.gettext("Add the unit {unit} to {organisation}?").format(
            unit=answers.name, organisation=org_name
        )
    if answers.operation == RENAME_ORGANISATION:
        return t.gettext("Rename the organisation {old} to {new}?").format(
            old=org_name, new=answers.name
        )
    if answers.operation == RENAME_UNIT:
        return t.gettext("Rename the unit {old} to {new}?").format(old=unit_name, new=answers.name)
    if answers.operation == DEACTIVATE_ORGANISATION:
        return t.gettext(
            "Deactivate {organisation} and all its units? Their issuers can no longer issue "
            "cards, and invitations into them stop working. The cards already issued stay in "
            "the statistics. This cannot be undone in the chat."
        ).format(organisation=org_name)
    if answers.operation == DEACTIVATE_UNIT:
        return t.gettext(
            "Deactivate the unit {unit}? Its issuers can no longer issue cards for it, and "
            "invitations into it stop working. The cards already issued stay in the "
            "statistics. This cannot be undone in the chat."
        ).format(unit=unit_name)
    return t.gettext(
        "Record that {organisation} committed to the national Kaikukortti guideline on "
        "{date}? Its units can then issue cards."
    ).format(organisation=org_name, date=t.date(committed) if committed else "")


def editable(turn: OrgsTurn) -> list[tuple[str, str]]:
    """A new organisation's answers can be changed from the summary; other changes are one."""
    t = turn.t
    if turn.answers.operation == ADD_ORGANISATION:
        return [
            (t.gettext("Name"), AWAITING_NAME),
            (t.gettext("Kind"), CHOOSING_KIND),
            (t.gettext("Commitment"), CHOOSING_COMMITMENT),
        ]
    return []


async def confirm(turn: OrgsTurn) -> Outcome:
    """Store the change (audited), if what it names is still in the network."""
    t, answers, session = turn.t, turn.answers, turn.context.session
    recorder = turn.person.display_name if turn.person else ""
    committed = date.fromisoformat(answers.committed_on) if answers.committed_on else None
    try:
        if answers.operation == ADD_ORGANISATION:
            locality = await _locality(turn)
            await network.add_organisation(
                session,
                locality=locality,
                name=answers.name or "",
                kind=answers.kind or "",
                committed_on=committed,
                commitment_recorded_by=recorder,
                actor=turn.person,
            )
            return Finished(
                t.gettext("Added {organisation}. /orgs shows your network.").format(
                    organisation=answers.name
                )
            )
        organisation = await organisation_of(turn)
        if organisation is None:
            return Finished(gone(t))
        if answers.operation == ADD_UNIT:
            await network.add_unit(
                session, organisation=organisation, name=answers.name or "", actor=turn.person
            )
            return Finished(
                t.gettext("Added {unit} to {organisation}. /invite invites its issuers.").format(
                    unit=answers.name, organisation=organisation.name
                )
            )
        if answers.operation == RENAME_ORGANISATION:
            await network.rename_organisation(
                session, organisation, answers.name or "", actor=turn.person
            )
            return Finished(t.gettext("Renamed. /orgs shows your network."))
        if answers.operation == DEACTIVATE_ORGANISATION:
            await network.deactivate_organisation(session, organisation, actor=turn.person)
            return Finished(
                t.gettext("{organisation} was deactivated.").format(organisation=organisation.name)
            )
        if answers.operation == RECORD_COMMITMENT and committed is not None:
            network.record_commitment(
                session,
                organisation,
                committed_on=committed,
                recorded_by=recorder,
                actor=turn.person,
            )
            return Finished(
                t.gettext("Recorded. The units of {organisation} can now issue cards.").format(
                    organisation=organisation.name
                )
            )
        unit = await unit_of(turn)
        if unit is None:
            return Finished(gone(t))
        if answers.operation == RENAME_UNIT:
            await network.rename_unit(session, unit, answers.name or "", actor=turn.person)
            return Finished(t.gettext("Renamed. /orgs shows your network."))
        if answers.operation == DEACTIVATE_UNIT:
            network.deactivate_unit(session, unit, actor=turn.person)
            return Finished(t.gettext("{unit} was deactivated.").format(unit=unit.name))
    except network.NameTaken:
        # Someone gave the name meanwhile (the write may have failed: nothing of it is kept).
        raise Refusal(
            t.gettext(
                "That name was taken meanwhile, so nothing was changed. Please cancel and "
                "start again with /orgs."
            )
        ) from None
    raise Refusal(t.gettext("Please check the answers."))


async def _locality(turn: OrgsTurn) -> Locality:
    """The form's locality (its coordinator's, checked at every step)."""
    locality = await localities.by_id(turn.context.session, turn.answers.locality_id or 0)
    if locality is None:
        raise Refusal(no_longer_coordinating(turn.t))
    return locality


def title(t: Translator) -> str:
    """The form's name as coordinators read it."""
    return t.gettext("Organisations and units")


ORGS: Form[OrgsAnswers] = Form(
    name=callbacks.ORGS,
    command="orgs",
    audience=only(Role.COORDINATOR),
    answers=OrgsAnswers,
    title=title,
    start=start,
    steps={
        LISTING: Step(
            ask_listing, pressed={"org": choose_organisation, "addorg": add_organisation}
        ),
        ORGANISATION: Step(
            ask_organisation,
            pressed={
                "unit": choose_unit,
                "addunit": add_unit,
                "commit": record_commitment,
                "rename": rename_organisation,
                "deactivate": deactivate_organisation,
            },
        ),
        UNIT: Step(ask_unit, pressed={"rename": rename_unit, "deactivate": deactivate_unit}),
        AWAITING_NAME: Step(ask_name, typed=take_name),
        CHOOSING_KIND: Step(ask_kind, pressed={"kind": take_kind}),
        CHOOSING_COMMITMENT: Step(
            ask_commitment, pressed={"yes": take_committed, "no": take_not_committed}
        ),
        AWAITING_COMMITMENT_DATE: Step(
            ask_commitment_date, typed=take_commitment_date, pressed={"today": take_today}
        ),
    },
    summary=summary,
    confirm=confirm,
    editable=editable,
    out_of_scope=out_of_scope,
)

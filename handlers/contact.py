"""/contact: a person sees and changes their own work details and what colleagues see of them.

Declared on the form engine, starting from the stored details: without an argument it opens
on the summary, with one ("/contact phone") on that detail. A contact person's confirmed change
reaches the locality's coordinators through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.audience import PEOPLE
from bot.forms import Choice, Finished, Form, FormAnswers, Outcome, Question, Refusal, Step, Turn
from bot.forms.engine import CONFIRMING
from bot.i18n import Translator
from bot.rules.privacy import find_identifying
from bot.rules.staff_details import (
    MAX_NAME,
    DetailProblem,
    DetailRefused,
    normalise_email,
    normalise_phone,
)
from handlers import callbacks
from handlers.contact_notices import detail_lines, tell_coordinators
from storage import contact_details, people
from storage.contact_details import SHAREABLE, Details

NAME = "NAME"
TITLE = "TITLE"
PHONE = "PHONE"
EMAIL = "EMAIL"
LINK = "LINK"
SHARING = "SHARING"
# "/contact phone" opens on the phone number.
ARGUMENTS = {
    "name": NAME,
    "title": TITLE,
    "phone": PHONE,
    "email": EMAIL,
    "link": LINK,
    "sharing": SHARING,
}
MAX_LINK = 500


@dataclass
class ContactAnswers(FormAnswers):
    """The person's details as they will be stored."""

    name: str = ""
    title: str | None = None
    phone: str | None = None
    email: str | None = None
    shared: list[str] = field(default_factory=list)
    # A contact person's organisation and its link to internal Kaikukortti instructions.
    organisation_id: int | None = None
    link: str | None = None

    def details(self) -> Details:
        """The answers as storage keeps them."""
        return Details(self.name, self.title, self.phone, self.email, tuple(self.shared))


ContactTurn = Turn[ContactAnswers]


async def start(turn: ContactTurn) -> Outcome:
    """Load the stored details; open on the chosen one, else on the summary."""
    person = turn.person
    assert person is not None  # the audience is people with a role
    session = turn.context.session
    details = await contact_details.of(session, person)
    answers = turn.answers
    answers.name, answers.title = details.name, details.title
    answers.phone, answers.email, answers.shared = (
        details.phone,
        details.email,
        list(details.shared),
    )
    organisations = sorted(people.organisation_ids(person))
    if organisations:
        organisation = await contact_details.organisation(session, organisations[0])
        if organisation is not None:
            answers.organisation_id, answers.link = organisation.id, organisation.guideline_url
    wanted = turn.argument.strip().lower()
    if not wanted:
        return CONFIRMING
    step = ARGUMENTS.get(wanted)
    if step is None or (step == LINK and answers.organisation_id is None):
        raise Refusal(
            turn.t.gettext(
                "I do not know that detail. Send /contact to see your details and change them."
            )
        )
    turn.progress.editing = True
    return step


def _remove(t: Translator) -> list[list[Choice]]:
    return [[Choice(t.gettext("Remove it"), "clear")]]


async def ask_name(turn: ContactTurn) -> Question:
    """The name colleagues know the person by."""
    return Question(turn.t.gettext("Type your name as colleagues know you."))


async def take_name(turn: ContactTurn, text: str) -> Outcome:
    """Take the name."""
    turn.answers.name = _plain_text(turn, text)
    return turn.go(CONFIRMING)


async def ask_title(turn: ContactTurn) -> Question:
    """The work title."""
    return Question(turn.t.gettext("Type your title, for example Social worker."), _remove(turn.t))


async def take_title(turn: ContactTurn, text: str) -> Outcome:
    """Take the title."""
    turn.answers.title = _plain_text(turn, text)
    return turn.go(CONFIRMING)


def _plain_text(turn: ContactTurn, text: str) -> str:
    """A name or title: one line, not too long, no phone number or e-mail address in it."""
    t, text = turn.t, " ".join(text.split())
    if not text:
        raise Refusal(t.gettext("Please type it as text."))
    if len(text) > MAX_NAME:
        raise Refusal(
            t.gettext("That is too long: {limit} characters at most.").format(limit=MAX_NAME)
        )
    if find_identifying(text) is not None:
        raise Refusal(
            t.gettext(
                "That looks like a phone number, an e-mail address or an identity code. Phone "
                "numbers and e-mail addresses have their own questions: type only the text."
            )
        )
    return text


async def ask_phone(turn: ContactTurn) -> Question:
    """The work phone number."""
    return Question(
        turn.t.gettext(
            "Type your work phone number. A Finnish number needs no country code (040 123 4567)."
        ),
        _remove(turn.t),
    )


async def take_phone(turn: ContactTurn, text: str) -> Outcome:
    """Take the phone number, normalised."""
    t = turn.t
    try:
        turn.answers.phone = normalise_phone(text)
    except DetailRefused as refused:
        if refused.problem is DetailProblem.PHONE_UNREADABLE:
            raise Refusal(
                t.gettext(
                    "I could not read a phone number there. Type only the number, for example "
                    "040 123 4567 or +46 8 123 456 78."
                )
            ) from None
        raise Refusal(
            t.gettext(
                "That is not a valid phone number: check the number of digits and the area "
                "code, and type it again."
            )
        ) from None
    return turn.go(CONFIRMING)


async def ask_email(turn: ContactTurn) -> Question:
    """The work e-mail address."""
    return Question(turn.t.gettext("Type your work e-mail address."), _remove(turn.t))


async def take_email(turn: ContactTurn, text: str) -> Outcome:
    """Take the e-mail address, checked for its form only."""
    try:
        turn.answers.email = normalise_email(text)
    except DetailRefused:
        raise Refusal(
            turn.t.gettext(
                "That is not a valid e-mail address: it should look like "
                "firstname.lastname@example.fi. Type it again."
            )
        ) from None
    return turn.go(CONFIRMING)


async def ask_link(turn: ContactTurn) -> Question:
    """The link to the organisation's internal instructions."""
    return Question(
        turn.t.gettext(
            "Type the link (https://…) to your organisation's internal Kaikukortti "
            "instructions. Your organisation's issuers see it."
        ),
        _remove(turn.t),
    )


async def take_link(turn: ContactTurn, text: str) -> Outcome:
    """Take the link: a web address."""
    link = text.strip()
    if (
        not link.lower().startswith(("https://", "http://"))
        or len(link) > MAX_LINK
        or any(character.isspace() for character in link)
        or "." not in link.split("://", 1)[1]
    ):
        raise Refusal(
            turn.t.gettext(
                "That is not a web address: it should start with https:// and have no spaces."
            )
        )
    turn.answers.link = link
    return turn.go(CONFIRMING)


async def clear(turn: ContactTurn, _value: str) -> Outcome:
    """Remove the detail being asked for."""
    step = turn.step
    if step == TITLE:
        turn.answers.title = None
    elif step == PHONE:
        turn.answers.phone = None
    elif step == EMAIL:
        turn.answers.email = None
    elif step == LINK:
        turn.answers.link = None
    return turn.go(CONFIRMING)


def detail_name(t: Translator, detail: str) -> str:
    if detail == "title":
        return t.gettext("title")
    if detail == "phone":
        return t.gettext("phone number")
    return t.gettext("e-mail address")


async def ask_sharing(turn: ContactTurn) -> Question:
    """Which details colleagues may see (a button toggles each)."""
    t = turn.t
    rows = []
    for detail in SHAREABLE:
        if detail in turn.answers.shared:
            label = t.gettext("✅ Shared: {detail}").format(detail=detail_name(t, detail))
        else:
            label = t.gettext("🔒 Not shared: {detail}").format(detail=detail_name(t, detail))
        rows.append([Choice(label, "share", detail)])
    rows.append([Choice(t.gettext("Done"), "done")])
    return Question(
        t.gettext(
            "Which of your details may colleagues see (with /contacts)? Press one to change "
            "it. Your name always shows; coordinators always see all of them."
        ),
        rows,
    )


async def toggle_sharing(turn: ContactTurn, value: str) -> Outcome:
    """Share a detail, or stop sharing it."""
    if value not in SHAREABLE:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    shared = set(turn.answers.shared)
    shared.symmetric_difference_update({value})
    turn.answers.shared = [detail for detail in SHAREABLE if detail in shared]
    return SHARING


async def sharing_done(turn: ContactTurn, _value: str) -> Outcome:
    """Back to the summary."""
    return turn.go(CONFIRMING)


async def summary(turn: ContactTurn) -> str:
    """The details as they will be stored."""
    t, answers = turn.t, turn.answers
    none = t.gettext("(none)")
    lines = [t.gettext("Your work details:"), ""]
    lines += detail_lines(t, answers.details(), show_empty=True)
    if answers.organisation_id is not None:
        lines.append(t.gettext("Internal instructions: {value}").format(value=answers.link or none))
    shared = [detail_name(t, detail) for detail in SHAREABLE if detail in answers.shared]
    lines += [
        "",
        t.gettext("Colleagues see: {details}").format(
            details=", ".join([t.gettext("name"), *shared])
        ),
    ]
    return "\n".join(lines)


def editable(turn: ContactTurn) -> list[tuple[str, str]]:
    """Every detail can be changed."""
    t = turn.t
    choices = [
        (t.gettext("Name"), NAME),
        (t.gettext("Title"), TITLE),
        (t.gettext("Phone"), PHONE),
        (t.gettext("E-mail"), EMAIL),
    ]
    if turn.answers.organisation_id is not None:
        choices.append((t.gettext("Internal instructions"), LINK))
    choices.append((t.gettext("What colleagues see"), SHARING))
    return choices


async def confirm(turn: ContactTurn) -> Outcome:
    """Store the details; a contact person's change reaches the coordinators."""
    t, context, answers = turn.t, turn.context, turn.answers
    person = turn.person
    assert person is not None
    session = context.session
    details = answers.details()
    changed = await contact_details.save(session, person, details)
    organisations = []
    for organisation_id in sorted(people.organisation_ids(person)):
        organisation = await contact_details.organisation(session, organisation_id)
        if organisation is not None:
            organisations.append(organisation)
    link_changed = False
    if answers.organisation_id is not None:
        mine = next((o for o in organisations if o.id == answers.organisation_id), None)
        if mine is not None:
            link_changed = contact_details.set_guideline_url(
                session, mine, answers.link, actor=person
            )
    told = [name for name in changed if name != "shared"]
    if not changed and not link_changed:
        return Finished(t.gettext("Nothing changed: your details are as they were."))
    for organisation in organisations:
        if not told and not (link_changed and organisation.id == answers.organisation_id):
            continue

        def notice(reader: Translator, organisation_name: str = organisation.name) -> str:
            lines = [
                reader.gettext(
                    "{name}, contact person of {organisation}, changed their details:"
                ).format(name=details.name, organisation=organisation_name)
            ]
            lines += detail_lines(reader, details, told, show_empty=True)
            if link_changed:
                lines.append(
                    reader.gettext("Internal instructions: {value}").format(
                        value=answers.link or reader.gettext("(none)")
                    )
                )
            return "\n".join(lines)

        await tell_coordinators(context, session, organisation, notice)
    text = t.gettext("Saved. Thank you for keeping your details up to date.")
    if organisations and (told or link_changed):
        text = t.gettext("Saved. Your locality's coordinators have been told about the change.")
    return Finished(text, queued=True)


def title(t: Translator) -> str:
    """The form's name as people read it."""
    return t.gettext("Your work details")


CONTACT: Form[ContactAnswers] = Form(
    name=callbacks.CONTACT,
    command="contact",
    audience=PEOPLE,
    answers=ContactAnswers,
    title=title,
    start=start,
    steps={
        NAME: Step(ask_name, typed=take_name, back=False),
        TITLE: Step(ask_title, typed=take_title, pressed={"clear": clear}, back=False),
        PHONE: Step(ask_phone, typed=take_phone, pressed={"clear": clear}, back=False),
        EMAIL: Step(ask_email, typed=take_email, pressed={"clear": clear}, back=False),
        LINK: Step(ask_link, typed=take_link, pressed={"clear": clear}, back=False),
        SHARING: Step(
            ask_sharing, pressed={"share": toggle_sharing, "done": sharing_done}, back=False
        ),
    },
    summary=summary,
    confirm=confirm,
    editable=editable,
)

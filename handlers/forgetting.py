"""/forgetme: a person has their name and contact details removed and their roles ended,
confirmed first. The last contact person of an organisation hands the role over first; the last
coordinator of a locality cannot leave it without one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.audience import PEOPLE
from bot.forms import Finished, Form, Outcome, Turn
from bot.forms.engine import CONFIRMING
from bot.i18n import Translator
from handlers import callbacks
from storage import forgetting, outbox
from storage.forgetting import Posts


@dataclass
class ForgetAnswers:
    """Nothing to answer: the form is its confirmation."""

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> ForgetAnswers:
        """Rebuild the answers from a draft."""
        return cls()

    def to_dict(self) -> dict[str, Any]:
        """The answers as a draft stores them."""
        return {}


ForgetTurn = Turn[ForgetAnswers]


def _held(t: Translator, posts: Posts) -> Finished | None:
    """Why the person cannot be forgotten yet, if they hold a post no one else does."""
    if posts.localities:
        return Finished(
            t.gettext(
                "You are the last coordinator of {locality}, so I cannot remove you: a locality "
                "must have a coordinator. Invite another coordinator with /invite first."
            ).format(locality=", ".join(posts.localities))
        )
    if posts.organisations:
        return Finished(
            t.gettext(
                "You are the last contact person of {organisation}: hand the role over with "
                "/handover first, then send /forgetme again."
            ).format(organisation=", ".join(posts.organisations))
        )
    return None


async def start(turn: ForgetTurn) -> Outcome:
    """Refuse while the person holds a post alone; else ask to confirm."""
    assert turn.person is not None
    held = _held(turn.t, await forgetting.last_in_post(turn.context.session, turn.person))
    return held or CONFIRMING


async def summary(turn: ForgetTurn) -> str:
    """What forgetting does."""
    return turn.t.gettext(
        "Remove your name and contact details and end all your roles? You will no longer be "
        "able to use Kaikubot until someone invites you again. The cards you issued stay, and "
        "the log of changes keeps only a number in place of your name. This cannot be undone."
    )


async def confirm(turn: ForgetTurn) -> Outcome:
    """Forget the person (checked again: a post may have emptied meanwhile)."""
    t, context, person = turn.t, turn.context, turn.person
    assert person is not None
    session = context.session
    held = _held(t, await forgetting.last_in_post(session, person))
    if held is not None:
        return held
    # Their command menu goes back to the strangers' one (queued for the Telegram id they had).
    outbox.enqueue(session, person.telegram_id, "", kind=outbox.COMMANDS)
    await forgetting.forget(session, person)
    return Finished(
        t.gettext("Done. Your name and contact details are removed and your roles have ended."),
        queued=True,
    )


def title(t: Translator) -> str:
    """The form's name as people read it."""
    return t.gettext("Removing your data")


FORGETTING: Form[ForgetAnswers] = Form(
    name=callbacks.FORGET,
    command="forgetme",
    audience=PEOPLE,
    answers=ForgetAnswers,
    title=title,
    start=start,
    steps={},
    summary=summary,
    confirm=confirm,
    editable=lambda turn: [],
)

"""The one form engine: every step-by-step conversation is declared on it as data.

See README ("Declaring a form") for how; bot.forms.engine and bot.forms.handlers run them.
"""

from bot.forms.declaration import (
    Choice,
    Finished,
    Form,
    FormAnswers,
    Outcome,
    Question,
    Refusal,
    Step,
)
from bot.forms.engine import Turn, deleted

__all__ = [
    "Choice",
    "Finished",
    "Form",
    "FormAnswers",
    "Outcome",
    "Question",
    "Refusal",
    "Step",
    "Turn",
    "deleted",
]

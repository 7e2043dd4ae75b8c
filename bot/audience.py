"""Who may use a handler or command: strangers too, any person with a role, or some roles."""

from __future__ import annotations

from dataclasses import dataclass

from storage.models import Person, Role


@dataclass(frozen=True, slots=True)
class Audience:
    """Who may use a handler: strangers too, any person with a role, or some roles only."""

    strangers: bool = False
    roles: frozenset[Role] | None = None

    def admits(self, person: Person | None) -> bool:
        """Whether this person (None for a stranger) may use the handler."""
        if person is None:
            return self.strangers
        if self.roles is None:
            return True
        return any(assignment.role in self.roles for assignment in person.roles)


ANYONE = Audience(strangers=True)
PEOPLE = Audience()


def only(*roles: Role) -> Audience:
    """An audience of the given roles."""
    return Audience(roles=frozenset(roles))

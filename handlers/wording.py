"""Wording shared by several features: roles and their scopes, as people read them."""

from __future__ import annotations

from bot.i18n import Translator
from storage.models import Role
from storage.scopes import RoleDescription


def role_name(t: Translator, role: Role) -> str:
    """The name of a role."""
    if role is Role.ISSUER:
        return t.gettext("card issuer")
    if role is Role.CONTACT:
        return t.gettext("contact person")
    return t.gettext("coordinator")


def role_with_scope(t: Translator, described: RoleDescription) -> str:
    """A role with the unit, organisation or locality it is for."""
    if described.role is Role.ISSUER:
        return t.gettext("card issuer at {unit} ({organisation})").format(
            unit=described.unit, organisation=described.organisation
        )
    if described.role is Role.CONTACT:
        return t.gettext("contact person of {organisation}").format(
            organisation=described.organisation
        )
    return t.gettext("coordinator of {locality}").format(locality=described.locality)

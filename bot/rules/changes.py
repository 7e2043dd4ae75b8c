"""Who may correct or void a stored issuance, and until when (no SQL, no Telegram)."""

from __future__ import annotations

from datetime import date, timedelta

from storage.issuances import Detail, Scope

# Issuers may correct or void their unit's issuances this many days after the issue date.
ISSUER_DAYS = 7


def may_change(scope: Scope, found: Detail, today: date) -> bool:
    """Coordinators of the locality at any time; issuers of the issuing unit for a week."""
    if found.voided:
        return False
    if found.locality_id in scope.locality_ids:
        return True
    issuance = found.issuance
    return issuance.unit_id in scope.unit_ids and today - issuance.issued_on <= timedelta(
        days=ISSUER_DAYS
    )

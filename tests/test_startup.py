"""Once started, the bot leaves what starting made out of full garbage collections."""

from __future__ import annotations

import gc

from bot.app import build_application, freeze_startup_objects, start_up_for_good


def test_what_starting_made_is_frozen() -> None:
    try:
        freeze_startup_objects()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_polling_starts_the_bot_through_start_up_for_good(settings: object) -> None:
    application = build_application(settings)  # type: ignore[arg-type]
    assert application.post_init is start_up_for_good

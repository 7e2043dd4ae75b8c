"""Once started, the bot leaves what starting made out of full garbage collections."""

from __future__ import annotations

import gc

from bot.app import build_application, freeze_startup_objects, start_up_for_good


def _tracked(thing: object) -> bool:
    """Whether the collector's generations hold this object (frozen ones are not there)."""
    return any(candidate is thing for candidate in gc.get_objects())


def test_what_starting_made_is_left_out_of_collections_and_what_comes_later_is_not() -> None:
    made_while_starting = [object()]
    try:
        assert _tracked(made_while_starting)
        freeze_startup_objects()
        made_later = [object()]
        assert not _tracked(made_while_starting)
        assert _tracked(made_later)
    finally:
        gc.unfreeze()
    assert _tracked(made_while_starting)


def test_polling_starts_the_bot_through_start_up_for_good(settings: object) -> None:
    application = build_application(settings)  # type: ignore[arg-type]
    assert application.post_init is start_up_for_good

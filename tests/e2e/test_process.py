"""The real `kaikubot` process against the emulator: invited, configured, killed, remembered;
and `kaikubot sandbox` driven through its standard input as a script would."""

from __future__ import annotations

import asyncio
import re
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.i18n import Translator
from tests.e2e.conftest import (
    START_WAIT,
    BotProcess,
    Person,
    child_environment,
    invitation_code,
)

pytestmark = pytest.mark.e2e

PROMPT = re.compile(r"^[A-Z][a-z]+> ")


async def test_a_coordinator_is_remembered_with_role_and_language_after_sigkill(
    kaikubot: BotProcess,
) -> None:
    code = invitation_code(await kaikubot.command("init", "--locality", "Testila"))
    await kaikubot.start()
    model = kaikubot.server.model
    aino = Person(kaikubot, model.add_user("Aino", language_code="fi"))

    welcome = await aino.send(f"/start {code}")
    assert "Testila" in welcome.text
    await aino.send("/language")
    chosen = await aino.click("English")
    assert chosen.text == "From now on I will use English."
    help_before = await aino.send("/help")
    assert help_before.text.startswith("Here is what I can do for you:")
    assert "/invite" in help_before.text

    await kaikubot.kill()
    await kaikubot.start()

    help_after = await aino.send("/help")
    assert help_after.text == help_before.text
    me = await aino.send("/me")
    assert "coordinator of Testila" in me.text
    assert "language: English" in me.text
    assert model.unknown_methods == []


async def test_a_stopped_bot_shuts_down_cleanly(kaikubot: BotProcess) -> None:
    code = invitation_code(await kaikubot.command("init", "--locality", "Testila"))
    await kaikubot.start()
    aino = Person(kaikubot, kaikubot.server.model.add_user("Aino", language_code="fi"))
    await aino.send(f"/start {code}")

    assert await kaikubot.stop() == 0
    log = kaikubot.log()
    # Nothing left behind: no traceback, and nothing an extension module counts as leaked
    # (the objects frozen after start-up are unfrozen at shutdown: bot.app).
    assert "Traceback" not in log
    assert "leaked" not in log


async def run_sandbox(directory: Path, script: list[str] | bytes) -> list[str]:
    """Run `kaikubot sandbox` with these input lines (or bytes); return the transcript's lines."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "sandbox",
        "--database", f"sqlite+aiosqlite:///{directory / 'sandbox.db'}",
        env=child_environment(KAIKUBOT_DATA_DIR=str(directory)), cwd=directory,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdin = script if isinstance(script, bytes) else "".join(f"{n}\n" for n in script).encode()
    out, err = await asyncio.wait_for(child.communicate(stdin), START_WAIT)
    assert child.returncode == 0, err.decode()
    assert err.decode() == ""  # the log goes to a file, not over the transcript
    return out.decode(errors="replace").splitlines()


README_CARD = re.compile(r"^`printf '(?P<script>[^']*)' \| \.venv/bin/kaikubot sandbox`$", re.M)


async def test_the_readmes_card_example_issues_a_card_as_printed_and_again(
    tmp_path: Path,
) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    examples = [m["script"] for m in README_CARD.finditer(readme) if "/issue" in m["script"]]
    assert len(examples) == 1, "the README shows one whole card issued in the sandbox"
    script = examples[0].encode().decode("unicode_escape").encode()

    for _ in range(2):  # a second run, on the same sandbox database, works as well
        lines = await run_sandbox(tmp_path, script)
        recorded = [line for line in lines if "is recorded. It is valid until" in line]
        assert len(recorded) == 1, "\n".join(lines)
        assert not any("did not understand" in line or "(no answer)" in line for line in lines)


async def test_what_telegram_would_refuse_gets_its_error_and_the_session_goes_on(
    tmp_path: Path,
) -> None:
    script = (
        "/as Iida\n"
        + "1" * 4097
        + "\n/say "
        + "2" * 5000
        + "\n/photo "
        + str(Path(__file__))
        + " "
        + "c" * 1025
        + "\n"
    ).encode() + b"\xff\xfe not text\n/help\n/quit\n"

    lines = await run_sandbox(tmp_path, script)

    refusals = [line for line in lines if line.startswith("telegram: ")]
    assert refusals == [
        "telegram: Bad Request: message text is too long (4097 characters; at most 4096)",
        "telegram: Bad Request: message text is too long (5000 characters; at most 4096)",
        "telegram: Bad Request: message caption is too long (1025 characters; at most 1024)",
        "telegram: Bad Request: strings must be encoded in UTF-8",
    ]
    assert "bot: Så här kan jag hjälpa dig:" in after_input(lines, "Iida> /help")
    assert lines[-1] == "Iida> /quit"


def after_input(lines: list[str], typed: str) -> list[str]:
    """What the sandbox printed after one echoed input line ("Name> text"), up to the next."""
    start = lines.index(typed) + 1
    end = next((i for i in range(start, len(lines)) if PROMPT.match(lines[i])), len(lines))
    return lines[start:end]


def choice_after(lines: list[str], typed: str) -> str | None:
    """The newest choice ("→ label") the bot showed after one input, if any.

    A pressed message may carry the questions answered earlier in it, each with its choice.
    """
    choices = [line.strip() for line in after_input(lines, typed) if line.strip().startswith("→ ")]
    return choices[-1].removeprefix("→ ") if choices else None


async def test_the_sandbox_follows_a_script_on_stdin(tmp_path: Path) -> None:
    lines = await run_sandbox(
        tmp_path, ["/help", "/as", "/language", "3", "/as Iida", "/help", "/quit"]
    )

    assert lines[0].startswith("Kaikubot sandbox:")
    assert "You are Kaisa: Demo coordinator Kaisa, coordinator of Demo locality (sandbox)." in lines
    assert "Kaisa> /help" in lines
    assert "bot: Here is what I can do for you:" in lines
    assert (
        "   Noora  Demo newcomer Noora, no role yet: redeem an invitation with /start CODE" in lines
    )
    language = lines.index("Kaisa> /language")
    assert lines[language + 1 : language + 5] == [
        "bot: Which language should I use with you?",
        "     [1] suomi",
        "     [2] svenska",
        "     [3] English",
    ]
    assert lines[language + 5 : language + 7] == [
        "Kaisa> 3",
        "bot (edited): From now on I will use English.",
    ]
    assert "bot: Så här kan jag hjälpa dig:" in lines  # Iida's Telegram speaks Swedish
    assert lines[-1] == "Iida> /quit"
    assert (tmp_path / "sandbox.log").exists()


async def test_typing_in_the_sandbox_presses_a_button_by_its_label_before_its_number(
    tmp_path: Path,
) -> None:
    fi = Translator("fi")  # Ilkka's Telegram speaks Finnish
    eligible, new_card, skip = (
        fi.gettext("All four apply"),
        fi.gettext("New card"),
        fi.gettext("Skip"),
    )
    lines = await run_sandbox(
        tmp_path,
        ["/as Ilkka", "/issue", eligible, new_card, "KK123456", "1985", "00100", "1", "2", skip],
    )

    assert "a button's label, or else its number, presses it" in lines[0]
    assert choice_after(lines, f"Ilkka> {eligible}") == eligible
    assert choice_after(lines, f"Ilkka> {new_card}") == new_card
    # No button is labelled KK123456: it is sent as text and answered with the next question.
    assert choice_after(lines, "Ilkka> KK123456") is None
    year = date.today().year
    assert after_input(lines, "Ilkka> KK123456")[0] == "bot: " + fi.gettext(
        "The client's year of birth? Four digits, from {earliest} to {latest}: only the year, "
        "never the full date."
    ).format(earliest=year - 110, latest=year - 16)
    # The children's buttons read [1] 0  [2] 1 ...: "1" presses the one labelled 1.
    assert choice_after(lines, "Ilkka> 1") == "1"
    # No gender button is labelled 2: "2" presses the second one.
    assert choice_after(lines, "Ilkka> 2") == fi.gettext("Man")
    assert choice_after(lines, f"Ilkka> {skip}") == skip

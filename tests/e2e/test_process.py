"""The real `kaikubot` process against the emulator: invited, configured, killed, remembered;
and `kaikubot sandbox` driven through its standard input as a script would."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    START_WAIT,
    BotProcess,
    Person,
    child_environment,
    invitation_code,
)

pytestmark = pytest.mark.e2e


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


async def test_the_sandbox_follows_a_script_on_stdin(tmp_path: Path) -> None:
    script = "/help\n/as\n/language\n3\n/as Iida\n/help\n/quit\n"
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "sandbox",
        "--database", f"sqlite+aiosqlite:///{tmp_path / 'sandbox.db'}",
        env=child_environment(KAIKUBOT_DATA_DIR=str(tmp_path)), cwd=tmp_path,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(child.communicate(script.encode()), START_WAIT)
    transcript = out.decode()

    assert child.returncode == 0, err.decode()
    assert err.decode() == ""  # the log goes to a file, not over the transcript
    lines = transcript.splitlines()
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

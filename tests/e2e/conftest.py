"""End-to-end fixtures: the Bot API emulator in the test's event loop, the real `kaikubot`
process against it, people in the emulated Telegram, and a bounded wait for what they see."""

from __future__ import annotations

import asyncio
import inspect
import os
import re
import shutil
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.sandbox.server import EmulatorServer
from bot.sandbox.telegram_model import ChatMessage, TelegramModel
from storage.db import Database

E2E_TOKEN = "4242424242:E2E-emulator-token"
REPOSITORY = Path(__file__).resolve().parents[2]
# Generous for a loaded 2-core machine: a wait ends as soon as its condition holds.
WAIT = 20.0
START_WAIT = 60.0
# How often a wait looks at its condition (seconds); never a timing assumption.
_POLL = 0.02

Condition = Callable[[], bool | Awaitable[bool]]


async def wait_for(condition: Condition, *, timeout: float = WAIT, what: str = "it") -> None:  # noqa: ASYNC109
    """Return once the condition holds; fail after timeout seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        outcome = condition()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome:
            return
        if loop.time() >= deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what} in vain")
        await asyncio.sleep(_POLL)


@pytest.fixture
async def emulator() -> AsyncIterator[EmulatorServer]:
    """The emulator on a free loopback port, with a token of its own."""
    async with EmulatorServer(TelegramModel(token=E2E_TOKEN)) as server:
        yield server


def child_environment(**variables: str) -> dict[str, str]:
    """The test's environment without any KAIKUBOT_* setting of the developer's, plus these."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KAIKUBOT_")}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPOSITORY), environment.get("PYTHONPATH")])
    )
    environment.update(variables)
    return environment


class BotProcess:
    """`kaikubot` as a child process: one-off commands, and `run` started, killed, restarted."""

    def __init__(self, server: EmulatorServer, directory: Path) -> None:
        self.server = server
        self.directory = directory
        self.database_path = directory / "e2e.db"
        self.database_url = f"sqlite+aiosqlite:///{self.database_path}"
        self.log_path = directory / "kaikubot.log"
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    def environment(self) -> dict[str, str]:
        """What `kaikubot` reads: the emulator's token and address, a database of the test's."""
        return child_environment(
            KAIKUBOT_TOKEN=E2E_TOKEN,
            KAIKUBOT_API_BASE_URL=self.server.base_url,
            KAIKUBOT_DATABASE_URL=self.database_url,
            KAIKUBOT_DATA_DIR=str(self.directory),
            KAIKUBOT_LOG_LEVEL="INFO",
        )

    async def command(self, *arguments: str) -> str:
        """Run a one-off `kaikubot` command to its end; return what it printed."""
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", *arguments,
            env=self.environment(), cwd=self.directory,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(child.communicate(), START_WAIT)
        assert child.returncode == 0, f"kaikubot {' '.join(arguments)} failed:\n{err.decode()}"
        return out.decode()

    async def start(self) -> None:
        """Start `kaikubot run` and return once it is polling the emulator."""
        assert self.process is None, "kaikubot is running already"
        polls_before = self._polls()
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts} ---\n".encode())
            log.flush()
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run",
                env=self.environment(), cwd=self.directory,
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            )  # fmt: skip
        await self.wait_for(lambda: self._polls() > polls_before, START_WAIT, "the bot to poll")

    def _polls(self) -> int:
        return sum(1 for call in self.server.model.calls if call.method == "getUpdates")

    async def wait_for(self, condition: Condition, timeout: float, what: str) -> None:  # noqa: ASYNC109
        """Wait as `wait_for` does, failing at once, with the log, if the process died."""

        def alive_and(condition: Condition) -> Condition:
            async def check() -> bool:
                if self.process is not None and self.process.returncode is not None:
                    raise AssertionError(
                        f"kaikubot exited ({self.process.returncode}):\n{self.log()}"
                    )
                outcome = condition()
                return bool(await outcome) if inspect.isawaitable(outcome) else bool(outcome)

            return check

        try:
            await wait_for(alive_and(condition), timeout=timeout, what=what)
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- kaikubot's log ---\n{self.log()}") from None

    async def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when the machine loses power."""
        if self.process is None:
            return
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()
        self.process = None

    async def stop(self) -> int:
        """SIGINT, as Ctrl+C or a service manager's stop: the bot shuts down; its exit code."""
        assert self.process is not None, "kaikubot is not running"
        self.process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(self.process.wait(), timeout=START_WAIT)
        self.process = None
        return code

    async def crash_and_restart(self) -> None:
        """SIGKILL the running bot once Telegram has forgotten the updates it took, then start it.

        PTB confirms updates with its next getUpdates, sent as soon as it has taken them: a kill
        before that would deliver the last one again, which is not what these tests are about.
        """
        model = self.server.model
        await self.wait_for(lambda: not model.updates.pending, WAIT, "the updates confirmed")
        await self.kill()
        await self.start()

    def log(self) -> str:
        """The end of what the process wrote."""
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-6000:]


@pytest.fixture
async def kaikubot(emulator: EmulatorServer, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """A `kaikubot` on a SQLite file of its own (empty until used); always killed at the end."""
    process = BotProcess(emulator, tmp_path)
    try:
        yield process
    finally:
        await process.kill()


@pytest.fixture
async def bot_database(kaikubot: BotProcess, sqlite_template: Path) -> AsyncIterator[Database]:
    """The running bot's database (a migrated copy), opened by the test as well."""
    shutil.copyfile(sqlite_template, kaikubot.database_path)
    database = Database.from_url(kaikubot.database_url)
    yield database
    await database.dispose()


class Person:
    """Someone in the emulated Telegram who writes to the bot and reads its answers."""

    def __init__(self, bot: BotProcess, user_id: int) -> None:
        self.bot = bot
        self.model = bot.server.model
        self.id = user_id

    def messages(self) -> list[ChatMessage]:
        """The bot's messages still in the chat."""
        return [m for m in self.model.bot_messages(self.id) if not m.deleted]

    async def send(self, text: str) -> ChatMessage:
        """Write to the bot and return its first answer."""
        before = len(self.model.bot_messages(self.id))
        self.model.user_sends_text(self.id, text)
        await self.bot.wait_for(
            lambda: len(self.model.bot_messages(self.id)) > before, WAIT, f"an answer to {text!r}"
        )
        return self.model.bot_messages(self.id)[before]

    async def click(self, label: str) -> ChatMessage:
        """Press a button on the latest message showing it; return that message once changed."""
        message = next(m for m in reversed(self.messages()) if m.button(label) is not None)
        button = message.button(label)
        assert button is not None
        edits = len(message.history)
        self.model.user_clicks(self.id, message.message_id, button["callback_data"])
        await self.bot.wait_for(
            lambda: len(message.history) > edits or message.reply_markup is None,
            WAIT,
            f"the bot to act on {label!r}",
        )
        return message

    async def choose(self, label: str) -> ChatMessage:
        """Press a button and return the bot's reply: its first new message, or else the
        pressed message once it has turned into the next question (with buttons again)."""
        message = next(m for m in reversed(self.messages()) if m.button(label) is not None)
        button = message.button(label)
        assert button is not None
        sent, edits = len(self.model.bot_messages(self.id)), len(message.history)
        self.model.user_clicks(self.id, message.message_id, button["callback_data"])

        def replied() -> bool:
            asked_in_place = len(message.history) > edits and message.reply_markup is not None
            return len(self.model.bot_messages(self.id)) > sent or asked_in_place

        await self.bot.wait_for(replied, WAIT, f"a reply to {label!r}")
        new = self.model.bot_messages(self.id)[sent:]
        return new[0] if new else message


def invitation_code(printed: str) -> str:
    """The code in `kaikubot init`'s "/start CODE" line."""
    found = re.search(r"/start (\S+)", printed)
    assert found is not None, f"no invitation in:\n{printed}"
    return found.group(1)

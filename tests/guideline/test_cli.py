"""`kaikubot guideline ask`: the bot's three best entries, with no bot and no database."""

from __future__ import annotations

import pytest

from bot import cli


def test_it_prints_the_three_best_entries_with_keys_and_scores(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAIKUBOT_DATABASE_URL", "sqlite+aiosqlite:////nonexistent/never.db")

    status = cli.main(["guideline", "ask", "Saako avustaja tulla ilmaiseksi?", "--lang", "en"])

    lines = capsys.readouterr().out.splitlines()
    assert status == 0
    assert len(lines) == 3
    assert lines[0].startswith("1. tickets.assistant  0.")
    assert lines[0].endswith("Does an assistant pay?")


def test_it_refuses_a_question_with_an_identity_code(capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["guideline", "ask", "onko 010190-123A oikeutettu?"])

    assert status == cli.EXIT_CONFIG
    assert "personal identity code" in capsys.readouterr().err

"""The benchmarks keep running (they print figures; nothing here times anything)."""

from __future__ import annotations

import pytest

from bench import issuing, privacy, throughput


async def test_the_throughput_benchmark_runs_and_prints_its_anchors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await throughput.main(3, 2)

    printed = capsys.readouterr().out
    for name in ("bare echo", "echo + one read", "kaikubot /help", "of the one-read echo bot"):
        assert name in printed


async def test_the_issuing_benchmark_runs_and_counts_interactions(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(issuing, "REALISTIC_CARDS", 1)
    await issuing.main(2, 2)

    printed = capsys.readouterr().out
    assert "interactions for a new card: 12 (bar 12)" in printed
    assert "interactions for an unchanged renewal: 6 (bar 6)" in printed
    for name in ("echo + one write", "kaikubot issuing steps", "realistic load"):
        assert name in printed


def test_the_privacy_benchmark_runs_and_prints_each_check(
    capsys: pytest.CaptureFixture[str],
) -> None:
    privacy.main()

    printed = capsys.readouterr().out
    for name in ("privacy", "full date", "card number", "birth year", "postal code", "children"):
        assert name in printed

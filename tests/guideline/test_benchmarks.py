"""The guideline benchmarks keep running (they print figures; nothing here times anything)."""

from __future__ import annotations

import pytest

from bench import guideline_quality, guideline_speed


def test_the_quality_benchmark_reports_both_parts(capsys: pytest.CaptureFixture[str]) -> None:
    if not guideline_quality.QUESTIONS.exists():
        pytest.skip(f"{guideline_quality.QUESTIONS} is not beside the project")

    guideline_quality.main([])

    printed = capsys.readouterr().out
    for heading in ("tuning part: 90 questions", "held-out part", "all questions: 120"):
        assert heading in printed
    assert "second held-out set (guideline_questions_unseen.tsv" in printed
    # Held-out questions are never printed, so that tuning cannot look at them.
    unseen = guideline_quality.read_questions(guideline_quality.UNSEEN_QUESTIONS)
    held_out = [
        q for q in guideline_quality.read_questions(guideline_quality.QUESTIONS) if q.held_out
    ]
    assert not [q.text for q in [*unseen, *held_out] if q.text in printed]


def test_the_speed_benchmark_grows_the_knowledge_base(capsys: pytest.CaptureFixture[str]) -> None:
    if not guideline_speed.QUESTIONS.exists():
        pytest.skip(f"{guideline_speed.QUESTIONS} is not beside the project")

    guideline_speed.main(["--entries", "60", "--rounds", "1"])

    printed = capsys.readouterr().out
    assert "knowledge base: 180 entries (60 per language)" in printed
    for figure in ("index build", "answer latency", "memory:"):
        assert figure in printed

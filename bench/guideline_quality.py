"""How often the guideline search finds the entry that answers a staff member's question.

Reads ../shared/guideline-questions-dev.tsv (language, topic key, question) and asks each
question through the same guide the bot uses, with the reader's language set to the
question's own. Prints top-1 and top-3 per language and overall, and the misses.

A quarter of the questions is held out of the tuning (a different block of ten topics in each
language, see HELD_OUT) and reported separately; its misses show topic keys only, so that
tuning never looks at those questions. The 75 questions of bench/guideline_questions_own.tsv,
written while building, are reported too, and so are the 90 of bench/guideline_questions_unseen.tsv,
a second held-out set written from the domain brief before a round of tuning and never tuned on
(topic keys only, like the held-out part). Bars (tuning and held-out alike): top-1 ≥ 90%,
top-3 ≥ 97%, no language below 85% top-1.

Run: make bench   (or: .venv/bin/python -m bench.guideline_quality [--questions PATH])
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.guideline.guide import Answer, current_guide

QUESTIONS = Path(__file__).resolve().parents[2] / "shared" / "guideline-questions-dev.tsv"
# Questions the developers wrote themselves while building, in other words than the set's.
OWN_QUESTIONS = Path(__file__).resolve().parent / "guideline_questions_own.tsv"
# Questions written from the domain brief, committed before tuning and never used for it.
UNSEEN_QUESTIONS = Path(__file__).resolve().parent / "guideline_questions_unseen.tsv"
# Positions (within each language, in file order) kept out of the tuning.
HELD_OUT = {"fi": range(30, 40), "sv": range(0, 10), "en": range(15, 25)}
TOP1_BAR, TOP3_BAR, LANGUAGE_BAR = 0.90, 0.97, 0.85
OTHER_READER = {"fi": "sv", "sv": "en", "en": "fi"}


@dataclass(frozen=True)
class Question:
    """One staff question and the topic that answers it."""

    language: str
    topic: str
    text: str
    held_out: bool


@dataclass(frozen=True)
class Result:
    """What the guide answered to one question."""

    question: Question
    answer: Answer

    @property
    def ranked(self) -> list[str]:
        return [hit.topic for hit in self.answer.hits]

    @property
    def top1(self) -> bool:
        return self.ranked[:1] == [self.question.topic]

    @property
    def top3(self) -> bool:
        return self.question.topic in self.ranked[:3]


def read_questions(path: Path, *, all_held_out: bool = False) -> list[Question]:
    """The questions of the file, each marked held out or not."""
    seen: dict[str, int] = {}
    questions = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            language = row["lang"]
            position = seen.get(language, 0)
            seen[language] = position + 1
            held_out = all_held_out or position in HELD_OUT.get(language, range(0))
            questions.append(Question(language, row["topic"], row["question"], held_out))
    return questions


def share(results: list[Result], attribute: str) -> float:
    """The share of results for which an attribute holds."""
    return sum(getattr(result, attribute) for result in results) / len(results) if results else 0.0


def report(name: str, results: list[Result], *, show_text: bool) -> bool:
    """Print one part's figures and misses; whether it clears the bars."""
    print(f"\n== {name}: {len(results)} questions")
    passed = True
    for language in ("fi", "sv", "en"):
        part = [r for r in results if r.question.language == language]
        top1, top3 = share(part, "top1"), share(part, "top3")
        passed &= top1 >= LANGUAGE_BAR
        print(f"{language}: top-1 {top1:6.1%}  top-3 {top3:6.1%}  ({len(part)} questions)")
    top1, top3 = share(results, "top1"), share(results, "top3")
    passed &= top1 >= TOP1_BAR and top3 >= TOP3_BAR
    print(f"all: top-1 {top1:6.1%} (bar {TOP1_BAR:.0%})  top-3 {top3:6.1%} (bar {TOP3_BAR:.0%})")
    unsure = sum(not r.answer.sure for r in results)
    wrong_but_sure = sum(r.answer.sure and not r.top1 for r in results)
    print(f"'not sure' answers: {unsure}; wrong answers given as sure: {wrong_but_sure}")
    for result in results:
        if result.top1:
            continue
        found = ", ".join(f"{hit.topic} {hit.score:.2f}" for hit in result.answer.hits)
        question = result.question
        text = f"  {question.text}" if show_text else ""
        print(f"  miss [{question.language}] {question.topic} → {found or 'nothing'}{text}")
    print("bars:", "met" if passed else "NOT met")
    return passed


def main(argv: Sequence[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--questions", type=Path, default=QUESTIONS)
    options = arguments.parse_args(argv)
    guide = current_guide()
    questions = read_questions(options.questions)
    results = [Result(q, guide.ask(q.text, q.language)) for q in questions]
    tuning = [r for r in results if not r.question.held_out]
    held_out = [r for r in results if r.question.held_out]
    report("tuning part", tuning, show_text=True)
    report("held-out part (never used for tuning)", held_out, show_text=False)
    report("all questions", results, show_text=False)
    if options.questions == QUESTIONS and OWN_QUESTIONS.exists():
        own = [Result(q, guide.ask(q.text, q.language)) for q in read_questions(OWN_QUESTIONS)]
        report(f"our own questions ({OWN_QUESTIONS.name})", own, show_text=True)
    if options.questions == QUESTIONS and UNSEEN_QUESTIONS.exists():
        unseen_questions = read_questions(UNSEEN_QUESTIONS, all_held_out=True)
        unseen = [Result(q, guide.ask(q.text, q.language)) for q in unseen_questions]
        name = f"second held-out set ({UNSEEN_QUESTIONS.name}, never used for tuning)"
        report(name, unseen, show_text=False)
    other = [Result(q, guide.ask(q.text, OTHER_READER[q.language])) for q in questions]
    detected = sum(r.answer.question_language == r.question.language for r in other)
    print(
        f"\nwith the reader's language set to another one: top-1 {share(other, 'top1'):.1%}, "
        f"question's language recognised {detected}/{len(other)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

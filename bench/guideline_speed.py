"""Guideline answers at scale: the knowledge base grown to 1,000 entries per language.

Writes a grown copy of the entries (each real entry's texts recombined with others', plus
words of its own, so that the vocabulary grows as a real knowledge base's would) into a
temporary locales directory, then measures, in this one process:
- the index build: loading the three files and indexing 3,000 entries (bar < 2 s);
- the answer latency of `Guide.ask` for the staff questions of
  ../shared/guideline-questions-dev.tsv and a typo-ridden copy of them (bar p95 < 5 ms);
- the memory that the search libraries and the index add to the process (resident set).

Run: make bench   (or: .venv/bin/python -m bench.guideline_speed [--entries N])
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

BUILD_BAR, P95_BAR = 2.0, 0.005
QUESTIONS = Path(__file__).resolve().parents[2] / "shared" / "guideline-questions-dev.tsv"
# Syllables for the grown entries' own words (Finnish-looking, found in no real entry).
SYLLABLES = [c + v for c in "kltmnsrvhp" for v in "aeiou"]


def resident_mb() -> float:
    """This process's resident set size in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def grown_entries(source: Path, language: str, count: int, rng: random.Random) -> str:
    """A TOML entries file of `count` entries made from a language's real ones."""
    import tomllib

    with source.open("rb") as handle:
        real = tomllib.load(handle)["entry"]
    lines = []
    for number in range(count):
        base, other = real[number % len(real)], rng.choice(real)
        own_words = [
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(6)
        ]
        topic = base["topic"] if number < len(real) else f"{base['topic']}.grown{number}"
        fields = {
            "topic": topic,
            "title": base["title"] if number < len(real) else f"{other['title']} {own_words[0]}",
            "answer": f"{base['answer']} {' '.join(own_words[1:4])}",
            "more": f"{other['answer']} {' '.join(own_words[4:])}",
            "keywords": list(base.get("keywords", [])),
            "related": [],
        }
        lines.append("[[entry]]")
        lines.extend(
            f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()
        )
        lines.append("")
    return "\n".join(lines)


def typo(text: str, rng: random.Random) -> str:
    """The text with its ä/ö/å plain and one letter dropped from some long words."""
    words = []
    for word in text.translate(str.maketrans("äöåÄÖÅ", "aoaAOA")).split():
        if len(word) > 6 and rng.random() < 0.3:
            cut = rng.randrange(1, len(word) - 1)
            word = word[:cut] + word[cut + 1 :]
        words.append(word)
    return " ".join(words)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: Sequence[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--entries", type=int, default=1000, help="entries per language")
    arguments.add_argument("--rounds", type=int, default=5, help="times each question is asked")
    options = arguments.parse_args(argv)
    rng = random.Random(13)

    before_libraries = resident_mb()
    from bot.guideline.guide import current_guide
    from bot.i18n import LOCALES_DIR
    from bot.settings import SUPPORTED_LANGUAGES

    with_libraries = resident_mb()
    with tempfile.TemporaryDirectory() as directory:
        locales = Path(directory)
        for language in SUPPORTED_LANGUAGES:
            (locales / language).mkdir()
            shutil.copy(LOCALES_DIR / language / "guideline-words.toml", locales / language)
            grown = grown_entries(
                LOCALES_DIR / language / "guideline.toml", language, options.entries, rng
            )
            (locales / language / "guideline.toml").write_text(grown, encoding="utf-8")
        started = time.perf_counter()
        guide = current_guide(locales)
        build = time.perf_counter() - started
    with_index = resident_mb()

    rows = [line.split("\t") for line in QUESTIONS.read_text(encoding="utf-8").splitlines()[1:]]
    questions = [(language, text) for language, _, text in rows]
    questions += [(language, typo(text, rng)) for language, text in questions]
    latencies = []
    for _ in range(options.rounds):
        for language, text in questions:
            started = time.perf_counter()
            guide.ask(text, language)
            latencies.append(time.perf_counter() - started)

    entries = sum(len(by_topic) for by_topic in guide.entries.values())
    p95 = percentile(latencies, 0.95)
    print(f"knowledge base: {entries} entries ({options.entries} per language)")
    print(f"index build (load + index, 3 languages): {build:.2f} s (bar < {BUILD_BAR:.0f} s)")
    print(
        f"answer latency over {len(latencies)} questions: "
        f"p50 {statistics.median(latencies) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms "
        f"(bar < {P95_BAR * 1000:.0f} ms), max {max(latencies) * 1000:.2f} ms"
    )
    libraries, index = with_libraries - before_libraries, with_index - with_libraries
    print(
        f"memory: {before_libraries:.0f} MB before the search, +{libraries:.0f} MB its libraries "
        f"(PyStemmer, bm25s + numpy, rapidfuzz), +{index:.0f} MB the index "
        f"= {with_index:.0f} MB resident"
    )
    met = build < BUILD_BAR and p95 < P95_BAR
    print("bars:", "met" if met else "NOT met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

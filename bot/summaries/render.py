"""A summary in the reader's words: figures, anonymity applied, Babel's numbers and dates.

Plain text (no parse mode), so names of organisations and units need no escaping. A long
summary is split into messages of at most Telegram's 4,096 characters, between lines.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from babel.dates import format_interval
from babel.numbers import format_percent
from telegram.constants import MessageLimit

from bot.i18n import Translator
from bot.summaries.anonymity import Sum, hidden, is_small
from storage.models import IssuanceKind
from storage.summaries import (
    GENDERS,
    LIFE_SITUATIONS,
    WELLBEING_SCORES,
    AgeGroup,
    Figures,
    Period,
)

# Hidden counts: a small one (1–4), and one hidden only so that a small one cannot be
# worked out from a total (it is 5 or more: saying so tells nothing that helps).
SMALL = "< 5"
NOT_SMALL = "≥ 5"
TOTAL = ("total",)


@dataclass(frozen=True, slots=True)
class Published:
    """Counts as they may be published: every count, and those to show as "< 5"."""

    counts: dict[Hashable, int]
    hidden: frozenset[Hashable]

    def visible(self, key: Hashable) -> bool:
        """Whether the count itself may be shown (and shares or changes made of it)."""
        return key not in self.hidden


def publish(figures: Figures) -> tuple[Published, Published]:
    """The period's counts and the previous period's, each with its anonymity applied.

    Every breakdown of the period adds up to the same total, so they are protected together:
    a count hidden because of one breakdown stays hidden in all the others.
    """
    counts: dict[Hashable, int] = {TOTAL: figures.issued}
    sums: list[Sum[Hashable]] = []

    def breakdown(name: str, values: Mapping[Any, int]) -> None:
        keys = [(name, value) for value in values]
        counts.update({(name, value): count for value, count in values.items()})
        sums.append(Sum(TOTAL, keys))

    breakdown("kind", figures.kinds)
    breakdown("organisation", {o.id: o.issued for o in figures.organisations})
    for organisation in figures.organisations:
        units = [("unit", unit.id) for unit in organisation.units]
        counts.update({("unit", unit.id): unit.issued for unit in organisation.units})
        sums.append(Sum(("organisation", organisation.id), units))
    breakdown("age", figures.ages)
    breakdown("gender", figures.genders)
    breakdown("life", figures.life_situations)
    breakdown("wellbeing", figures.wellbeing)
    breakdown("mobile", figures.mobile)
    without = figures.issued - figures.with_children
    breakdown("children", {True: figures.with_children, False: without})
    current = Published(counts, hidden(counts, sums))

    before: dict[Hashable, int] = {TOTAL: figures.previously_issued}
    before.update({("kind", kind): count for kind, count in figures.previous_kinds.items()})
    previous = Published(
        before, hidden(before, [Sum(TOTAL, [("kind", kind) for kind in IssuanceKind])])
    )
    return current, previous


def percent(t: Translator, value: float) -> str:
    """A share or change as the reader writes percentages."""
    return format_percent(value, locale=t.locale)


def signed(text: str, value: float) -> str:
    """A change with its sign: Babel writes the minus, the plus is ours."""
    return f"+{text}" if value > 0 else text


class Writer:
    """Formats one summary's counts for one reader."""

    def __init__(self, t: Translator, figures: Figures) -> None:
        self.t = t
        self.figures = figures
        self.current, self.previous = publish(figures)

    def count(self, key: Hashable) -> str:
        """A count of the period, or "< 5" (or "≥ 5") when it is hidden."""
        count = self.current.counts[key]
        if not self.current.visible(key):
            return SMALL if is_small(count) else NOT_SMALL
        return self.t.number(count)

    def count_with_share(self, key: Hashable) -> str:
        """A count with its share of the period's cards, where both may be shown."""
        shown = self.count(key)
        count, total = self.current.counts[key], self.current.counts[TOTAL]
        if count == 0 or not (self.current.visible(key) and self.current.visible(TOTAL)):
            return shown
        return f"{shown} ({percent(self.t, count / total)})"

    def change(self, key: Hashable) -> str | None:
        """The change from the previous period, when both counts may be shown."""
        if not (self.current.visible(key) and self.previous.visible(key)):
            return None
        now, before = self.current.counts[key], self.previous.counts[key]
        if now == before == 0:
            return None
        difference = signed(self.t.number(now - before), now - before)
        if before == 0:
            return difference
        ratio = (now - before) / before
        return f"{difference}, {signed(percent(self.t, ratio), ratio)}"

    def count_with_change(self, key: Hashable) -> str:
        """A count of the period followed by its change, when that may be shown."""
        change = self.change(key)
        if change is None:
            return self.count(key)
        return self.t.gettext("{count} ({change} on the previous period)").format(
            count=self.count(key), change=change
        )


def item(t: Translator, label: str, value: str) -> str:
    """One line of a list (the same in every language: a label and its value)."""
    return f"• {label}: {value}"


def period_text(t: Translator, period: Period) -> str:
    """A period as the reader writes a range of dates."""
    if period.start == period.end:
        return t.date(period.start, "medium")
    return format_interval(period.start, period.end, skeleton="yMMMd", locale=t.locale)


def kind_label(t: Translator, kind: IssuanceKind) -> str:
    """A kind of issuance, as the issuing form names it."""
    if kind is IssuanceKind.RENEWAL:
        return t.gettext("Renewal")
    if kind is IssuanceKind.REPLACEMENT:
        return t.gettext("Replacement of a lost card")
    return t.gettext("New card")


def age_label(t: Translator, group: AgeGroup) -> str:
    """An age group, as the reader writes a range of years."""
    labels = {
        AgeGroup.FROM_16: f"{t.number(16)}–{t.number(29)}",
        AgeGroup.FROM_30: f"{t.number(30)}–{t.number(44)}",
        AgeGroup.FROM_45: f"{t.number(45)}–{t.number(64)}",
    }
    return labels.get(group) or t.gettext("{age} or over").format(age=t.number(65))


def gender_label(t: Translator, value: str | None) -> str:
    """A gender answer."""
    labels = {
        "woman": t.gettext("Woman"),
        "man": t.gettext("Man"),
        "other": t.gettext("Other"),
        "undisclosed": t.gettext("Prefers not to say"),
    }
    return labels.get(value or "", t.gettext("not answered"))


def life_situation_label(t: Translator, value: str | None) -> str:
    """A life-situation answer."""
    labels = {
        "unemployed": t.gettext("Unemployed"),
        "pensioner": t.gettext("Pensioner"),
        "student": t.gettext("Student"),
        "rehabilitation_or_sick_leave": t.gettext("Rehabilitation or sick leave"),
        "low_income_employed": t.gettext("Low-income employed"),
        "family_carer": t.gettext("Family carer"),
        "other": t.gettext("Other"),
        "undisclosed": t.gettext("Prefers not to say"),
    }
    return labels.get(value or "", t.gettext("not answered"))


def wellbeing_label(t: Translator, value: int | None) -> str:
    """A wellbeing score."""
    return t.number(value) if value is not None else t.gettext("not answered")


def yes_no_label(t: Translator, value: bool | None) -> str:
    """A yes/no answer."""
    if value is None:
        return t.gettext("not answered")
    return t.gettext("Yes") if value else t.gettext("No")


def section(
    writer: Writer,
    heading: str,
    name: str,
    values: Iterable[Any],
    label: Callable[[Translator, Any], str],
) -> list[str]:
    """A breakdown of the period's cards: a heading and a line per answer with its share."""
    t = writer.t
    return [
        "",
        heading,
        *(item(t, label(t, value), writer.count_with_share((name, value))) for value in values),
    ]


def render(figures: Figures, t: Translator) -> str:
    """The whole summary as one text (split it with `split` before sending)."""
    writer = Writer(t, figures)
    lines = [
        t.gettext("Kaikukortti summary: {locality}").format(locality=figures.locality),
        t.gettext("{period}, compared with {previous}").format(
            period=period_text(t, figures.period), previous=period_text(t, figures.previous)
        ),
        "",
        t.gettext("Cards issued: {count}").format(count=writer.count_with_change(TOTAL)),
        *(
            item(t, kind_label(t, kind), writer.count_with_change(("kind", kind)))
            for kind in IssuanceKind
        ),
    ]
    lines += organisation_lines(writer)
    lines += section(writer, t.gettext("Age in the year of issue:"), "age", AgeGroup, age_label)
    lines += section(writer, t.gettext("Gender:"), "gender", [*GENDERS, None], gender_label)
    lines += section(
        writer,
        t.gettext("Life situation:"),
        "life",
        [*LIFE_SITUATIONS, None],
        life_situation_label,
    )
    lines += section(
        writer,
        t.gettext("Cultural wellbeing (1 = low, 5 = high):"),
        "wellbeing",
        [*WELLBEING_SCORES, None],
        wellbeing_label,
    )
    lines += section(
        writer, t.gettext("Mobile card wanted:"), "mobile", [True, False, None], yes_no_label
    )
    lines += ["", *children_lines(writer)]
    lines += ["", *network_lines(t, figures)]
    if writer.current.hidden or writer.previous.hidden or is_small(figures.expiring):
        lines += [
            "",
            t.gettext("< 5 and ≥ 5 stand for numbers hidden to keep the card holders anonymous."),
        ]
    return "\n".join(lines)


def organisation_lines(writer: Writer) -> list[str]:
    """Cards per organisation and, under each, per unit."""
    t = writer.t
    lines = ["", t.gettext("By organisation and unit:")]
    for organisation in writer.figures.organisations:
        lines.append(f"{organisation.name}: {writer.count(('organisation', organisation.id))}")
        # No indentation: Telegram trims the spaces a split message would start with.
        lines += [
            item(t, unit.name, writer.count(("unit", unit.id))) for unit in organisation.units
        ]
    return lines


def children_lines(writer: Writer) -> list[str]:
    """Holders with minor children, and how many children in all (only with the count)."""
    t, figures = writer.t, writer.figures
    key = ("children", True)
    if not writer.current.visible(key):
        return [t.gettext("Holders with minor children: {count}").format(count=writer.count(key))]
    return [
        t.ngettext(
            "Holders with minor children: {count}; {children} child in all",
            "Holders with minor children: {count}; {children} children in all",
            figures.children,
        ).format(count=writer.count_with_share(key), children=t.number(figures.children))
    ]


def network_lines(t: Translator, figures: Figures) -> list[str]:
    """What needs the coordinator's attention: expiring cards, quiet units, contacts, notices."""
    lines = [
        t.gettext("Cards expiring in the next 30 days: {count}").format(
            count=SMALL if is_small(figures.expiring) else t.number(figures.expiring)
        ),
        t.gettext("Units with no card in 60 days: {count}").format(
            count=t.number(len(figures.idle_units))
        ),
        *(item(t, organisation, unit) for organisation, unit in figures.idle_units),
        t.gettext("Organisations without a contact person: {count}").format(
            count=t.number(len(figures.without_contact))
        ),
        *(f"• {name}" for name in figures.without_contact),
        t.gettext("Contact-person changes: {count}").format(
            count=t.number(sum(figures.contact_changes.values()))
        ),
        *(item(t, name, t.number(count)) for name, count in figures.contact_changes.items()),
    ]
    if figures.guideline is not None:
        lines += [
            t.gettext("Guideline questions asked: {count}").format(
                count=t.number(figures.guideline.asked)
            ),
            item(t, t.gettext("marked 👎"), t.number(figures.guideline.thumbs_down)),
            item(
                t,
                t.gettext("answered with low confidence"),
                t.number(figures.guideline.low_confidence),
            ),
        ]
    lines.append(
        t.gettext("Notices that could not be delivered: {count}").format(
            count=t.number(figures.undelivered)
        )
    )
    return lines


def split(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Messages of at most `limit` characters, cut only between lines.

    A single line longer than a message (none of a summary's are) is cut where it must be.
    """
    messages: list[str] = []
    current: list[str] = []

    def close() -> None:
        # Blank lines at a message's edges would only be dropped by Telegram.
        message = "\n".join(current).strip("\n")
        if message:
            messages.append(message)
        current.clear()

    size = 0
    for line in text.split("\n"):
        while len(line) > limit:
            close()
            messages.append(line[:limit])
            line = line[limit:]
        if current and size + 1 + len(line) > limit:
            close()
        size = size + 1 + len(line) if current else len(line)
        current.append(line)
    close()
    return messages

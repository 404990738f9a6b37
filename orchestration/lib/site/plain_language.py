"""Plain-language text for a trial page, written from the structured record.

The deterministic writer builds short sentences from the phase, the conditions,
the interventions, who can join, the design and the primary outcome, explaining
terms with a small lay glossary. It is the default, and the fallback of the
optional language-model writer (``llm_writer.py``), which sits behind the same
``Writer`` interface.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

import textstat

# Lay descriptions of intervention types and design terms, for people new to trials.
INTERVENTION_TYPES = {
    "DRUG": "a medicine",
    "BIOLOGICAL": "a medicine made from living cells or proteins",
    "DEVICE": "a medical device",
    "PROCEDURE": "a medical procedure",
    "RADIATION": "a treatment that uses radiation",
    "BEHAVIORAL": "a change in habits or behavior",
    "GENETIC": "a treatment that works on genes",
    "DIETARY_SUPPLEMENT": "a dietary supplement",
    "COMBINATION_PRODUCT": "a mix of a medicine and a device",
    "DIAGNOSTIC_TEST": "a test to find or check an illness",
}
SUBSTANCE_TYPES = {"DRUG", "BIOLOGICAL", "GENETIC", "DIETARY_SUPPLEMENT", "COMBINATION_PRODUCT"}
PHASES = {
    "Early Phase 1": "an early phase 1 study, the first small test in people",
    "Phase 1": "a phase 1 study, an early test of safety and dose in a few people",
    "Phase 1/Phase 2": "a phase 1/2 study, an early test of safety and of whether it works",
    "Phase 2": "a phase 2 study, which looks at whether a treatment works and how safe it is",
    "Phase 2/Phase 3": "a phase 2/3 study, which checks whether a treatment works",
    "Phase 3": "a phase 3 study, which compares a treatment with the usual care in many people",
    "Phase 4": "a phase 4 study of a treatment that is already approved",
}
GLOSSARY = {
    "placebo": "a dummy treatment with no active medicine",
    "randomized": "people are put into groups by chance",
}
DISCLAIMER = (
    "This summary is for information only. It is not medical advice. "
    "Read the full record on ClinicalTrials.gov and talk with your doctor."
)
READABILITY_TARGET = 8.0  # Flesch-Kincaid grade of the median summary


@dataclass(frozen=True)
class Substance:
    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class PlainText:
    """What a page says in plain words about a trial."""

    title: str
    summary: str
    substances: list[Substance] = field(default_factory=list)
    could_lead_to: str = ""
    cautions: list[str] = field(default_factory=list)
    disclaimer: str = DISCLAIMER
    writer: str = "deterministic"

    def as_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: its deep copy was a quarter of building a trial's document.
        plain = {f.name: getattr(self, f.name) for f in fields(self)}
        plain["substances"] = [vars(s).copy() for s in self.substances]
        plain["cautions"] = list(self.cautions)
        return plain


class Writer(Protocol):
    def write(self, trial: dict[str, Any]) -> PlainText: ...


class DeterministicWriter:
    """Plain text from the structured record alone: the same record, the same words."""

    def write(self, trial: dict[str, Any]) -> PlainText:
        conditions = _as_words(trial.get("conditions_as_listed") or [])
        condition_text = _join(conditions[:2], "or") or "a health condition"
        treatments = [i for i in trial.get("interventions") or [] if i.get("name")]
        tested = _join([_lower_words(i["name"]) for i in treatments[:2]]) or "a new approach"
        observational = trial.get("study_type") == "OBSERVATIONAL"
        people = _people(trial)
        if observational:
            first = f"This study follows {people} with {condition_text} to learn more about it."
            title = f"A study of {people} with {condition_text}"
        else:
            first = f"This study tests {tested} in {people} with {condition_text}."
            title = f"Testing {tested} for {condition_text}"
        sentences = [first]
        phase = trial.get("phase")
        if phase in PHASES and not observational:
            sentences.append(f"It is {PHASES[phase]}.")
        count = trial.get("enrollment_count")
        if count:
            verb = "enrolled" if trial.get("enrollment_type") == "ACTUAL" else "plans to enroll"
            sentences.append(f"It {verb} {count:,} {people}.")
        sentences += _design_sentences(trial)
        outcome = _lower_words(_short(trial.get("primary_outcome") or ""))
        if outcome:
            sentences.append(f"The main thing it measures is: {outcome}.")
        return PlainText(
            title=title[:1].upper() + title[1:],
            summary=" ".join(sentences),
            substances=[
                Substance(
                    name=i["name"],
                    kind=INTERVENTION_TYPES.get(i.get("type") or "", "a treatment"),
                    description=_short(i.get("description") or "", 25),
                )
                for i in treatments
                if i.get("type") in SUBSTANCE_TYPES
            ],
            could_lead_to=(
                ""
                if observational
                else f"If it works, {tested} could become a new option for people with "
                f"{condition_text}. One study is rarely enough to change care."
            ),
            cautions=_cautions(trial),
        )


def readability_grade(text: str) -> float:
    """Flesch-Kincaid grade level of a text."""
    return float(textstat.flesch_kincaid_grade(text))


def _people(trial: dict[str, Any]) -> str:
    low, high = trial.get("minimum_age_years"), trial.get("maximum_age_years")
    if high is not None and high < 18:
        return "children"
    if low is not None and low >= 18:
        return "adults"
    return "people"


def _design_sentences(trial: dict[str, Any]) -> list[str]:
    out = []
    if trial.get("allocation") == "RANDOMIZED":
        out.append(f"It is randomized: {GLOSSARY['randomized']}.")
    elif trial.get("intervention_model") == "SINGLE_GROUP":
        out.append("Everyone in it gets the same treatment.")
    arms_text = " ".join(i.get("name") or "" for i in trial.get("interventions") or [])
    if "placebo" in arms_text.lower():
        out.append(f"Some people get a placebo, {GLOSSARY['placebo']}.")
    return out


def _cautions(trial: dict[str, Any]) -> list[str]:
    out = []
    phase = trial.get("phase") or ""
    if "Phase 1" in phase or "Phase 2" in phase:
        out.append(
            "This is an early study. Early studies are small and cannot prove a treatment works."
        )
    count = trial.get("enrollment_count")
    if count and count < 100:
        out.append(f"It is small ({count:,} people), so its results may be due to chance.")
    if (
        trial.get("intervention_model") == "SINGLE_GROUP"
        and trial.get("study_type") != "OBSERVATIONAL"
    ):
        out.append(
            "There is no comparison group, so it is hard to tell what the treatment itself did."
        )
    if trial.get("masking") == "NONE":
        out.append("People know which treatment they get, which can color the results.")
    out += [
        f"The record names this risk: “{risk}”" for risk in named_risks(trial.get("brief_summary"))
    ]
    if trial.get("study_type") != "OBSERVATIONAL":
        out.append(
            "Any treatment can have side effects. "
            "The study team must explain the known risks before you join."
        )
    return out


# Words by which a record names a risk (not "risk" alone: "reduce the risk of ...").
_NAMED_RISK = re.compile(
    r"\b(side effects?|toxicit(y|ies)|adverse (events?|effects?|reactions?)|complications?)\b",
    re.IGNORECASE,
)


def named_risks(summary: str | None, limit: int = 2) -> list[str]:
    """The record's own sentences that name a risk (side effects, toxicity, ...)."""
    sentences = re.split(r"(?<=[.!?])\s+", (summary or "").strip())
    return [_short(s, 30) for s in sentences if _NAMED_RISK.search(s)][:limit]


_CAPITALIZED = re.compile(r"\b([A-Z])([a-z]+)\b")


def _lower_words(text: str) -> str:
    """Lower-case capitalised words ("Acute Myeloid Leukemia"), keep acronyms ("HIV")."""
    return _CAPITALIZED.sub(lambda m: m.group(1).lower() + m.group(2), text.strip())


def _as_words(conditions: list[str]) -> list[str]:
    """Conditions in running text, once each ("Syndrome" and "Syndromes" are one)."""
    seen: dict[str, str] = {}
    for condition in conditions:
        words = _lower_words(condition)
        seen.setdefault(words.lower().rstrip("s"), words)
    return list(seen.values())


def _join(items: list[str], conjunction: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def _short(text: str, words: int = 15) -> str:
    """The first sentence of a text, cut to a number of words."""
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0].rstrip(".")
    parts = first.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")

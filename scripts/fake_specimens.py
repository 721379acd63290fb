"""Generate many valid, varied specimen files for load-time and search benchmarks.

The text is assembled from word lists, so files have realistic sizes (about as long as the
hand-written ones) and realistic search behaviour (common words like "engineer" hit many
titles, rare ones few). Every file passes ``flask --app app check``; related links point at
other generated (or given) ids.

Usage: python scripts/fake_specimens.py COUNT OUT_DIR
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

FAMILIES = [
    "data-and-ai",
    "software-engineering",
    "product-and-design",
    "process-and-delivery",
    "people-and-talent",
    "leadership-and-strategy",
    "sales-and-marketing",
    "operations-and-compliance",
]


def _words(text: str, sep: str = "|") -> list[str]:
    return text.split(sep)


GRAEBER = ["flunky", "goon", "duct-taper", "box-ticker", "taskmaster", None]
CURRENCIES = [
    tuple(x.split(" ", 1))
    for x in _words(
        "USD United States;EUR Germany;GBP United Kingdom;CAD Canada;AUD Australia;"
        "CHF Switzerland;INR India;SGD Singapore",
        ";",
    )
]
SENIORITY = _words(
    "Junior|Associate|Senior|Staff|Principal|Lead|Head of|Chief|Global|Regional|Interim|"
    "Fractional|Founding|Distinguished|"
)
DOMAIN = _words(
    "Data|Cloud|Platform|Growth|Machine Learning|Revenue|People|Compliance|Brand|Security|"
    "Product|Delivery|Synergy|Innovation|Customer|AI|Blockchain|Quantum|Wellness|Culture|"
    "Analytics|Automation|Experience|Transformation|Ecosystem|Governance|Vibes|Prompt|"
    "Reliability|Procurement|Sustainability|Community"
)
NOUN = _words(
    "Engineer|Manager|Analyst|Architect|Strategist|Coordinator|Evangelist|Specialist|Partner|"
    "Scientist|Officer|Consultant|Designer|Owner|Lead|Advocate|Steward|Champion|Operator|"
    "Researcher"
)
ALIAS_NOUN = _words(
    "Ninja|Wizard|Rockstar|Guru|Whisperer|Catalyst|Sherpa|Alchemist|Shepherd|Navigator|"
    "Custodian|Enabler"
)
SUBJECT = _words(
    "The quarterly roadmap|A steering committee|The vendor|Leadership|The offsite|"
    "A dashboard nobody opens|The reorg|A consultant from the parent company|The all-hands|"
    "A Slack channel with 400 members|The annual survey|Procurement|The pilot programme|"
    "A spreadsheet with eleven tabs|The VP's direct report"
)
VERB = _words(
    "renames|re-baselines|escalates|deprecates|socialises|aligns|sunsets|re-scopes|pauses|"
    "celebrates|benchmarks|migrates|audits|operationalises|reprioritises"
)
OBJECT = _words(
    "the initiative|the north-star metric|the backlog|the same slide deck|every open ticket|"
    "the budget for next year|the pilot nobody asked for|the hiring freeze|the data lake|"
    "the org chart|the governance framework|the single source of truth|the proof of concept|"
    "the go-to-market motion"
)
TAIL = _words(
    "twice a quarter|before anyone reads it|in a meeting about meetings|with a new acronym|"
    "after the deadline has passed|on a Friday afternoon|"
    "while the previous version is still live|to general applause|without changing anything|"
    "in a colour nobody can read|for the third time"
)
HABITAT = _words(
    "Fortune 500 companies with an innovation lab on the top floor|"
    "Series B startups with eighteen months of runway and a podcast|"
    "Regional banks three years into a digital transformation|"
    "Consultancies billing by the slide|Public agencies with a modernisation mandate|"
    "Scale-ups between their second and third reorganisation|"
    "Holding companies that bought a software firm by accident|"
    "Remote-first companies with a mandatory office week"
)
PLATFORMS = _words(
    "r/cscareerquestions|teamblind.com|Glassdoor review|r/sysadmin|Hacker News|"
    "r/ExperiencedDevs|r/recruitinghell|LinkedIn comment"
)
SLOTS = [
    tuple(x.split(" ", 1))
    for x in _words(
        "09:00 09:30;09:30 10:00;10:00 11:30;11:30 12:00;13:00 14:00;14:00 15:30;15:30 16:00;"
        "16:00 17:30",
        ";",
    )
]
SLOT_TITLES = _words(
    "Standup Recital|Alignment Sync|Deck Review|Ticket Grooming|Stakeholder Tour|"
    "Metric Reconciliation|Retro of the Retro|Calendar Tetris|Vendor Demo|Strategy Refresh"
)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECT)} {rng.choice(VERB)} {rng.choice(OBJECT)} {rng.choice(TAIL)}."


def _summary(noun: str, rng: random.Random) -> str:
    first = f"{rng.choice(VERB)} {rng.choice(OBJECT)} {rng.choice(TAIL)}"
    then = f"{rng.choice(VERB)} {rng.choice(OBJECT)}"
    return f"A {noun.lower()} who {first}, then {then} {rng.randint(2, 97)} times."


def _text(rng: random.Random, lo: int = 2, hi: int = 4) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(lo, hi)))


def titles(count: int, seed: int = 1) -> list[tuple[str, str]]:
    """``count`` (id, title) pairs; ids are unique and lowercase-kebab."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        title = " ".join(
            w for w in (rng.choice(SENIORITY), rng.choice(DOMAIN), rng.choice(NOUN)) if w
        )
        out.append((f"{_slug(title)}-{i:05d}", title))
    return out


def specimen_yaml(
    sid: str, title: str, rng: random.Random, others: list[str], family: str | None = None
) -> str:
    """One specimen file's text."""
    family = family or rng.choice(FAMILIES)
    graeber = rng.choice(GRAEBER)
    currency, region = rng.choice(CURRENCIES)
    noun = title.split()[-1]
    aliases = [
        _q(f"{rng.choice(DOMAIN)} {rng.choice(ALIAS_NOUN)}") for _ in range(rng.randint(1, 4))
    ]
    lines = [
        f"id: {sid}",
        f"title: {_q(title)}",
        f"family: {family}",
    ]
    if graeber:
        lines.append(f"graeber: {graeber}")
    lines += [
        f"summary: {_q(_summary(noun, rng))}",
        f"aliases: [{', '.join(aliases)}]",
        "org_chart:",
        *(f"  - {_q(f'{s} {noun}')}" for s in ("Chief", "Head of", "Senior")),
        f"  - {_q(title)}",
        "habitat:",
        *(f"  - {_q(h)}" for h in rng.sample(HABITAT, rng.randint(2, 4))),
        "salary:",
        f"  market_average: {rng.randrange(30_000, 400_000, 17)}",
        f"  currency: {currency}",
        f"  region: {region}",
        "  kind: estimate",
        f"  note: {_q('Our estimate for 2025. ' + _text(rng))}",
        f"  verdict: {_q(_sentence(rng))}",
        "flight_risk:",
        f"  percent: {rng.randint(0, 100)}",
        f"  diagnosis: {_q(_text(rng))}",
        "bullshit_metrics:",
    ]
    for _ in range(rng.randint(2, 4)):
        lines += [
            f"  - name: {_q(f'{rng.choice(DOMAIN)} {rng.choice(NOUN)} index')}",
            f"    description: {_q(_text(rng))}",
        ]
    lines.append("signature_weaponry:")
    for _ in range(rng.randint(2, 4)):
        lines += [
            f"  - name: {_q(f'A {rng.choice(DOMAIN).lower()} dashboard')}",
            f"    description: {_q(_text(rng, 1, 3))}",
        ]
    lines.append(f"encounter_guide: {_q(_text(rng))}")
    lines.append("jd_autopsy:")
    for _ in range(rng.randint(2, 3)):
        lines += [
            f"  - illusion: {_q(_sentence(rng))}",
            '    source: "[SOURCE REDACTED]"',
            f"    translation: {_q(_text(rng, 1, 3))}",
        ]
    lines.append("day_in_the_life:")
    for start, end in sorted(rng.sample(SLOTS, rng.randint(3, 5))):
        lines += [
            f'  - start: "{start}"',
            f'    end: "{end}"',
            f"    title: {_q(rng.choice(SLOT_TITLES))}",
            f"    description: {_q(_text(rng, 1, 2))}",
        ]
    lines.append("burn_ward:")
    for _ in range(rng.randint(2, 4)):
        lines += [f"  - quote: {_q(_text(rng, 1, 2))}", f"    source: {rng.choice(PLATFORMS)}"]
    related = [o for o in rng.sample(others, min(len(others), 5)) if o != sid][:4]
    if related:
        lines.append("related:")
        matches = sorted((rng.randint(40, 99) for _ in related), reverse=True)  # highest first
        for rid, match in zip(related, matches, strict=True):
            lines += [f"  - id: {rid}", f"    match: {match}"]
    return "\n".join(lines) + "\n"


def generate(count: int, out: Path, also_ids: list[str] | None = None, seed: int = 1) -> int:
    """Write ``count`` specimens into ``out``; return the bytes written.

    ``also_ids`` are ids that already exist there and may be linked to.
    """
    out.mkdir(parents=True, exist_ok=True)
    pairs = titles(count, seed)
    ids = [sid for sid, _ in pairs] + list(also_ids or [])
    rng = random.Random(seed + 1)
    written = 0
    for sid, title in pairs:
        text = specimen_yaml(sid, title, rng, ids)
        (out / f"{sid}.yaml").write_text(text, encoding="utf-8")
        written += len(text.encode())
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n = generate(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {sys.argv[1]} specimens ({n / 1e6:.1f} MB) to {sys.argv[2]}")

"""A deterministic corpus of made-up health-marketing articles for benchmarks.

    python -m benchmarks.corpus OUT_DIR --articles 1000 [--seed 7]

Articles are written as HTML (most) and text files, with headings, bullets, 10-40 claim
sentences, inline links, numbered markers with a reference list, author-year mentions,
propositions repeated across articles, and a share of junk pages (navigation only, empty,
binary). Every identifier is unmistakably fake: DOIs under 10.5555/, nine-digit PMIDs starting
with 9. The same seed always gives the same files.
"""

from __future__ import annotations

import argparse
import html
import random
from dataclasses import dataclass
from pathlib import Path

INTERVENTIONS = [
    "ketamine therapy", "CBD oil", "IV vitamin drips", "stem cell therapy", "hyperbaric oxygen therapy",
    "psilocybin therapy", "NAD+ infusions", "red light therapy", "cryotherapy", "ozone therapy",
    "acupuncture", "chelation therapy", "peptide injections", "colon hydrotherapy", "kratom",
]  # fmt: skip
OUTCOMES = [
    "anxiety", "depression", "chronic pain", "inflammation", "insomnia", "cravings", "fatigue",
    "brain fog", "joint pain", "migraines", "PTSD symptoms", "blood pressure", "recovery time",
    "immune function", "memory", "energy levels", "withdrawal symptoms", "skin aging",
]  # fmt: skip
POPULATIONS = ["adults", "veterans", "older adults", "athletes", "patients with long COVID", "women"]
TEMPLATES = [
    "{I} reduces {O} in {P}.",
    "Studies show that {I} can significantly reduce {O}.",
    "{I} has been shown to improve {O} and {O2}.",
    "Research suggests {I} may help with {O}.",
    "Clinically proven, {I} cures {O} in just one session.",
    "{I} provides immediate relief from {O}.",
    "Unlike traditional treatments, {I} works faster to relieve {O}.",
    "{I} works by reducing inflammation, which lowers {O}.",
    "Patients report that {I} dramatically improves {O}.",
    "{I} is a safe and effective treatment for {O} with no side effects.",
    "A 2020 study from a university found that {I} lowers {O}.",
    "{I} may also promote better {O} over time.",
]  # fmt: skip
FILLER = [
    "Our clinic offers flexible appointments on weekdays and weekends.",
    "Call us today to book your free consultation.",
    "Many people struggle with {O} for years before seeking help.",
    "Every treatment plan is tailored to the individual.",
    "This information is for educational purposes and is not medical advice.",
    "What should you expect during your first visit?",
]  # fmt: skip
SURNAMES = ["Doe", "Roe", "Poe", "Loe", "Moe", "Zoe", "Kay", "Jay", "Ray", "Fay"]


@dataclass
class Article:
    name: str
    body: bytes
    claims: int


def _sentence(rng: random.Random, intervention: str) -> str:
    o, o2 = rng.sample(OUTCOMES, 2)
    return rng.choice(TEMPLATES).format(I=intervention, O=o, O2=o2, P=rng.choice(POPULATIONS))


def _reference(rng: random.Random, n: int, index: int) -> str:
    author = rng.choice(SURNAMES)
    year = rng.randint(2005, 2024)
    pmid = 900000000 + index * 10 + n
    return (
        f"{n}. {author} A, {rng.choice(SURNAMES)} B. A made-up study of outcome {n}. "
        f"J Fake Med. {year};{rng.randint(1, 40)}:{rng.randint(1, 900)}-{rng.randint(901, 999)}. "
        f"doi:10.5555/bench.{index}.{n}. PMID: {pmid}"
    )


def make_article(index: int, rng: random.Random) -> Article:
    """One article; the kind (html/text/junk) and its content depend only on the rng state."""
    roll = rng.random()
    if roll < 0.03:
        return Article(
            f"junk-{index:06d}.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", 0
        )
    if roll < 0.04:
        return Article(f"junk-{index:06d}.html", bytes(rng.getrandbits(8) for _ in range(512)), 0)
    intervention = rng.choice(INTERVENTIONS)
    n_claims = rng.randint(10, 40)
    with_refs = rng.random() < 0.5
    with_links = rng.random() < 0.4
    paragraphs: list[list[str]] = []
    refs: list[str] = []
    for i in range(n_claims):
        sentence = _sentence(rng, intervention)
        if with_refs and rng.random() < 0.4:
            refs.append(_reference(rng, len(refs) + 1, index))
            sentence = sentence[:-1] + f" [{len(refs)}]."
        elif rng.random() < 0.1:
            sentence = sentence[:-1] + f" ({rng.choice(SURNAMES)} et al., {rng.randint(2005, 2024)})."
        if i % 4 == 0:
            paragraphs.append([])
        paragraphs[-1].append(sentence)
        if rng.random() < 0.3:
            paragraphs[-1].append(rng.choice(FILLER).format(O=rng.choice(OUTCOMES)))
    title = f"How {intervention} helps with {rng.choice(OUTCOMES)}"
    if rng.random() < 0.8:
        return Article(
            f"article-{index:06d}.html", _html(title, paragraphs, refs, with_links, rng, index), n_claims
        )
    text = "\n\n".join([title, *(" ".join(p) for p in paragraphs)])
    if refs:
        text += "\n\nReferences\n" + "\n".join(refs)
    return Article(f"article-{index:06d}.txt", text.encode(), n_claims)


def _html(
    title: str, paragraphs: list[list[str]], refs: list[str], links: bool, rng: random.Random, index: int
) -> bytes:
    parts = [f"<html><head><title>{html.escape(title)}</title></head><body>"]
    parts.append(
        "<nav><a href='/'>Home</a> <a href='/services'>Services</a> <a href='/contact'>Contact</a></nav>"
    )
    parts.append(f"<article><h1>{html.escape(title)}</h1>")
    for i, para in enumerate(paragraphs):
        if i % 2 == 1:
            parts.append(f"<h2>Benefit {i}</h2>")
        if rng.random() < 0.25:
            parts.append("<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in para) + "</ul>")
            continue
        body = " ".join(html.escape(s) for s in para)
        if links and rng.random() < 0.5:
            body += f' See <a href="https://doi.org/10.5555/bench.{index}.link{i}">this study</a>.'
        parts.append(f"<p>{body}</p>")
    if refs:
        parts.append(
            "<h2>References</h2><ol>"
            + "".join(f"<li>{html.escape(r[r.index('.') + 2 :])}</li>" for r in refs)
            + "</ol>"
        )
    parts.append("</article><footer>© Example Clinic. All rights reserved.</footer></body></html>")
    return "\n".join(parts).encode()


def generate(out: Path, articles: int, seed: int = 7) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(articles):
        article = make_article(i, rng)
        path = out / article.name
        path.write_bytes(article.body)
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    paths = generate(args.out, args.articles, args.seed)
    print(f"wrote {len(paths)} files to {args.out}")


if __name__ == "__main__":
    main()

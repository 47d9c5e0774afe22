"""What a sentence looks like to the claim finder: a few dozen named features (pure).

Each feature is a question a careful reader asks of a sentence on a health page, answered 0 or 1
(or a small count): does it state an effect, a number, a result; is it about what the page
promotes; does it sound like a heading, an offer, advice, a disclaimer, a definition; does it
lean on research or carry a citation? The weights that turn them into a decision are learned
(`ingest/claimmodel.py`); the features themselves stay readable, so the model can be read too
(`python -m benchmarks.claims_train --explain`).

Words are read after the page's own topic is replaced by one token (`<topic>`) and numbers by
`<num>`, so a feature such as "names the topic" means the same on every page. Words and word
pairs themselves are not features: on thirty pages they learned the pages' treatments and did not
raise the cross-validated score (docs/claims.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ingest.claims import LABEL
from ingest.cues import detect_cues
from ingest.entities import find_mentions
from ingest.lexicons import any_of, load_lexicon
from ingest.sentences import Sentence
from ingest.topic import Topic
from kb.models import EntityKind

_WORD = re.compile(r"<topic>|<num>|[a-z][a-z'-]*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_PERCENT = re.compile(r"\d\s?%|\bpercent\b|\d+ (?:out )?of (?:\d+|every|ten)")
_CITATION = re.compile(
    r"\[\d{1,3}(?:[,–-]\s?\d{1,3})*\]|\(\d{1,3}(?:[,–-]\s?\d{1,3})*\)|[a-z%)][.,]\d{1,3}(?:[,–-]\d{1,3})*(?:\s|$)"
    r"|\([A-Z][\w'-]+(?: et al\.?| and [A-Z][\w'-]+| & [A-Z][\w'-]+)?,? (?:19|20)\d\d[a-z]?\)|doi\.org|\bdoi:"
)
LEADING_PRONOUN = re.compile(r"^(?:it|this|these|they|its|their|such)\b", re.IGNORECASE)
_RESULT_SUBJECT = re.compile(
    r"^(?:in (?:a|one|another|this|the|an?) [\w -]{0,40}?(?:study|trial|review|analysis|experiment)|"
    r"(?:a|one|another|the|this|that|several|many|some|recent|two|three|\d+) [\w -]{0,30}?"
    r"(?:study|studies|trial|trials|review|reviews|analysis|analyses|research|experiment)|"
    r"(?:studies|research|evidence|data|trials|results|findings)|"
    r"(?:all|most|many|some|half|\d+|the) ?(?:%|percent)? ?(?:of )?(?:the )?"
    r"(?:patients|participants|subjects|people|users|individuals|men|women|children|adults|athletes|mice|rats))\b",
    re.IGNORECASE,
)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|yourself)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:we|our|us|we're|we've)\b", re.IGNORECASE)
_DEFINITION = re.compile(
    r"\b(?:is|are) (?:a|an|the) (?:[\w-]+,? ){0,3}(?:type|kind|form|class|group|species|family|compound|"
    r"mineral|molecule|hormone|substance|medication|drug|plant|herb|mushroom|fungus|procedure|technique|"
    r"method|practice|treatment|therapy|modality|supplement|peptide|protein|amino acid|condition|disorder)\b"
    r"|\b(?:refers to|is defined as|stands for|also known as|is derived from|is made from|is native to|"
    r"is found in|comes from|is extracted from|involves|consists of|is administered|is performed)\b",
    re.IGNORECASE,
)
_STUDY_AIM = re.compile(
    r"\b(?:investigat\w*|examin\w*|took a look at|looked at|tested whether|explor\w*|assess\w*|evaluat\w*|"
    r"aimed to|set out to|designed to)\b",
    re.IGNORECASE,
)
_RESULT = re.compile(
    r"\b(?:found|find|finds|showed|shown|shows|reported|demonstrat\w*|revealed|resulted|led to|"
    r"improv\w*|reduc\w*|increas\w*|decreas\w*|lower\w*|significant\w*|concluded)\b",
    re.IGNORECASE,
)
_CAVEAT = re.compile(
    r"\b(?:more|further|additional) (?:research|studies|evidence) (?:is|are) needed|not necessarily|remains? unclear|"
    r"limited (?:evidence|research|data)|evidence is (?:limited|mixed|weak)|not (?:yet )?(?:well )?(?:understood|established)",
    re.IGNORECASE,
)
_PROCEDURE = re.compile(
    r"\b(?:administered|injected|inserted|mixed with|applied to|placed|performed|takes? (?:about|around|roughly|\d)|"
    r"lasts? (?:about|around|\d)|sessions? (?:last|take)|involves?|consists? of|during (?:a|the|each|your|an)|"
    r"the procedure|the process|steps?|is done|are done|can be (?:taken|consumed|used(?! (?:for|to treat))|done|given|applied)|"
    r"methods? of|ways? to (?:take|use))\b",
    re.IGNORECASE,
)
_INTRO = re.compile(
    r"^(?:let['’]?s|let us|in this (?:article|post|guide|blog)|we['’]ll|we will|read on|here['’]s|here is|"
    r"below,|keep reading|this (?:article|post|guide))\b",
    re.IGNORECASE,
)
_COMPARATIVE = re.compile(
    r"\b(?:more|less|better|faster|greater|lower|higher|than|superior|compared)\b", re.I
)
_NEGATION = re.compile(r"\b(?:no|not|never|without|neither|nor|n't)\b", re.IGNORECASE)
_HISTORY = re.compile(
    r"\b(?:for (?:centuries|thousands of years|generations)|traditional(?:ly)?|ancient|history)\b", re.I
)
_MODAL = re.compile(r"\b(?:can|may|might|could|will|would)\b", re.IGNORECASE)
# The main clause's subject, read after a lead-in: "However, as we age, [our testosterone levels]
# naturally decline". What a sentence is about is told by its subject: the page's topic or a pointer
# to it makes a claim; a condition, the body or people in general make a background fact.
_LEAD_ADVERB = re.compile(
    r"^(?:however|additionally|moreover|furthermore|also|in fact|in addition|unfortunately|"
    r"in other words|for example|for instance|as a result|overall|today|still|yet|indeed|importantly|"
    r"interestingly|surprisingly|similarly|likewise|finally|first|second|third|firstly|secondly|lastly)\s*,\s*",
    re.IGNORECASE,
)
_SUBORDINATE = re.compile(
    r"^(?:when|whenever|as|if|while|although|though|because|since|after|before|once|unless)\b[^,]{1,80},\s*",
    re.IGNORECASE,
)
# a lead-in phrase before the subject: "By 1989, ", "According to Perkins et al. (2023), "
_LEAD_PHRASE = re.compile(
    r"^(?:by|in|for|after|during|according to|with|unlike|compared (?:to|with)|over|through|on|at|among|via|"
    r"thanks to|due to|because of|"
    r"from|within|despite|originating|looking|based on)\b[^,]{1,80},\s*",
    re.IGNORECASE,
)
_RESULT_WORDS = re.compile(
    r"\b(?:stud(?:y|ies)|research|trials?|reviews?|evidence|data|results|findings|participants|patients|"
    r"subjects|investigations?|experiments?|analys[ie]s|meta-analys[ie]s)\b",
    re.IGNORECASE,
)
_EXPLETIVE = re.compile(
    r"^it(?:'s| is| was| can be| may be)\s+(?:\w+ly\s+)?(?:common|important|essential|possible|likely|unlikely|"
    r"normal|necessary|known|believed|estimated|thought|true|clear|worth|crucial|vital|natural|easy|hard|difficult)\b",
    re.IGNORECASE,
)
_MAX_SUBJECT = 8
_MAX_LINE_HEADING_WORDS = 10
# what something does in the body, not what the page's treatment does: "X is essential for",
# "plays a crucial role in" (a relative clause, "..., which is crucial for", is not the main claim)
_ROLE = re.compile(
    r"(?<!which )(?<!that )\b(?:is|are|was|were)(?: also)? (?:an? |the )?(?:\w+ )?"
    r"(?:essential|vital|necessary|crucial|critical|important|key|responsible)\b|"
    r"(?<!which )(?<!that )\bplays? an? (?:\w+ )?(?:role|part)\b",
    re.IGNORECASE,
)
_QUANTITY = re.compile(
    r"<topic> (?:levels?|deficienc\w*|production|concentrations?|stores|status|demands?|synthesis)\b|"
    r"\b(?:low|high|declining|decreased|reduced|normal|optimal|adequate|our|your|their|demands for) <topic>"
)


@dataclass(frozen=True)
class Context:
    """What a sentence's neighbours and the page say, for its features."""

    topic: Topic
    previous: Sentence | None
    following: Sentence | None
    previous_is_claimlike: bool  # the sentence before mentions the topic or points back to it
    under_heading_with_topic: bool
    position: float  # 0 at the page's start, 1 at its end
    rule_claim: bool = False  # the rule detector (ingest/claims.py) keeps it
    # whether the sentence's section (from one heading to the next) and paragraph name the topic:
    # a section about the condition alone ("What is OCD?") holds background, not claims
    section_topic: bool = True
    paragraph_topic: bool = True
    atoms: int = 0  # how many atoms the atom rules read in it (an effect on an outcome)


@cache
def _raw_cues() -> dict[str, Any]:
    raw: dict[str, Any] = load_lexicon("claimcues.json")
    return raw


@cache
def _word_class(name: str) -> frozenset[str]:
    """A closed word class (`_words` in claimcues.json): not a cue, so not a feature of its own."""
    return frozenset(_raw_cues()["_words"][name])


@cache
def _lexicon() -> dict[str, re.Pattern[str]]:
    return {name: any_of(fragments) for name, fragments in _raw_cues().items() if not name.startswith("_")}


def normalized_words(text: str, topic: Topic) -> list[str]:
    """Lower-case words with the page's topic terms as `<topic>` and numbers as `<num>`."""
    low = text.lower().replace("’", "'")
    for term in sorted(topic.terms, key=len, reverse=True):
        low = re.sub(rf"(?<![\w-]){re.escape(term)}(?:s|es|'s)?(?![\w-])", " <topic> ", low)
    low = _NUMBER.sub(" <num> ", low)
    return _WORD.findall(low)


def _length_bucket(n: int) -> str:
    for bound, name in ((4, "tiny"), (8, "short"), (16, "medium"), (30, "long")):
        if n <= bound:
            return name
    return "very_long"


def _title_case(text: str) -> bool:
    words = [w for w in text.split() if w[:1].isalpha() and len(w) > 3]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _own_line(sentence: Sentence, context: Context) -> bool:
    before = context.previous is None or context.previous.paragraph != sentence.paragraph
    after = context.following is None or context.following.paragraph != sentence.paragraph
    return before and after


def _next_is_prose(sentence: Sentence, context: Context) -> bool:
    nxt = context.following
    return nxt is not None and nxt.paragraph != sentence.paragraph and len(nxt.text.split()) > 12


def _in_list(sentence: Sentence, context: Context) -> bool:
    """A line among short lines: an item of a list, not a heading over prose."""
    if not _own_line(sentence, context) or len(sentence.text.split()) > 14:
        return False
    near = [s for s in (context.previous, context.following) if s is not None]
    return any(
        s.paragraph != sentence.paragraph and len(s.text.split()) <= 14 and not s.is_heading for s in near
    ) or any(s.is_bullet for s in near)


def _effect_start(text: str) -> bool:
    """A fragment that leaves its subject out: "Reduces inflammation", "Boosting mood"."""
    first = text.split()[0].lower().strip(",:;.") if text.split() else ""
    effect = _lexicon().get("effect")
    return bool(effect and effect.fullmatch(first)) and (
        first.endswith(("s", "ing")) or first.startswith("anti")
    )


def _generic_subject(words: list[str], text: str) -> bool:
    """The sentence opens on a condition, the body or people in general, not on the topic."""
    head = words[:3]
    if "<topic>" in words[:6] or LEADING_PRONOUN.match(text):
        return False
    health = _lexicon().get("health")
    return bool(health and health.search(" ".join(head))) or any(
        m.kind == EntityKind.CONDITION for m in find_mentions(" ".join(text.split()[:3]))
    )


def main_subject(text: str) -> tuple[str, bool]:
    """The words of the main clause's subject, and whether a subordinate clause ("When ..., ",
    "As we age, ") comes first."""
    rest = LABEL.sub("", text.strip(), count=1)
    rest = _LEAD_ADVERB.sub("", rest, count=1)
    subordinate = _SUBORDINATE.match(rest)
    if subordinate:
        rest = rest[subordinate.end() :]
    rest = _LEAD_PHRASE.sub("", rest, count=1)
    subject: list[str] = []
    for i, word in enumerate(rest.split()[:_MAX_SUBJECT]):
        bare = word.lower().strip(',;:.()"“”')
        if bare in _word_class("finite_verbs") or bare in _verb_forms() or (i == 0 and bare in _gerunds()):
            break  # "Reduces inflammation", "Improving mood", "Has a fungicidal effect": no subject
        subject.append(word)
    return " ".join(subject), subordinate is not None


@cache
def _gerunds() -> frozenset[str]:
    from ingest.atoms import effect_forms

    return frozenset(f for f in effect_forms() if f.endswith("ing"))


@cache
def _verb_forms() -> frozenset[str]:
    from ingest.atoms import effect_forms

    return frozenset(f for f in effect_forms() if " " not in f and not f.endswith("ing"))


def subject_kind(text: str, topic: Topic) -> tuple[str, bool]:
    """What the main clause is about: "result" (a study, the patients), "pronoun", "topic",
    "topic_quantity" (the topic as a quantity of the body: "testosterone levels", "magnesium
    deficiency"), "people" (in general), "health" (a condition, the body), or "other"."""
    subject, subordinate = main_subject(text)
    clause = _LEAD_ADVERB.sub("", LABEL.sub("", text.strip(), count=1), count=1)
    if _RESULT_SUBJECT.match(subject) or _RESULT_SUBJECT.match(clause) or _RESULT_WORDS.search(subject):
        return "result", subordinate
    if _EXPLETIVE.match(clause):
        return "expletive", subordinate
    if LEADING_PRONOUN.match(subject):
        return "pronoun", subordinate
    words = normalized_words(subject, topic)
    if not words:
        return "none", subordinate  # a fragment that leaves its subject out
    joined = " ".join(words)
    if "<topic>" in words:
        return ("topic_quantity" if _QUANTITY.search(joined) else "topic"), subordinate
    people = _word_class("people")
    if words and (
        words[0] in people or (len(words) > 1 and words[1] in people and words[0] in ("many", "most", "some"))
    ):
        return "people", subordinate
    lexicon = _lexicon()
    if any(lexicon[name].search(subject) for name in ("health", "mechanism") if name in lexicon) or any(
        m.kind == EntityKind.CONDITION for m in find_mentions(subject)
    ):
        return "health", subordinate
    return "other", subordinate


def sentence_features(sentence: Sentence, context: Context) -> dict[str, float]:
    """The named features of one sentence (see the module docstring)."""
    text = sentence.text
    words = normalized_words(text, context.topic)
    cues = detect_cues(text)
    mentions = find_mentions(text)
    kinds = {m.kind for m in mentions}
    features: dict[str, float] = {
        "bias": 1.0,
        "heading": float(sentence.is_heading),
        "question": float(sentence.is_question or text.rstrip().endswith("?")),
        "bullet": float(sentence.is_bullet),
        f"len:{_length_bucket(len(words))}": 1.0,
        "ends_colon": float(text.rstrip().endswith(":")),
        "topic": float("<topic>" in words),
        "topic_first": float("<topic>" in words[:4]),
        "pronoun_start": float(bool(LEADING_PRONOUN.match(text))),
        "result_subject": float(bool(_RESULT_SUBJECT.match(text))),
        "number": float("<num>" in words),
        "percent": float(bool(_PERCENT.search(text))),
        "citation": float(bool(_CITATION.search(text))),
        "hedge": float(bool(cues.hedges)),
        "booster": float(bool(cues.boosters)),
        "vague": float(cues.attribution == "vague"),
        "you": float(bool(_SECOND_PERSON.search(text))),
        "we": float(bool(_FIRST_PERSON.search(text))),
        "definition": float(bool(_DEFINITION.search(text))),
        "comparative": float(bool(_COMPARATIVE.search(text))),
        "negation": float(bool(_NEGATION.search(text))),
        "history": float(bool(_HISTORY.search(text))),
        "modal": float(bool(_MODAL.search(text))),
        "condition": float(EntityKind.CONDITION in kinds),
        "outcome_entity": float(EntityKind.OUTCOME in kinds),
        "known_intervention": float(EntityKind.INTERVENTION in kinds),
        "prev_topic": float(context.previous_is_claimlike),
        "under_topic_heading": float(context.under_heading_with_topic),
        "late": float(context.position > 0.8),
        "early": float(context.position < 0.1),
        "rule_claim": float(context.rule_claim),
        "atoms": float(context.atoms > 0),
        "atoms_several": float(context.atoms > 1),
        "terminal": float(text.rstrip()[-1:] in ".!;"),
        "title_case": float(_title_case(text)),
        "own_line": float(_own_line(sentence, context)),
        "next_is_prose": float(_next_is_prose(sentence, context)),
        "in_list": float(_in_list(sentence, context)),
        "generic_subject": float(_generic_subject(words, text)),
        "study_aim": float(bool(_STUDY_AIM.search(text)) and not _RESULT.search(text)),
        "caveat": float(bool(_CAVEAT.search(text))),
        "intro": float(bool(_INTRO.match(text))),
        "effect_start": float(_effect_start(text)),
        "procedure": float(bool(_PROCEDURE.search(text))),
        "section_without_topic": float(not context.section_topic),
        "paragraph_without_topic": float(not context.paragraph_topic),
        "role_statement": float(bool(_ROLE.search(text))),
    }
    kind, subordinate = subject_kind(text, context.topic)
    features[f"subject:{kind}"] = 1.0
    joined = " ".join(words)
    if _QUANTITY.search(joined) and "<topic>" not in _QUANTITY.sub(" ", joined):
        # the topic only as a quantity of the body: "as their testosterone levels decline"
        features["topic_only_as_quantity"] = 1.0
    if subordinate:
        features["subordinate_opener"] = 1.0
    for name, pattern in _lexicon().items():
        if pattern.search(text):
            features[f"cue:{name}"] = 1.0
    effect = bool(features.get("cue:effect"))
    about_topic = bool(features["topic"] or features["pronoun_start"])
    if effect and features["topic"]:
        features["topic_and_effect"] = 1.0
    if effect and not about_topic and not context.previous_is_claimlike:
        features["effect_elsewhere"] = 1.0
    if features["effect_start"]:
        features[
            "effect_start_"
            + ("line" if features["terminal"] else "titled" if features["title_case"] else "bare")
        ] = 1.0
    if features["heading"] and features["next_is_prose"]:
        features["heading_over_prose"] = 1.0
    elif (
        features["own_line"]
        and not features["terminal"]
        and len(text.split()) <= _MAX_LINE_HEADING_WORDS
        and features["next_is_prose"]
        and not features["in_list"]
    ):
        # "1. Enhances Detoxification" over a paragraph about it: a heading, not a list item
        features["line_over_prose"] = 1.0
    if features["heading"] and features["title_case"]:
        features["titled_heading"] = 1.0
    if features["you"] and not effect:
        features["you_without_effect"] = 1.0
    if features["procedure"] and not (features["number"] or features["booster"]):
        features["plain_procedure"] = 1.0
    if features.get("cue:effect") and features["pronoun_start"]:
        features["pronoun_and_effect"] = 1.0
    if features.get("cue:effect") and (features["condition"] or features.get("cue:health")):
        features["effect_on_health"] = 1.0
    # who does the effect: the topic, a pointer to it, a study, nobody (a list item), or a condition,
    # the body or people in general (background)
    if effect:
        features[f"effect_by:{kind}"] = 1.0
    if context.rule_claim:
        features[f"rule_claim_by:{kind}"] = 1.0
    return features

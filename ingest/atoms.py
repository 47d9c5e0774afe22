"""Split a claim sentence into atoms: (intervention, effect, outcome[, population]), one per outcome.

Rule-based and shallow on purpose: an *effect trigger* is an effect verb in any inflection
("reducing", "resets"), a construction that states an effect ("relief from", "a promising
treatment for", "rapid onset"), or an enabler ("allows individuals to detach from ...", "can help
reset"). The outcome is the noun phrase after the trigger, up to a boundary word or punctuation,
split on coordination ("cravings for alcohol and marijuana" gives two outcomes, "the intensity and
frequency of cravings" gives "intensity of cravings" and "frequency of cravings"). A coordinated
item headed by a participle carries its own effect ("leading to ... reduced relapse rates").

The intervention is given by the caller (`ingest.claims` resolves "this"/"it" to it). Lexicons are
in `ingest/data/atoms.json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from retrie.trie import Trie

from ingest.lexicons import bounded, load_lexicon
from kb.models import Atom

MAX_OUTCOME_WORDS = 6
# A longer "sentence" (ten times a long one) is a list or table flattened into one line: it has no
# atoms. The rules below read the whole text around every verb, so their time grows with the
# square of its length (a 1 MB one would take a quarter of an hour).
MAX_SENTENCE_CHARS = 2_000
_MAX_LIST_ITEM_WORDS = 4  # a comma-separated list item longer than this is not an outcome
_MAX_LEAD_WORDS = 3  # adjectives and determiners between a verb and a construction that is its object
_SUBJECT_ADVERBS = frozenset({"also", "often", "usually", "generally", "typically", "all", "even", "still"})
_MAX_SUBJECT_WORDS = 4  # words before a change verb that can be its subject: "anxiety scores decreased"
_NEGATION_REACH = 3  # words before a verb: "does not [usually] cause"
_MAX_ADVERB_CHARS = 20  # "were [significantly] reduced"
_SPACE = r"\s+"

# Patterns used per sentence are compiled here: pysbd compiles many of its own and would evict
# ours from the `re` module's cache.
_CONSONANT_Y = re.compile(r"[^aeiou]y$")
_COORDINATION = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or|as well as|&|and/or)\s+")
_EXAMPLE = re.compile(r"\b[\w-]+\s+(?:like|such as|including)\s+")
_COMMA = re.compile(r",\s*")
_CONJ_LEAD = re.compile(r"(?:and|or)\s+")
_CLAUSE_START = re.compile(r"[,;:—–]|\b(?:and|but|so|because|while|whereas)\b")
_LIST_LEAD = re.compile(r"(?:and|or|as well as)\s+")
# A short parenthesis inside a claim holds an acronym, examples or a citation: "(TRD)", "(mercury,
# lead)", "(14, 15)". Read without it, the outcome phrase around it stays whole.
_SHORT_PARENTHESIS = re.compile(r"\s?[(\[][^()\[\]]{1,40}[)\]]")
_SUPERSCRIPTS = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")  # citation marks written as superscript digits


def _without_asides(text: str) -> str:
    """The sentence without short asides and citation marks ("[2]", "(Smith, 2020)", "¹"), which
    are never part of a population or an outcome."""
    return _SUPERSCRIPTS.sub("", _SHORT_PARENTHESIS.sub("", text))


# "toxins such as heavy metals and pollutants": the head and its examples are all outcomes
_EXAMPLES = re.compile(r"^([\w'’-]+(?: [\w'’-]+){0,2}),? (?:such as|including) (.+)$", re.IGNORECASE)
# "pain reducer", "NMDA receptor antagonist", "mood booster": an effect told by an agent noun
_AGENT = re.compile(
    r"(?<![\w-])([A-Za-z][\w-]*) (reducer|reliever|booster|enhancer|blocker|inhibitor|suppressant|antagonist|"
    r"fighter|killer)s?(?![\w-])(?! cells)",
    re.IGNORECASE,
)
_AGENT_EFFECT = {
    "reducer": "reduces",
    "reliever": "relieves",
    "booster": "boosts",
    "enhancer": "enhances",
    "blocker": "blocks",
    "inhibitor": "inhibits",
    "suppressant": "suppresses",
    "antagonist": "blocks",
    "fighter": "fights",
    "killer": "reduces",
}
# "antioxidant, anti-inflammatory and anti-allergy activity", "regenerative and cytoprotective effects"
_PROPERTY_HEAD = re.compile(
    r"(?<=\s)(properties|property|activity|activities|effects|effect|action|actions|qualities)(?![\w-])",
    re.IGNORECASE,
)
_MAX_PROPERTY_WORDS = 8
# "associated pain" is an outcome; "pain associated with surgery" ends at "associated"
_PARTICIPLE_BOUNDARIES = frozenset({"associated", "related", "linked", "caused", "induced"})
_PARTICIPLE_LINKS = frozenset({"with", "to", "by", "from"})
_LEADING_CONJ = re.compile(r"^\s*(?:and|or)\s+")
_CONJ_INSIDE = re.compile(r"\s(?:and|or)\s")
_IN_TO = re.compile(r"^(?:in|to)\s+")
_FOR = re.compile(r"for\s")
_PREPOSITION = re.compile(r"(?:from|into|with|on|to|in)\s")
_AND_NEXT = re.compile(r"\band\s+(?=(?:to\s+)?\w)")
_BY = re.compile(r"\s+by\b")
_PUNCT = re.compile(r"[,;:.]")
_MODAL_BEFORE = re.compile(
    r"\s(?:can|may|might|could|will|would|should|must|cannot)(?:\s+not)?(?:\s+\w+ly)?\s*$", re.I
)
# "were significantly lower", "is far better": a comparison stated of the outcome
_COMPARED = re.compile(
    r"\s(?:is|are|was|were)\s+(?:\w+ly\s+|far\s+|much\s+)?(better|lower|higher|fewer|less|greater)\b", re.I
)
_COMPOUND_EFFECT = re.compile(r"(?<![\w-])([A-Za-z]{3,})-([a-z]+ing)(?![\w-])")
_AUXILIARY = re.compile(r"\b(?:is|are|was|were|be|been|being|get|gets|got)\b(?=[\w\s]*$)", re.IGNORECASE)
_HARD_STOP = re.compile(r"[.;:!?()\[\]—–\"“”]|\s-\s")
_LABEL = re.compile(r"^[A-Z][\w'’-]*(?: [\w'’-]+){0,5}: ")  # "Rapid Onset of Action: ..."
# a lone adjective is a quality, never an outcome ("rapid", "physiological", "effective")
_QUALITY = re.compile(r"[a-z-]+(?:id|ful|ive|ous|ical|ial|ural|onal|(?<!m)ent|ible|able)")
_ADJECTIVE = re.compile(r"[a-z-]+(?:id|ful|ive|ous|al|ic|ed|ent|ant|ible|able|ing)", re.IGNORECASE)
_DETERMINERS = re.compile(
    r"^(?:(?:the|a|an|this|these|that|those|its|their|his|her|your|our|my|some|any|overall|both|either|"
    r"(?:the )?(?:brain|body|person|individual|patient)['’]s|"
    r"(?:up to|as (?:much|many) as|more than|nearly|over|about|around|approximately|roughly)(?=\s+\d))\s+)+",
    re.IGNORECASE,
)
# "helps [muscles] [relax]": a short noun phrase, then a bare verb that ends the clause
_HELPED_CHANGE = re.compile(
    r"((?:the |your |their |its )?[\w'’-]+(?: [\w'’-]+)??) ([a-z]+)\b(?=\s*(?:[,.;]|$|faster|better|more|naturally|quickly))"
)


@dataclass(frozen=True)
class _Lexicon:
    verbs: re.Pattern[str]
    effect_of: dict[str, str]  # lower-case verb form -> normalized effect
    lemma_of: dict[str, str]  # lower-case verb form -> base form, for negated effects
    constructions: list[tuple[re.Pattern[str], str, str, bool]]  # pattern, effect, outcome mode, own subject
    any_construction: re.Pattern[str]  # matches wherever one of them does: most sentences hold none
    enablers: re.Pattern[str]
    person: re.Pattern[str]
    complement: re.Pattern[str]
    boundaries: frozenset[str]
    distributive: re.Pattern[str]
    wrappers: re.Pattern[str]
    tails: re.Pattern[str]
    generic_list: re.Pattern[str]
    ambiguous: frozenset[str]
    changes: re.Pattern[str]
    change_effect: dict[str, str]
    comparatives: dict[str, str]
    compounds: re.Pattern[str]
    words: dict[str, frozenset[str]]  # small closed word classes: stop words, pronouns, "be"...
    populations: frozenset[str]
    population: re.Pattern[str]


def _inflections(lemma: str) -> list[str]:
    """Base, third person, -ing and -ed forms of a regular verb (particles kept: "acts on")."""
    word, _, rest = lemma.partition(" ")
    if _CONSONANT_Y.search(word):
        third, ing, past = word[:-1] + "ies", word + "ing", word[:-1] + "ied"
    elif word.endswith("e") and not word.endswith("ee"):
        third, ing, past = word + "s", word[:-1] + "ing", word + "d"
    else:
        third = word + ("es" if word.endswith(("s", "sh", "ch", "x", "z", "o")) else "s")
        ing, past = word + "ing", word + "ed"
    return [f"{form} {rest}".strip() for form in (word, third, ing, past)]


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")  # "(?P<head>": one name may not stand twice in one pattern


def _spaced(pattern: str) -> str:
    return pattern.replace(" ?", r"\s?").replace(" ", _SPACE)


def _words(fragments: list[str]) -> re.Pattern[str]:
    """Any of the phrases as whole words. As a trie (retrie): one alternation of 1,000 verb forms
    is tried form by form at every position, and was a tenth of the whole analysis."""
    trie = Trie()
    trie.add(*fragments)
    return bounded(trie.pattern().replace("\\ ", _SPACE))


@cache
def _lexicon() -> _Lexicon:
    raw = load_lexicon("atoms.json")
    effect_of: dict[str, str] = {}
    lemma_of: dict[str, str] = {}
    for lemma, effect in raw["effect_verbs"].items():
        for form in raw["irregular"].get(lemma) or _inflections(lemma):
            effect_of.setdefault(form, effect)
            lemma_of.setdefault(form, lemma)
    change_effect = {form: effect for effect, forms in raw["changes"].items() for form in forms}
    persons = "|".join(re.escape(p) for p in sorted(raw["persons"], key=len, reverse=True))
    links = "|".join(re.escape(p) for p in sorted(raw["person_links"], key=len, reverse=True))
    return _Lexicon(
        verbs=_words(list(effect_of)),
        effect_of=effect_of,
        lemma_of=lemma_of,
        constructions=[
            (bounded(_spaced(c["pattern"])), c["effect"], c["outcome"], bool(c.get("own_subject")))
            for c in raw["constructions"]
        ],
        any_construction=bounded(
            "|".join(f"(?:{_NAMED_GROUP.sub('(?:', _spaced(c['pattern']))})" for c in raw["constructions"])
        ),
        enablers=bounded(raw["enablers"]),
        person=re.compile(rf"^(?:{persons})(?![\w'’-])(?:\s+({links})\b)?\s*", re.IGNORECASE),
        complement=re.compile(
            rf"^(?:to\s+)?(?:\w+ly\s+)?({'|'.join(map(re.escape, raw['complement_verbs']))})\b\s*",
            re.IGNORECASE,
        ),
        boundaries=frozenset(raw["boundaries"]),
        distributive=re.compile(
            rf"^([\w'’-]+(?:\s[\w'’-]+)?)\s+{_spaced(raw['distributive'])}\s+(.+)$", re.IGNORECASE
        ),
        tails=re.compile(rf"\s+(?:{_spaced('|'.join(raw['distributive_tails']))})$", re.IGNORECASE),
        wrappers=re.compile(rf"^(?:{'|'.join(map(re.escape, raw['wrappers']))})\s+", re.IGNORECASE),
        generic_list=re.compile(
            rf"(?:^|(?<=\s))(?:(?!(?:in|for|of|with|to|from|on|at|by|and|or)\s)[\w'’-]+\s+(?:and\s+)?){{0,3}}"
            rf"(?:{'|'.join(raw['generic_heads'])}),?\s+"
            r"(?:such\s+as|like|including)\s+",
            re.IGNORECASE,
        ),
        ambiguous=frozenset(raw["ambiguous_verbs"]),
        changes=re.compile(
            rf"(?<=\s)({_spaced('|'.join(sorted(change_effect, key=len, reverse=True)))})(?=\s+(?:in|by|after|within|for|"
            r"significantly|dramatically|markedly|substantially|considerably|over|from|to|at|among|\d)\b|\s*[,.;]|\s*$)",
            re.IGNORECASE,
        ),
        change_effect=change_effect,
        comparatives=raw["comparatives"],
        compounds=_words(raw["noun_compounds"]),
        words={name: frozenset(values) for name, values in raw["words"].items()},
        populations=frozenset(raw["populations"]),
        population=re.compile(
            rf"\b(?:in|for|among|of|helps?)\s+(?:many\s+|some\s+|most\s+)?"
            rf"((?:(?:{'|'.join(raw['population_adjectives'])})\s+)?"
            rf"(?:{'|'.join([*raw['populations'], 'patients', 'people', 'individuals'])}))\b"
            rf"(?:\s+(?:{_spaced('|'.join(raw['population_links']))})\s+([^,.;:]+))?",
            re.IGNORECASE,
        ),
    )


def effect_forms() -> frozenset[str]:
    """Every effect-verb form the atom rules read ("reduces", "lowered", "helping", "acts on")."""
    return frozenset(_lexicon().effect_of)


def effect_of(verb: str) -> str | None:
    """The normalized effect of an effect-verb form ("reducing" -> "reduces"), or None."""
    return _lexicon().effect_of.get(" ".join(verb.lower().split()))


def _cut(text: str) -> tuple[str, bool]:
    """The phrase before the first boundary word, and whether a boundary ended it."""
    kept: list[str] = []
    words = text.split()
    for i, word in enumerate(words):
        bare = word.strip(",").lower()
        # a gerund ends the phrase, unless it is its first word: "promotes healing"
        gerund = kept and bare in _lexicon().effect_of and bare.endswith("ing")
        following = words[i + 1].lower() if i + 1 < len(words) else ""
        qualifies = bare in _PARTICIPLE_BOUNDARIES and following not in _PARTICIPLE_LINKS
        if (bare in _lexicon().boundaries and not qualifies) or gerund:
            return " ".join(kept), True
        kept.append(word)
        if word.endswith(","):
            return " ".join(kept).rstrip(","), True
    return " ".join(kept), False


def _is_verb_start(text: str) -> bool:
    lex = _lexicon()
    first = text.split()[0].lower() if text.split() else ""
    # A participle starts a noun phrase ("reduced relapse rates"), not a new verb phrase;
    # "function scores" is a noun phrase although "function" can be a verb.
    complement = lex.complement.match(text)
    verb = complement is not None and complement.group(1).lower() not in lex.ambiguous
    return (first in lex.effect_of and not first.endswith("ed")) or verb or bool(lex.enablers.match(first))


def _is_gerund(word: str) -> bool:
    low = word.lower()
    return low.endswith("ing") and low in _lexicon().effect_of


def _coordinated(phrase: str) -> list[str]:
    """Split "A, B and C" / "A and B of C" into items; stop at "and <verb>"."""
    items: list[str] = []
    for part in _COORDINATION.split(phrase):
        part = part.strip()
        if not part:
            continue
        if items and _is_verb_start(part):
            break
        items.append(part)
    # "rapid and sustained effects": a lone adjective qualifies the last item, it is not an outcome.
    # A gerund of an effect verb is a noun there: "promotes healing and pain relief".
    items = [
        it
        for i, it in enumerate(items)
        if i == len(items) - 1 or not _ADJECTIVE.fullmatch(it) or _is_gerund(it)
    ]
    # "the intensity and frequency of cravings": the shared complement goes to every bare head.
    if len(items) > 1 and " of " in items[-1]:
        tail = items[-1][items[-1].index(" of ") :]
        items = [it if " " in it.strip() else it + tail for it in items[:-1]] + items[-1:]
    return items


def _phrase_items(text: str) -> list[str]:
    """Outcome phrases at the start of `text`: up to a boundary, with simple list continuation."""
    segment = _HARD_STOP.split(text, maxsplit=1)[0]
    segment = _DETERMINERS.sub("", segment.strip())
    segment = _lexicon().generic_list.sub("", segment)  # "conditions such as X and Y": X and Y
    examples = _EXAMPLES.match(segment)
    if examples and not _is_verb_start(examples.group(1)):
        head = _cut(examples.group(1))[0]
        return ([head] if head else []) + _phrase_items(examples.group(2))
    dist = _lexicon().distributive.match(segment)
    if dist and not _is_verb_start(dist.group(2)):
        head = dist.group(1)
        # "alcohol and drugs like marijuana": the example names the thing
        named = _EXAMPLE.sub("", dist.group(2))
        objects = _coordinated(_cut(named)[0])
        if len(objects) > 1:
            return [f"{_lexicon().tails.sub('', _DETERMINERS.sub('', o))} {head}" for o in objects]
    chunks = _COMMA.split(segment)
    kept, stopped = _cut(chunks[0])
    pieces = [kept]
    for i, chunk in enumerate(chunks[1:], start=1):
        if stopped:
            break
        lead = _LIST_LEAD.match(chunk)
        later_conj = any(_LIST_LEAD.match(c) for c in chunks[i + 1 :])
        body, stopped = _cut(chunk[lead.end() :] if lead else chunk)
        last = bool(_CONJ_INSIDE.search(body)) and len(body.split()) <= _MAX_LIST_ITEM_WORDS + 2
        if not body or _is_verb_start(body):
            break
        if not (lead or last or (later_conj and len(body.split()) <= _MAX_LIST_ITEM_WORDS)):
            break
        pieces.append(body)
        if lead or last:  # "A, B and C": the conjunction closes the list
            break
    return [item for piece in pieces for item in _coordinated(piece)]


def _clean_outcome(item: str) -> str:
    lex = _lexicon()
    stop = lex.words["stop"]
    text = _DETERMINERS.sub("", item.strip(" ,.'\"")).strip()
    text = lex.wrappers.sub("", text)
    text = _DETERMINERS.sub("", text)
    words = text.split()
    content = 0
    for i, word in enumerate(words):
        content += word.lower() not in stop
        if content > MAX_OUTCOME_WORDS:
            words = words[:i]
            break
    while words and words[-1].lower() in stop:
        words.pop()
    return " ".join(words).lower().replace("’", "'")


def _atoms_from(text: str, effect: str) -> list[tuple[str, str]]:
    """(effect, outcome) pairs for the phrase at the start of `text`; participle items keep their own."""
    out: list[tuple[str, str]] = []
    text = _LEADING_CONJ.sub("", text, count=1)
    for item in _phrase_items(text):
        first, _, rest = item.partition(" ")
        item_effect = effect
        if rest and first.lower().endswith("ed") and first.lower() in _lexicon().effect_of:
            item_effect, item = _lexicon().effect_of[first.lower()], rest
        elif rest and first.lower() in _lexicon().comparatives:  # "better mood", "less stiffness"
            item_effect, item = _lexicon().comparatives[first.lower()], rest
        outcome = _clean_outcome(item)
        if outcome and outcome not in _lexicon().words["pronouns"]:
            out.append((item_effect, outcome))
    return out


def _skip_person(text: str) -> str:
    """Drop a person phrase opening an object: "a treatment for [individuals struggling with] addiction"."""
    m = _lexicon().person.match(text)
    return text[m.end() :] if m and m.group(1) else text


def find_population(sentence: str) -> str | None:
    """The population a sentence names: "adults", "veterans with PTSD", "patients with chronic pain"."""
    for m in _lexicon().population.finditer(_without_asides(sentence)):
        noun, condition = " ".join(m.group(1).lower().split()), m.group(2)
        condition = _clean_outcome(_cut(condition)[0]) if condition else ""
        if noun.split()[-1] in _lexicon().populations or condition:
            return f"{noun} with {condition}" if condition else noun
    return None


def names_health(text: str) -> bool:
    """Whether a phrase opens on a health word ("trauma recovery", "any thyroid issues")."""
    words = _DETERMINERS.sub("", text.strip()).split()
    first = words[0].lower().strip(",.;") if words else ""
    return first in _health_words()


@cache
def _health_words() -> frozenset[str]:
    raw = load_lexicon("claimcues.json")
    return frozenset(w for w in raw["health"] if " " not in w)


def _enabled(text: str) -> list[tuple[str, str]]:
    """After "help/allow/enable": "[someone] (to) VERB object" or "for object"; effect "enables"."""
    lex = _lexicon()
    caused = _HELPED_CHANGE.match(text.lstrip())  # "helps muscles relax", "helps the body heal"
    verb = caused.group(2).lower() if caused else ""
    if caused and verb in lex.effect_of and not verb.endswith(("s", "ed", "ing")):
        return [(lex.effect_of[verb], _clean_outcome(caused.group(1)))]
    person = lex.person.match(text.lstrip())
    rest = text.lstrip()[person.end() :] if person else text.lstrip()
    rest = _IN_TO.sub("", rest, count=1)
    if _FOR.match(rest):
        return _atoms_from(rest[4:], "enables")
    if not lex.complement.match(rest):
        if person and person.group(1):  # "helps people who suffer from type 2 diabetes"
            return _atoms_from(rest, "treats")
        if not person and names_health(rest):  # "helps trauma recovery", "help any thyroid issues"
            return _atoms_from(rest, "improves")
        return []

    out: list[tuple[str, str]] = []
    while (m := lex.complement.match(rest)) is not None:
        after = rest[m.end() :]
        if _CONJ_LEAD.match(after):  # "confront and process issues": the object comes later
            rest = after.split(None, 1)[1]
            continue
        if _PREPOSITION.match(after):  # "detach from ingrained patterns", "deal with stress and fatigue"
            for item in _phrase_items(after.split(None, 1)[1] if " " in after else ""):
                outcome = _clean_outcome(f"{m.group(1)} {after.split()[0]} {item}")
                if outcome:
                    out.append(("enables", outcome))
        else:
            found = [("enables", o) for _, o in _atoms_from(after, "enables")]
            out += found or [("enables", m.group(1).lower())]
        nxt = _AND_NEXT.search(after)
        if nxt is None or not lex.complement.match(after[nxt.end() :]):
            break
        rest = after[nxt.end() :]
    return out


def _is_noun_use(sentence: str, start: int, form: str) -> bool:
    # "support groups", "the emotional triggers": a determiner or adjective-like word comes first.
    before = sentence[:start].split()
    if not before or form.endswith("ing"):
        return False
    last = before[-1].lower()
    return last in _lexicon().words["noun_markers"] or last.endswith(
        ("'s", "’s")
    )  # "the body's own repair processes"


def _is_passive(sentence: str, start: int, end: int, form: str) -> bool:
    if not form.endswith("ed"):
        return False
    before = [
        w for w in sentence[:start].split()[-3:] if not w.lower().endswith("ly")
    ]  # "were greatly reduced"
    return bool(_BY.match(sentence, end)) or (bool(before) and before[-1].lower() in _lexicon().words["be"])


def _about(clause: str, intervention: str) -> bool:
    """Whether the words of a clause before its verb are the intervention: they name it, point back to
    it ("it can", "which", "this"), or there are none ("..., results in")."""
    words = [w.lower().strip(",;:()") for w in clause.split()]
    words = [w for w in words if w and w not in _lexicon().words["modal_words"]]
    name = intervention.lower().split()
    return not words or any(w in _lexicon().words["pointers"] for w in words) or bool(set(name) & set(words))


def _construction_pairs(
    text: str, taken: list[tuple[int, int]], intervention: str = ""
) -> list[tuple[str, str]]:
    lex = _lexicon()
    pairs: list[tuple[str, str]] = []
    if not lex.any_construction.search(text):
        return pairs  # one scan instead of one per construction
    for pattern, effect, mode, own_subject in lex.constructions:
        for m in pattern.finditer(text):
            clause = _CLAUSE_START.split(text[: m.start()])[-1]
            if own_subject and not _about(clause, intervention):
                continue  # "Substance abuse can lead to ...": not the intervention's effect
            # "ease aches in conditions like gout": the verb before keeps its own object
            taken.append((m.start("head") if "head" in pattern.groupindex else m.start(), m.end()))
            after = text[m.end() :].lstrip()
            if mode == "match":
                pairs.append((effect, _clean_outcome(m.group())))
            elif mode == "tail":  # "feel the effects": the verb is not part of the outcome
                pairs.append((effect, _clean_outcome(m.group().split(None, 1)[1])))
            elif mode == "last":  # "remained in remission"
                pairs.append((effect, _clean_outcome(m.group().split()[-1])))
            elif after and after.split()[0].lower() not in lex.effect_of:
                pairs += _atoms_from(_skip_person(after), effect)
    return pairs


def _negated(text: str, start: int) -> bool:
    """ "does not cause memory loss" states the opposite effect; "not only reduces" does not."""
    before = [w.lower() for w in text[:start].split()[-_NEGATION_REACH:]]
    negations = _lexicon().words["negations"]
    return any(w in negations or w.endswith("n't") for w in before) and "only" not in before


def _opens_object(text: str, verb_end: int, start: int) -> bool:
    between = text[verb_end:start]
    return start >= verb_end and not _PUNCT.search(between) and len(between.split()) <= _MAX_LEAD_WORDS


def _verb_pairs(text: str, taken: list[tuple[int, int]]) -> list[tuple[str, str]]:
    lex = _lexicon()
    pairs: list[tuple[str, str]] = []
    for m in lex.enablers.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            pairs += _enabled(text[m.end() :])
    for m in lex.verbs.finditer(text):
        form = " ".join(m.group().lower().split())
        if any(s <= m.start() < e for s, e in taken) or _is_noun_use(text, m.start(), form):
            continue
        if lex.compounds.match(text, m.start()):
            continue  # "support groups", "control group": a noun, not a verb
        before = text[: m.start()].split()
        if before and before[-1].lower() in lex.effect_of and form.endswith("ing"):
            continue  # the object of the verb before it: "promotes healing"
        if before and before[-1].lower() in lex.words["be"] and lex.lemma_of.get(form) == form:
            continue  # an adjective after "is": "the office is open Monday", "the mind is calm"
        if _is_passive(text, m.start(), m.end(), form):
            pairs += _passive_pair(text, m.start(), lex.effect_of[form])
            continue
        if any(_opens_object(text, m.end(), s) for s, _ in taken):
            continue  # "produced large reductions in symptoms": the construction states the effect
        effect = f"does not {lex.lemma_of[form]}" if _negated(text, m.start()) else lex.effect_of[form]
        pairs += _atoms_from(_skip_person(text[m.end() :].lstrip()), effect)
    return pairs


def _subject_phrase(text: str, end: int) -> str:
    """The few words before `end` that can be a subject: "anxiety scores" in "... that anxiety scores"."""
    stops = _lexicon().boundaries | _lexicon().words["clause_openers"]
    words = text[:end].split()
    while words and (words[-1].lower() in _SUBJECT_ADVERBS or words[-1].lower().endswith("ly")):
        words.pop()  # "lymphatic conditions also respond well", "scores significantly decreased"
    before: list[str] = []
    for word in reversed(words[-_MAX_SUBJECT_WORDS:]):
        if word.lower().strip(",") in stops or word.endswith(","):
            break
        before.insert(0, word)
    return _clean_outcome(" ".join(before))


def _passive_pair(text: str, start: int, effect: str) -> list[tuple[str, str]]:
    """ "Cravings were significantly reduced": the outcome is the subject before the auxiliary."""
    aux = _AUXILIARY.search(text, 0, start)
    if aux is None or aux.end() < start - _MAX_ADVERB_CHARS:
        return []
    modal = _MODAL_BEFORE.search(text, 0, aux.start())  # "Symptoms can be reduced"
    outcome = _subject_phrase(text, modal.start() if modal else aux.start())
    return [(effect, outcome)] if outcome and outcome not in _lexicon().words["pronouns"] else []


def _change_pairs(text: str) -> list[tuple[str, str]]:
    """Outcome as subject of a change verb: "anxiety scores decreased in 79% of patients", or of a
    comparison: "the odds of relapse were significantly lower in the treated group"."""
    lex = _lexicon()
    pairs: list[tuple[str, str]] = []
    for m in lex.changes.finditer(text):
        outcome = _subject_phrase(text, m.start())
        if outcome and outcome not in lex.words["pronouns"]:
            pairs.append((lex.change_effect[" ".join(m.group(1).lower().split())], outcome))
    for m in _COMPARED.finditer(text):
        outcome = _subject_phrase(text, m.start())
        if outcome and outcome not in lex.words["pronouns"]:
            pairs.append((lex.comparatives[m.group(1).lower()], outcome))
    return pairs


def _compound_pairs(text: str) -> list[tuple[str, str]]:
    """An effect folded into a compound adjective: "cancer-fighting", "immune-boosting",
    "cholesterol-lowering" properties."""
    lex = _lexicon()
    pairs: list[tuple[str, str]] = []
    for m in _COMPOUND_EFFECT.finditer(text):
        effect = lex.effect_of.get(m.group(2).lower())
        if effect and m.group(1).lower() not in lex.words["stop"]:
            pairs.append((effect, m.group(1).lower()))
    return pairs


def _property_pairs(text: str) -> list[tuple[str, str]]:
    """What a thing is said to have: "its antiviral properties", "antioxidant, anti-inflammatory and
    anti-allergy activity", "regenerative and cytoprotective effects"."""
    lex = _lexicon()
    pairs: list[tuple[str, str]] = []
    for m in _PROPERTY_HEAD.finditer(text):
        before = text[: m.start()].split()
        items: list[list[str]] = [[]]
        for word in reversed(before[-_MAX_PROPERTY_WORDS:]):
            bare = word.strip(",").lower()
            if word.endswith(",") and items[-1]:
                items.append([])  # "antioxidant, anti-inflammatory": a new item
            if bare in ("and", "or"):
                if items[-1]:
                    items.append([])
                continue
            if (
                bare in lex.words["property_stops"]
                or bare in lex.effect_of
                or not bare.replace("-", "").isalpha()
            ):
                break
            items[-1].insert(0, bare)
        head = m.group(1).lower()
        for item in reversed(items):
            if item and len(item) <= _MAX_LIST_ITEM_WORDS - 1:
                pairs.append(("has", " ".join([*item, head])))
    return pairs


def _agent_pairs(text: str) -> list[tuple[str, str]]:
    """An effect told by an agent noun: "a natural pain reliever", "an NMDA receptor antagonist"."""
    lex = _lexicon()
    pairs: list[tuple[str, str]] = []
    for m in _AGENT.finditer(text):
        word = m.group(1).lower()
        if word in lex.words["stop"] or word in lex.words["pronouns"] or _ADJECTIVE.fullmatch(word):
            continue  # "an effective reducer", "a natural killer"
        pairs.append((_AGENT_EFFECT[m.group(2).lower()], word))
    return pairs


def extract_atoms(sentence: str, intervention: str, population: str | None = None) -> list[Atom]:
    """Atoms of one claim sentence about `intervention` (a cleaned surface name)."""
    if len(sentence) > MAX_SENTENCE_CHARS:
        return []
    label = _LABEL.match(sentence)
    text = sentence
    if label and label.group().split()[0].lower() not in _lexicon().effect_of:
        text = " " * label.end() + sentence[label.end() :]  # "Facilitated Psychotherapy: ..." is a title
    text = _without_asides(text)
    taken: list[tuple[int, int]] = []
    pairs = (
        _construction_pairs(text, taken, intervention)
        + _verb_pairs(text, taken)
        + _change_pairs(text)
        + _compound_pairs(text)
        + _agent_pairs(text)
        + _property_pairs(text)
    )
    first = text.split()[0].lower() if text.split() else ""
    if first in _lexicon().comparatives:  # a list item "Better sleep and less stress"
        pairs += _atoms_from(text, _lexicon().comparatives[first])
    population = population or find_population(text)
    subject = intervention.lower()
    atoms: list[Atom] = []
    seen: set[str] = set()
    for effect, outcome in pairs:
        if not outcome or outcome in seen or outcome == subject or outcome in subject:
            continue
        if outcome in _lexicon().words["not_outcomes"] or _QUALITY.fullmatch(outcome):
            continue  # "improved less": a degree, not what improved; "provides a rapid, ...": a quality
        seen.add(outcome)
        atoms.append(Atom(intervention=intervention, effect=effect, outcome=outcome, population=population))
    return atoms

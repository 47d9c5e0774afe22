"""English function words that carry no meaning when comparing names and titles; each user
adds the words its own comparison should ignore."""

FUNCTION_WORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "is", "its", "of", "on", "or",
     "the", "their", "to", "with"]
)  # fmt: skip

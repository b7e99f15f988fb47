"""Author-name normalisation (pure). The author-identity work extends this module."""

from common.text import collapse_spaces, normalize_key


def clean_display_name(name: str) -> str:
    """The name as we show it: whitespace collapsed, stray list punctuation trimmed."""
    return collapse_spaces(name).strip(" ,;·")


def name_key(name: str) -> str:
    """Exact-match key: ``Tatsunori B. Hashimoto`` -> ``tatsunori b hashimoto``."""
    return normalize_key(clean_display_name(name))

"""Country-name normalisation shared by the seed loader (which stores keys) and the lookups (which match them)."""

import re
import unicodedata


def name_key(name: str) -> str:
    """Fold case, accents, apostrophes, '&' and punctuation, so "Côte d\u2019Ivoire" and "cote d'ivoire" match."""
    text = unicodedata.normalize("NFKD", name.replace("\u2019", "'").replace("'", ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())

"""Search across the records, insensitive to Vietnamese diacritics and case. Importing the package registers the
listener that keeps every searched row's `search_key` up to date (keys.py)."""

from workflow.search.keys import fold
from workflow.search.query import KIND_LABELS, KINDS, MAX_LIMIT, Group, Hit, Results, search

__all__ = ["KINDS", "KIND_LABELS", "MAX_LIMIT", "Group", "Hit", "Results", "fold", "search"]

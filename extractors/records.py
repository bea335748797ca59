"""The extraction record types, re-exported for the extractors' own tests; their home is
records/documents.py (bump EXTRACTOR_VERSION there)."""

from records.documents import EXTRACTOR_VERSION, CodeLink, Document, Item, Metric, PaperRef

__all__ = ["EXTRACTOR_VERSION", "CodeLink", "Document", "Item", "Metric", "PaperRef"]

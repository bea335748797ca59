"""The record types that cross layers: frozen dataclasses, one module per stage, no behaviour beyond
derived properties.

A leaf package, like config/: it imports nothing of the project, so sources/, extractors/, storage/,
alerts/ and flows/ can all use it without importing each other.

    records.documents   Document, Item, PaperRef, CodeLink, Metric (extractors/ make them, storage/ saves
                        them); EXTRACTOR_VERSION, stamped on what storage/ saves
    records.arxiv       ArxivPaper, ArxivEntry (extractors/arxiv_entries.py makes them, storage/arxiv.py saves)
    records.facts       PaperFacts, MentionFact, MetricFact (storage/ledger.py loads them, alerts/ reads them)
    records.ledger      LedgerRow (a row of the delivery ledger)
    records.messages    Summary, Link, Alert (what alerts/ renders and sends)
"""

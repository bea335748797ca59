"""The frozen naive baseline of issue 16: what a user would write instead of Paper Radar. Do not improve it.

feedparser on each file, then three regexes over the raw text (arXiv ids, GitHub repositories, numbers with
% or x), no segmentation, no storage beyond counting. Streams: one file at a time.
`python -m benchmarks.naive FOLDER` reads every .xml, .html and .eml file under it and prints the counts.
"""

import json
import re
import sys
from pathlib import Path

import feedparser

ARXIV = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|arXiv:)(\d{4}\.\d{4,5})", re.I)
GITHUB = re.compile(r"github\.com/([\w.-]+/[\w.-]+)")
NUMBER = re.compile(r"\d+(?:\.\d+)?\s?(?:%|x\b)")


def scan(paths):
    counts = {"documents": 0, "papers": 0, "repos": 0, "numbers": 0}
    for path in paths:
        with open(path, "rb") as f:
            raw = f.read()
        feed = feedparser.parse(raw)
        texts = [" ".join(c.value for c in e.get("content", [])) or e.get("summary", "") for e in feed.entries]
        for text in texts or [raw.decode("utf-8", "replace")]:
            counts["documents"] += 1
            counts["papers"] += len(set(ARXIV.findall(text)))
            counts["repos"] += len(set(GITHUB.findall(text)))
            counts["numbers"] += len(NUMBER.findall(text))
    return counts


if __name__ == "__main__":
    print(json.dumps(scan(sorted(p for p in Path(sys.argv[1]).rglob("*") if p.suffix in (".xml", ".html", ".eml")))))

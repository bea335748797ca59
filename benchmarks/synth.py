"""Synthetic inputs for `python -m benchmarks`, in the shapes of the labelled dev corpus, scaled up.

Every generated issue is one of the dev corpus's documents (an English or Korean Substack feed entry, the
long-form web page, the email digest) with its identity made unique: the entry's GUID and link, the page's
canonical URL, the email's Message-ID, and every arXiv id and GitHub repository it names are rewritten per
issue (deterministically, from a seed), so that 10,000 issues are 10,000 documents about many different
papers, each the size and layout of a real one. Nothing else of the text changes: the extractor sees the
same sentences, tables and link cards as on the dev corpus.

- `write_archive(folder, issues, sources)`: newsletter archives on disk, one folder per source (feeds of
  `FEED_ENTRIES` entries per file, pages, emails: the corpus's mix), and a `radar.toml` naming them;
- `feeds(count, entries)`: feed files in memory, to be served with ETags by tests/httpserver.py;
- `arxiv_page(entries)`: an arXiv API Atom page (the export API's shape, as tests/arxiv_api.py serves it).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"
FEED_ENTRIES = 20  # entries per generated feed file (a Substack feed holds 20)

_ARXIV = re.compile(r"(?<![\d.])(\d{4})\.(\d{4,5})(?![\d])")
_GITHUB = re.compile(r"(github\.com/[A-Za-z0-9_.-]+/)([A-Za-z0-9_.-]+?)(?=[\"'<>)\s/?#]|\.git\b|$)")
_ITEM = re.compile(r"<item>.*?</item>", re.S)


@dataclass(frozen=True)
class Templates:
    """The dev corpus's documents, split where an issue's identity lives."""

    feed_head: dict[str, str]  # language -> the feed's channel header (before the first <item>)
    feed_items: dict[str, list[str]]  # language -> its <item> blocks
    page: str
    email: str

    @classmethod
    def load(cls, corpus: Path = CORPUS) -> Templates:
        head, items = {}, {}
        for lang in ("en", "ko"):
            text = (corpus / f"llmwatch_style_{lang}.xml").read_text(encoding="utf-8")
            head[lang] = text[: text.index("<item>")]
            items[lang] = _ITEM.findall(text)
        return cls(head, items, (corpus / "narrative_style.html").read_text(encoding="utf-8"),
                   (corpus / "plain_digest.eml").read_text(encoding="utf-8"))


def _unique(text: str, n: int, seed: int) -> str:
    """The text with its arXiv ids and GitHub repositories rewritten for issue `n` (same id -> same id)."""
    rng = random.Random(f"{seed}:{n}")
    ids: dict[str, str] = {}

    def paper(m: re.Match) -> str:
        old = m.group(0)
        if old not in ids:
            width = len(m.group(2))
            ids[old] = f"{m.group(1)}.{rng.randrange(10 ** (width - 1), 10 ** width):0{width}d}"
        return ids[old]

    text = _ARXIV.sub(paper, text)
    return _GITHUB.sub(lambda m: f"{m.group(1)}{m.group(2)}-{n}", text)


def feed_item(t: Templates, n: int, seed: int = 0) -> tuple[str, str]:
    """Issue `n` as a feed entry: (language, the <item> block)."""
    lang = "ko" if n % 3 == 2 else "en"
    items = t.feed_items[lang]
    item = items[n % len(items)]
    item = re.sub(r"(/p/[A-Za-z0-9-]+)", rf"\1-{n}", item)  # GUID and link: the entry's identity
    return lang, _unique(item, n, seed)


def page(t: Templates, n: int, seed: int = 0) -> str:
    return _unique(t.page.replace("/issues/118/", f"/issues/{n}/"), n, seed)


def email(t: Templates, n: int, seed: int = 0) -> str:
    return _unique(t.email.replace("<20250107073000.4f2a9c1e.", f"<20250107073000.{n:08x}."), n, seed)


def feed(t: Templates, lang: str, items: list[str]) -> bytes:
    return (t.feed_head[lang] + "\n".join(items) + "\n</channel>\n</rss>\n").encode("utf-8")


def feeds(count: int, entries: int, seed: int = 0, t: Templates | None = None) -> list[bytes]:
    """`count` feeds of `entries` entries each, every entry a distinct issue (English, or Korean every third)."""
    t = t or Templates.load()
    out = []
    for f in range(count):
        lang = "ko" if f % 3 == 2 else "en"
        items = []
        for e in range(entries):
            n = f * entries + e
            item = t.feed_items[lang][n % len(t.feed_items[lang])]
            items.append(_unique(re.sub(r"(/p/[A-Za-z0-9-]+)", rf"\1-{n}", item), n, seed))
        out.append(feed(t, lang, items))
    return out


def write_archive(folder: Path, issues: int, sources: int = 10, seed: int = 0) -> Path:
    """`issues` archived issues in `sources` source folders (feeds, pages and emails in the dev corpus's
    proportions: 3 feed entries to one page and one email), and the radar.toml that polls them. Returns the
    config's path; the database is `radar.duckdb` beside it."""
    t = Templates.load()
    folder.mkdir(parents=True, exist_ok=True)
    kinds = ["feed", "feed", "feed", "page", "email"]
    config = ['database = "radar.duckdb"\nlock_wait_seconds = 600\n']
    per_source: dict[int, dict[str, list]] = {s: {"feed": [], "page": [], "email": []} for s in range(sources)}
    for n in range(issues):
        per_source[(n // len(kinds)) % sources][kinds[n % len(kinds)]].append(n)
    for s, by_kind in per_source.items():
        for kind, numbers in by_kind.items():
            if not numbers:
                continue
            where = folder / f"s{s:02d}-{kind}"
            where.mkdir(exist_ok=True)
            if kind == "feed":
                by_lang: dict[str, list[str]] = {"en": [], "ko": []}
                for n in numbers:
                    lang, item = feed_item(t, n, seed)
                    by_lang[lang].append(item)
                for lang, items in by_lang.items():
                    for i in range(0, len(items), FEED_ENTRIES):
                        (where / f"{lang}-{i // FEED_ENTRIES:04d}.xml").write_bytes(
                            feed(t, lang, items[i:i + FEED_ENTRIES]))
            elif kind == "page":
                for n in numbers:
                    (where / f"issue-{n:06d}.html").write_text(page(t, n, seed), encoding="utf-8")
            else:
                for n in numbers:
                    (where / f"issue-{n:06d}.eml").write_text(email(t, n, seed), encoding="utf-8")
            config.append(f'[[sources]]\nname = "{where.name}"\nkind = "{kind}"\npath = "{where.name}"\n')
    path = folder / "radar.toml"
    path.write_text("\n".join(config), encoding="utf-8")
    return path


def archive_files(folder: Path) -> list[Path]:
    """The archive's document files (what the naive script reads), in order."""
    return sorted(p for p in folder.glob("s*-*/*") if p.suffix in (".xml", ".html", ".eml"))


def feed_config(folder: Path, urls: list[str], *, max_entries: int = 200) -> Path:
    """A radar.toml polling the served feeds `urls` into `radar.duckdb` beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ['database = "radar.duckdb"\nlock_wait_seconds = 600\n',
             f"[fetch]\nmax_entries_per_feed = {max_entries}\nretries = 0\n"]
    lines += [f'[[sources]]\nname = "feed{i:03d}"\nkind = "feed"\nurl = "{u}"\n' for i, u in enumerate(urls)]
    path = folder / "radar.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def arxiv_page(entries: int, start: int = 0, seed: int = 0) -> bytes:
    """One page of the arXiv API's Atom answer with `entries` entries (ids, versions, authors, categories,
    an abstract with a code link and a number, a DOI on some), newest first."""
    rng = random.Random(seed)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
           'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">',
           '<id>http://arxiv.org/api/query</id><title>arXiv Query</title>',
           f'<updated>2025-01-10T00:00:00-05:00</updated><opensearch:totalResults>{start + entries * 3}'
           f'</opensearch:totalResults><opensearch:startIndex>{start}</opensearch:startIndex>'
           f'<opensearch:itemsPerPage>{entries}</opensearch:itemsPerPage>']
    for i in range(entries):
        n = start + i
        pid, version = f"2501.{10000 + n:05d}", 1 + n % 3
        day = 28 - (n % 27)
        out.append(
            f'<entry><id>http://arxiv.org/abs/{pid}v{version}</id>'
            f'<updated>2025-01-{day:02d}T12:00:00Z</updated><published>2025-01-{day:02d}T10:00:00Z</published>'
            f'<title>Sparse Mixture Routing at Scale, Part {n}</title>'
            f'<summary>We study routing in sparse mixtures of experts. Our method reaches '
            f'{50 + rng.random() * 40:.1f}% on MMLU and decodes {1 + rng.random() * 5:.1f}x faster than the '
            f'dense baseline with {rng.choice([1.3, 7, 13, 70])}B parameters. Code: '
            f'https://github.com/example-lab/routing-{n}</summary>'
            f'<author><name>Ada Researcher</name></author><author><name>Grace Coder {n}</name></author>'
            + (f'<arxiv:doi>10.1000/example.{n}</arxiv:doi>' if n % 4 == 0 else '')
            + f'<link href="http://arxiv.org/abs/{pid}v{version}" rel="alternate" type="text/html"/>'
            f'<link title="pdf" href="http://arxiv.org/pdf/{pid}v{version}" rel="related" type="application/pdf"/>'
            f'<arxiv:primary_category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>'
            f'<category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>'
            f'<category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/></entry>')
    out.append("</feed>\n")
    return "\n".join(out).encode("utf-8")

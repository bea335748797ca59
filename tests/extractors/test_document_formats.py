"""Document formats beyond RSS/Atom and single-part mail: JSON Feed, messages enclosed in a message (MIME
digests, forwards as attachments), and charset labels whose bytes are a superset encoding."""

from __future__ import annotations

import json

import pytest

from extractors import ParseError, extract_items, parse_document_bytes, parse_feed_entries
from extractors.documents import sniff_kind, superset_charset


def _json_feed(version: str, *items: dict) -> bytes:
    return json.dumps({"version": f"https://jsonfeed.org/version/{version}", "title": "F", "items": list(items)},
                      ensure_ascii=False).encode()


def _papers(docs: list) -> list[list[str]]:
    return [[p.arxiv_id for it in extract_items(d) for p in it.papers] for d in docs]


@pytest.mark.parametrize(
    ("item", "body_type", "papers"),
    [
        # an HTML item: its papers are read from content_html
        ({"id": "1", "url": "https://n.example/1", "title": "Week 3",
          "content_html": "<h3>Mamba</h3><p>Selective state spaces (<a href='https://arxiv.org/abs/2312.00752'>paper"
                          "</a>), 5x the throughput of a Transformer.</p>"}, "html", ["2312.00752"]),
        # a text-only item: arXiv ids written out in the text
        ({"id": "2", "title": "Notes", "content_text": "RWKV (arXiv:2305.13048) scales an RNN to 14B parameters."},
         "text", ["2305.13048"]),
        # a link post: the paper is only the item's external_url
        ({"id": "3", "url": "https://n.example/3", "external_url": "https://arxiv.org/abs/2106.09685",
          "title": "Link: LoRA", "content_text": "Still the adapter everyone uses."}, "text", ["2106.09685"]),
        # a link post with HTML content and a summary, JSON Feed 1.0
        ({"id": "4", "external_url": "https://huggingface.co/papers/2305.14314", "title": "QLoRA",
          "content_html": "<p>Fine-tune a 65B model on one 48GB GPU.</p>"}, "html", ["2305.14314"]),
    ],
)
def test_a_json_feed_item_is_a_document_of_its_content(item: dict, body_type: str, papers: list[str]) -> None:
    content = _json_feed("1.1" if item["id"] != "4" else "1", item)
    assert sniff_kind(content, "https://n.example/feed.json") == "feed"
    docs = parse_document_bytes(content, "https://n.example/feed.json")
    assert [(d.key, d.title, d.body_type) for d in docs] == [(item["id"], item["title"], body_type)]
    assert _papers(docs) == [papers]


def test_a_json_feed_keeps_every_item_and_reads_dates_and_authors() -> None:
    content = _json_feed("1.1",
                         {"id": "a", "title": "One", "content_text": "x", "date_published": "2024-06-14T08:00:00+01:00",
                          "authors": [{"name": "Ines"}]},
                         {"id": "b", "title": "Two", "content_html": "<p>y</p>"})
    entries = parse_feed_entries(content, "https://n.example/feed.json")
    assert [d.key for d in entries.documents] == ["a", "b"]
    first = entries.documents[0]
    assert (first.author, first.published.isoformat()) == ("Ines", "2024-06-14T07:00:00+00:00")


def test_a_broken_json_feed_is_an_error_naming_it() -> None:
    with pytest.raises(ParseError, match="feed.json"):
        parse_feed_entries(b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "https://n.example/feed.json")


def _post(subject: str, body: str, msg_id: str) -> str:
    return (f"From: a@example.edu\nSubject: {subject}\nMessage-ID: <{msg_id}>\nContent-Type: text/plain; "
            f"charset=utf-8\n\n{body}\n")


DIGEST = (
    "From: list-request@example.edu\nSubject: List Digest, Vol 1, Issue 2\nMessage-ID: <digest@x>\nMIME-Version: 1.0\n"
    'Content-Type: multipart/mixed; boundary="OUT"\n\n--OUT\nContent-Type: text/plain\n\nToday\'s Topics:\n  1. A\n'
    '  2. B\n\n--OUT\nContent-Type: multipart/digest; boundary="DIG"\n\n--DIG\n\n'
    + _post("A", "Read Voyager, https://arxiv.org/abs/2305.16291 , 3.3x more items.", "a@x")
    + "\n--DIG\nContent-Type: message/rfc822\n\n"
    + _post("B", "And Eureka (arXiv:2310.12931): better rewards on 83% of tasks.", "b@x")
    + "\n--DIG--\n\n--OUT--\n"
)
FORWARD = (
    "From: me@example.org\nSubject: Fwd: this week\nMessage-ID: <fwd@x>\nMIME-Version: 1.0\n"
    'Content-Type: multipart/mixed; boundary="M"\n\n--M\nContent-Type: text/plain\n\nSee the attached issue.\n\n'
    "--M\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename=issue.eml\n\n"
    + _post("Issue 9", "Paper of the week: Self-RAG, arxiv.org/abs/2310.11511", "issue9@x") + "\n--M--\n"
)
NESTED = (
    "From: x@example.org\nSubject: outer\nMIME-Version: 1.0\n"
    'Content-Type: multipart/digest; boundary="D1"\n\n--D1\n\n'
    'From: y@example.org\nSubject: inner digest\nMIME-Version: 1.0\nContent-Type: multipart/digest; boundary="D2"\n\n'
    "--D2\n\n" + _post("deep", "We read ColBERTv2 (arXiv:2112.01488) this week.", "deep@x") + "\n--D2--\n\n--D1--\n"
)


@pytest.mark.parametrize(
    ("raw", "titles", "papers"),
    [
        (DIGEST, ["List Digest, Vol 1, Issue 2", "A", "B"], [[], ["2305.16291"], ["2310.12931"]]),
        (FORWARD, ["Fwd: this week", "Issue 9"], [[], ["2310.11511"]]),
        (NESTED, ["deep"], [["2112.01488"]]),
    ],
)
def test_every_enclosed_message_is_a_document(raw: str, titles: list[str], papers: list[list[str]]) -> None:
    docs = parse_document_bytes(raw.encode(), "digest.eml")
    assert [d.title for d in docs] == titles
    assert _papers(docs) == papers
    assert len({d.key for d in docs}) == len(docs)


def test_an_enclosed_message_without_a_message_id_is_keyed_by_its_place() -> None:
    raw = DIGEST.replace("Message-ID: <a@x>\n", "")
    keys = [d.key for d in parse_document_bytes(raw.encode(), "digest.eml")]
    assert keys == ["digest@x", "digest@x#1", "b@x"]


@pytest.mark.parametrize(
    ("label", "text", "codec"),
    [
        ("ks_c_5601-1987", "점심은 똠양꿍, 파라미터 70억 개", "cp949"),  # Outlook's label for CP949
        ("euc-kr", "쌰 소리와 함께 토큰 2조 개", "cp949"),
        ("gb2312", "参数量为70亿，镕", "gb18030"),  # 镕 is GBK, not GB2312
        ("iso-8859-1", "a 2.5\u20ac fee \u2013 not a metric", "cp1252"),  # euro sign and en dash are Windows-1252
        ("shift_jis", "①パラメータ70億", "cp932"),  # circled digits are CP932 only
    ],
)
def test_a_charset_label_is_read_as_its_superset(label: str, text: str, codec: str) -> None:
    assert superset_charset(label.upper()) == codec
    assert text.encode(codec).decode(label, errors="replace") != text  # the label's own codec misreads it
    mail = (f"From: a@b\nSubject: s\nMIME-Version: 1.0\nContent-Type: text/plain; charset={label}\n"
            "Content-Transfer-Encoding: 8bit\n\n").encode() + text.encode(codec)
    assert parse_document_bytes(mail, "m.eml")[0].body.strip() == text
    page = f'<html><head><meta charset="{label}"></head><body><p>{text}</p></body></html>'.encode(codec)
    assert text in parse_document_bytes(page, "p.html")[0].body


def _rss(description: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>Issue</title>'
            f"<link>https://x.example/i</link><description>{description}</description></item></channel></rss>").encode()


@pytest.mark.parametrize(
    "description",
    [
        "&amp;lt;h2&amp;gt;Mamba&amp;lt;/h2&amp;gt;&amp;lt;p&amp;gt;5x throughput. &amp;lt;a href=\"https://arxiv.org/"
        "abs/2312.00752\"&amp;gt;paper&amp;lt;/a&amp;gt;&amp;lt;/p&amp;gt;",
        "&amp;lt;p&amp;gt;&amp;lt;strong&amp;gt;Mamba&amp;lt;/strong&amp;gt; (&amp;lt;a href='https://arxiv.org/abs/"
        "2312.00752'&amp;gt;arXiv&amp;lt;/a&amp;gt;) gets 5x throughput.&amp;lt;/p&amp;gt;",
        "<![CDATA[&lt;div&gt;&lt;h3&gt;Mamba&lt;/h3&gt;&lt;br/&gt;5x throughput &lt;a href=\"https://arxiv.org/abs/"
        "2312.00752\"&gt;link&lt;/a&gt;&lt;/div&gt;]]>",
    ],
)
def test_html_a_feed_escaped_twice_is_read_as_html(description: str) -> None:
    doc = parse_document_bytes(_rss(description), "f.xml")[0]
    assert "<a href" in doc.body
    items = extract_items(doc)
    assert [(p.arxiv_id, [m.value for m in it.metrics]) for it in items for p in it.papers] == [("2312.00752", [5.0])]


def test_text_that_only_mentions_a_tag_is_not_unescaped() -> None:
    doc = parse_document_bytes(_rss("Use &amp;lt;br&amp;gt; with care; see &lt;b&gt;this&lt;/b&gt; post."), "f.xml")[0]
    assert "<b>this</b>" in doc.body and "&lt;br&gt;" in doc.body


@pytest.mark.parametrize(
    "description",
    [
        "<![CDATA[Today\n\n1. Mamba\nhttps://arxiv.org/abs/2312.00752\n5x throughput.\n\n2. RWKV\n"
        "https://arxiv.org/abs/2305.13048\nScales to 14B parameters.\n]]>",
        "Mamba: https://arxiv.org/abs/2312.00752\nIt reaches 5x the throughput.\n\nRWKV: "
        "https://arxiv.org/abs/2305.13048\nIt scales to 14B parameters.",
        "* Mamba (arXiv:2312.00752): 5x throughput\n* RWKV (arXiv:2305.13048): 14B parameters",
    ],
)
def test_a_description_in_lines_without_markup_is_read_as_text(description: str) -> None:
    doc = parse_document_bytes(_rss(description), "f.xml")[0]
    assert doc.body_type == "text"
    got = [([p.arxiv_id for p in it.papers], [m.value for m in it.metrics]) for it in extract_items(doc)]
    assert got == [(["2312.00752"], [5.0]), (["2305.13048"], [14e9])]


def test_a_one_line_description_without_markup_stays_html() -> None:
    assert parse_document_bytes(_rss("Mamba https://arxiv.org/abs/2312.00752 5x"), "f.xml")[0].body_type == "html"


@pytest.mark.parametrize(
    "separator",
    ["From news@a.example Mon Jan  1 00:00:00 2024", "From MAILER-DAEMON Fri Jul  5 10:12:55 2024",
     "From x@y.example Tue Feb 13 08:00:01 +0000 2024"],
)
def test_each_message_of_an_mbox_file_is_a_document(separator: str) -> None:
    box = "".join(f"{separator}\n" + _post(f"Issue {n}", f"Read arXiv:{pid} this week.", f"m{n}@x") + "\n"
                  for n, pid in ((1, "2312.00752"), (2, "2305.13048")))
    docs = parse_document_bytes(box.encode(), "saved.mbox")
    assert [d.title for d in docs] == ["Issue 1", "Issue 2"]
    assert _papers(docs) == [["2312.00752"], ["2305.13048"]]


def test_a_from_line_inside_a_body_does_not_split_the_message() -> None:
    mail = "From a@b.example Mon Jan  1 00:00:00 2024\n" + _post("One", "From the desk: arXiv:2312.00752", "one@x")
    assert [d.title for d in parse_document_bytes(mail.encode(), "one.mbox")] == ["One"]

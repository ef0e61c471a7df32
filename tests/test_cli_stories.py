"""``reader list`` and ``reader show`` speak stories: the "story" field and ``--group story``."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from reader.cli import main

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FULL = "000_64786d9bbd4dc9c0.txt"
SEED_BODY_ONLY = "002_ec8b9ffde03f3ad4.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(folder: Path, name: str, title: str, *, when: str, source: str,
          url: str = "", related: str = "", published: bool = False) -> Path:
    lines = ["---", f'title: "{title}"', f"publishedDateTime: {when}",
             f"published: {'true' if published else 'false'}",
             f"provider:\n  name: {source}\n  domain: {source.lower()}.com"]
    if url:
        lines.append(f'webUrl: "{url}"')
    if related:
        lines.append(f'related:\n  - title: "Coverage"\n    webUrl: "{related}"')
    lines += ["---", "Body.\n"]
    path = folder / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def news(tmp_path: Path) -> Path:
    write(tmp_path, "a.md", "Wagner chief Prigozhin listed as passenger on crashed plane",
          when="2023-08-23T18:00:00Z", source="Reuters", url="https://reuters.com/prigozhin")
    write(tmp_path, "b.md", "Prigozhin on board plane that crashed near Moscow, Russia says",
          when="2023-08-23T19:00:00Z", source="BBC", published=True)
    write(tmp_path, "c.md", "Unrelated words entirely about gardening",
          when="2023-08-24T08:00:00Z", source="AP", related="https://www.reuters.com/prigozhin/")
    write(tmp_path, "d.md", "Spain beat England to win the Women's World Cup final",
          when="2023-08-20T12:00:00Z", source="ESPN")
    return tmp_path


def lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_the_seeds_share_one_story_in_list_json(capsys):
    code, out, _err = run(capsys, "list", os.fspath(SEEDS), "--json")
    assert code == 0
    assert {row["id"]: row["story"] for row in lines(out)} == {
        SEED_FULL: SEED_FULL, SEED_BODY_ONLY: SEED_FULL,
    }


def test_every_list_line_has_its_story_cold_and_warm(news, capsys):
    cold = lines(run(capsys, "list", os.fspath(news), "--json")[1])
    warm = lines(run(capsys, "list", os.fspath(news), "--json")[1])
    assert cold == warm
    stories = {row["id"]: row["story"] for row in cold}
    assert stories == {"a.md": "a.md", "b.md": "a.md", "c.md": "a.md", "d.md": "d.md"}


def test_a_new_file_joins_its_story_on_the_warm_path(news, capsys):
    run(capsys, "list", os.fspath(news), "--json")
    write(news, "0.md", "Plane carrying Wagner chief Prigozhin crashes near Moscow",
          when="2023-08-23T18:30:00Z", source="AP")
    stories = {row["id"]: row["story"] for row in lines(run(capsys, "list", os.fspath(news),
                                                            "--json")[1])}
    assert stories["a.md"] == stories["b.md"] == stories["0.md"] == "0.md"
    assert stories["d.md"] == "d.md"
    (news / "0.md").unlink()
    stories = {row["id"]: row["story"] for row in lines(run(capsys, "list", os.fspath(news),
                                                            "--json")[1])}
    assert stories == {"a.md": "a.md", "b.md": "a.md", "c.md": "a.md", "d.md": "d.md"}


def test_the_full_path_and_the_fast_path_agree_on_stories(news, capsys):
    fast = lines(run(capsys, "list", os.fspath(news), "--json")[1])
    full = lines(run(capsys, "list", os.fspath(news), "--json", "--sort", "title")[1])
    assert sorted(fast, key=lambda r: r["id"]) == sorted(full, key=lambda r: r["id"])


def test_group_story_json(news, capsys):
    code, out, _err = run(capsys, "list", os.fspath(news), "--group", "story", "--json")
    assert code == 0
    records = lines(out)
    assert [r["story"] for r in records] == ["a.md", "d.md"]  # newest story first
    story = records[0]
    assert set(story) == {"story", "headline", "articles", "outlets", "published", "newest"}
    assert sorted(story["articles"]) == ["a.md", "b.md", "c.md"]
    assert sorted(story["outlets"]) == ["AP", "BBC", "Reuters"]
    assert story["published"] == 1
    assert story["headline"] == "Wagner chief Prigozhin listed as passenger on crashed plane"
    assert story["newest"].startswith("2023-08-24T08:00")


def test_state_selects_articles_before_grouping(news, capsys):
    out = run(capsys, "list", os.fspath(news), "--group", "story", "--json",
              "--state", "unpublished")[1]
    records = {r["story"]: r for r in lines(out)}
    assert sorted(records["a.md"]["articles"]) == ["a.md", "c.md"]
    assert records["a.md"]["published"] == 0


def test_search_selects_articles_before_grouping(news, capsys):
    out = run(capsys, "list", os.fspath(news), "--group", "story", "--json",
              "--search", "Moscow")[1]
    assert [(r["story"], r["articles"]) for r in lines(out)] == [("a.md", ["b.md"])]


def test_group_story_table(news, capsys):
    code, out, _err = run(capsys, "list", os.fspath(news), "--group", "story")
    assert code == 0
    header, first, second = out.splitlines()
    assert header.split() == ["NEWEST", "ARTICLES", "PUBLISHED", "OUTLETS", "HEADLINE"]
    assert first.split()[:3] == ["2023-08-24", "3", "1"]
    assert "Wagner chief Prigozhin" in first
    assert second.split()[:3] == ["2023-08-20", "1", "0"]


def test_show_json_names_the_story_and_its_articles(news, capsys):
    code, out, _err = run(capsys, "show", os.fspath(news), "c.md", "--json")
    assert code == 0
    assert json.loads(out)["story"] == {"id": "a.md", "articles": ["a.md", "b.md", "c.md"]}
    out = run(capsys, "show", os.fspath(news), "d.md", "--json")[1]
    assert json.loads(out)["story"] == {"id": "d.md", "articles": ["d.md"]}


def test_a_warm_run_groups_exactly_as_the_cold_run(tmp_path, capsys):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    cold = run(capsys, "list", os.fspath(folder), "--group", "story", "--json")[1]
    warm = run(capsys, "list", os.fspath(folder), "--group", "story", "--json")[1]
    assert cold == warm
    assert len(lines(cold)) == 1


def change_the_news(news: Path) -> None:
    """A new Prigozhin article (0.md), d.md deleted, c.md rewritten about the World Cup."""
    write(news, "0.md", "Plane carrying Wagner chief Prigozhin crashes near Moscow",
          when="2023-08-23T18:30:00Z", source="AP")
    (news / "d.md").unlink()
    write(news, "c.md", "Spain beat England to win the Women's World Cup final",
          when="2023-08-20T12:00:00Z", source="ESPN")


def test_live_stories_follow_changes_as_a_cold_run_would(news):
    from reader.index.cache import IndexCache
    from reader.index.loader import LiveStories, folder_stories
    from reader.index.scan import scan_folder_report

    live = LiveStories(news)
    assert live.refresh()["b.md"] == "a.md"
    change_the_news(news)
    stories = live.refresh()
    assert stories["a.md"] == stories["b.md"] == stories["0.md"] == "0.md"
    assert "d.md" not in stories
    cold_cache = IndexCache.in_memory()
    assert stories == folder_stories(news, scan_folder_report(news).files, cold_cache)


def test_live_stories_told_which_files_changed_look_at_those_alone(news):
    from reader.index.cache import IndexCache
    from reader.index.loader import LiveStories, folder_stories
    from reader.index.scan import scan_folder_report

    live = LiveStories(news)
    assert live.refresh()["b.md"] == "a.md"
    change_the_news(news)  # c.md changes too, but is not named: not announced yet, say
    stories = live.refresh(["0.md", "d.md"])
    assert stories["a.md"] == stories["b.md"] == stories["0.md"] == stories["c.md"] == "0.md"
    assert "d.md" not in stories
    assert live.refresh(["d.md", "0.md"]) == stories  # nothing new in them: nothing moves
    stories = live.refresh(["c.md"])
    assert stories["c.md"] == "c.md"
    cold_cache = IndexCache.in_memory()
    assert stories == folder_stories(news, scan_folder_report(news).files, cold_cache)
    assert live.refresh() == stories  # a whole scan finds nothing else


def test_live_stories_keep_the_grouper_of_a_cold_answer_for_the_first_change(news,
                                                                            monkeypatch):
    """At 100,000 articles the first change after a cold grouping waited 5.6-6.4 s for a
    grouper to be built again from every stored row."""
    from reader.index.cache import IndexCache
    from reader.index.loader import LiveStories

    live = LiveStories(news)
    assert live.refresh()["c.md"] == "a.md"

    def refused(*_args, **_kwargs):
        raise AssertionError("the first change read every stored row")

    monkeypatch.setattr(IndexCache, "story_features", refused)
    write(news, "e.md", "Wagner chief Prigozhin plane crash: what we know",
          when="2023-08-23T20:00:00Z", source="Guardian")
    assert live.refresh(["e.md"])["e.md"] == "a.md"


def test_live_stories_answer_afresh_when_preparing_for_changes_failed(news, monkeypatch):
    import reader.domain.stories as stories_module
    from reader.index.loader import LiveStories

    live = LiveStories(news)
    real = stories_module.StoryGrouper.prepare_for_updates
    monkeypatch.setattr(stories_module.StoryGrouper, "prepare_for_updates",
                        lambda _self: (_ for _ in ()).throw(MemoryError()))
    first = live.refresh()
    live._wait_until_prepared()
    monkeypatch.setattr(stories_module.StoryGrouper, "prepare_for_updates", real)
    assert live.refresh() == first
    change_the_news(news)
    stories = live.refresh(["0.md", "c.md", "d.md"])
    assert stories["b.md"] == stories["0.md"] == "0.md" and "d.md" not in stories


@pytest.mark.parametrize("argv", [("--json",), ("--group", "story", "--json")])
def test_an_edit_that_leaves_story_features_alone_groups_nothing(news, capsys, monkeypatch,
                                                                  argv):
    import reader.domain.stories as stories_module

    before = lines(run(capsys, "list", os.fspath(news), *argv)[1])
    calls: list[int] = []
    real_update = stories_module.StoryGrouper.update

    def counted(self, *args, **kwargs):  # group() and a prepared grouper both come here
        calls.append(1)
        return real_update(self, *args, **kwargs)

    monkeypatch.setattr(stories_module.StoryGrouper, "update", counted)
    write(news, "b.md", "Prigozhin on board plane that crashed near Moscow, Russia says",
          when="2023-08-23T19:00:00Z", source="BBC", published=False)  # was published
    after = lines(run(capsys, "list", os.fspath(news), *argv)[1])
    assert calls == []
    assert [row["story"] for row in after] == [row["story"] for row in before]
    write(news, "b.md", "Spain beat England to win the Women's World Cup final again",
          when="2023-08-20T13:00:00Z", source="BBC")  # a new title: grouped again
    moved = {row["id"]: row["story"] for row in lines(run(capsys, "list", os.fspath(news),
                                                          "--json")[1])}
    assert calls == [1]
    assert moved == {"a.md": "a.md", "b.md": "b.md", "c.md": "a.md", "d.md": "b.md"}


def test_files_written_again_unchanged_read_only_their_own_stored_features(
    news, capsys, monkeypatch
):
    """A warm start after a tool rewrote files as they were compares those files'
    features alone: reading and decoding every stored row first cost 2.2 s and ~450 MB
    in the grouping process at 100,000 articles."""
    import reader.domain.stories as stories_module
    from reader.index.cache import IndexCache
    from reader.index.loader import folder_stories
    from reader.index.scan import scan_folder_report

    before = {row["id"]: row["story"] for row in lines(run(capsys, "list", os.fspath(news),
                                                           "--json")[1])}
    for name in ("b.md", "d.md"):
        path = news / name
        path.write_bytes(path.read_bytes())
        status = path.stat()
        os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 5_000_000_000))
    asked: list[list[str] | None] = []
    real = IndexCache.story_features

    def spied(self, ids=None):
        asked.append(None if ids is None else sorted(ids))
        return real(self, ids)

    def never(self, *args, **kwargs):
        raise AssertionError("nothing changed that grouping reads: no regroup")

    monkeypatch.setattr(IndexCache, "story_features", spied)
    monkeypatch.setattr(stories_module.StoryGrouper, "update", never)
    cache = IndexCache.open(news)
    try:
        stories = folder_stories(news, scan_folder_report(news).files, cache)
    finally:
        cache.close()

    assert asked == [["b.md", "d.md"]]
    assert stories == before


def _made_up_headlines(path: Path) -> Path:
    """A tiny CSV shaped like ../shared/stories/headlines-tune.csv, with invented rows."""
    rows = [
        ("Zephyr Motors recalls 40,000 Quillon sedans over brakes", "zephyr-1", "b", "s1"),
        ("Quillon sedan recall: Zephyr Motors cites brake fault", "zephyr-2", "b", "s1"),
        ("Zephyr Motors Quillon recall widens", "zephyr-3", "b", "s1"),
        ("Orla Venn wins the Marwick piano prize", "venn-1", "e", "s2"),
        ("Marwick prize goes to pianist Orla Venn", "venn-2", "e", "s2"),
    ]
    lines = ["title,url,publisher,category,story"]
    lines += [f'"{t}",https://news.example/{u},Example News,{c},{s}' for t, u, c, s in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_real_headline_evaluation_reads_stories_as_the_judge_does(tmp_path):
    from reader.bench.stories_eval import bcubed, listed_stories, write_headline_folder

    csv_path = _made_up_headlines(tmp_path / "headlines.csv")
    gold = write_headline_folder(csv_path, tmp_path / "folder")
    assert len(gold) == 5
    text = (tmp_path / "folder" / sorted(gold)[0]).read_text(encoding="utf-8")
    for key in ("title:", "publishedDateTime: 2014-03-1", "originalUrl:", "category: b",
                "provider:\n  name: \"Example News\""):
        assert key in text
    predicted, _seconds = listed_stories(tmp_path / "folder")
    assert bcubed(predicted, gold).f1 == 1.0
    # The benchmark's grouping-off baseline: every article is its own story.
    alone, _seconds = listed_stories(tmp_path / "folder", stories=False)
    assert alone == {article_id: article_id for article_id in gold}


def test_switched_off_a_list_makes_no_story_features_and_no_stories(news, capsys, monkeypatch):
    """``READER_STORIES=off`` is the benchmark's baseline of a list without stories: not
    one without clustering only, whose parsers still made every file's features."""
    import reader.domain.stories as stories_module
    from reader.index.cache import IndexCache

    def never(*args, **kwargs):
        raise AssertionError("no story features when stories are off")

    monkeypatch.setenv("READER_STORIES", "off")
    monkeypatch.setattr(stories_module, "features_from_summary", never)
    code, out, _err = run(capsys, "list", os.fspath(news), "--json")

    assert code == 0
    assert {row["id"]: row["story"] for row in lines(out)} == {
        name: name for name in ("a.md", "b.md", "c.md", "d.md")
    }
    cache = IndexCache.open(news)
    try:
        assert cache.story_features() == {}
    finally:
        cache.close()
    monkeypatch.delenv("READER_STORIES")
    monkeypatch.undo()
    rows = lines(run(capsys, "list", os.fspath(news), "--json")[1])  # on again: grouped
    assert {row["id"]: row["story"] for row in rows}["c.md"] == "a.md"

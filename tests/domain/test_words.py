from reader.domain.words import counted, plural


def test_one_takes_the_singular_and_every_other_count_the_plural() -> None:
    assert [counted(n, "error") for n in (0, 1, 2)] == ["0 errors", "1 error", "2 errors"]
    assert counted(1, "story", "stories") == "1 story"
    assert counted(3, "story", "stories") == "3 stories"
    assert counted(12_345, "file") == "12,345 files"
    assert plural(1, "article") == "article"
    assert plural(-1, "article") == "articles"

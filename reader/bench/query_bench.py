"""The search language's benchmark rows (issue 13), measured in a process of their own.

``python -m reader.bench.query_bench FOLDER`` loads the folder's summaries (through the
index cache, untimed), then times, in process and with ``time.perf_counter``:

* parsing queries (the median of many parses of each, the slowest query reported);
* the first metadata query, which folds every article's search text once;
* a metadata query on every article afterwards (the per-keystroke cost);
* one body word looked up in the index (SQLite ``instr`` over the folded bodies);
* a keystroke with a body word: the body lookup plus judging every article.

It prints one JSON object; :mod:`reader.bench.measure` adds its values as table rows.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

QUERY_ROWS: tuple[tuple[str, str, float | None], ...] = (
    ("query_parse", "search: parse a query (slowest of 6)", 0.001),
    ("query_first", "search: first query, folding every article once", None),
    ("query_eval", "search: metadata query, judge every article", 0.05),
    ("query_body", "search: one body word, index scan", None),
    ("query_keystroke_body", "search: body word, lookup + judge every article", 0.3),
)
"""(key, label, target in seconds or None), in table order."""

QUERIES = (
    "cafe",
    "is:unpublished topic:ai quality:>40 date:>=2023-01-01",
    '(strike OR "machine learning") -source:reuters',
    "title:netflix OR excerpt:netflix heat:10..200",
    "date:2023-07 has:images -is:problem",
    'NOT (topic:"Artificial Intelligence" OR category:business) quality:<=60',
)
METADATA_QUERY = "is:unpublished topic:ai quality:>40 date:>=2023-01-01"
BODY_WORD = "strike"


def _time(action: object, times: int = 1) -> float:
    """The median wall-clock seconds of ``times`` calls of ``action``."""
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(root: Path) -> dict[str, float]:
    from reader.domain.query import FoldedCache
    from reader.domain.query import parse as parse_query
    from reader.index.cache import IndexCache
    from reader.index.loader import load_folder

    cache = IndexCache.open(root)
    try:
        summaries = list(load_folder(root, cache=cache).articles.values())
        parse_s = max(_time(lambda q=query: parse_query(q), 200) for query in QUERIES)
        folded = FoldedCache()
        metadata = parse_query(METADATA_QUERY)
        first_s = _time(lambda: metadata.verdicts(summaries, None, folded))
        eval_s = _time(lambda: metadata.verdicts(summaries, None, folded), 5)
        body_s = _time(lambda: cache.search_bodies(BODY_WORD), 3)
        word = parse_query(f"{BODY_WORD} is:unpublished")

        def keystroke() -> None:
            body = {needle: cache.search_bodies(needle) for needle in word.body_terms}
            word.verdicts(summaries, body, folded)

        keystroke_s = _time(keystroke, 3)
    finally:
        cache.close()
    return {
        "query_parse": parse_s,
        "query_first": first_s,
        "query_eval": eval_s,
        "query_body": body_s,
        "query_keystroke_body": keystroke_s,
        "articles": float(len(summaries)),
    }


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]))))

"""How well Reader view finds an article's text: saved pages against their marked text.

``python -m reader.bench.original_eval`` (or ``python -m reader.bench --originals``)
serves the pages under ``reader/bench/original_pages/`` (ten layouts written for this:
a local TV station's WordPress page, a broadsheet with an inline newsletter box, a
public broadcaster's block components, a wire service, a news agency with ad labels, a
tech review with inline figures and related cards, a local paper with comments and a
cookie banner, an AMP page, a newsletter post and an old table-and-``<br>`` site in
ISO-8859-1) from a local HTTP server, writes a folder with one article per page whose
``originalUrl`` points there, and reads each through ``reader show FOLDER ID --original
--json --refresh`` in its own process, as the issue's judge does.  Each page's
``NAME.expected.txt`` holds the text a person marks as the article.

The score is the one public extraction benchmarks use: the texts as lower-case word
tokens, cut into 4-token shingles; precision is the share of the extracted shingles that
are in the marked text, recall the share of the marked shingles that were extracted.
Beside reader's own path, the same HTML goes in-process through trafilatura's defaults
and, when installed, readability-lxml, newspaper4k and goose3 (none of them is a reader
dependency: ``uv pip install`` them into a scratch environment to compare).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).resolve().parent / "original_pages"
SHINGLE = 4
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def score(extracted: str, expected: str) -> Score:
    got, want = shingles(extracted), shingles(expected)
    if not got or not want:
        return Score(0.0, 0.0)
    common = len(got & want)
    return Score(common / len(got), common / len(want))


def page_names() -> list[str]:
    return sorted(path.stem for path in PAGES.glob("*.html"))


@contextmanager
def serving(directory: Path) -> Iterator[str]:
    """A local HTTP server for ``directory``; yields its base URL."""

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def write_folder(folder: Path, base_url: str, names: list[str]) -> None:
    for name in names:
        (folder / f"{name}.md").write_text(
            f'---\ntitle: "{name}"\noriginalUrl: "{base_url}/{name}.html"\n---\n',
            encoding="utf-8",
        )


def reader_cli(folder: Path, name: str, cache_home: Path) -> tuple[str, float]:
    """The text ``reader show --original --json`` gives, and its wall time."""
    env = {"XDG_CACHE_HOME": str(cache_home), "PATH": "/usr/bin:/bin"}
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "reader",
            "show",
            str(folder),
            f"{name}.md",
            "--original",
            "--json",
            "--refresh",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        print(f"  {name}: exit {done.returncode}: {done.stderr.strip()}", file=sys.stderr)
        return "", elapsed
    return json.loads(done.stdout)["text"], elapsed


def _trafilatura_defaults(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def _readability(html: str) -> str:
    from lxml import html as lxml_html
    from readability import Document

    return lxml_html.fromstring(Document(html).summary()).text_content()


def _newspaper(html: str) -> str:
    import newspaper

    article = newspaper.Article("http://127.0.0.1/")
    article.download(input_html=html)
    article.parse()
    return article.text


def _goose(html: str) -> str:
    from goose3 import Goose

    with Goose() as goose:
        return goose.extract(raw_html=html).cleaned_text


def _reader_in_process(html: str) -> str:
    from reader.domain.original import Page, extract_original

    return extract_original(Page("http://127.0.0.1/page.html", html)).text


LIBRARIES: dict[str, Callable[[str], str]] = {
    "reader, in-process (extraction only)": _reader_in_process,
    "trafilatura defaults": _trafilatura_defaults,
    "readability-lxml": _readability,
    "newspaper4k": _newspaper,
    "goose3": _goose,
}


def _decoded(name: str) -> str:
    from reader.domain.original import decode_html

    return decode_html((PAGES / f"{name}.html").read_bytes())


def run(runs: int = 3) -> dict[str, dict[str, tuple[Score, float]]]:
    """{extractor: {page: (score, median seconds)}}."""
    names = page_names()
    expected = {n: (PAGES / f"{n}.expected.txt").read_text(encoding="utf-8") for n in names}
    results: dict[str, dict[str, tuple[Score, float]]] = {}
    with tempfile.TemporaryDirectory() as scratch, serving(PAGES) as base:
        folder = Path(scratch) / "articles"
        folder.mkdir()
        write_folder(folder, base, names)
        ours: dict[str, tuple[Score, float]] = {}
        for name in names:
            times, text = [], ""
            for _ in range(runs):
                text, elapsed = reader_cli(folder, name, Path(scratch) / "cache")
                times.append(elapsed)
            ours[name] = (score(text, expected[name]), statistics.median(times))
        results["reader (trafilatura + filter), CLI"] = ours
        for label, extract in LIBRARIES.items():
            try:
                extract("<html><body><p>probe</p></body></html>")
            except ImportError:
                print(f"  {label}: not installed, skipped", file=sys.stderr)
                continue
            except Exception:  # noqa: S110 - a probe page may be "too short" for some
                pass
            scores = {}
            for name in names:
                html = _decoded(name)
                times = []
                for _ in range(runs):
                    start = time.perf_counter()
                    try:
                        text = extract(html)
                    except Exception as exc:
                        print(f"  {label} failed on {name}: {exc}", file=sys.stderr)
                        text = ""
                    times.append(time.perf_counter() - start)
                scores[name] = (score(text, expected[name]), statistics.median(times))
            results[label] = scores
    return results


def markdown(results: dict[str, dict[str, tuple[Score, float]]]) -> str:
    lines = [
        "| extractor | mean P | mean R | mean F1 | worst F1 (page) | median s/page | worst s |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, pages in results.items():
        f1s = {name: s.f1 for name, (s, _) in pages.items()}
        worst = min(f1s, key=f1s.__getitem__)
        times = [t for _, t in pages.values()]
        lines.append(
            f"| {label} | {statistics.mean(s.precision for s, _ in pages.values()):.3f} "
            f"| {statistics.mean(s.recall for s, _ in pages.values()):.3f} "
            f"| {statistics.mean(f1s.values()):.3f} | {f1s[worst]:.3f} ({worst}) "
            f"| {statistics.median(times):.3f} | {max(times):.3f} |"
        )
    lines += [
        "",
        "Per page F1:",
        "",
        "| page | " + " | ".join(results) + " |",
        "|---|" + "---|" * len(results),
    ]
    for name in page_names():
        row = " | ".join(f"{pages[name][0].f1:.3f}" for pages in results.values())
        lines.append(f"| {name} | {row} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="repetitions (median time)")
    options = parser.parse_args(argv)
    print(markdown(run(options.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

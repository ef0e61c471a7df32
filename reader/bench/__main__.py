"""``python -m reader.bench``: generate the folders, measure, print (and save) the tables."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import reader
from reader.bench.generate import DEFAULT_SEED
from reader.bench.measure import (
    MEASUREMENTS,
    bench_size,
    render_issue_markdown,
    render_issue_text,
    render_markdown,
    render_text,
)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        message = f"sizes must be whole numbers, like 10000,100000: {text!r}"
        raise argparse.ArgumentTypeError(message) from None
    if not sizes or min(sizes) < 10:
        raise argparse.ArgumentTypeError("each size must be at least 10 articles")
    return sizes


def _only(text: str) -> list[str]:
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in MEASUREMENTS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"--only takes a comma-separated list of {', '.join(MEASUREMENTS)}"
        )
    return chosen


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m reader.bench",
        description=(
            "Time reader against reading the bytes and a python-frontmatter loop, side by side, "
            "on generated folders of seed-shaped articles."
        ),
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=[10_000],
        help="comma-separated folder sizes (default 10000; the issue's pair is 10000,100000)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs per measurement; the table shows the median (default 3)",
    )
    parser.add_argument(
        "--only",
        type=_only,
        default=list(MEASUREMENTS),
        help=f"comma-separated subset of {','.join(MEASUREMENTS)}",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="generate the folders under DIR (kept, reused) instead of the "
        "temp-dir cache, to open them by hand afterwards",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="generator seed (default %(default)s)"
    )
    parser.add_argument(
        "--stories",
        action="store_true",
        help="also measure story grouping: B-cubed on the labelled sets and timings at the "
        "largest size (reader.bench.stories_eval)",
    )
    parser.add_argument(
        "--originals",
        action="store_true",
        help="only measure Reader view: saved pages through reader show --original, scored "
        "against their marked text (reader.bench.original_eval)",
    )
    parser.add_argument(
        "--load-timeout",
        type=float,
        metavar="SECONDS",
        help="give up on the window loading after this long (default: by size)",
    )
    parser.add_argument(
        "--type-at",
        type=float,
        metavar="SECONDS",
        help="when, after the warm window is shown, it types its word (default 10, as an "
        "editor searching soon after opening)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="after the timed runs, profile one cold list and one window load "
        "with cProfile into DIR (untimed; read with python -m pstats)",
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        metavar="FILE",
        help="also write the tables as Markdown to FILE (for the README)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        dest="json_file",
        help="also write every sample and the probes' raw output as JSON",
    )
    return parser


def _compile_reader() -> None:
    """Compile reader's modules to bytecode first, as installing a package does.

    A checkout run with PYTHONDONTWRITEBYTECODE (set on this machine) or a read-only tree
    compiles every module again in each measured command: ~40 ms of every start, which is
    no part of what an installed reader costs.  compileall writes the files regardless.
    """
    import compileall

    compileall.compile_dir(Path(reader.__file__).parent, quiet=2)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit status 1 if any measurement could not be taken (not on a MISS)."""
    args = build_parser().parse_args(argv)
    if args.repeat < 1:
        build_parser().error("--repeat must be at least 1")

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    _compile_reader()
    if args.originals:
        from reader.bench import original_eval

        print(original_eval.markdown(original_eval.run(args.repeat)), flush=True)
        return 0
    results = []
    for size in args.sizes:
        result = bench_size(
            size,
            repeat=args.repeat,
            only=args.only,
            seed=args.seed,
            keep=args.keep,
            load_timeout=args.load_timeout,
            profile_dir=args.profile,
            type_at=args.type_at,
            progress=progress,
        )
        results.append(result)
        print(render_text(result), end="\n\n", flush=True)
    print(render_issue_text(results), end="\n\n", flush=True)
    stories_table = ""
    if args.stories:
        from reader.bench import stories_eval

        rows = (stories_eval.quality_rows() + stories_eval.cold_list_rows(repeat=args.repeat)
                + stories_eval.speed_rows(max(args.sizes))
                + stories_eval.story_view_rows(max(args.sizes), args.repeat, args.keep))
        stories_table = stories_eval.render_markdown(rows)
        print(stories_table, end="\n\n", flush=True)
    if args.markdown:
        args.markdown.write_text(
            "\n\n".join([render_markdown(result) for result in results]
                         + [render_issue_markdown(results)]
                         + ([stories_table] if stories_table else [])) + "\n",
            encoding="utf-8",
        )
    if args.json_file:
        args.json_file.write_text(
            json.dumps([result.to_json() for result in results], indent=2) + "\n",
            encoding="utf-8",
        )
    return 1 if any(result.notes for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())

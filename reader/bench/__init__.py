"""reader's built-in benchmark: ``python -m reader.bench`` (see :mod:`reader.bench.measure`).

It generates a deterministic folder of seed-shaped articles (:mod:`reader.bench.generate`),
times reading it every way that matters side by side - the bytes alone, a python-frontmatter
loop, ``reader list --json`` cold and warm, the window (:mod:`reader.bench.window_probe`) -
and prints a table of absolute times, ratios and issue 5's targets.  Speed lives here, never
in timed test assertions.
"""

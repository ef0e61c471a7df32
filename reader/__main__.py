"""``python -m reader`` and the bundle's entry point: the same as the ``reader`` command.

``freeze_support()`` comes first: in the PyInstaller bundle the parser pool's worker and
forkserver processes are this same executable started with multiprocessing's own
arguments, and it must run them instead of reader's command line.  Elsewhere it does
nothing, so it is only imported in the bundle.
"""

import sys

if __name__ == "__main__":  # the loader's worker processes import this module too
    if getattr(sys, "frozen", False):  # elsewhere freeze_support does nothing, and
        import multiprocessing  # importing multiprocessing costs a warm list 10 ms

        multiprocessing.freeze_support()

    from reader.cli import main

    sys.exit(main())

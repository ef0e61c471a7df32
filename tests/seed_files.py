"""Where the bundled sample articles live, for tests in any folder.

Kept out of ``conftest.py`` on purpose: with conftest files in several test folders,
``from seed_files import ...`` imports whichever was loaded first.
"""

from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FULL = "000_64786d9bbd4dc9c0.txt"
SEED_BODY_ONLY = "002_ec8b9ffde03f3ad4.txt"

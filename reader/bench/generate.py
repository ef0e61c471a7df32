"""A deterministic synthetic article folder shaped like the seeds, at any size.

The benchmark must compare like with like across machines and runs, so the folder is a pure
function of ``(count, seed)``: every file is built from its own ``random.Random`` seeded with
``"{seed}:{index}"`` (string seeds hash through SHA-512, stable across Python versions), and
nothing depends on the clock, the locale or the order files are written in.

The mix follows what a curation pipeline writes (see ``seeds/``):

* most files carry seed 000's front matter - provider, topics, images, 2-4 related items each
  with its own provider, quality, date and sometimes images, and a ~340-character secured
  token - either with an empty body (metadata-only, like seed 000) or followed by a plain or
  Markdown body;
* a share are body-only text like seed 002, some opening with a date line;
* a few carry the variations real folders have: free-form or offset dates, extra unknown keys,
  escaped quotes, CRLF line endings, a BOM, ``.md`` names;
* a few are malformed (broken YAML, unterminated front matter, bytes that are not UTF-8, front
  matter that is a list): reader must list them as problems;
* about one in ten lives in a subfolder.

Generation is plain Python string building and ``open().write``: about 3 s per 10,000 files.
:func:`cached_folder` keeps each generated folder under the temp dir, keyed by size, seed and
:data:`GENERATOR_VERSION`, so repeated benchmark runs reuse it.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import random
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

GENERATOR_VERSION = 2
"""Bump when the output changes, so cached folders from an older generator are not reused."""

DEFAULT_SEED = 1

EDIT_TARGET_INDEX = 0
"""A top-level, unpublished, metadata-only article: the window probe edits its title."""
PUBLISH_TARGET_INDEX = 3
"""A top-level, unpublished article with a body: the window probe toggles its publish flag."""

_SUBFOLDERS = ("archive/2023-06", "archive/2023-05", "wire", "drafts/review")

# Data tables read better packed than one item per line.
# fmt: off
_CATEGORIES = (
    "news", "news", "news", "business", "technology", "entertainment", "sports", "science",
    "health", "politics", "world",
)

_PROVIDERS = (
    ("KRON4 News", "kron4.com"), ("Engadget", "engadget.com"),
    ("The Intercept", "theintercept.com"), ("TheStreet.com", "thestreet.com"),
    ("Reuters", "reuters.com"), ("Associated Press", "apnews.com"), ("BBC News", "bbc.com"),
    ("The Verge", "theverge.com"), ("Ars Technica", "arstechnica.com"),
    ("TechCrunch", "techcrunch.com"), ("Wired", "wired.com"), ("Bloomberg", "bloomberg.com"),
    ("CNBC", "cnbc.com"), ("The Guardian", "theguardian.com"), ("Deadline", "deadline.com"),
    ("Variety", "variety.com"), ("The Hollywood Reporter", "hollywoodreporter.com"),
    ("Los Angeles Times", "latimes.com"), ("SFGATE", "sfgate.com"), ("Axios", "axios.com"),
    ("Politico", "politico.com"), ("NPR", "npr.org"), ("Al Jazeera", "aljazeera.com"),
    ("Financial Times", "ft.com"), ("Fortune", "fortune.com"), ("Business Insider",
    "businessinsider.com"), ("ZDNET", "zdnet.com"), ("VentureBeat", "venturebeat.com"),
    ("Mashable", "mashable.com"), ("Gizmodo", "gizmodo.com"), ("Nature", "nature.com"),
    ("Science News", "sciencenews.org"), ("ESPN", "espn.com"), ("Le Monde", "lemonde.fr"),
    ("Der Spiegel", "spiegel.de"), ("El País", "elpais.com"), ("NHK World", "nhk.or.jp"),
    ("ABC News", "abcnews.go.com"), ("CBS News", "cbsnews.com"), ("Vox", "vox.com"),
)

_TOPICS = (
    "Machine Learning", "AI", "Netflix", "Streaming", "Hollywood", "Labor Unions", "Strikes",
    "SAG-AFTRA", "WGA", "Climate", "Energy", "Electric Vehicles", "Tesla", "Apple", "Google",
    "Microsoft", "Amazon", "Semiconductors", "Interest Rates", "Inflation", "Federal Reserve",
    "Elections", "Congress", "Supreme Court", "Ukraine", "China", "Europe", "Space", "NASA",
    "Health Care", "Vaccines", "Housing", "Real Estate", "Cybersecurity", "Privacy",
    "Social Media", "Gaming", "Football", "Basketball", "Olympics", "Music", "Film", "Television",
    "Startups", "Venture Capital", "Crypto", "Banking", "Retail", "Travel", "Airlines",
)

_WORD_TEXT = (
    "the streamer company studio union writers actors strike market investors report "
    "officials said week year month city state government federal policy plan deal talks "
    "agreement workers pay wages contract negotiations executives industry growth revenue "
    "quarter profit loss shares analysts expect forecast data research team product platform "
    "users customers service launch new first largest biggest record rising falling sharply "
    "according statement spokesperson interview told reporters earlier later Tuesday Monday "
    "Wednesday Thursday Friday weekend morning evening local national global public private "
    "technology model models machine learning artificial intelligence job posting salary "
    "million billion dollars percent percentage high low costs prices demand supply chain "
    "energy climate weather storm heat record temperatures scientists study found evidence "
    "health hospital patients doctors treatment court judge ruling lawsuit appeal election "
    "voters campaign candidate party leaders senate house bill law rules regulators approval "
    "risk security breach hackers privacy app phone device chips cloud software update "
    "feature season episode series film box office audience fans game team coach players "
    "league championship match win lost score points travel airline flights passengers "
    "housing rent mortgage rates buyers sellers bank banks lending credit economy jobs "
    "unemployment recession inflation central rate hike cut decision meeting minutes"
)
_WORDS = tuple(_WORD_TEXT.split())

_HEADINGS = ("What happened", "Why it matters", "What comes next", "Background", "Reaction",
             "By the numbers", "The big picture")

_FREE_FORM_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
                     "August", "September", "October", "November", "December")
# fmt: on


@dataclass(frozen=True)
class GeneratedFolder:
    """A generated folder and what the benchmark needs to know about it without rescanning."""

    root: Path
    count: int
    seed: int
    kinds: dict[str, int] = field(default_factory=dict)
    total_bytes: int = 0
    edit_target: str = ""
    publish_target: str = ""

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["root"] = str(self.root)
        data["version"] = GENERATOR_VERSION
        return data


# -- text building -----------------------------------------------------------------------


def _sentence(rng: random.Random) -> str:
    words = rng.choices(_WORDS, k=rng.randint(8, 22))
    words[0] = words[0].capitalize()
    if rng.random() < 0.15:
        words.insert(rng.randint(1, len(words) - 1), rng.choice(_PROVIDERS)[0])
    return " ".join(words) + rng.choice((".", ".", ".", ".", "?", "!"))


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))


def _title(rng: random.Random) -> str:
    words = rng.choices(_WORDS, k=rng.randint(6, 14))
    words = [word.capitalize() if rng.random() < 0.4 else word for word in words]
    words[0] = words[0].capitalize()
    if rng.random() < 0.3:
        words.insert(rng.randint(0, len(words)), rng.choice(_TOPICS))
    if rng.random() < 0.1:
        words.insert(rng.randint(1, len(words)), f"${rng.randint(2, 999)},000")
    title = " ".join(words)
    if rng.random() < 0.05:
        title = title.replace(" ", "’s ", 1)  # typographic apostrophes, as in the seeds
    return title


def _slug(text: str) -> str:
    kept = [c if c.isascii() and c.isalnum() else "-" for c in text.lower()]
    return "-".join(part for part in "".join(kept).split("-") if part)[:90]


def _quoted(text: str) -> str:
    """A double-quoted YAML scalar, escaping what needs it (rarely needed, as in real feeds)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _timestamp(rng: random.Random) -> tuple[str, int, int, int, int, int]:
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    hour = rng.randint(0, 23)
    minute = rng.randint(0, 59)
    year = rng.choice((2022, 2023, 2023, 2023, 2024))
    roll = rng.random()
    if roll < 0.9:
        text = f"{year}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00Z"
    elif roll < 0.97:
        text = f"{year}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00-07:00"
    else:
        twelve = hour % 12 or 12
        text = (
            f'"{_FREE_FORM_MONTHS[month - 1]} {day}, {year} {twelve}:{minute:02d} '
            f'{"PM" if hour >= 12 else "AM"} PDT"'
        )
    return text, year, month, day, hour, minute


def _image(rng: random.Random, domain: str, year: int, month: int, indent: str) -> list[str]:
    width = rng.choice((640, 800, 1024, 1200, 1280, 1600, 2000))
    height = width * rng.choice((9, 10, 2, 3)) // rng.choice((16, 16, 3, 4))
    token = hashlib.blake2b(rng.randbytes(8), digest_size=16).hexdigest()
    return [
        f'{indent}- url: "https://www.{domain}/wp-content/uploads/{year}/{month:02d}/{token}.jpg'
        f'?w={width}"',
        f"{indent}  width: {width}",
        f"{indent}  height: {height}",
        f"{indent}  isCached: {rng.choice(('true', 'true', 'false'))}",
    ]


def _related(rng: random.Random) -> list[str]:
    name, domain = rng.choice(_PROVIDERS)
    title = _title(rng)
    stamp, year, month, *_ = _timestamp(rng)
    lines = [
        f"  - title: {_quoted(title)}",
        f"    excerpt: {_quoted(_sentence(rng))}",
        f"    publishedDateTime: {stamp}",
        f'    webUrl: "https://www.{domain}/{year}/{month:02d}/{_slug(title)}/"',
        "    type: article",
        "    provider:",
        f"      name: {name}",
        f"      domain: {domain}",
        f"    quality: {rng.randint(5, 90)}",
    ]
    if rng.random() < 0.3:
        lines.append("    images:")
        lines.extend(_image(rng, domain, year, month, "      "))
    return lines


@dataclass(frozen=True)
class _Story:
    """One news event several generated files report (see :func:`story_of`)."""

    key: int
    members: tuple[int, ...]
    names: tuple[str, ...]
    lead_url: str
    when: tuple[int, int, int, int]


STORY_BLOCK = 6
"""Files are dealt into stories block by block: about half of each block of six consecutive
files tell one event (when at least two do); the others stand alone."""
_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "sa", "do", "gu", "bri",
              "tor", "len", "mar", "qui", "fen", "dra", "sol")


def story_of(seed: int, index: int) -> _Story | None:
    """The story file ``index`` belongs to, or None when it stands alone.

    A story's files share two or three of its made-up names (people, places) in paraphrased
    titles, dates within a day and a half, and most of them cite the first one's address in
    their ``related`` list - the structure :mod:`reader.domain.stories` groups by.
    """
    block = index // STORY_BLOCK
    rng = random.Random(f"{seed}:story:{block}")  # noqa: S311 (reproducible, not secret)
    members = tuple(
        i for i in range(block * STORY_BLOCK, (block + 1) * STORY_BLOCK) if rng.random() < 0.5
    )
    if index not in members or len(members) < 2:
        return None
    names = tuple(
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        for _ in range(3)
    )
    _name, domain = rng.choice(_PROVIDERS)
    when = (rng.choice((2022, 2023, 2023, 2024)), rng.randint(1, 12), rng.randint(1, 27),
            rng.randint(0, 11))
    lead_url = f"https://www.{domain}/story/{_slug(' '.join(names))}-{block}/"
    return _Story(block, members, names, lead_url, when)


def _story_title(rng: random.Random, story: _Story) -> str:
    words = rng.sample(story.names, rng.randint(2, 3)) + rng.choices(_WORDS, k=rng.randint(3, 8))
    rng.shuffle(words)
    words[0] = words[0].capitalize()
    return " ".join(words)


def _front_matter(
    rng: random.Random, *, published: bool | None = None, story: _Story | None = None,
    index: int = -1,
) -> list[str]:
    """Seed 000's front matter with fresh values, in the pipeline's key order and style."""
    name, domain = rng.choice(_PROVIDERS)
    title = _story_title(rng, story) if story else _title(rng)
    if rng.random() < 0.01:
        # An escaped quote (as a JSON-minded writer quotes a title): valid YAML.
        title = f'{title} "{rng.choice(_WORDS)}"'
    stamp, year, month, *_ = _timestamp(rng)
    if story is not None:
        year, month, day, hour = story.when
        hour += rng.randint(0, 36)
        minute = rng.randint(0, 59)
        stamp = f"{year}-{month:02d}-{day + hour // 24:02d}T{hour % 24:02d}:{minute:02d}:00Z"
    path = f"/{rng.choice(_CATEGORIES)}/{_slug(title)}/"
    url = f"https://www.{domain}{path}"
    if story is not None and index == story.members[0]:
        url = story.lead_url
    if published is None:
        published = rng.random() < 0.3
    lines = [
        "---",
        f"category: {rng.choice(_CATEGORIES)}",
        f"title: {_quoted(title)}",
        f"excerpt: {_quoted(' '.join(_sentence(rng) for _ in range(rng.randint(1, 2))))}",
        f"publishedDateTime: {stamp}",
        f'originalUrl: "{url}"',
        f'webUrl: "{url}"',
        f'ampWebUrl: "{url}amp/"',
        f'cdnAmpWebUrl: "https://www-{domain.replace(".", "-")}.cdn.ampproject.org/c/s/'
        f'www.{domain}{path}amp/"',
        "type: article",
        f"quality: {rng.randint(1, 99)}",
        f"heat: {rng.choice((-1, -1, 0, rng.randint(1, 500)))}",
        f"published: {'true' if published else 'false'}",
    ]
    if rng.random() < 0.03:
        lines.append(f"language: {rng.choice(('en', 'en-US', 'fr', 'de'))}")
    if rng.random() < 0.03:
        lines.append(f"sentiment: {rng.uniform(-1, 1):.2f}")
    lines += ["", "provider:", f"  name: {name}", f"  domain: {domain}", "", "topics:"]
    lines += [f"  - {topic}" for topic in rng.sample(_TOPICS, rng.randint(1, 4))]
    image_count = rng.choice((0, 1, 1, 1, 2, 3))
    if image_count:
        lines += ["", "images:"]
        for _ in range(image_count):
            lines += _image(rng, domain, year, month, "  ")
    lines += ["", "related:"]
    if story is not None and index != story.members[0] and rng.random() < 0.7:
        lines += [
            f"  - title: {_quoted(_story_title(rng, story))}",
            f'    webUrl: "{story.lead_url}"',
            "    type: article",
        ]
    for _ in range(rng.randint(2, 4)):
        lines += _related(rng)
    token = base64.b64encode(rng.randbytes(255)).decode("ascii")
    salt = base64.b64encode(rng.randbytes(16)).decode("ascii")
    lines += ["", f'secured: "{token};{salt}"', "---"]
    return lines


def _body(rng: random.Random, *, markdown: bool) -> list[str]:
    lines: list[str] = []
    for number in range(rng.randint(3, 10)):
        if markdown and number and rng.random() < 0.25:
            lines += [f"## {rng.choice(_HEADINGS)}", ""]
        if markdown and rng.random() < 0.15:
            lines += [f"- {_sentence(rng)}" for _ in range(rng.randint(2, 4))]
        elif markdown and rng.random() < 0.2:
            name, domain = rng.choice(_PROVIDERS)
            lines.append(
                f"{_sentence(rng)} [{name} reported](https://www.{domain}/{_slug(_title(rng))}/) "
                f"that **{' '.join(rng.choices(_WORDS, k=3))}** {_sentence(rng).lower()}"
            )
        else:
            lines.append(_paragraph(rng))
        lines.append("")
    return lines


def _body_only(rng: random.Random) -> list[str]:
    """Seed 002's shape: no front matter, often a leading date and credit line."""
    lines: list[str] = []
    if rng.random() < 0.6:
        _, year, month, day, *_ = _timestamp(rng)
        credit = rng.choice(("Getty", "AP", "Reuters", "AFP"))
        lines += [f" date {year}-{month:02d}-{day:02d} {credit} / {rng.choice(_PROVIDERS)[0]}", ""]
    lines += [_title(rng), ""]
    return lines + _body(rng, markdown=False)


_MALFORMED_KINDS = ("bad-yaml", "unterminated", "not-utf8", "not-a-mapping")


def _malformed(rng: random.Random, variant: int) -> bytes:
    kind = _MALFORMED_KINDS[variant % len(_MALFORMED_KINDS)]
    lines = _front_matter(rng)
    if kind == "bad-yaml":
        lines[2] = lines[2][:-1]  # title loses its closing quote
        lines.insert(4, "  oddly: indented: value")
    elif kind == "unterminated":
        lines = lines[:-1]
    elif kind == "not-a-mapping":
        lines = ["---", "- just", "- a list", "---"]
    text = "\n".join(lines + _body(rng, markdown=False))
    data = text.encode("utf-8")
    if kind == "not-utf8":
        cut = len(data) // 2
        data = data[:cut] + b"\xff\xfe caf\xe9 " + data[cut:]
    return data


# -- the folder --------------------------------------------------------------------------


def _kind_of(index: int, rng: random.Random) -> str:
    forced = {
        EDIT_TARGET_INDEX: "metadata-only",
        1: "body-only",
        2: "malformed",
        PUBLISH_TARGET_INDEX: "front-matter+body",
    }
    if index in forced:
        return forced[index]
    roll = rng.random()
    if roll < 0.003:
        return "malformed"
    if roll < 0.15:
        return "body-only"
    if roll < 0.50:
        return "metadata-only"
    return "front-matter+body"


def article_file(seed: int, index: int) -> tuple[str, str, bytes]:
    """The relative path, kind and exact bytes of file ``index`` of folder ``seed``."""
    rng = random.Random(f"{seed}:{index}")  # noqa: S311 (reproducible, not secret)
    kind = _kind_of(index, rng)
    digest = hashlib.blake2b(f"{seed}:{index}".encode(), digest_size=8).hexdigest()
    suffix = ".md" if rng.random() < 0.02 else ".txt"
    name = f"{index:06d}_{digest}{suffix}"
    targets = (EDIT_TARGET_INDEX, PUBLISH_TARGET_INDEX)
    if index not in targets and rng.random() < 0.1:
        name = f"{rng.choice(_SUBFOLDERS)}/{name}"
    if kind == "malformed":
        return name, kind, _malformed(rng, index)
    story = story_of(seed, index)
    published = False if index in targets else None
    if kind == "body-only":
        lines = _body_only(rng)
    elif kind == "metadata-only":
        lines = [*_front_matter(rng, published=published, story=story, index=index), ""]
    else:
        lines = _front_matter(rng, published=published, story=story, index=index)
        lines += _body(rng, markdown=rng.random() < 0.5)
    newline = "\r\n" if index not in targets and rng.random() < 0.01 else "\n"
    data = newline.join(lines).encode("utf-8")
    if index not in targets and rng.random() < 0.005:
        data = b"\xef\xbb\xbf" + data
    return name, kind, data


def generate_folder(root: Path, count: int, seed: int = DEFAULT_SEED) -> GeneratedFolder:
    """Write ``count`` article files into the empty or missing folder ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for subfolder in _SUBFOLDERS:
        (root / subfolder).mkdir(parents=True, exist_ok=True)
    kinds: dict[str, int] = {}
    total = 0
    names: dict[int, str] = {}
    for index in range(count):
        name, kind, data = article_file(seed, index)
        if index in (EDIT_TARGET_INDEX, PUBLISH_TARGET_INDEX):
            names[index] = name
        kinds[kind] = kinds.get(kind, 0) + 1
        total += len(data)
        with open(os.path.join(root, name), "wb") as handle:
            handle.write(data)
    return GeneratedFolder(
        root=root,
        count=count,
        seed=seed,
        kinds=dict(sorted(kinds.items())),
        total_bytes=total,
        edit_target=names.get(EDIT_TARGET_INDEX, ""),
        publish_target=names.get(PUBLISH_TARGET_INDEX, ""),
    )


def default_cache_base() -> Path:
    """Where generated folders are kept between runs (per user, under the temp dir)."""
    return Path(tempfile.gettempdir()) / f"reader-bench-{os.getuid()}"


def cached_folder(
    count: int, seed: int = DEFAULT_SEED, base: Path | None = None
) -> GeneratedFolder:
    """The generated folder for ``(count, seed)``, generating it only if it is not there yet.

    A folder is reused only when its manifest says it is complete and from this generator
    version; it is built under a temporary name and renamed into place, so an interrupted
    run never leaves a half-written folder that a later run would trust.
    """
    base = base or default_cache_base()
    base.mkdir(parents=True, exist_ok=True)
    key = f"n{count}-seed{seed}-v{GENERATOR_VERSION}"
    root = base / key
    manifest = base / f"{key}.json"
    if root.is_dir() and manifest.is_file():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            if data.get("version") == GENERATOR_VERSION and data.get("count") == count:
                return GeneratedFolder(
                    root=root,
                    count=count,
                    seed=seed,
                    kinds=data["kinds"],
                    total_bytes=data["total_bytes"],
                    edit_target=data["edit_target"],
                    publish_target=data["publish_target"],
                )
        except (OSError, ValueError, KeyError):
            pass
    manifest.unlink(missing_ok=True)
    shutil.rmtree(root, ignore_errors=True)
    partial = base / f"{key}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    generated = generate_folder(partial, count, seed)
    os.replace(partial, root)
    folder = dataclasses.replace(generated, root=root)
    manifest.write_text(json.dumps(folder.to_json(), indent=2), encoding="utf-8")
    return folder

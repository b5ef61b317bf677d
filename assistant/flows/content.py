"""Content cards: what the framework says, in our own words, one Markdown file each.

A card is `content/<id>.md` with TOML front matter between `+++` lines:

    +++
    title = "Top tips for assessment"
    source = "NSPCC framework, Annex 18"
    tags = ["assessment"]
    +++
    # Top tips for assessment
    ...
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.flows.links import CARD_LINK

FENCE = "+++"


class CardError(ValueError):
    """A content card whose front matter is missing or wrong."""


class TomlError(ValueError):
    """TOML text that cannot be read; the message says why, and the line when known."""


def read_toml(text: str) -> dict[str, Any]:
    """`tomllib.loads`, raising only `TomlError` (tomllib lets some errors through)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlError(str(exc)) from None
    except RecursionError:
        raise TomlError("arrays or tables are nested too deeply") from None
    except ValueError:  # int() refuses a number longer than Python's digit limit
        limit = sys.get_int_max_str_digits()
        match = re.search(rf"[0-9][0-9_]{{{limit},}}", text)
        line = text.count("\n", 0, match.start()) + 1 if match else None
        at = f" (at line {line})" if line else ""
        raise TomlError(f"a number has more than {limit} digits{at}") from None


def one_line(text: str) -> str:
    """`text` with line breaks and other unprintable characters shown as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def load_model(path: Path, model: Any, error: type[ValueError]) -> Any:
    """A TOML file validated by a pydantic `model`; `error` (one line naming the
    file and the place) for anything wrong. Used for policies, reports and learning."""
    from pydantic import ValidationError

    try:
        raw = read_toml(path.read_text(encoding="utf-8"))
    except TomlError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: cannot be read: {exc}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise error(f"{path}: {one_line(where)}: {first['msg']}") from None


@dataclass(frozen=True)
class Card:
    id: str
    title: str
    source: str
    tags: tuple[str, ...]
    body: str


def parse_card(card_id: str, text: str, name: str = "") -> Card:
    """Read a card's front matter and body."""
    where = name or card_id
    # TOML lines end at LF (or CRLF) only; str.splitlines() also splits at U+2028 and others
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if not lines or lines[0].strip() != FENCE:
        raise CardError(f"{where}:1: a card starts with a '+++' line of front matter")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        raise CardError(f"{where}: the front matter has no closing '+++' line") from None
    try:
        # a blank line for the opening '+++', so that TOML's line numbers are the file's, and
        # a closing line break, so that an error on the last line says its line number
        meta = read_toml("\n" + "\n".join(lines[1:end]) + "\n")
    except TomlError as exc:
        raise CardError(f"{where}: front matter is not valid TOML: {exc}") from None
    unknown = sorted(set(meta) - {"title", "source", "tags"})
    if unknown:
        raise CardError(f"{where}: unknown front matter key {unknown[0]!r}")
    title, source = meta.get("title"), meta.get("source")
    if not isinstance(title, str) or not title or not isinstance(source, str) or not source:
        raise CardError(f"{where}: front matter needs a 'title' and a 'source'")
    tags = meta.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise CardError(f"{where}: 'tags' must be a list of words")
    body = "\n".join(lines[end + 1 :]).strip() + "\n"
    return Card(card_id, title, source, tuple(tags), body)


def card_paths(folder: Path) -> dict[str, Path]:
    """Every card id in `folder` and its sub-folders, with its file (not read)."""
    return {p.stem: p for p in sorted(folder.rglob("*.md"))}


def card_ids(folder: Path) -> list[str]:
    """Every card id in `folder`, without reading the cards."""
    return sorted(card_paths(folder))


def load_card(folder: Path, card_id: str) -> Card:
    path = card_paths(folder).get(card_id)
    if path is None:
        raise CardError(f"no content card '{card_id}' in {folder}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CardError(f"{path}: cannot be read: {exc}") from None
    return parse_card(card_id, text, str(path))


def load_cards(folder: Path) -> tuple[list[Card], list[str]]:
    """Every card that loads, and one message for each that does not."""
    cards: list[Card] = []
    problems: list[str] = []
    seen: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.md")):
        if path.stem in seen:
            problems.append(f"{path}: card id '{path.stem}' is also used by {seen[path.stem]}")
            continue
        seen[path.stem] = path
        try:
            cards.append(parse_card(path.stem, path.read_text(encoding="utf-8"), str(path)))
        except CardError as exc:
            problems.append(str(exc))
        except UnicodeDecodeError as exc:
            problems.append(f"{path}: cannot be read: {exc}")
    known = set(seen)
    for card in cards:
        text = seen[card.id].read_text(encoding="utf-8")
        for match in CARD_LINK.finditer(text):
            if match.group(2) not in known:
                line = text.count("\n", 0, match.start()) + 1
                problems.append(
                    f"{seen[card.id]}:{line}: links content card '{match.group(2)}', "
                    "which does not exist"
                )
    return cards, problems

"""Fuzz tests for issue 6: Bad input — fuzz flow and content files.

Every malformed flow file, content card and local-policy file must give a clear
error that names the file and the place (line, step id or key); never a Python
traceback or an exception other than the documented ones (flows report
`Problem`s, cards raise `CardError`, policies raise `PolicyError`).

Inputs are arbitrary text, arbitrary bytes, and mutations of the shipped files:
a line deleted or duplicated, the text truncated, a character replaced, a
value given another type, a junk key inserted, values nested deeply.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.casework.policies import PolicyError, load_policy
from assistant.commands import main as cli
from assistant.flows.content import CardError, load_card, load_cards, parse_card
from assistant.flows.loader import Problem, check_file, check_text
from assistant.paths import content_dir, flows_dir
from tests.conftest import FIXTURES

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FLOW_FILES = [
    FIXTURES / "visit-plan.toml",  # every basic kind of question, and a condition
    flows_dir() / "smart-goals.toml",  # `about`, multi-line strings, many conditions
    flows_dir() / "pre-review-check-in.toml",  # `feeds`, a classification step
    flows_dir() / "risk-classification.toml",  # a decision step
]
FLOWS = {path.stem: path.read_text(encoding="utf-8") for path in FLOW_FILES}
# factor steps: the first 126 lines of this long flow (its header and five factors) are a flow
FLOWS["future-harm-factors"] = "\n".join(
    (flows_dir() / "future-harm-factors.toml").read_text(encoding="utf-8").split("\n")[:126]
)
CARD_FILES = [content_dir() / "top-tips.md", content_dir() / "stage-1.md"]
CARDS = {path.stem: path.read_text(encoding="utf-8") for path in CARD_FILES}
POLICY_FILES = [
    content_dir() / "policies" / "salford.toml",
    content_dir() / "policies" / "leeds.toml",
]
POLICIES = {path.stem: path.read_text(encoding="utf-8") for path in POLICY_FILES}

# ---------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------

#: any character that can be written to a UTF-8 file (control characters and NUL included)
CHARS = st.characters(codec="utf-8")
#: pieces of TOML and trouble, so that arbitrary text often gets past the first line
FRAGMENTS = st.sampled_from(
    [
        "\n",
        "[[steps]]\n",
        "[steps]\n",
        "+++\n",
        'id = "a"\n',
        'kind = "choice"\n',
        'kind = "message"\n',
        'text = "T"\n',
        'title = "T"\n',
        'source = "S"\n',
        "stages = [1]\n",
        "when = { step = ",
        "options = [",
        "= ",
        '"',
        '"""',
        "'",
        "[",
        "]",
        "{",
        "}",
        ",",
        ".",
        "\x00",
        "\x7f",
        "\u2028",
        "\r\n",
        "\ufeff",
        "1e400",
        "-0",
        "nan",
        "9" * 4400,
        "x = " + "9" * 4400 + "\n",
        "x = " + "[" * 400,
        "x.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.a = 1\n",
        "0x" + "f" * 100,
        "1979-05-27T07:32:00Z",
        "[" * 400,
    ]
)
ARBITRARY_TEXT = st.lists(st.one_of(st.text(CHARS, max_size=20), FRAGMENTS), max_size=30).map(
    "".join
)

#: values of every TOML type (and some that break tomllib), to swap for a value of another type
VALUES = st.sampled_from(
    [
        "1",
        "-7",
        "0",
        "3.5",
        "1e400",
        "inf",
        "nan",
        "true",
        "false",
        '""',
        '"text"',
        '"a\\nb"',
        '"\\u0000"',
        "'literal'",
        "[]",
        '[1, "a", true]',
        '[{ a = 1 }, "b"]',
        "{}",
        "{ a = 1 }",
        '{ step = "x", equals = "y" }',
        "1979-05-27",
        "07:32:00",
        "1979-05-27T07:32:00Z",
        "9" * 5000,
        "[" * 2000 + "]" * 2000,
        "{ a = " * 500 + "1" + " }" * 500,
        '"' + "x" * 50_000 + '"',
    ]
)


def toml_string(text: str) -> str:
    """`text` as a TOML basic string, escaping what TOML does not allow raw."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


KEYS = st.one_of(
    st.sampled_from(["colour", "id", "kind", "steps", "when", "feeds", "options", "rules", "tags"]),
    st.sampled_from(['"a\\nb"', '"\\u2028"', '"tab\\there"', '"\\u0000"', "'quoted key'"]),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,12}", fullmatch=True),
    st.text(CHARS, min_size=1, max_size=12).map(toml_string),
)

Mutation = Callable[[st.DataObject, str], str]


def _lines(text: str) -> list[str]:
    return text.split("\n")


def delete_line(data: st.DataObject, text: str) -> str:
    lines = _lines(text)
    del lines[data.draw(st.integers(0, len(lines) - 1))]
    return "\n".join(lines)


def duplicate_line(data: st.DataObject, text: str) -> str:
    lines = _lines(text)
    index = data.draw(st.integers(0, len(lines) - 1))
    lines.insert(index, lines[index])
    return "\n".join(lines)


def truncate(data: st.DataObject, text: str) -> str:
    return text[: data.draw(st.integers(0, len(text)))]


def replace_char(data: st.DataObject, text: str) -> str:
    if not text:
        return data.draw(CHARS)
    index = data.draw(st.integers(0, len(text) - 1))
    return text[:index] + data.draw(CHARS) + text[index + 1 :]


ASSIGNMENT = re.compile(r"^(\s*[A-Za-z_][A-Za-z0-9_.-]*\s*=\s*)(.*)$")


def swap_value(data: st.DataObject, text: str) -> str:
    """Give a `key = value` line a value of another type (or one tomllib cannot read)."""
    lines = _lines(text)
    places = [i for i, line in enumerate(lines) if ASSIGNMENT.match(line)]
    if not places:
        return text
    index = data.draw(st.sampled_from(places))
    match = ASSIGNMENT.match(lines[index])
    assert match is not None
    lines[index] = match[1] + data.draw(VALUES)
    return "\n".join(lines)


def insert_junk_key(data: st.DataObject, text: str) -> str:
    lines = _lines(text)
    index = data.draw(st.integers(0, len(lines)))
    lines.insert(index, f"{data.draw(KEYS)} = {data.draw(VALUES)}")
    return "\n".join(lines)


def nest_deeply(data: st.DataObject, text: str) -> str:
    """A dotted key up to 1000 tables deep, e.g. `when.not.not.….step = "a"`.

    Sometimes in a new step of its own, so that a key such as `kind` is not already set.
    """
    lines = _lines(text)
    index = data.draw(st.integers(0, len(lines)))
    head = data.draw(st.sampled_from(["when", "kind", "feeds", "id", "x", "options", "rules"]))
    link = data.draw(st.sampled_from(["not.", "a.", "all."]))
    depth = data.draw(st.sampled_from([1, 5, 25, 400, 1000]))
    tail = data.draw(st.sampled_from(['step = "a"', "answered = true", "a = 1"]))
    table = data.draw(st.sampled_from(["", '[[steps]]\nid = "deep"\n', '[[rules]]\nid = "deep"\n']))
    lines.insert(index, table + head + "." + link * depth + tail)
    return "\n".join(lines)


MUTATIONS: list[Mutation] = [
    delete_line,
    duplicate_line,
    truncate,
    replace_char,
    swap_value,
    insert_junk_key,
    nest_deeply,
]


def mutate(data: st.DataObject, text: str) -> str:
    """One to three random mutations of `text`."""
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        mutation = data.draw(st.sampled_from(MUTATIONS), label="mutation")
        text = mutation(data, text)
    return text


# ---------------------------------------------------------------------------
# What every error must look like
# ---------------------------------------------------------------------------


def line_count(text: str) -> int:
    """The lines of `text` as TOML (and an editor) counts them: split at LF."""
    return text.count("\n") + 1


@contextmanager
def nothing_printed() -> Iterator[None]:
    """Fail if the code inside prints an "Exception ignored" traceback (an unraisable error)."""
    seen: list[object] = []
    before, sys.unraisablehook = sys.unraisablehook, seen.append
    try:
        yield
    finally:
        sys.unraisablehook = before
    assert seen == [], seen


def assert_clear(message: str, name: str) -> None:
    """One line that starts with the file's name; no traceback."""
    assert message.startswith(name), message
    assert "Traceback" not in message, message
    assert "\n" not in message and "\r" not in message, message
    assert len(message) < 2_000, message[:300]


def assert_flow_checked(text: str, stem: str) -> None:
    """`check_text` gives a sound flow, or problems that say the file and the place."""
    name = f"flows/{stem}.toml"
    with nothing_printed():
        flow, problems = check_text(text, name, stem)
    if flow is not None:
        assert problems == []
        return
    assert problems, "no flow and no problem"
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.file == name
        assert_clear(str(problem), name)
        if problem.line is not None:
            assert 1 <= problem.line <= line_count(text), (problem, line_count(text))


def assert_card_checked(text: str, card_id: str) -> None:
    """`parse_card` gives a card, or raises `CardError` saying the file (and line)."""
    name = f"content/{card_id}.md"
    try:
        with nothing_printed():
            parse_card(card_id, text, name)
    except CardError as exc:
        assert_clear(str(exc), name)
        for line in re.findall(r"(?:^[^:]*:(\d+):|line (\d+))", str(exc)):
            number = int(line[0] or line[1])
            assert 1 <= number <= line_count(text), (str(exc), line_count(text))


def assert_policy_checked(folder: Path, text: str | bytes, stem: str) -> None:
    """`load_policy` gives a policy, or raises `PolicyError` saying the file and key."""
    path = folder / f"{stem}.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    try:
        with nothing_printed():
            load_policy(path)
    except PolicyError as exc:
        assert_clear(str(exc), str(path))


# ---------------------------------------------------------------------------
# Flow files
# ---------------------------------------------------------------------------


@FUZZ
@given(text=ARBITRARY_TEXT)
def test_flow_arbitrary_text(text: str) -> None:
    """issue 6: Bad input — fuzz flow and content files (flows: arbitrary text)."""
    assert_flow_checked(text, "fuzz")


@settings(FUZZ, max_examples=100)
@given(stem=st.sampled_from(sorted(FLOWS)), data=st.data())
def test_flow_mutations(stem: str, data: st.DataObject) -> None:
    """issue 6: Bad input — fuzz flow and content files (flows: mutated shipped flows)."""
    assert_flow_checked(mutate(data, FLOWS[stem]), stem)


@FUZZ
@given(stem=st.sampled_from(sorted(FLOWS)), data=st.data())
def test_flow_junk_key_names_its_line_and_step(stem: str, data: st.DataObject) -> None:
    """issue 6: Bad input — fuzz flow and content files (flows: the place named is right).

    A junk key put on the line after `id = ...` (in the header or in a step) is
    reported as an unknown key at exactly that line, with the step's id.
    """
    text = FLOWS[stem]
    if data.draw(st.booleans(), label="unusual line separator in a string"):
        # U+2028 and U+0085 are allowed in TOML strings and are not line breaks there
        text = re.sub(r'^text = "(?!")', 'text = "\u2028\x85', text, count=1, flags=re.M)
    lines = _lines(text)
    places = [i for i, line in enumerate(lines) if line.startswith("id = ")]
    index = data.draw(st.sampled_from(places))
    lines.insert(index + 1, "zz_junk = 1")
    flow, problems = check_text("\n".join(lines), f"{stem}.toml", stem)
    assert flow is None
    step = None if index == places[0] else lines[index].removeprefix("id = ").strip('"')
    where = f"{stem}.toml:{index + 2}: " + (f"step '{step}': " if step else "")
    assert f"{where}unknown key 'zz_junk'" in [str(p) for p in problems]


@FUZZ
@given(stem=st.sampled_from(sorted(FLOWS)), data=st.data())
def test_flow_files_as_bytes(stem: str, data: st.DataObject) -> None:
    """issue 6: Bad input — fuzz flow and content files (flows: bytes that are not UTF-8)."""
    raw = FLOWS[stem].encode("utf-8")
    index = data.draw(st.integers(0, len(raw)))
    raw = raw[:index] + data.draw(st.binary(min_size=1, max_size=4)) + raw[index:]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{stem}.toml"
        path.write_bytes(raw)
        flow, problems = check_file(path)
        for problem in problems:
            assert_clear(str(problem), str(path))
        assert (flow is None) == bool(problems)


# ---------------------------------------------------------------------------
# Content cards
# ---------------------------------------------------------------------------


@FUZZ
@given(text=ARBITRARY_TEXT, fenced=st.booleans())
def test_card_arbitrary_text(text: str, fenced: bool) -> None:
    """issue 6: Bad input — fuzz flow and content files (cards: arbitrary text)."""
    assert_card_checked("+++\n" + text + "\n+++\n# T\n" if fenced else text, "fuzz")


@settings(FUZZ, max_examples=100)
@given(card_id=st.sampled_from(sorted(CARDS)), data=st.data())
def test_card_mutations(card_id: str, data: st.DataObject) -> None:
    """issue 6: Bad input — fuzz flow and content files (cards: mutated shipped cards)."""
    assert_card_checked(mutate(data, CARDS[card_id]), card_id)


@FUZZ
@given(card_id=st.sampled_from(sorted(CARDS)), data=st.data())
def test_card_bad_front_matter_line_is_named(card_id: str, data: st.DataObject) -> None:
    """issue 6: Bad input — fuzz flow and content files (cards: the line named is right).

    A broken line anywhere in the front matter is reported at its line in the file.
    """
    lines = _lines(CARDS[card_id])
    end = lines.index("+++", 1)
    index = data.draw(st.integers(1, end))
    lines.insert(index, data.draw(st.sampled_from(["= junk", "title", "[", "x = ", "x = 1 2"])))
    with pytest.raises(CardError) as caught:
        parse_card(card_id, "\n".join(lines), f"{card_id}.md")
    assert str(caught.value).startswith(f"{card_id}.md: front matter is not valid TOML: ")
    assert f"(at line {index + 1}, column " in str(caught.value)


@FUZZ
@given(
    title=st.text(CHARS, min_size=1, max_size=30),
    source=st.text(CHARS, min_size=1, max_size=30),
    tags=st.lists(st.text(CHARS, max_size=10), max_size=3),
)
def test_card_any_title_round_trips(title: str, source: str, tags: list[str]) -> None:
    """issue 6: Bad input — fuzz flow and content files (cards: valid odd text is accepted).

    Any title, source and tags written as TOML strings read back unchanged: no
    false "not valid TOML" for text with unusual characters (e.g. U+2028).
    """
    text = (
        f"+++\ntitle = {toml_string(title)}\nsource = {toml_string(source)}\n"
        f"tags = [{', '.join(map(toml_string, tags))}]\n+++\n# Body\n"
    )
    card = parse_card("x", text, "x.md")
    assert (card.title, card.source, card.tags) == (title, source, tuple(tags))


@FUZZ
@given(card_id=st.sampled_from(sorted(CARDS)), data=st.data())
def test_card_folder_with_bad_bytes(card_id: str, data: st.DataObject) -> None:
    """issue 6: Bad input — fuzz flow and content files (cards: files that are not UTF-8)."""
    raw = CARDS[card_id].encode("utf-8")
    index = data.draw(st.integers(0, len(raw)))
    raw = raw[:index] + data.draw(st.binary(min_size=1, max_size=4)) + raw[index:]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{card_id}.md"
        path.write_bytes(raw)
        cards, problems = load_cards(Path(folder))
        assert len(cards) + len(problems) >= 1
        for problem in problems:
            assert_clear(problem, str(path))
        try:
            load_card(Path(folder), card_id)
        except CardError as exc:
            assert_clear(str(exc), str(path))


# ---------------------------------------------------------------------------
# Local policy files
# ---------------------------------------------------------------------------


@FUZZ
@given(text=ARBITRARY_TEXT)
def test_policy_arbitrary_text(text: str) -> None:
    """issue 6: Bad input — fuzz flow and content files (policies: arbitrary text)."""
    with tempfile.TemporaryDirectory() as folder:
        assert_policy_checked(Path(folder), text, "fuzz")


@settings(FUZZ, max_examples=100)
@given(stem=st.sampled_from(sorted(POLICIES)), data=st.data())
def test_policy_mutations(stem: str, data: st.DataObject) -> None:
    """issue 6: Bad input — fuzz flow and content files (policies: mutated shipped policies)."""
    text = mutate(data, POLICIES[stem])
    with tempfile.TemporaryDirectory() as folder:
        assert_policy_checked(Path(folder), text, stem)


@FUZZ
@given(stem=st.sampled_from(sorted(POLICIES)), data=st.data())
def test_policy_files_as_bytes(stem: str, data: st.DataObject) -> None:
    """issue 6: Bad input — fuzz flow and content files (policies: files that are not UTF-8)."""
    raw = POLICIES[stem].encode("utf-8")
    index = data.draw(st.integers(0, len(raw)))
    raw = raw[:index] + data.draw(st.binary(min_size=1, max_size=4)) + raw[index:]
    with tempfile.TemporaryDirectory() as folder:
        assert_policy_checked(Path(folder), raw, stem)


# ---------------------------------------------------------------------------
# The command line: `reunify flows check` on bad files
# ---------------------------------------------------------------------------

VISIT_PLAN = FLOWS["visit-plan"]
BAD_FLOWS = {
    "not-toml": 'id = "a\n',
    "nul": "\x00",
    "huge-number": VISIT_PLAN.replace("stages = [1]", "stages = [" + "9" * 5000 + "]"),
    "deep-array": VISIT_PLAN.replace("stages = [1]", "stages = " + "[" * 3000 + "]" * 3000),
    "deep-when": VISIT_PLAN + "when." + "not." * 3000 + 'step = "genogram"\n',
    "wrong-types": VISIT_PLAN.replace('title = "Visit plan (test)"', "title = [1]").replace(
        'label = "Genogram"', "label = { a = 1 }"
    ),
    "junk-key": VISIT_PLAN.replace('kind = "scale"', 'kind = "scale"\n"a\\nb" = 1'),
}


def test_cli_flows_check_reports_bad_files(capsys: pytest.CaptureFixture[str]) -> None:
    """issue 6: Bad input — fuzz flow and content files (CLI: one line per problem, exit 1)."""
    with tempfile.TemporaryDirectory() as folder:
        for stem, text in BAD_FLOWS.items():
            path = Path(folder) / f"{stem}.toml"
            path.write_text(text, encoding="utf-8")
            assert cli.main(["flows", "check", str(path)]) == 1, stem
            out, err = capsys.readouterr()
            assert out == ""
            assert "Traceback" not in err
            *shown, summary = err.splitlines()
            assert shown, stem
            assert all(line.startswith(f"{path}") for line in shown), err
            assert summary == f"{len(shown)} problem(s) in 1 flow file(s)", err
        path = Path(folder) / "latin-1.toml"
        path.write_bytes(VISIT_PLAN.replace("(test)", "(t\xe9st)").encode("latin-1"))
        assert cli.main(["flows", "check", str(path)]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"{path}: cannot be read:") and "Traceback" not in err


# ---------------------------------------------------------------------------
# Regressions: the exact inputs the fuzz tests found
# ---------------------------------------------------------------------------

DEEP_KIND = '[[steps]]\nid = "deep"\nkind.' + "a." * 1000 + "b = 1\n"
FLOW_REGRESSIONS = [
    # tomllib let int()'s ValueError through
    (
        VISIT_PLAN.replace("stages = [1]", "stages = [" + "9" * 5000 + "]"),
        "visit-plan.toml:5: not valid TOML: a number has more than 4300 digits (at line 5)",
    ),
    # tomllib's RecursionError
    (
        VISIT_PLAN.replace("stages = [1]", "stages = " + "[" * 2000 + "]" * 2000),
        "visit-plan.toml: not valid TOML: arrays or tables are nested too deeply",
    ),
    # RecursionError in parse_condition
    (
        VISIT_PLAN + "when." + "not." * 1000 + 'step = "genogram"\n',
        "visit-plan.toml:62: step 'bye': when: conditions are nested more than 20 deep",
    ),
    # RecursionError in repr() of the value of 'step'
    (
        VISIT_PLAN + "when.step." + "a." * 1000 + "b = 1\n",
        "visit-plan.toml:62: step 'bye': when: 'step' must be a step id, "
        "not {'a': {'a': {'a': {'a': {'a': {'a': {...}}}}}}}",
    ),
    # pydantic printed "Exception ignored ... RecursionError" repr()-ing the kind
    (
        VISIT_PLAN + DEEP_KIND,
        "visit-plan.toml:66: step 'deep': kind {'a': {'a': {'a': {'a': {'a': {'a': {...}}}}}}} "
        "is not one of message, classification, choice, multi, scale, yes_no_unknown, text, "
        "date, factor, decision",
    ),
    # a quoted key with a line break made a problem two lines long (line 47: its step)
    (
        VISIT_PLAN.replace('kind = "scale"', 'kind = "scale"\n"a\\nb" = 1'),
        "visit-plan.toml:47: step 'confidence': unknown key 'a\\nb'",
    ),
    # U+2028 in a string counted as a line break: the key was put on line 5, not 4
    (
        VISIT_PLAN.replace('title = "Visit plan (test)"', 'title = "Visit\u2028plan"\ncolour = 1'),
        "visit-plan.toml:4: unknown key 'colour'",
    ),
]


@pytest.mark.parametrize(("text", "says"), FLOW_REGRESSIONS)
def test_flow_regressions(text: str, says: str) -> None:
    """issue 6: Bad input — fuzz flow and content files (flows: inputs the fuzz tests found)."""
    with nothing_printed():
        flow, problems = check_text(text, "visit-plan.toml", "visit-plan")
    assert flow is None
    assert says in [str(p) for p in problems]


CARD_REGRESSIONS = [
    ("+++\ntitle = " + "9" * 5000 + "\n+++\n", "a number has more than 4300 digits (at line 2)"),
    ("+++\ntitle = " + "[" * 2000 + "\n+++\n", "arrays or tables are nested too deeply"),
    # the error's line is the file's, not the front matter's (which was one less)
    ('+++\ntitle = "T"\nsource = \n+++\n', "x.md: front matter is not valid TOML: "),
    ('+++\ntitle = "T"\nsource = \n+++\n', "(at line 3, column 10)"),
    # the last line of the front matter said "at end of document"
    ('+++\ntitle = "T"\nsource\n+++\n', "(at line 3, column 7)"),
    ('+++\ntitle = "T"\nsource = "S"\n"a\\nb" = 1\n+++\n', "unknown front matter key 'a\\nb'"),
]


@pytest.mark.parametrize(("text", "says"), CARD_REGRESSIONS)
def test_card_regressions(text: str, says: str) -> None:
    """issue 6: Bad input — fuzz flow and content files (cards: inputs the fuzz tests found)."""
    with pytest.raises(CardError, match=re.escape(says)):
        parse_card("x", text, "x.md")


def test_card_with_line_separator_in_its_title_loads() -> None:
    """issue 6: Bad input — fuzz flow and content files (cards: U+2028 is not a line break).

    Found by the round-trip test: a title holding U+2028 was cut in two and the
    card refused as "not valid TOML".
    """
    card = parse_card("x", '+++\ntitle = "A\u2028B"\nsource = "S"\n+++\n# A\n', "x.md")
    assert card.title == "A\u2028B"


def test_card_file_not_utf8() -> None:
    """issue 6: Bad input — fuzz flow and content files (cards: UnicodeDecodeError escaped)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.md"
        path.write_bytes(b'+++\ntitle = "\x80"\nsource = "S"\n+++\n')
        cards, problems = load_cards(Path(folder))
        assert cards == []
        assert problems == [
            f"{path}: cannot be read: 'utf-8' codec can't decode byte 0x80 in position 13: "
            "invalid start byte"
        ]
        with pytest.raises(CardError, match=re.escape(f"{path}: cannot be read: ")):
            load_card(Path(folder), "x")


POLICY = POLICIES["leeds"]
POLICY_REGRESSIONS = [
    (POLICY.replace('id = "leeds"', "id = " + "9" * 5000), "a number has more than 4300 digits"),
    (POLICY.replace('id = "leeds"', "id = " + "[" * 2000), "nested too deeply"),
    (POLICY + '\n"a\\nb" = 1\n', ": a\\nb: Extra inputs are not permitted"),
    (POLICY.encode("utf-8") + b"\xff", "cannot be read: 'utf-8' codec can't decode byte 0xff"),
]


@pytest.mark.parametrize(("text", "says"), POLICY_REGRESSIONS)
def test_policy_regressions(text: str | bytes, says: str) -> None:
    """issue 6: Bad input — fuzz flow and content files (policies: inputs the fuzz tests found)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "leeds.toml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        with pytest.raises(PolicyError) as caught:
            load_policy(path)
        assert str(caught.value).startswith(f"{path}: ")
        assert says in str(caught.value)
        assert "\n" not in str(caught.value)

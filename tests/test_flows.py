"""Loading and checking flow files: every problem, with file:line or step id."""

from __future__ import annotations

from pathlib import Path

from assistant.flows.loader import check_file, check_text, load_library
from tests.conftest import FIXTURES

GOOD_HEADER = """
id = "tiny"
title = "Tiny"
audience = "practitioner"
stages = [1]
intro = "Hello."
"""


def messages(text: str) -> list[str]:
    flow, problems = check_text(text, "tiny.toml", "tiny")
    assert flow is None
    return [str(p) for p in problems]


def test_fixture_flow_loads() -> None:
    flow, problems = check_file(FIXTURES / "visit-plan.toml")
    assert problems == []
    assert flow is not None
    assert [q.id for q in flow.questions][:2] == ["visit_kind", "topics"]


def test_broken_file_reports_every_problem_with_its_place() -> None:
    flow, problems = check_file(FIXTURES / "broken.toml")
    assert flow is None
    shown = [str(p) for p in problems]
    name = str(FIXTURES / "broken.toml")
    assert f"{name}:3: audience: Input should be 'practitioner'" in shown[0]
    assert any(s.startswith(f"{name}:6: unknown key 'colour'") for s in shown)
    assert any(f"{name}:13: step 'a': options:" in s and "at least 2" in s for s in shown)
    assert any(f"{name}:17: step 'b': kind 'sing' is not one of" in s for s in shown)
    assert any(f"{name}:21: step 'a': duplicate step id" in s for s in shown)
    assert any(
        f"{name}:31: step 'c': condition names step 'z', which does not exist" in s for s in shown
    )
    assert len(shown) == 6


def test_toml_syntax_error_gives_the_line() -> None:
    shown = messages(GOOD_HEADER + '\n[[steps]]\nid = "a\n')
    assert shown[0].startswith("tiny.toml:9: not valid TOML")


def test_missing_label_and_options() -> None:
    shown = messages(GOOD_HEADER + '\n[[steps]]\nid = "a"\nkind = "choice"\ntext = "Pick"\n')
    assert "tiny.toml:8: step 'a': missing required key 'label'" in shown
    assert "tiny.toml:8: step 'a': missing required key 'options'" in shown


def test_condition_on_a_later_step_or_a_message() -> None:
    text = (
        GOOD_HEADER
        + """
[[steps]]
id = "hello"
kind = "message"
text = "Hi"

[[steps]]
id = "a"
kind = "text"
text = "A?"
label = "A"
when = { any = [ { step = "b", answered = true }, { step = "hello", answered = true } ] }

[[steps]]
id = "b"
kind = "text"
text = "B?"
label = "B"
"""
    )
    shown = messages(text)
    assert (
        "tiny.toml:18: step 'a': condition names step 'b', which does not come before it" in shown
    )
    assert "tiny.toml:18: step 'a': condition names step 'hello', which is a message" in shown[1]


def test_id_must_match_file_name_and_steps_must_exist() -> None:
    _, problems = check_text(GOOD_HEADER, "other.toml", "other")
    shown = [str(p) for p in problems]
    assert "other.toml:2: id 'tiny' must match the file name 'other'" in shown
    assert any("no steps" in s for s in shown)


def test_duplicate_option_values() -> None:
    text = (
        GOOD_HEADER
        + """
[[steps]]
id = "a"
kind = "choice"
text = "Pick"
label = "A"
options = [ { value = "x", label = "X" }, { value = "x", label = "Y" } ]
"""
    )
    assert any("option value 'x' is used twice" in s for s in messages(text))


def test_library_skips_broken_files_and_keeps_good_ones(tmp_path: Path) -> None:
    (tmp_path / "visit-plan.toml").write_text((FIXTURES / "visit-plan.toml").read_text())
    (tmp_path / "broken.toml").write_text((FIXTURES / "broken.toml").read_text())
    library = load_library(tmp_path)
    assert list(library.flows) == ["visit-plan"]
    assert len(library.problems) == 6
    assert library.by_audience() == {"practitioner": [library.flows["visit-plan"]]}


def test_library_reports_citations_of_missing_cards(tmp_path: Path) -> None:
    text = (
        (FIXTURES / "visit-plan.toml")
        .read_text()
        .replace('intro = "A short plan for a visit."', 'intro = "Plan."\ncite = ["no-such-card"]')
    )
    (tmp_path / "visit-plan.toml").write_text(text)
    library = load_library(tmp_path, known_cards=["top-tips"])
    assert library.flows == {}
    says = "cites or links content card 'no-such-card', which does not exist"
    assert says in str(library.problems[0])


# -- issue 17: a factor tick list, checked like any other step ------------------------
def tick_list(options: list[str], extra: str = "") -> str:
    listed = ", ".join(f'{{ value = "{o}", label = "{o}" }}' for o in options)
    return (
        f'\n[[steps]]\nid = "ticks"\nkind = "multi"\nunticked = "absent"\ntext = "Which?"\n'
        f'label = "Ticks"\noptions = [{listed}]\n{extra}'
    )


def factor(factor_id: str, ticked: str | None = None, step: str = "ticks") -> str:
    when = f'when = {{ step = "{step}", ticked = "{ticked or factor_id}" }}\n'
    return (
        f'\n[[steps]]\nid = "{factor_id}"\nkind = "factor"\nfactor = "{factor_id}"\n'
        f'text = "?"\nlabel = "{factor_id}"\n{when}'
    )


def test_a_tick_list_of_factors_loads_and_feeds_what_is_left_unticked() -> None:
    text = GOOD_HEADER + tick_list(["neglect", "healthy_child"])
    text += factor("neglect") + factor("healthy_child")
    flow, found = check_text(text, "tiny.toml", "tiny")
    assert found == [] and flow is not None
    ticks = flow.step("ticks")
    assert ticks.fed_all(["neglect"]) == [("factors.healthy_child", "absent")]
    assert ticks.fed_all([]) == [("factors.neglect", "absent"), ("factors.healthy_child", "absent")]
    assert ticks.display(["neglect"]) == (
        "Ticked: neglect. Left unticked, so recorded as not present: healthy_child"
    )
    assert ticks.fed(["neglect"]) is None  # no `feeds` of its own
    assert ticks.feeds_the_table and flow.step("neglect").feeds_the_table  # the panel redraws


def test_a_tick_list_names_factors_and_each_one_ticked_is_asked() -> None:
    shown = messages(GOOD_HEADER + tick_list(["neglect", "nonsense"]) + factor("neglect"))
    assert any("'nonsense' is not a factor id" in s for s in shown)
    shown = messages(GOOD_HEADER + tick_list(["neglect", "healthy_child"]) + factor("neglect"))
    assert shown == [
        "tiny.toml:14: step 'ticks': 'healthy_child' can be ticked but no later factor "
        'question asks it (when = { step = "ticks", ticked = "healthy_child" })'
    ]
    shown = messages(
        GOOD_HEADER + tick_list(["neglect", "healthy_child"]) + factor("neglect")
        + factor("healthy_child", ticked="neglect")
    )  # fmt: skip
    assert any("ticked: 'neglect' shows the question about 'healthy_child'" in s for s in shown)
    plain = '\n[[steps]]\nid = "p"\nkind = "multi"\ntext = "?"\nlabel = "P"\n'
    plain += 'options = [{ value = "a", label = "A" }, { value = "b", label = "B" }]\n'
    shown = messages(GOOD_HEADER + plain + factor("neglect", step="p"))
    assert any("ticked: 'p' is not a factor tick list" in s for s in shown)


def test_only_a_tick_list_may_show_more_than_twelve_options() -> None:
    many = [f"o{n}" for n in range(13)]
    listed = ", ".join(f'{{ value = "{o}", label = "{o}" }}' for o in many)
    plain = (
        f'\n[[steps]]\nid = "p"\nkind = "multi"\ntext = "?"\nlabel = "P"\noptions = [{listed}]\n'
    )
    assert any("at most 12" in s for s in messages(GOOD_HEADER + plain))


def test_ticked_holds_for_a_ticked_factor_and_for_a_list_never_answered() -> None:
    """A session recorded before its flow had the list still shows what it answered."""
    from assistant.flows.conditions import parse_condition

    ticked = parse_condition({"step": "ticks", "ticked": "neglect"})
    assert ticked.holds({"ticks": ["neglect"]})
    assert not ticked.holds({"ticks": []})
    assert ticked.holds({})

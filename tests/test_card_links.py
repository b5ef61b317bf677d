"""Links to content cards inside turns and cards (issue 5: "links to content cards")."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from assistant.casework.demo import DEMO_REF, write_demo
from assistant.flows.content import load_cards
from assistant.flows.links import card_of, linked_cards
from assistant.flows.loader import load_library
from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.cards import CardScreen, CardView
from assistant.ui.markdown import LinkedMarkdown
from tests.conftest import FIXTURES
from tests.pilot import start_flow

GOOD_CARD = '+++\ntitle = "T"\nsource = "S"\n+++\n# T\n'


def test_linked_cards_in_order_each_once() -> None:
    text = "See [t](card:risk-table), [a](https://x.org), [it](card:risk-table), [b](card:babies)."
    assert linked_cards(text) == ("risk-table", "babies")


def test_card_of_reads_only_card_links() -> None:
    assert card_of("card:stage-2") == "stage-2"
    assert card_of("https://example.org") is None
    assert card_of("card:Not Valid") is None
    assert card_of(None) is None


def test_a_link_to_a_missing_card_is_a_flow_problem(tmp_path: Path) -> None:
    text = (FIXTURES / "visit-plan.toml").read_text()
    text = text.replace(
        'intro = "A short plan for a visit."',
        'intro = "Read [the tips](card:no-such-card) first."',
    )
    (tmp_path / "visit-plan.toml").write_text(text)
    library = load_library(tmp_path, known_cards=["top-tips"])
    assert library.flows == {}
    assert "links content card 'no-such-card'" in str(library.problems[0])


def test_a_link_to_a_missing_card_is_a_content_problem(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD_CARD)
    (tmp_path / "b.md").write_text(GOOD_CARD + "\nSee [a](card:a) and\n[gone](card:gone).\n")
    _, problems = load_cards(tmp_path)
    assert problems == [f"{tmp_path / 'b.md'}:8: links content card 'gone', which does not exist"]


def test_card_links_click_to_open_and_other_links_lose_their_address() -> None:
    console = Console(width=60)
    segments = list(
        console.render(LinkedMarkdown("See [it](card:babies) or [web](https://x.org)."))
    )
    clicks = {s.text: s.style.meta.get("@click") for s in segments if s.style and s.style.meta}
    assert clicks == {"it": "app.open_card('babies')"}
    assert not any(s.style and s.style.link for s in segments)


async def clickable_link(pilot, card: str) -> tuple[int, int]:
    """Where on screen a link to `card` is drawn."""
    screen = pilot.app.screen
    for y in range(screen.size.height):
        for x in range(screen.size.width):
            style = screen.get_style_at(x, y)
            if style.meta.get("@click") == f"app.open_card({card!r})":
                return x, y
    raise AssertionError(f"no link to {card} on screen")


async def test_clicking_a_link_in_a_turn_opens_the_card_beside_the_chat(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=(120, 40)) as pilot:
        chat = await start_flow(pilot, "Classifying risk")
        x, y = await clickable_link(pilot, "risk-table")
        await pilot.click(offset=(x, y))
        await pilot.pause()
        pane = chat.query_one("#card-pane", CardView)
        assert pane.display and pane.card_ids == ("risk-table",)


async def test_a_link_inside_a_card_opens_the_linked_card(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        await pilot.app.run_action("open_card('stages')")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, CardScreen)
        x, y = await clickable_link(pilot, "stage-1")
        await pilot.click(offset=(x, y))
        await pilot.pause()
        assert screen.query_one("#cards", CardView).card_ids == ("stage-1",)


async def test_what_does_this_mean_opens_the_cards_a_question_links(
    tmp_path: Path, monkeypatch
) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    text = (FIXTURES / "visit-plan.toml").read_text()
    text = text.replace(
        'text = "What kind of visit is it?"',
        'text = "What kind of visit is it? See [babies](card:babies)."',
    )
    (flows / "visit-plan.toml").write_text(text)
    monkeypatch.setenv("REUNIFY_FLOWS", str(flows))
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        await start_flow(pilot, "Visit plan (test)")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CardScreen)
        assert pilot.app.screen.card_ids == ("babies",)

"""Independent classification and conferring (NSPCC framework, Stage 2 Task 1; Stage 4).

The worker, the team manager and an independent reviewer each classify the four
rows and the overall level on their own, then compare and agree. A round keeps:
Reunify's reading of the framework's table when it opened, each rater's rating,
and the agreed decision. A rater sees neither anyone else's rating nor
Reunify's reading until they have submitted their own (classify before you
look); the agreed level needs a reason, and a sentence when it differs from
Reunify's reading (an override, which the framework allows for one grave factor
or a cluster). Rounds are never changed once agreed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.casework.decisions import DecisionError, make_decision
from assistant.text import NOTE_MAX, clean_text, printable

LEVELS = ("low", "medium", "high", "severe")
ROLES = {
    "worker": "Social worker",
    "team_manager": "Team manager",
    "independent_reviewer": "Independent reviewer",
}
ROWS = {
    "risk_factors": "Risk factors",
    "protective_factors": "Protective factors",
    "capacity_to_change": "Parents' capacity for actual change",
    "wishes": "Wishes about return",
}


#: The rows' names where a line has little room: the rating form and the columns
#: of the side-by-side view (the full names are in `ROWS`).
SHORT_ROWS = {
    "risk_factors": "Risk factors",
    "protective_factors": "Protective factors",
    "capacity_to_change": "Capacity to change",
    "wishes": "Wishes about return",
    "overall": "Overall level",
}
#: Widths of the side-by-side view's columns: with three raters and DIFFERS a line
#: stays within 70 columns, so it fits a dialog at 80×24 without wrapping.
ROW_WIDTH, LEVEL_WIDTH = 21, 9


class RoundError(ValueError):
    """A rating or agreement that cannot be kept; the message says why."""


@dataclass(frozen=True)
class Rating:
    role: str
    rater: str
    rows: dict[str, str]
    overall: str
    reasons: str
    at: str = ""


@dataclass(frozen=True)
class Round:
    id: str
    opened_at: str
    opened_by: str
    #: Reunify's reading of the table when the round opened: {"level": ..., "rows": {...}}
    #: (a level or a row may be None: not enough recorded)
    suggested: dict[str, Any]
    ratings: tuple[Rating, ...] = ()
    agreed: dict[str, Any] | None = None

    @property
    def open(self) -> bool:
        return self.agreed is None

    def rating_of(self, role: str) -> Rating | None:
        return next((r for r in self.ratings if r.role == role), None)


def make_rating(role: str, rater: str, rows: dict[str, str], overall: str, reasons: str) -> Rating:
    """A checked rating: a known role, a name or initials, a level for every row."""
    if role not in ROLES:
        raise RoundError(f"{role!r} is not a rater's role ({', '.join(ROLES)})")
    rater = clean_text(rater)
    if not rater or len(rater) > 60:
        raise RoundError("give the rater's name or initials (at most 60 characters)")
    missing = [name for name in ROWS if rows.get(name) not in LEVELS]
    if missing:
        raise RoundError(
            "give a level (low, medium, high or severe) for every row; missing or wrong: "
            + ", ".join(missing)
        )
    unknown = sorted(set(rows) - set(ROWS))
    if unknown:
        raise RoundError(f"unknown row(s): {', '.join(unknown)}")
    if overall not in LEVELS:
        raise RoundError(f"{overall!r} is not a level ({', '.join(LEVELS)})")
    reasons = clean_text(reasons)
    if not reasons:
        raise RoundError("give the reasons for this rating")
    if len(reasons) > NOTE_MAX:
        raise RoundError(f"the reasons are {len(reasons)} characters; at most {NOTE_MAX}")
    return Rating(role, rater, {name: rows[name] for name in ROWS}, overall, reasons)


def add_rating(round_: Round, rating: Rating) -> Round:
    """The round with one more rating; each role rates once, and only while open."""
    if not round_.open:
        raise RoundError("this round is agreed and closed; open a new round to rate again")
    if round_.rating_of(rating.role) is not None:
        raise RoundError(f"the {ROLES[rating.role].lower()} has already rated this round")
    return Round(**{**round_.__dict__, "ratings": (*round_.ratings, rating)})


def visible_ratings(round_: Round, viewer: str) -> tuple[Rating, ...]:
    """What `viewer` (a role) may see: nobody's rating until their own is in."""
    if round_.rating_of(viewer) is None:
        return ()
    return round_.ratings


@dataclass(frozen=True)
class ConferRow:
    name: str
    label: str
    suggested: str | None
    by_role: dict[str, str] = field(default_factory=dict)

    @property
    def differs(self) -> bool:
        """Raters, or raters and Reunify's reading, do not all say the same."""
        levels = set(self.by_role.values())
        if self.suggested:
            levels.add(self.suggested)
        return len(levels) > 1


def confer(round_: Round) -> list[ConferRow]:
    """Row by row (then overall): Reunify's reading beside each rater's level."""
    rows = [
        ConferRow(
            name,
            label,
            round_.suggested.get("rows", {}).get(name),
            {r.role: r.rows[name] for r in round_.ratings},
        )
        for name, label in ROWS.items()
    ]
    overall = {r.role: r.overall for r in round_.ratings}
    rows.append(ConferRow("overall", "Overall level", round_.suggested.get("level"), overall))
    return rows


def prompts(round_: Round) -> list[str]:
    """Questions to talk through, one for each row where views differ."""
    asked = []
    for row in confer(round_):
        if not row.differs:
            continue
        views = ", ".join(f"{ROLES[role].lower()} {level}" for role, level in row.by_role.items())
        table = f"; Reunify's reading of the table: {row.suggested}" if row.suggested else ""
        asked.append(
            f"{row.label}: {views}{table}. What evidence does each of you weigh, "
            "and what would settle it?"
        )
    return asked


def agree(round_: Round, level: str, reason: str, agreed_by: str) -> dict[str, Any]:
    """The agreed decision; an override of Reunify's reading needs a sentence."""
    if not round_.open:
        raise RoundError("this round is already agreed")
    if len(round_.ratings) < 2:
        raise RoundError("at least two raters classify on their own before agreeing")
    agreed_by = clean_text(agreed_by)
    if not agreed_by:
        raise RoundError("say who agreed it (names or initials)")
    try:
        decision = make_decision(level, reason, round_.suggested.get("level"))
    except DecisionError as exc:
        raise RoundError(str(exc)) from None
    return {**decision, "agreed_by": agreed_by, "round": round_.id}


def conferring_text(round_: Round, role: str) -> str:
    """The conferring view for `role`: neither the others' ratings nor Reunify's
    reading until their own is in."""
    if role not in ROLES:
        return f"Say who is looking: --as {' | '.join(ROLES)}"
    seen = visible_ratings(round_, role)
    if not seen:
        waiting = len(round_.ratings)
        return (
            f"Round {round_.id}: {waiting} rating(s) submitted. Submit your own first; "
            "others' ratings and Reunify's reading of the framework's table stay hidden "
            "until then."
        )
    roles = [r.role for r in seen]
    width = LEVEL_WIDTH
    head = f"{'':<{ROW_WIDTH}}{'reading':<{width}}" + "".join(
        f"{ROLES[r].split()[-1][: width - 1]:<{width}}" for r in roles
    )
    lines = [
        f"Round {round_.id}: side by side",
        "(reading: Reunify's reading of the framework's table when the round opened; "
        "- where too little was recorded)",
        head.rstrip(),
    ]
    for row in confer(round_):
        name = SHORT_ROWS.get(row.name, row.label)[: ROW_WIDTH - 1]
        cells = "".join(f"{row.by_role.get(r, '-').upper():<{width}}" for r in roles)
        line = f"{name:<{ROW_WIDTH}}{(row.suggested or '-').upper():<{width}}{cells}"
        lines.append(f"{line}DIFFERS" if row.differs else line.rstrip())
    talk = prompts(round_)
    if talk:
        lines += ["", "To discuss:"] + [f"- {printable(p)}" for p in talk]
    for rating in seen:
        lines.append(
            f"\n{ROLES[rating.role]} ({printable(rating.rater)}): {printable(rating.reasons)}"
        )
    return "\n".join(lines)


def round_from_row(row: dict[str, Any]) -> Round:
    ratings = tuple(Rating(**r) for r in row.get("ratings", []))
    return Round(
        row["id"], row["opened_at"], row["opened_by"], row["suggested"], ratings, row.get("agreed")
    )


def round_to_row(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.id,
        "opened_at": round_.opened_at,
        "opened_by": round_.opened_by,
        "suggested": round_.suggested,
        "ratings": [r.__dict__ for r in round_.ratings],
        "agreed": round_.agreed,
    }


# -- kept in the case's file, through the store --------------------------------
def beside_reading(own: dict[str, str | None], reading: dict[str, Any]) -> list[ConferRow]:
    """A practitioner's own levels (the four rows and `overall`) beside Reunify's
    reading (shaped as `suggestion_now` gives it), row by row then overall."""
    rows = [
        ConferRow(
            name,
            label,
            (reading.get("rows") or {}).get(name),
            {"you": level} if (level := own.get(name)) else {},
        )
        for name, label in ROWS.items()
    ]
    overall = own.get("overall")
    rows.append(
        ConferRow(
            "overall", "Overall level", reading.get("level"), {"you": overall} if overall else {}
        )
    )
    return rows


def suggestion_now(store: Any, library: Any, ref: str) -> dict[str, Any]:
    """Reunify's reading of the table for the case now, as a round keeps it ({} if
    nothing recorded feeds the table yet; a level or row None: not enough recorded)."""
    from assistant.casework.classification import classify_case

    now = classify_case(store, library, ref)
    if now.result is None or now.inputs.empty:
        return {}
    return {
        "level": now.result.suggested,
        "rows": now.result.rows.as_dict(),
        "trajectory": now.result.trajectory.as_dict(),
    }


def open_round(store: Any, ref: str, suggested: dict[str, Any]) -> Round:
    """Start a round with Reunify's reading of the table as it is now."""
    import uuid

    round_ = Round(uuid.uuid4().hex[:10], store.clock(), store.user, suggested)
    store.add_round(ref, round_to_row(round_))
    return round_


def rounds(store: Any, ref: str) -> list[Round]:
    """The case's rounds, oldest first."""
    return [round_from_row(row) for row in store.round_rows(ref)]


def bound_role(store: Any) -> str | None:
    """On a team server, the round role of the signed-in person's account (a rating
    is bound to it, so blind rating is enforced, not a matter of practice)."""
    access = getattr(store, "access", None)
    if access is None:
        return None
    from assistant.records.users import ROUND_ROLES

    return ROUND_ROLES.get(access.person.role, "")


def rate(store: Any, ref: str, round_id: str, rating: Rating) -> Round:
    """Add a rating (stamped now), read and written under the database's lock. On a
    team server the rating is bound to the signed-in account: its role and name."""
    role = bound_role(store)
    if role is not None:
        if rating.role != role:
            raise RoundError(
                f"you are signed in as {store.user}; you rate as {ROLES.get(role, 'nobody')}"
                if role
                else f"{store.user}'s account does not rate in rounds"
            )
        rating = Rating(**{**rating.__dict__, "rater": store.user})
    stamped = Rating(**{**rating.__dict__, "at": store.clock()})
    row = store.change_round(
        ref, round_id, lambda row: round_to_row(add_rating(round_from_row(row), stamped))
    )
    return round_from_row(row)


def agree_round(store: Any, ref: str, round_id: str, level: str, reason: str, by: str) -> dict:
    """Record the agreed level: it closes the round and is kept as the case's decision."""
    agreed: dict[str, Any] = {}

    def close(row: dict[str, Any]) -> dict[str, Any]:
        round_ = round_from_row(row)
        agreed.update(agree(round_, level, reason, by), at=store.clock(), who=store.user)
        if round_.suggested.get("trajectory"):
            agreed["trajectory"] = round_.suggested["trajectory"]
        return round_to_row(Round(**{**round_.__dict__, "agreed": dict(agreed)}))

    store.change_round(ref, round_id, close)
    store.record_decision(ref, {k: v for k, v in agreed.items() if k not in ("at", "who")})
    return agreed

"""A case's answers that feed the classification, kept up to date as answers come.

Working them out from the whole case after every answer costs the whole case:
at 20,000 answers (1,700 sessions) it took a second. `FedState` keeps, for one
case, what each session feeds and the newest answer to each question about
each person, and after an answer works out again only the sessions whose
answers came since. What it hands back is exactly what `fed_answers` and
`build_input` give from scratch (tests/test_long_case.py checks it after every
answer of a long case): the same newest answers, in the same order.

`current_sources` keeps one state per case (by database folder and reference)
for the few cases worked on last. A state follows its case's log while the log
only grows (see `assistant.casework.case_log`); the sessions are read again
when the case file was written since or an answer names a session not known,
and a session gone, or whose flow or place among the others is not what it
was, sends the case back to a fresh start, as does any other change to the
log. Decisions are not kept here: they are read afresh for each classification.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from assistant.casework.case_log import Row, case_file_version, follows, log_rows
from assistant.casework.feeds import FedAnswer, QuestionKey, question_key
from assistant.casework.replay import current_rows
from assistant.flows.flow_index import index_of
from assistant.flows.loader import Flow, FlowLibrary
from assistant.flows.steps import LEFT_UNTICKED
from assistant.records.storage import StatKey
from assistant.records.store import Store


def session_fed(flow: Flow, current: dict[str, Row]) -> list[FedAnswer]:
    """What one session's current answers (as kept rows, see `current_rows`) feed, in
    the order its flow asks them. A factor tick list feeds each factor left unticked
    as not present, as the answer to that factor's own question: a later session
    about the same person that ticks it and gives its status replaces it, and the
    other way round."""
    index = index_of(flow)
    steps, factor_steps = index.by_id, index.by_factor
    about = current.get(flow.about) if flow.about else None
    subject = str(about.get("value")) if about is not None else ""
    fed: list[FedAnswer] = []
    for step_id, row in current.items():
        step = steps[step_id]
        at, seq = row["at"], row["seq"]
        for path, fed_value in step.fed_all(row.get("value")):
            label, question = step.label, (flow.id, step_id)
            if path.startswith("factors.") and step.kind == "multi":
                # left unticked in a tick list: the same question as the factor's own,
                # so whichever of the two was answered later about this person counts
                asks = factor_steps.get(path.removeprefix("factors."))
                question = (flow.id, asks.id if asks is not None else step_id)
                label = f"{step.label}: {LEFT_UNTICKED}"
            fed.append(FedAnswer(path, fed_value, at, flow.title, label, question, subject, seq))
    return fed


class _Question:
    """Every session's answer to one question about one person: the newest counts.

    Sessions come in the store's order (newest first) and a session's answers in
    its flow's order; as in `newest_per_question`, of two answers given at the same
    moment the later in that order counts, and a question's place is where it came
    first. Places are compared as (session's rank, place in the session)."""

    __slots__ = ("by_session", "first", "newest", "won")

    def __init__(self) -> None:
        #: session -> (place of its first answer here, place of its newest, the newest)
        self.by_session: dict[str, tuple[int, int, FedAnswer]] = {}
        self.newest: FedAnswer | None = None
        #: where the newest answer is, and where the question came first: (session, place)
        self.won: tuple[str, int] = ("", 0)
        self.first: tuple[str, int] = ("", 0)

    def settle(self, rank: dict[str, int]) -> None:
        """Pick the newest answer and the first place from every session's."""
        items = self.by_session.items()
        won, (_, at, answer) = max(items, key=lambda kv: (kv[1][2].order, rank[kv[0]], kv[1][1]))
        first, (place, _, _) = min(items, key=lambda kv: (rank[kv[0]], kv[1][0]))
        self.newest, self.won, self.first = answer, (won, at), (first, place)

    def drop(self, session: str) -> bool:
        """`session` answers it no more; True when it must be settled afresh."""
        del self.by_session[session]
        return session in (self.won[0], self.first[0])

    def put(
        self, session: str, first: int, at: int, answer: FedAnswer, rank: dict[str, int]
    ) -> bool:
        """`session`'s answer now; True when it must be settled afresh (its newest was
        this session's and is older now), else the newest and first place are kept
        up to date from this one session."""
        before = self.by_session.get(session)
        self.by_session[session] = (first, at, answer)
        if self.newest is None:
            self.newest, self.won, self.first = answer, (session, at), (session, first)
            return False
        if self.won[0] == session:
            if before is not None and answer.order < before[2].order:
                return True
            self.newest, self.won = answer, (session, at)
        elif (answer.order, rank[session], at) > (
            self.newest.order,
            rank[self.won[0]],
            self.won[1],
        ):
            self.newest, self.won = answer, (session, at)
        if self.first[0] == session or (rank[session], first) < (
            rank[self.first[0]],
            self.first[1],
        ):
            self.first = (session, first)
        return False


class FedState:
    """One case's fed answers, brought up to date from the log rows added since."""

    def __init__(self, library: FlowLibrary) -> None:
        self.library = library
        self.seen = 0
        self.last: Row | None = None
        self.version: StatKey | None = None
        #: session -> its place in the store's order (newest first), and its flow
        self.rank: dict[str, int] = {}
        self.flow_of: dict[str, str] = {}
        #: session -> the places of its answers in the log
        self.rows_of: dict[str, list[int]] = {}
        self.fed_of: dict[str, list[FedAnswer]] = {}
        #: sessions with answers whose flow cannot be loaded -> that flow
        self.unread: dict[str, str] = {}
        self.questions: dict[QuestionKey, _Question] = {}
        self.lock = threading.Lock()

    def update(self, store: Store, ref: str) -> bool:
        """Take in the answers added since; False when the case changed otherwise
        (a log replaced, a session changed), so the state must start afresh."""
        rows = log_rows(store, ref)
        if not follows(rows, self.seen, self.last):
            return False
        added = rows[self.seen :]
        version = case_file_version(store, ref)
        changed: set[str] = set()
        if version != self.version or any(row["session"] not in self.rank for row in added):
            # the case file was written (a draft, a decision, a new session...), or an
            # answer names a session not known: the sessions are read again and checked
            listed = self._read_sessions(store, ref)
            if listed is None:
                return False
            self.version = version
            changed |= listed & self.rows_of.keys()  # answers kept before their session was
        if not added and not changed:
            return True
        for place, row in enumerate(added, self.seen):
            self.rows_of.setdefault(row["session"], []).append(place)
            changed.add(row["session"])
        if added:
            self.seen, self.last = len(rows), rows[-1]
        unsettled: set[QuestionKey] = set()
        for session in changed:
            if session in self.rank:  # answers of a session the case does not list count nowhere
                unsettled |= self._work_out(session, rows)
        for key in unsettled:
            question = self.questions[key]
            if question.by_session:
                question.settle(self.rank)
            else:
                del self.questions[key]
        return True

    def _read_sessions(self, store: Store, ref: str) -> set[str] | None:
        """Read the case's sessions again: the ones new since, or None when one known
        is gone, has another flow or another place among the others."""
        records = store.sessions(ref)
        rank = {record.id: place for place, record in enumerate(records)}
        flows = {record.id: record.flow_id for record in records}
        known = sorted(self.rank, key=self.rank.__getitem__)
        if any(s not in rank or flows[s] != self.flow_of[s] for s in known):
            return None
        if sorted(known, key=rank.__getitem__) != known:
            return None
        new = rank.keys() - self.rank.keys()
        self.rank, self.flow_of = rank, flows
        return new

    def _work_out(self, session: str, rows: list[Row]) -> set[QuestionKey]:
        """Work out again what `session` feeds; the questions to settle afresh."""
        flow = self.library.flows.get(self.flow_of[session])
        if flow is None:
            self.unread[session] = self.flow_of[session]
            fed: list[FedAnswer] = []
        else:
            of_session = (rows[place] for place in self.rows_of[session])
            fed = session_fed(flow, current_rows(flow, of_session))
        # this session's answer to each question now: (first place, newest place, newest)
        now: dict[QuestionKey, tuple[int, int, FedAnswer]] = {}
        for place, answer in enumerate(fed):
            key = question_key(answer)
            kept = now.get(key)
            if kept is None:
                now[key] = (place, place, answer)
            elif answer.order >= kept[2].order:
                now[key] = (kept[0], place, answer)
        unsettled: set[QuestionKey] = set()
        for answer in self.fed_of.get(session, []):
            key = question_key(answer)
            question = self.questions[key]
            if key not in now and session in question.by_session and question.drop(session):
                unsettled.add(key)
            if not question.by_session:
                unsettled.add(key)
        self.fed_of[session] = fed
        for key, (first, at, answer) in now.items():
            question = self.questions.setdefault(key, _Question())
            if question.put(session, first, at, answer, self.rank):
                unsettled.add(key)
        return unsettled

    def sources(self) -> dict[str, list[FedAnswer]]:
        """The newest answer to each question, by input path, in the order
        `build_input` gives them (by where each question first came)."""

        def place(question: _Question) -> tuple[int, int]:
            session, at = question.first
            return (self.rank[session], at)

        by_path: dict[str, list[FedAnswer]] = {}
        for question in sorted(self.questions.values(), key=place):
            assert question.newest is not None
            by_path.setdefault(question.newest.path, []).append(question.newest)
        return by_path

    def unread_flows(self) -> list[str]:
        return sorted(set(self.unread.values()))


#: How many cases keep their state: the case being worked on, and a few opened
#: beside it (the due list works through every case; most of them start afresh).
KEEP = 8
_STATES: OrderedDict[tuple[str, str], FedState] = OrderedDict()
_STATES_LOCK = threading.Lock()


def current_sources(
    store: Store, library: FlowLibrary, ref: str
) -> tuple[dict[str, list[FedAnswer]], list[str]]:
    """The newest answers of the case that feed the classification, by path, and
    the flows of sessions that could not be read, from the state kept for the case
    (made, or made afresh, when needed)."""
    key = (str(store.root.resolve()), ref)
    with _STATES_LOCK:
        state = _STATES.get(key)
        if state is None or state.library is not library:
            state = _STATES[key] = FedState(library)
        _STATES.move_to_end(key)
        while len(_STATES) > KEEP:
            _STATES.popitem(last=False)
    with state.lock:
        try:
            followed = state.update(store, ref)
        except BaseException:
            _drop(key, state)  # half taken in: the next time starts afresh
            raise
        if followed:
            return state.sources(), state.unread_flows()
    _drop(key, state)
    state = FedState(library)
    state.update(store, ref)  # a fresh state follows any log
    with _STATES_LOCK:
        _STATES[key] = state
    return state.sources(), state.unread_flows()


def _drop(key: tuple[str, str], state: FedState) -> None:
    with _STATES_LOCK:
        if _STATES.get(key) is state:
            del _STATES[key]


def forget(store: Store, ref: str | None = None) -> None:
    """Drop the states kept for a database (or one of its cases)."""
    root = str(store.root.resolve())
    with _STATES_LOCK:
        for key in [k for k in _STATES if k[0] == root and ref in (None, k[1])]:
            del _STATES[key]

"""People on a team server (`reunify serve`): accounts, sign-in checks, who may see
which case, and the audit of sign-ins.

Accounts live in the database folder, in `users.json` (0600): a name, a role
(worker, manager, reviewer, admin), a team, whether the account is disabled, and
a password hash made by argon2 (argon2-cffi, a maintained library). A password
is never stored, logged or shown. Sign-ins, sign-outs and failures are appended
to `users-audit.jsonl` (who, when, from where; never a password).

Who sees what (the app enforces it: every session runs as the server's one
system user):
- a worker sees the cases they created or were added to (`reunify case share`);
- a manager sees those of everyone in their team, and their own;
- a reviewer sees only the cases they were added to;
- an admin manages accounts and reads the audit, and sees a case only when added.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.records.locks import write_lock
from assistant.records.storage import write_atomic

USERS_FILE = "users.json"
AUDIT_FILE = "users-audit.jsonl"
ROLES = ("worker", "manager", "reviewer", "admin")
NAME_RULE = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,31}")
MIN_PASSWORD = 10
#: how a person's role rates in a classification round (served, rating is bound to it)
ROUND_ROLES = {"worker": "worker", "manager": "team_manager", "reviewer": "independent_reviewer"}


class UserError(ValueError):
    """An account that cannot be made or changed as asked; the message says why."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    team: str
    disabled: bool = False


def users_path(root: Path) -> Path:
    return Path(root) / USERS_FILE


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RULE.fullmatch(name):
        raise UserError(
            f"user name {name[:40]!r} is not valid: a letter, then letters, digits, '.', "
            "'-' or '_', at most 32"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD or not password.strip():
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters, not only spaces")
    return password


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def _read(root: Path) -> dict[str, Any]:
    path = users_path(root)
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {"users": {}}
    except (ValueError, RecursionError) as exc:
        raise UserError(f"{path} is damaged ({str(exc)[:80]}); it was not changed") from None
    if not isinstance(document, dict) or not isinstance(document.get("users"), dict):
        raise UserError(f"{path} is damaged (not a list of accounts); it was not changed")
    return document


def _write(root: Path, document: dict[str, Any]) -> None:
    write_atomic(users_path(root), json.dumps(document, indent=1).encode("utf-8"))


def accounts(root: Path) -> list[Account]:
    """Every account, by name (no hashes)."""
    users = _read(root)["users"]
    return [
        Account(name, str(row.get("role")), str(row.get("team", "")), bool(row.get("disabled")))
        for name, row in sorted(users.items(), key=lambda kv: kv[0].casefold())
    ]


def account(root: Path, name: str) -> Account | None:
    return next((a for a in accounts(root) if a.name == name), None)


def add_user(root: Path, name: str, role: str, password: str, team: str = "team") -> Account:
    check_name(name)
    check_name(team)
    if role not in ROLES:
        raise UserError(f"role {role!r} is not one of {', '.join(ROLES)}")
    check_password(password)
    digest = _hasher().hash(password)
    with write_lock(root):
        document = _read(root)
        if any(n.casefold() == name.casefold() for n in document["users"]):
            raise UserError(f"user {name!r} already exists")
        document["users"][name] = {"role": role, "team": team, "hash": digest, "disabled": False}
        _write(root, document)
    return Account(name, role, team)


def _change(root: Path, name: str, **fields: Any) -> None:
    with write_lock(root):
        document = _read(root)
        if name not in document["users"]:
            raise UserError(f"there is no user {name!r}")
        document["users"][name].update(fields)
        _write(root, document)


def disable_user(root: Path, name: str) -> None:
    _change(root, name, disabled=True)


def set_password(root: Path, name: str, password: str) -> None:
    check_password(password)
    _change(root, name, hash=_hasher().hash(password))


def verify(root: Path, name: str, password: str) -> Account | None:
    """The account when `password` is right and the account is enabled, else None.
    A wrong name costs as much time as a wrong password (no telling which)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    row = _read(root)["users"].get(name) if isinstance(name, str) else None
    stored = row.get("hash") if isinstance(row, dict) else None
    if not isinstance(stored, str):
        stored = hasher.hash("a password nobody has, checked to spend the same time")
        row = None
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.get("disabled"):
        return None
    return Account(name, str(row["role"]), str(row.get("team", "")))


def audit(root: Path, event: str, user: str, where: str = "") -> None:
    """Keep one sign-in event (never a password)."""
    line = {
        "at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "event": event,
        "user": str(user)[:40],
        "from": str(where)[:60],
    }
    path = Path(root) / AUDIT_FILE
    with write_lock(root):
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
        path.chmod(0o600)


def audit_lines(root: Path) -> list[dict[str, str]]:
    path = Path(root) / AUDIT_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    out = []
    for line in text.splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict):
            out.append({k: str(v) for k, v in row.items()})
    return out


@dataclass(frozen=True)
class Access:
    """What one signed-in person may see: decided from the case's index row."""

    person: Account
    teams: dict[str, str]  # user name -> team

    def can_see(self, row: dict[str, Any]) -> bool:
        members = {str(row.get("created_by", "")), *map(str, row.get("members", []))}
        if self.person.name in members:
            return True
        if self.person.role == "manager":
            return any(self.teams.get(m) == self.person.team for m in members)
        return False


def access_for(root: Path, name: str) -> Access:
    found = account(root, name)
    if found is None or found.disabled:
        raise UserError(f"there is no enabled user {name!r}")
    return Access(found, {a.name: a.team for a in accounts(root)})

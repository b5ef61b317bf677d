"""`reunify serve`: one Reunify for a team, in the browser, for signed-in people only.

The real app runs per browser tab as its own process (textual-serve's `Server`,
an aiohttp application, with our routes and checks added), as the signed-in
person, on the shared database. What is checked, on every request:
- a sign-in page comes before anything else; every page and the websocket refuse
  a request without a live session (a redirect for a page, 401 otherwise);
- the session cookie is HttpOnly, SameSite=Strict, Secure under TLS, and a new
  session id is made at every sign-in; sessions end on sign-out and after a
  configurable idle time;
- repeated failed sign-ins slow down (doubling waits, per name and per address);
- every form carries a CSRF token; the websocket checks its Origin;
- sign-ins, sign-outs and failures go to the audit (`reunify users audit`).
The signed-in name is the app's user: it is set by this server for the app
process, never by the browser. Nothing is fetched from elsewhere: the page uses
only what this server serves.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import ipaddress
import secrets
import shlex
import ssl
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.commands.common import EXIT_USAGE, UserError, db_root

SESSION_COOKIE = "reunify_session"
CSRF_COOKIE = "reunify_signin"
#: failed sign-ins allowed before waits begin (for one name; for one address, which
#: a whole office may share, more), and the longest wait in seconds
FREE_FAILURES, FREE_FROM_ONE_ADDRESS, LONGEST_WAIT = 3, 12, 15 * 60


@dataclass
class Session:
    user: str
    role: str
    csrf: str
    last_seen: float = field(default_factory=time.monotonic)


@dataclass
class Throttle:
    """Failed sign-ins by key (a name or an address): the wait doubles after a few."""

    failures: dict[str, tuple[int, float]] = field(default_factory=dict)

    def wait(self, key: str, free: int = FREE_FAILURES) -> float:
        count, last = self.failures.get(key, (0, 0.0))
        if count < free:
            return 0.0
        delay = min(2 ** (count - free), LONGEST_WAIT)
        return max(0.0, last + delay - time.monotonic())

    def failed(self, key: str) -> None:
        count, _ = self.failures.get(key, (0, 0.0))
        self.failures[key] = (count + 1, time.monotonic())

    def cleared(self, key: str) -> None:
        self.failures.pop(key, None)


def is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<style>body{font-family:sans-serif;max-width:28em;margin:4em auto;padding:0 1em}"
        "label{display:block;margin-top:1em}input{font-size:1.1em;width:100%}"
        "button{margin-top:1.5em;font-size:1.1em;padding:.4em 1.2em}"
        ".error{color:#a00;font-weight:bold}</style></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    )


def make_server(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    tls: bool = False,
    behind_proxy: str | None = None,
    idle_minutes: float = 30.0,
) -> Any:
    """The team server for the database at `root` (not yet serving)."""
    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    from assistant.records import users

    scheme = "https" if tls or behind_proxy else "http"
    public = f"{scheme}://{host}:{port}"
    command = f"{shlex.quote(sys.executable)} -m assistant.commands.served"

    class PersonsApp(AppService):
        """One app process, for one signed-in person (the server sets who)."""

        def __init__(self, person: Session, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.person = person

        def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
            environment = super()._build_environment(width=width, height=height)
            environment.pop("REUNIFY_USER", None)
            environment["REUNIFY_DB"] = str(root)
            environment["REUNIFY_SERVED_USER"] = self.person.user
            return environment

    class ReunifyServer(Server):
        def __init__(self) -> None:
            super().__init__(
                command,
                host=host,
                port=port,
                title="Reunify",
                public_url=public,
                templates_path=str(Path(__file__).parent / "serve_templates"),
            )
            self.sessions: dict[str, Session] = {}
            self.throttle = Throttle()
            self.idle = idle_minutes * 60

        # -- who is asking --------------------------------------------------
        def _address(self, request: web.Request) -> str:
            peer = request.remote or ""
            if behind_proxy and peer == behind_proxy:
                forwarded = request.headers.get("X-Forwarded-For", "")
                return forwarded.split(",")[-1].strip() or peer
            return peer

        def _session(self, request: web.Request) -> Session | None:
            session = self.sessions.get(request.cookies.get(SESSION_COOKIE, ""))
            if session is None:
                return None
            if time.monotonic() - session.last_seen > self.idle:
                self._end(request.cookies.get(SESSION_COOKIE, ""), "idle sign-out", request)
                return None
            session.last_seen = time.monotonic()
            return session

        def _end(self, key: str, why: str, request: web.Request) -> None:
            session = self.sessions.pop(key, None)
            if session is not None:
                users.audit(root, why, session.user, self._address(request))

        def _cookie(self, response: web.StreamResponse, name: str, value: str) -> None:
            response.set_cookie(
                name, value, httponly=True, samesite="Strict", secure=scheme == "https", path="/"
            )

        @web.middleware
        async def guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
            path = request.path
            if path in ("/signin",) or path.startswith("/static/"):
                response = await handler(request)
            elif self._session(request) is None:
                if path == "/" and request.method == "GET":
                    raise web.HTTPFound("/signin")
                raise web.HTTPUnauthorized(text="sign in first")
            else:
                response = await handler(request)
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
            return response

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(self.guard)
            app.router.add_get("/signin", self.signin_page)
            app.router.add_post("/signin", self.signin)
            app.router.add_post("/signout", self.signout)
            return app

        # -- pages ----------------------------------------------------------
        def _signin_form(self, message: str = "") -> web.Response:
            token = secrets.token_urlsafe(32)
            error = f"<p class='error' role='alert'>{html.escape(message)}</p>" if message else ""
            body = (
                f"{error}<form method='post' action='/signin'>"
                f"<input type='hidden' name='csrf' value='{token}'>"
                "<label for='name'>Name</label>"
                "<input id='name' name='name' autocomplete='username' required autofocus>"
                "<label for='password'>Password</label>"
                "<input id='password' name='password' type='password' "
                "autocomplete='current-password' required>"
                "<button type='submit'>Sign in</button></form>"
            )
            response = web.Response(
                text=_page("Sign in to Reunify", body),
                content_type="text/html",
                status=401 if message else 200,
            )
            self._cookie(response, CSRF_COOKIE, token)
            return response

        async def signin_page(self, request: web.Request) -> web.Response:
            return self._signin_form()

        async def signin(self, request: web.Request) -> web.Response:
            form = await request.post()
            token = str(form.get("csrf", ""))
            if not token or not secrets.compare_digest(token, request.cookies.get(CSRF_COOKIE, "")):
                raise web.HTTPForbidden(text="the form has expired; open the sign-in page again")
            name, password = str(form.get("name", ""))[:64], str(form.get("password", ""))
            where = self._address(request)
            wait = max(
                self.throttle.wait(f"name:{name}"),
                self.throttle.wait(f"from:{where}", FREE_FROM_ONE_ADDRESS),
            )
            if wait > 0:
                users.audit(root, "sign-in refused: too many tries", name, where)
                response = self._signin_form(
                    f"Too many failed sign-ins: wait {int(wait) + 1} seconds and try again."
                )
                response.set_status(429)
                return response
            person = await asyncio.to_thread(users.verify, root, name, password)
            if person is None:
                self.throttle.failed(f"name:{name}")
                self.throttle.failed(f"from:{where}")
                users.audit(root, "sign-in failed", name, where)
                return self._signin_form("That name and password do not match an account.")
            self.throttle.cleared(f"name:{name}")
            old = request.cookies.get(SESSION_COOKIE, "")
            self.sessions.pop(old, None)  # a new session id at every sign-in
            key = secrets.token_urlsafe(32)
            self.sessions[key] = Session(person.name, person.role, secrets.token_urlsafe(32))
            users.audit(root, "signed in", person.name, where)
            response = web.HTTPFound("/")
            self._cookie(response, SESSION_COOKIE, key)
            response.del_cookie(CSRF_COOKIE, path="/")
            raise response

        async def signout(self, request: web.Request) -> web.Response:
            key = request.cookies.get(SESSION_COOKIE, "")
            session = self.sessions.get(key)
            form = await request.post()
            if session is None or not secrets.compare_digest(
                str(form.get("csrf", "")), session.csrf
            ):
                raise web.HTTPForbidden(text="not signed out: the form has expired")
            self._end(key, "signed out", request)
            response = web.HTTPFound("/signin")
            response.del_cookie(SESSION_COOKIE, path="/")
            raise response

        async def handle_index(self, request: web.Request) -> web.Response:
            import aiohttp_jinja2

            session = self._session(request)
            assert session is not None  # the guard let it through
            socket = ("wss:" if scheme == "https" else "ws:") + public.split(":", 1)[1] + "/ws"
            context = {
                "font_size": max(8, min(40, _int(request.query.get("fontsize"), 16))),
                "app_websocket_url": socket,
                "config": {"static": {"url": "/static/"}},
                "application": {"name": "Reunify"},
                "user": session.user,
                "role": session.role,
                "csrf": session.csrf,
            }
            return aiohttp_jinja2.render_template("app_index.html", request, context)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            session = self._session(request)
            if session is None:
                raise web.HTTPUnauthorized(text="sign in first")
            origin = request.headers.get("Origin", "")
            if origin != public:
                users.audit(root, "websocket refused: wrong origin", session.user, origin)
                raise web.HTTPForbidden(text="this page may only be used from its own site")
            websocket = web.WebSocketResponse(heartbeat=15)
            await websocket.prepare(request)
            width = max(20, min(400, _int(request.query.get("width"), 80)))
            height = max(10, min(200, _int(request.query.get("height"), 24)))
            service = PersonsApp(
                session,
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=False,
            )
            try:
                await service.start(width, height)
                await self._process_messages(websocket, service)
            except asyncio.CancelledError:
                await websocket.close()
            finally:
                await service.stop()
            return websocket

        async def on_startup(self, app: web.Application) -> None:
            print(f"Reunify is serving {root} at {public}/ (Ctrl+C stops it)", flush=True)

    return ReunifyServer()


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


def add_commands(commands: Any, case_commands: Any) -> None:
    """`serve`."""
    serve = commands.add_parser("serve", help="serve Reunify to a team in the browser")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (8000)")
    serve.add_argument("--certfile", type=Path, help="TLS certificate (PEM)")
    serve.add_argument("--keyfile", type=Path, help="TLS private key (PEM)")
    serve.add_argument(
        "--behind-proxy",
        metavar="PROXY_IP",
        help="a TLS proxy at this address is in front: trust only its forwarded headers",
    )
    serve.add_argument(
        "--idle-minutes", type=float, default=30.0, help="sign out after this long idle (30)"
    )
    serve.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from assistant.records import users

    root = db_root(args)
    if not 0 < args.port < 65536:
        raise UserError("--port needs a number from 1 to 65535", EXIT_USAGE)
    if bool(args.certfile) != bool(args.keyfile):
        raise UserError("TLS needs both --certfile and --keyfile", EXIT_USAGE)
    tls = args.certfile is not None
    if not is_local(args.host) and not tls and not args.behind_proxy:
        raise UserError(
            f"serving on {args.host} would send passwords and case data unencrypted: give "
            "--certfile and --keyfile, or --behind-proxy PROXY_IP if a TLS proxy is in front",
            EXIT_USAGE,
        )
    from assistant.records.store import Store

    Store(root)  # refuses a folder that is not a Reunify database, sets it up if new
    if not users.accounts(root):
        raise UserError(
            f"no accounts yet in {root}: add one first (reunify --db {root} users add NAME "
            "--role admin)"
        )
    context = None
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            context.load_cert_chain(args.certfile, args.keyfile)
        except (OSError, ssl.SSLError) as exc:
            raise UserError(f"cannot use the certificate: {exc}") from None
    server = make_server(root, args.host, args.port, tls, args.behind_proxy, args.idle_minutes)
    server.initialize_logging()
    web.run_app(
        server._make_app(),
        host=args.host,
        port=args.port,
        ssl_context=context,
        print=lambda *a: None,
    )
    return 0

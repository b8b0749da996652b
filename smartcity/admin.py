"""Accounts from the command line (the first admin is made here):

    python -m smartcity.admin create-user --username U --name N --organisation O --role R [--municipality 27100]
                                          [--may-approve-own]
    python -m smartcity.admin set-password --username U
    python -m smartcity.admin list-users
    python -m smartcity.admin disable-user --username U | enable-user --username U

The password comes from the environment variable SMARTCITY_NEW_PASSWORD or is asked twice on the terminal: never
from the command line (it would be in the shell history and the process list). The state database is
SMARTCITY_STATE_URL, else data/state/state.sqlite3. Exit code 2 on bad input."""
from __future__ import annotations

import argparse
import getpass
import os
import sys

from sqlalchemy.engine import make_url

from smartcity.auth import accounts
from smartcity.state import store
from smartcity.state.schema import ROLES

PASSWORD_ENV = "SMARTCITY_NEW_PASSWORD"
ACTOR = "cli"


class InputError(Exception):
    """Bad input from the command line (exit code 2)."""


def parser() -> argparse.ArgumentParser:
    """The command line."""
    top = argparse.ArgumentParser(prog="python -m smartcity.admin", description="Accounts of the officials' pages.")
    sub = top.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-user", help="create an account (password: $SMARTCITY_NEW_PASSWORD or asked)")
    create.add_argument("--username", required=True)
    create.add_argument("--name", required=True, help="display name, e.g. 大阪 太郎")
    create.add_argument("--organisation", required=True, help="e.g. 大阪府スマートシティ戦略部")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--municipality", help="editors only: the 5-digit code of the one municipality they edit")
    create.add_argument("--may-approve-own", action="store_true", help="waive four-eyes for this approver")
    for name, text in (("set-password", "give an account a new password (ends its sessions, clears a lock-out)"),
                       ("disable-user", "disable an account (ends its sessions)"),
                       ("enable-user", "enable a disabled account")):
        sub.add_parser(name, help=text).add_argument("--username", required=True)
    sub.add_parser("list-users", help="list the accounts")
    return top


def new_password() -> str:
    """The new password: from SMARTCITY_NEW_PASSWORD, else typed twice (not echoed)."""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    try:
        first = getpass.getpass("新しいパスワード / New password: ")
        second = getpass.getpass("もう一度 / Again: ")
    except EOFError:
        raise InputError(f"パスワードがありません（{PASSWORD_ENV} を設定するか端末で入力） / "
                         f"No password given (set {PASSWORD_ENV} or type it on a terminal)") from None
    if first != second:
        raise InputError("2回のパスワードが一致しません / The two passwords differ")
    return first


def run(args: argparse.Namespace, out=sys.stdout) -> None:
    """Carry out one command on the state database."""
    url = store.default_url()
    print(f"状態データベース / State database: {make_url(url).render_as_string(hide_password=True)}", file=out)
    password = new_password() if args.command in ("create-user", "set-password") else ""  # asked before any write
    with store.engine(url).begin() as conn:
        if args.command == "create-user":
            made = accounts.create_account(conn, args.username, args.name, args.organisation, args.role,
                                           password, args.municipality, args.may_approve_own, actor=ACTOR)
            print(f"作成しました / Created: {made['username']} ({made['role']})", file=out)
        elif args.command == "set-password":
            accounts.set_password(conn, args.username, password, actor=ACTOR)
            print(f"パスワードを変更しました / Password changed: {accounts.normalise_username(args.username)}", file=out)
        elif args.command in ("disable-user", "enable-user"):
            changed = accounts.set_active(conn, args.username, args.command == "enable-user", actor=ACTOR)
            state = "有効 / enabled" if changed["active"] else "無効 / disabled"
            print(f"{changed['username']}: {state}", file=out)
        else:
            _print_accounts(accounts.list_accounts(conn), out)


def _print_accounts(rows: list[dict], out) -> None:
    print("username\trole\tmunicipality\tactive\tmay_approve_own\tlocked_until\tdisplay_name\torganisation", file=out)
    for a in rows:
        print("\t".join(str(v if v is not None else "") for v in (
            a["username"], a["role"], a["municipality_code"], a["active"], a["may_approve_own"], a["locked_until"],
            a["display_name"], a["organisation"])), file=out)
    print(f"{len(rows)} 件 / accounts", file=out)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; 0 when done, 2 on bad input (with the reason on stderr)."""
    args, unknown = parser().parse_known_args(argv)
    if unknown:  # not echoed: a password typed on the command line must not reach a log (there is no --password)
        print(f"エラー / Error: 不明な引数が{len(unknown)}個あります / {len(unknown)} unrecognized arguments "
              "(the password is never given on the command line)", file=sys.stderr)
        return 2
    try:
        run(args)
    except (accounts.AccountError, InputError) as error:
        print(f"エラー / Error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

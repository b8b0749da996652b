"""Page layouts and callback answers rendered once per build: each is a pure function of the build, its inputs (the
path and query variables; a callback's arguments and the control that triggered it) and the day (staleness is
counted from today), so a second visit or the same choice again reuses the first one's components and figures."""
from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable

import dash

from smartcity.db import build_key
from smartcity.settings import db_path

MAX_LAYOUTS = 96  # per process; query strings are the visitor's, so the cache is bounded by count


class _Recent:
    """The most recently used layouts, oldest first out."""

    def __init__(self, size: int) -> None:
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        """The layout for `key`, or None."""
        with self.lock:
            if key not in self.items:
                return None
            self.items.move_to_end(key)
            return self.items[key]

    def put(self, key, value) -> None:
        """Keep `value`, dropping the least recently used beyond the size."""
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_RECENT = _Recent(MAX_LAYOUTS)


def per_build(name: str, layout: Callable) -> Callable:
    """`layout` rendered once per (build, variables, day); without a database it is called every time (it then says
    so itself)."""
    if getattr(layout, "per_build", False):
        return layout

    @functools.wraps(layout)
    def render(**variables):
        try:
            build = build_key(db_path())
        except OSError:
            return layout(**variables)
        key = (build, name, tuple(sorted((k, repr(v)) for k, v in variables.items())), dt.date.today())
        found = _RECENT.get(key)
        if found is None:
            found = layout(**variables)
            _RECENT.put(key, found)
        return found

    render.per_build = True
    return render


def callback_per_build(callback: Callable) -> Callable:
    """`callback` answered once per (build, arguments, triggering control, day); put it under @dash.callback."""

    @functools.wraps(callback)
    def answer(*args):
        try:
            build = build_key(db_path())
        except OSError:
            return callback(*args)
        key = (build, callback.__module__, callback.__qualname__, repr(args), repr(_trigger()), dt.date.today())
        found = _RECENT.get(key)
        if found is None:
            found = callback(*args)
            _RECENT.put(key, found)
        return found

    return answer


def _trigger():
    try:
        return dash.ctx.triggered_id
    except Exception:  # noqa: BLE001 - called outside a callback (tests): no trigger
        return None


def clear() -> None:
    """Forget every rendered layout (tests)."""
    with _RECENT.lock:
        _RECENT.items.clear()

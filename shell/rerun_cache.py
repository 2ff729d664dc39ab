"""What a rerun would otherwise redo for figures that did not change: the page spec of a chart object a page
keeps in its view cache (altair's to_dict walks the whole chart and its data), and the data API link of a
figure's download menu (it needs the figure's plotted rows). Both stores are bounded and shared by the
sessions of a server process; what they hold is small beside what they save (a spec, a link)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

SPECS_KEPT = 24  # chart objects whose page spec is kept (a page shows at most a handful per view; a LAD map
# of small multiples is the largest, about 0.4 MB as JSON)
LINKS_KEPT = 512  # figure links kept (a link is a few hundred bytes)


class IdentityCache:
    """The result of `build(obj)` kept for the very object `obj` (not an equal one): for objects that a page's
    view cache hands back unchanged on every rerun. The object is held with its result, so its id cannot be
    reused by another object while the entry lives; the least recently used entry goes first."""

    def __init__(self, max_entries: int) -> None:
        self._entries: OrderedDict[int, tuple[Any, Any]] = OrderedDict()
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def get(self, obj: Any, build: Callable[[Any], Any]) -> Any:
        with self._lock:
            entry = self._entries.get(id(obj))
            if entry is not None and entry[0] is obj:
                self._entries.move_to_end(id(obj))
                return entry[1]
        result = build(obj)
        with self._lock:
            self._entries[id(obj)] = (obj, result)
            self._entries.move_to_end(id(obj))
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return result

    def __len__(self) -> int:
        return len(self._entries)


class KeyedCache:
    """The result of `build()` kept under a hashable key, least recently used first out."""

    def __init__(self, max_entries: int) -> None:
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        result = build()
        with self._lock:
            self._entries[key] = result
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return result

    def __len__(self) -> int:
        return len(self._entries)


PAGE_SPECS = IdentityCache(SPECS_KEPT)
FIGURE_LINKS = KeyedCache(LINKS_KEPT)

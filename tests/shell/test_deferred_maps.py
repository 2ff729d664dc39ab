"""When deck.gl charts wait for the browser's first screen (shell/deferred_maps.py)."""

from __future__ import annotations

import pytest

from shell.deferred_maps import is_browser, waits_for_first_screen

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.mark.parametrize("agent", [CHROME, FIREFOX])
def test_browsers_are_recognised(agent: str) -> None:
    assert is_browser(agent)


@pytest.mark.parametrize("agent", ["", "Python/3.11 websockets/15.0", "curl/8.5.0"])
def test_clients_that_draw_nothing_are_not_browsers(agent: str) -> None:
    assert not is_browser(agent)


def test_only_a_browsers_first_screen_with_a_map_waits() -> None:
    assert waits_for_first_screen(1, drawn=False, user_agent=CHROME)
    assert not waits_for_first_screen(0, drawn=False, user_agent=CHROME)  # no map: nothing to wait for
    assert not waits_for_first_screen(2, drawn=True, user_agent=CHROME)  # deck.gl's JavaScript is loaded
    assert not waits_for_first_screen(1, drawn=False, user_agent="")  # AppTest: the maps in the first run

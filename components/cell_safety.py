"""One rule for every cell a download writes (CSV or XLSX, headers included): text that a spreadsheet would
run as a formula is made inert.

Excel and LibreOffice start a formula at a leading = + - @ (also after leading spaces, tabs, line breaks or
invisible format characters, and in the fullwidth or small forms ＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫ that an input method
types); a leading tab or carriage return is itself a known trigger. A cell such as `a;=HYPERLINK(...)` is
safe where the comma is the separator but becomes a formula cell when the file is opened with `;`, `|` or a
tab as the separator, so a trigger after any separator or line break gets the same treatment. The remedy is
the one OWASP and the spreadsheet makers describe: an apostrophe before the trigger, which both programs
read as "this is text". A plain number written as text ("-2.5", "+3%") is left alone: it is not a formula.
"""

from __future__ import annotations

import re
from typing import Any

TRIGGERS = "=+\\-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b"  # as a regex character class body
SEPARATORS = ",;|\t\r\n\uff0c\uff1b\uff5c"  # , ; | tab CR LF and their fullwidth forms
_IGNORED = '\\s"\u200b-\u200f\u2060\ufeff'  # spaces, double quotes, invisible format characters (an apostrophe
# is the text marker itself, so `'=x` is already safe and escaping is idempotent)
_LEADING = re.compile(f"^[\t\r]|^[{_IGNORED}]*[{TRIGGERS}]")
_AFTER_SEPARATOR = re.compile(f"([{SEPARATORS}][{_IGNORED}]*)(?=[{TRIGGERS}])")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(,\d{3})*)?(\.\d+)?([eE][+-]?\d+)?%?")


def spreadsheet_safe(value: Any) -> Any:
    """`value` with an apostrophe before every formula trigger a spreadsheet would act on; anything that
    is not text (numbers, None) is returned unchanged."""
    if not isinstance(value, str) or not value:
        return value
    if _PLAIN_NUMBER.fullmatch(value) and any(ch.isdigit() for ch in value):
        return value
    text = _AFTER_SEPARATOR.sub(r"\1'", value)
    if _LEADING.match(text):
        text = "'" + text
    return text

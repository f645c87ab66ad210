"""Text a person types that goes into the audit trail: stored as typed, with one set of limits.

Free text is kept as the person typed it, normalised only to Unicode NFC (the same letters,
composed the same way, whatever the keyboard sent): compatibility folding (NFKC) would turn
"×10⁹/L" into "×109/L" and "½" into "1⁄2", and the audit would keep only the rewritten text.
Numbers, dates and codes may fold more (full-width digits from a Chinese input method):
that is :func:`msct_crf.study.parsing.parse_value`'s business, not this module's.

Reasons, query texts, signature meanings, full names and user names follow the same rules as
a field value: no control characters (tab and line breaks aside where a box has several
lines), no line or paragraph separators, no lone surrogates, and a length limit
(:data:`TEXT_MAX` for a reason or a query, the length of the longest free-text field).
"""

from __future__ import annotations

import re
import unicodedata

from msct_crf.errors import UserError

#: The longest text a reason, a query, an answer or a note may have: the longest free-text
#: field of the dictionary (the eligibility waiver reason, IEWAIVER) has the same limit.
TEXT_MAX = 500
#: A short one-line text (a signature's meaning).
SHORT_TEXT_MAX = 200
#: A user name in the audit trail (accounts, and the name typed in single-user mode).
USERNAME_MAX = 64
#: A person's full name, printed with signatures.
FULL_NAME_MAX = 128

# What no stored text may hold: C0/C1 controls except tab, newline and carriage return, the
# Unicode line and paragraph separators, and lone surrogates (not encodable as UTF-8).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"[\t\n\r]")


def as_typed(text: str) -> str:
    """`text` as stored: NFC, nothing else (no compatibility folding, no trimming)."""
    return unicodedata.normalize("NFC", text)


def has_control_characters(text: str) -> bool:
    """True when `text` holds characters no field may store (control, separators, surrogates)."""
    return _CONTROL.search(text) is not None


def text_problem(text: str, limit: int, *, multiline: bool = True) -> str | None:
    """Why `text` (already trimmed) may not be stored, or None."""
    if has_control_characters(text) or (not multiline and _LINE_BREAKS.search(text)):
        return "contains control characters or invalid characters; type it as plain text"
    if len(text) > limit:
        return f"must have at most {limit} characters (got {len(text)})"
    return None


def clean_text(
    value: str | None,
    what: str,
    *,
    limit: int = TEXT_MAX,
    required: bool = True,
    multiline: bool = True,
    collapse: bool = False,
) -> str | None:
    """`value` as it will be stored and audited (NFC, trimmed; with `collapse`, runs of
    spaces and line breaks become one space), or a UserError naming `what` and what is
    allowed. Blank gives None, or a UserError when `required`."""
    if value is not None and not isinstance(value, str):
        raise UserError(f"The {what} must be text")
    text = as_typed(value or "")
    if collapse and not has_control_characters(text):
        text = " ".join(text.split())
    text = text.strip()
    if not text:
        if required:
            raise UserError(f"Give the {what}; it is empty")
        return None
    problem = text_problem(text, limit, multiline=multiline)
    if problem:
        raise UserError(f"The {what} {problem}")
    return text


def check_user_name(name: str) -> str:
    """A user name typed for the audit trail (single-user mode, the command line's --user):
    trimmed, one line of at most :data:`USERNAME_MAX` characters."""
    text = clean_text(name, "user name", limit=USERNAME_MAX, multiline=False)
    assert text is not None
    return text

"""What the question log must not keep: e-mail addresses and phone numbers users type.

The question log has no user id, but "appelez-moi au 06 12 34 56 78" would put one back.
`mask` replaces them before a question is stored; figures and years are left alone (a
phone number has at least nine digits after a leading 0 or an international prefix).
"""

from __future__ import annotations

import re

__all__ = ["EMAIL_MASK", "PHONE_MASK", "mask"]

EMAIL_MASK = "[e-mail]"
PHONE_MASK = "[téléphone]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_SEP = r"[\s.\-/]?"
_PHONE = re.compile(
    rf"(?<![\w+])(?:"
    rf"(?:\+|00)\d{{1,3}}{_SEP}(?:\(0\){_SEP})?\d(?:{_SEP}\d{{2}}){{4}}"  # +33 6 12 34 56 78
    rf"|0\d(?:{_SEP}\d{{2}}){{4}}"  # 06 12 34 56 78, 0612345678, 03.23.00.00.00
    rf")(?!\w)"
)


def mask(text: str) -> str:
    return _PHONE.sub(PHONE_MASK, _EMAIL.sub(EMAIL_MASK, text))

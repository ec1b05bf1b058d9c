"""The question log keeps no e-mail address nor phone number; figures and years stay."""

from __future__ import annotations

import pytest

from bot.privacy import EMAIL_MASK, PHONE_MASK, mask


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("mon mail : jean.dupont+hlm@exemple.fr merci", f"mon mail : {EMAIL_MASK} merci"),
        ("appelez le 06 12 34 56 78", f"appelez le {PHONE_MASK}"),
        ("0612345678 ou 03.23.00.00.00", f"{PHONE_MASK} ou {PHONE_MASK}"),
        ("+33 6 12 34 56 78, +33 (0)6 12 34 56 78", f"{PHONE_MASK}, {PHONE_MASK}"),
        ("combien de logements 3 616 en 2021", "combien de logements 3 616 en 2021"),
        ("3616 logements, 1 000 dans l'Aisne, 2020 2021 2022 2023", "3616 logements, 1 000 dans l'Aisne, 2020 2021 2022 2023"),
    ],
)
def test_mask(typed: str, stored: str) -> None:
    assert mask(typed) == stored

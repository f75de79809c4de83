"""The pack as the CLI loads it, shared by the files that evaluate whole plans."""

from __future__ import annotations

import pytest

from livestream.plan import verdicts
from tests.policies.helpers import PACK_DIR


@pytest.fixture(scope="module")
def pack() -> verdicts.LoadedPack:
    return verdicts.load_pack(PACK_DIR)

"""Property readers work on any Mapping/Sequence (the policy analyzer's proxies are neither dict nor list)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest

from livestream.wire import props


class Proxy(Mapping[str, Any]):
    """A read-only mapping that is not a dict, like pulumi_policy's proxies."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        value = self._data[key]
        return Proxy(value) if isinstance(value, dict) else Items(value) if isinstance(value, list) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class Items(Sequence[Any]):
    def __init__(self, data: list[Any]) -> None:
        self._data = data

    def __getitem__(self, index: Any) -> Any:
        value = self._data[index]
        return Proxy(value) if isinstance(value, dict) else value

    def __len__(self) -> int:
        return len(self._data)


DATA = Proxy({"a": {"b": [{"c": 1.0}, {"c": None}], "s": "text"}, "one": {"k": "v"}, "none": None})


def test_get_walks_keys_and_indexes_and_defaults_on_missing_or_null() -> None:
    assert props.get(DATA, "a", "b", 0, "c") == 1.0
    assert props.get(DATA, "a", "b", -1, "c", default="d") == "d"  # null counts as missing
    assert props.get(DATA, "a", "b", 5, "c") is None
    assert props.get(DATA, "a", "s", "x") is None  # a string is not a mapping
    assert props.get(DATA, "none", default=0) == 0


def test_items_treats_a_single_object_as_a_list_and_missing_as_empty() -> None:
    assert len(props.items(DATA, "a", "b")) == 2
    assert props.plain(props.items(DATA, "one")) == [{"k": "v"}]
    assert props.items(DATA, "missing") == []
    assert props.plain(DATA)["a"]["b"][0] == {"c": 1.0}


@pytest.mark.parametrize(("value", "expected"), [(3, 3.0), (2.5, 2.5), (" 40 ", 40.0), ("n/a", None), (True, None), (None, None)])
def test_number_reads_floats_and_numeric_strings_but_not_booleans(value: Any, expected: float | None) -> None:
    assert props.number(value) == expected


def test_flags_strings_json_and_arns() -> None:
    assert props.truthy(True) and props.truthy(" TRUE ") and not props.truthy("yes") and not props.truthy(1)
    assert props.strings("a") == ["a"] and props.strings(["a", None, 2]) == ["a", "2"] and props.strings(None) == []
    assert props.json_value('{"a": 1}') == {"a": 1} and props.json_value("{nope") is None
    assert props.json_value(Proxy({"Statement": []})) == {"Statement": []}  # aws-native documents are objects
    assert (props.arn_resource("arn:aws:s3:::b/k"), props.arn_resource("b")) == ("b/k", "b")
    assert props.arn_part("arn:aws:sns:ap-northeast-2:123456789012:t", 3) == "ap-northeast-2"
    assert props.arn_part("not-an-arn", 3) is None

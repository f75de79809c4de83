"""Policy documents in wire format: statements, principals, conditions read the way IAM reads them."""

from __future__ import annotations

import json

from livestream.wire import iam

STATEMENT = {
    "Effect": "Allow",
    "Principal": {"Service": "cloudfront.amazonaws.com"},
    "Condition": {"ForAnyValue:StringLikeIfExists": {"AWS:SourceArn": ["a", "b"]}, "StringNotLike": {"aws:sourcearn": "c"}},
}


def test_statements_from_a_json_string_an_object_or_a_single_statement() -> None:
    assert iam.statements(json.dumps({"Statement": [STATEMENT]})) == [STATEMENT]
    assert iam.statements({"Statement": STATEMENT}) == [STATEMENT]
    assert iam.statements("not json") == [] and iam.statements({"Statement": "x"}) == []


def test_condition_keys_match_case_insensitively_and_operators_lose_qualifiers() -> None:
    assert [v for _, v in iam.condition_values(STATEMENT, "aws:SourceArn", ("StringLike",))] == ["a", "b"]
    assert [v for _, v in iam.condition_values(STATEMENT, "aws:SourceArn")] == ["a", "b", "c"]
    assert iam.condition_values({"Condition": {"Bool": {"aws:SecureTransport": False}}}, "aws:securetransport") == [
        ("Bool", "false")
    ]


def test_principals_by_kind() -> None:
    assert iam.principals(STATEMENT) == {"Service": ["cloudfront.amazonaws.com"]}
    assert iam.principals({"Principal": "*"}) == {"*": ["*"]}
    assert iam.principals({"Principal": "arn:aws:iam::1:root"}) == {"AWS": ["arn:aws:iam::1:root"]}
    assert iam.principals({}) == {}

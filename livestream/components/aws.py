"""The `pulumi_aws` submodules the components use, imported one by one.

Components write `from livestream.components import aws` and then `aws.s3.Bucket(...)`, as they
would with `import pulumi_aws as aws`. The difference is for the type checker: importing the
top-level `pulumi_aws` package makes it read all of its ~250 service modules (minutes and GBs),
while these explicit imports make it read only the services listed here, and still check every
typed `*Args` call against them. Need another service? Add it to the import below
(tests/test_typecheck.py keeps this the only way the components reach the provider).
"""

from pulumi_aws import (
    budgets,
    cloudfront,
    cloudwatch,
    iam,
    kms,
    lambda_,
    medialive,
    s3,
    scheduler,
    secretsmanager,
    sns,
    sqs,
)
from pulumi_aws.get_caller_identity import get_caller_identity_output
from pulumi_aws.get_partition import get_partition_output
from pulumi_aws.get_region import get_region_output

__all__ = [
    "budgets",
    "cloudfront",
    "cloudwatch",
    "get_caller_identity_output",
    "get_partition_output",
    "get_region_output",
    "iam",
    "kms",
    "lambda_",
    "medialive",
    "s3",
    "scheduler",
    "secretsmanager",
    "sns",
    "sqs",
]

"""boto3 clients for the stack's region, honouring `AWS_ENDPOINT_URL`, and AWS errors as OpsErrors."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError

from livestream.ops import EXIT_FAILED, OpsError
from livestream.ops.outputs import StackOutputs

# CloudFront publishes its metrics only in us-east-1 (dimension Region=Global), and AWS Budgets'
# API is served there: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
GLOBAL_REGION = "us-east-1"
# Standard retries ride out throttling; a short connect timeout makes a wrong endpoint fail fast.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=10, read_timeout=30)
CREDENTIAL_ERRORS = {"UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException"}
CREDENTIALS_HINT = "configure credentials (AWS_PROFILE, `aws sso login`, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)"


@dataclass
class Aws:
    """One session; clients per (service, region), cached. `endpoint_url` is AWS_ENDPOINT_URL or None."""

    region: str
    session: Any
    endpoint_url: str | None = None
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)

    def client(self, service: str, region: str | None = None) -> Any:
        where = region or self.region
        if (service, where) not in self._clients:
            self._clients[(service, where)] = self.session.client(
                service, region_name=where, endpoint_url=self.endpoint_url, config=CLIENT_CONFIG
            )
        return self._clients[(service, where)]


def resolve_region(outputs: StackOutputs, override: str | None) -> str:
    """--region, else the stack's `region` export, else the AWS environment/profile's region."""
    region = override or outputs.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    region = region or boto3.Session().region_name
    if not region:
        raise OpsError(
            "no AWS region: the outputs have no `region` export and none is configured",
            hint="pass --region (the stack's aws:region) or set AWS_REGION",
        )
    return region


def connect(outputs: StackOutputs, *, region: str | None = None) -> Aws:
    return Aws(
        region=resolve_region(outputs, region), session=boto3.Session(), endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None
    )


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@contextlib.contextmanager
def translated(action: str, region: str) -> Iterator[None]:
    """AWS failures the user can fix become OpsErrors that say what to do (no traceback)."""
    try:
        yield
    except NoCredentialsError:
        raise OpsError(f"{action}: no AWS credentials found", hint=CREDENTIALS_HINT) from None
    except NoRegionError:
        raise OpsError(f"{action}: no AWS region", hint="pass --region or set AWS_REGION") from None
    except EndpointConnectionError as error:
        raise OpsError(
            f"{action}: cannot reach {error.kwargs.get('endpoint_url', 'the AWS endpoint')}",
            hint=f"check the region ({region}) is a real AWS region and the network is up",
        ) from None
    except ClientError as error:
        code = error_code(error)
        if code in CREDENTIAL_ERRORS:
            raise OpsError(f"{action}: AWS refused the credentials ({code})", hint=CREDENTIALS_HINT) from None
        if code in {"AccessDeniedException", "AccessDenied"}:
            raise OpsError(f"{action}: access denied ({error})", hint="use a role allowed to operate this stack") from None
        raise OpsError(f"{action}: {error}", exit_code=EXIT_FAILED) from None
    except BotoCoreError as error:
        raise OpsError(f"{action}: {error}", exit_code=EXIT_FAILED) from None

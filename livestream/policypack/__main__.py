"""The livestream policy pack. Run by the Pulumi CLI: `pulumi preview --policy-pack policies`.

Only builds the pack: constructing `PolicyPack` starts the analyzer's gRPC server and blocks,
so the rules live in the importable `livestream_policies` package (this directory is on
`sys.path` when the CLI runs this file).
"""

from livestream_policies import ALL_POLICIES, PACK_NAME
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name=PACK_NAME,
    policies=ALL_POLICIES,
    enforcement_level=EnforcementLevel.ADVISORY,
    description=(
        "Guard rails for the livestream platform: HTTPS end to end, cost ceilings, private encrypted storage, least privilege."
    ),
)

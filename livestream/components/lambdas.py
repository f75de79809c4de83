"""What the platform's Lambda functions share: runtime, architecture and how their code is packaged.

The sources live in `livestream/functions/` and are read from the installed package (works from a
wheel too); a handler module goes to the archive root next to the helper modules it imports.
"""

from __future__ import annotations

from pathlib import Path

import pulumi

from livestream.components import aws

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent / "functions"
# The newest Python runtime Lambda offers (Amazon Linux 2023, arm64 and x86_64).
RUNTIME = aws.lambda_.Runtime.PYTHON3D14
ARCHITECTURE = "arm64"  # Graviton: about 20% cheaper per GB-second than x86_64


def code(function: str, *modules: str) -> pulumi.AssetArchive:
    """An archive of `livestream/functions/<module>.py` for each module, at its root; `function` names
    the function in the error when a source is missing from the package."""
    sources = [FUNCTIONS_DIR / f"{module}.py" for module in modules]
    for source in sources:
        if not source.is_file():
            raise FileNotFoundError(f"the {function}'s source is missing from the package: {source}")
    return pulumi.AssetArchive({source.name: pulumi.FileAsset(str(source)) for source in sources})

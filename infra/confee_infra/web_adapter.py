"""The AWS Lambda Web Adapter: how the Chat function streams its answers (facts in docs/deployment.md).

Python managed runtimes do not stream a Lambda response themselves. The adapter, an AWS-published layer,
does: ``AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap`` makes the runtime run the function's handler as a start
script (``proxy/run.sh``: uvicorn on 127.0.0.1), the adapter's extension waits until the readiness path
answers, then forwards each invocation to the app over HTTP and, with ``response_stream``, writes the app's
response back through Lambda's streaming protocol, which API Gateway reads when a method's integration is
``ResponseTransferMode: STREAM`` (InvokeWithResponseStream).

Verified (see docs/deployment.md, "ストリーミング"): the arm64 layer is published by account 753240598075 in
the commercial regions (ap-northeast-1 included); layer version 30 is adapter v1.1.0, the newest release.
"""

from __future__ import annotations

from collections.abc import Mapping

#: The AWS account that publishes the adapter's layers in the commercial ("aws") partition.
PUBLISHER_ACCOUNT = "753240598075"
#: Layer name of the arm64 build (the Chat function runs on Graviton).
LAYER_NAME = "LambdaAdapterLayerArm64"
#: Adapter v1.1.0 (2026-09). 27 was v1.0.0, 28 v1.0.1; 29 was withdrawn with a reverted release.
DEFAULT_LAYER_VERSION = 30
#: v1.0.0: the first release whose environment variables and readiness semantics are the ones used here.
MIN_LAYER_VERSION = 27

#: The adapter's wrapper script inside the layer; the runtime runs it instead of its own bootstrap.
EXEC_WRAPPER = "/opt/bootstrap"
#: Where the app listens (run.sh reads the same variable); the adapter's default too.
PORT = 8080
#: Probed until it answers before the first invocation is forwarded (GET /health: 200 {"status": "ok"}).
READINESS_CHECK_PATH = "/health"
#: Stream the app's response through Lambda instead of buffering it (must match the STREAM integrations).
INVOKE_MODE = "response_stream"

#: Partitions the adapter's arm64 layer is published in. China regions have other publisher accounts and no
#: arm64 build; GovCloud has none.
_UNPUBLISHED_PREFIXES = ("cn-", "us-gov-", "us-iso")


class WebAdapterError(ValueError):
    """No adapter layer exists for the requested region or version."""


def layer_arn(region: str, version: int = DEFAULT_LAYER_VERSION) -> str:
    """The ARN of the adapter's arm64 layer in ``region``.

    Args:
        region: A commercial AWS region such as ``ap-northeast-1`` (layers are regional).
        version: Layer version; each adapter release is published with the same version in every region.

    Raises:
        WebAdapterError: The region is outside the commercial partition, or the version predates v1.0.0.
    """
    if region.startswith(_UNPUBLISHED_PREFIXES):
        raise WebAdapterError(
            f"the Lambda Web Adapter arm64 layer is published in the commercial regions only, not {region!r}"
        )
    if isinstance(version, bool) or not isinstance(version, int) or version < MIN_LAYER_VERSION:
        raise WebAdapterError(
            f"adapter layer version must be an integer >= {MIN_LAYER_VERSION} (v1.0.0), got {version!r}"
        )
    return f"arn:aws:lambda:{region}:{PUBLISHER_ACCOUNT}:layer:{LAYER_NAME}:{version}"


def environment() -> Mapping[str, str]:
    """The adapter's settings as the function's environment (the contract with ``proxy/run.sh``)."""
    return {
        "AWS_LAMBDA_EXEC_WRAPPER": EXEC_WRAPPER,
        "AWS_LWA_INVOKE_MODE": INVOKE_MODE,
        "AWS_LWA_PORT": str(PORT),
        "AWS_LWA_READINESS_CHECK_PATH": READINESS_CHECK_PATH,
    }

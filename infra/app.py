#!/usr/bin/env python3
"""CDK entry point: ``npx cdk synth`` / ``npx cdk deploy --all`` from this folder (see docs/deployment.md)."""

from __future__ import annotations

import os
import sys

import aws_cdk as cdk

from confee_infra.app import build
from confee_infra.config import InfraConfig, InfraConfigError
from confee_infra.schema import SchemaError


def main() -> None:
    app = cdk.App()
    try:
        config = InfraConfig.from_context(
            app.node.get_all_context(), default_account=os.environ.get("CDK_DEFAULT_ACCOUNT")
        )
        build(app, config)
    except (InfraConfigError, SchemaError) as exc:
        sys.exit(f"confee infra: {exc}")
    app.synth()


if __name__ == "__main__":
    main()

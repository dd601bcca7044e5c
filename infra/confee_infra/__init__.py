"""Confee CDK app: typed config, three stacks, cdk-nag acknowledgements (see docs/deployment.md)."""

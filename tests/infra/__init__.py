"""CDK tests. Importing this package prepares the environment before aws_cdk (jsii) is loaded."""

import os
import sys
from pathlib import Path

# Node 20 is what this machine has; jsii's end-of-life banner would otherwise flood every run.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

INFRA_DIR = Path(__file__).resolve().parents[2] / "infra"
if str(INFRA_DIR) not in sys.path:
    sys.path.insert(0, str(INFRA_DIR))  # the CDK app imports ``confee_infra`` from infra/, as app.py does

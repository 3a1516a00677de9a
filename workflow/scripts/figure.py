"""rule figure: one figure (PNG and PDF) from the tidy table; messages and warnings go to
the rule's log.

Snakemake runs this with the global `snakemake` (input, output, wildcards, log, …).
"""

import logging
import sys
from pathlib import Path

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: SIM115
logging.basicConfig(stream=sys.stderr, level=logging.INFO)
logging.captureWarnings(True)
# The harness is the repository's own package, beside workflow/.
sys.path.insert(0, str(Path(snakemake.scriptdir).parents[1]))

import pandas as pd

from harness.figures import FIGURES

name = snakemake.wildcards.figure
FIGURES[name](pd.read_csv(snakemake.input[0]), snakemake.output.png)
print(f"{name}: {snakemake.output.png}, {snakemake.output.pdf}")

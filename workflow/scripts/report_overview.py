"""rule report_overview: the report's overview page (question, variants, machines,
configuration) from the tidy table; messages go to the rule's log.

Snakemake runs this with the global `snakemake` (input, output, config, log, …).
"""

import sys
from pathlib import Path

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: SIM115
# The harness is the repository's own package, beside workflow/.
sys.path.insert(0, str(Path(snakemake.scriptdir).parents[1]))

import pandas as pd

from harness.report import overview_html

Path(snakemake.output[0]).write_text(overview_html(pd.read_csv(snakemake.input[0]),
                                                   snakemake.config))
print(f"overview: {snakemake.output[0]}")

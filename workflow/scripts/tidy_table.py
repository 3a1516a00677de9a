"""rule tidy_table: the trial records → one tidy table (CSV); messages go to the rule's log.

Snakemake runs this with the global `snakemake` (input, output, log, …).
"""

import sys
from pathlib import Path

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: SIM115
# The harness is the repository's own package, beside workflow/.
sys.path.insert(0, str(Path(snakemake.scriptdir).parents[1]))

from harness.results import tidy_table

table = tidy_table(snakemake.input)
table.to_csv(snakemake.output[0], index=False)
print(f"{len(table)} records from {len(snakemake.input)} files: {snakemake.output[0]}")

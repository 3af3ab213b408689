"""Work for the runner's time-limit test, importable by its spawned workers: a task with
cell index :data:`STUCK` never ends (it writes its worker's process id to the file its
scenario names first); any other returns its worker's process id at once."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sortie.studies.comparison import Outcome, Task

STUCK = 99


def work(task: Task) -> Outcome:
    if task.cell_index == STUCK:
        Path(task.scenario).write_text(str(os.getpid()))
        while True:  # a solve that never returns
            time.sleep(1.0)
    return Outcome(value=os.getpid())

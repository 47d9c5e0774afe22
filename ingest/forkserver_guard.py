"""Imported by the analysis fork server as it starts (`ingest.workers` preloads it there), and
nowhere else; what it sets, the workers forked from the server inherit.

- The server is killed by the kernel when the thread of `kb` that started it ends, so no server
  (and no worker forked from it) outlives a `kill -9` of `kb`.
- The server has imported the caller's main module (`python -m ui.cli`) under its own name, so
  each worker's import of it as `__mp_main__` is cheap; runpy warns that the module is already
  imported, which is exactly the point, and the warning would be a stray line on stderr.
"""

import warnings

from ingest.workers import die_with_parent

die_with_parent()
warnings.filterwarnings("ignore", r"'.*' found in sys\.modules after import of package", RuntimeWarning)

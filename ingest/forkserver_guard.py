"""Imported by the analysis fork server as it starts (`ingest.workers` preloads it there), and
nowhere else: the server is killed by the kernel when the thread of `kb` that started it ends,
so no server (and no worker forked from it) outlives a `kill -9` of `kb`."""

from ingest.workers import die_with_parent

die_with_parent()

#!/usr/bin/env python3
"""Samples the kernel stacks of a process's storage, catalog and event-loop threads while they are in
uninterruptible sleep (state D: waiting for the disk, or for a lock held by a thread that waits for it), to find
what a write thread waited for when a put was slow.

Usage (as root, since /proc/<pid>/task/<tid>/stack needs it): bench/scripts/dstacks.py PID OUT [INTERVAL_MS]
Writes one line per sample: epoch seconds, thread id, thread name, the stack's functions innermost first, joined
by ';'. Runs until the process ends. At the default 10 ms it costs a few percent of one core.
"""
import os
import sys
import time

PREFIXES = ('storage', 'catalog', 'multiThread')


def threads(pid):
    found = []
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{tid}/comm') as f:
                name = f.read().strip()
        except OSError:
            continue  # ended
        if name.startswith(PREFIXES):
            found.append((tid, name))
    return found


def main():
    pid, out = sys.argv[1], sys.argv[2]
    interval = float(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0.01
    watched, listed_at = [], 0.0
    with open(out, 'w') as f:
        while os.path.exists(f'/proc/{pid}'):
            now = time.time()
            if now - listed_at > 1:  # pools start and end threads
                watched, listed_at = threads(pid), now
            for tid, name in watched:
                try:
                    with open(f'/proc/{pid}/task/{tid}/stat') as s:
                        stat = s.read()
                    if stat[stat.rindex(')') + 2] != 'D':
                        continue
                    with open(f'/proc/{pid}/task/{tid}/stack') as s:
                        frames = [line.split()[1].split('+')[0] for line in s if line.strip()]
                    f.write(f'{now:.3f} {tid} {name} {";".join(frames)}\n')
                except (OSError, ValueError, IndexError):
                    pass  # the thread ended between the reads
            f.flush()
            time.sleep(interval)


if __name__ == '__main__':
    main()

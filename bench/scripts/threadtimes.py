#!/usr/bin/env python3
"""Samples, per thread group of a process, how its threads spent each interval: on a CPU, waiting for one (runnable
but not running: the machine's cores were busy), and how many were in uninterruptible sleep (the disk) or asleep
otherwise (a queue or lock in the process). Tells a stall caused by CPU starvation from one caused by the disk or
by the process itself, which bench/scripts/dstacks.py (kernel stacks of D-state threads only) cannot.

Usage: bench/scripts/threadtimes.py PID OUT [INTERVAL_MS]   (default 100 ms; runs until the process ends)
Writes one line per interval and group: epoch seconds at the end of the interval, group (the thread name without
its trailing digits, '-' and '#'), threads, CPU ms, runqueue-wait ms (both from /proc/<pid>/task/<tid>/schedstat,
summed over the group's threads), and how many threads were in state D, S and R when the interval ended.
"""
import os
import sys
import time


def group(name):
    return name.rstrip('0123456789-#') or name


def sample(pid):
    """{tid: (group, cpu_ns, wait_ns, state)} for the threads alive now."""
    found = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        base = f'/proc/{pid}/task/{tid}'
        try:
            with open(f'{base}/comm') as f:
                name = f.read().strip()
            with open(f'{base}/schedstat') as f:
                cpu, wait = (int(v) for v in f.read().split()[:2])
            with open(f'{base}/stat') as f:
                stat = f.read()
            found[tid] = (group(name), cpu, wait, stat[stat.rindex(')') + 2])
        except (OSError, ValueError, IndexError):
            pass  # the thread ended between the reads
    return found


def main():
    pid, out = sys.argv[1], sys.argv[2]
    interval = float(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0.1
    previous = sample(pid)
    with open(out, 'w') as f:
        while os.path.exists(f'/proc/{pid}'):
            time.sleep(interval)
            now = time.time()
            current = sample(pid)
            groups = {}
            for tid, (name, cpu, wait, state) in current.items():
                _, cpu0, wait0, _ = previous.get(tid, (name, cpu, wait, state))
                g = groups.setdefault(name, [0, 0, 0, {'D': 0, 'S': 0, 'R': 0}])
                g[0] += 1
                g[1] += cpu - cpu0
                g[2] += wait - wait0
                if state in g[3]:
                    g[3][state] += 1
            for name, (n, cpu, wait, states) in sorted(groups.items()):
                if cpu or wait or states['D'] or states['R']:
                    f.write(f'{now:.3f} {name.replace(" ", "_")} {n} {cpu / 1e6:.1f} {wait / 1e6:.1f} '
                            f'{states["D"]} {states["S"]} {states["R"]}\n')
            f.flush()
            previous = current


if __name__ == '__main__':
    main()

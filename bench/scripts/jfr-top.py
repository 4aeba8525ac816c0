#!/usr/bin/env python3
"""Summarises a JFR recording of the server: busy samples per thread group, top frames, inclusive
io.livechannel frames, and fsync (jdk.FileForce) durations. Usage: jfr-top.py RECORDING.jfr [THREAD_SUBSTRING]"""
import collections, re, subprocess, sys

recording = sys.argv[1]
only = sys.argv[2] if len(sys.argv) > 2 else ''
text = subprocess.run(['jfr', 'print', '--events', 'jdk.ExecutionSample,jdk.NativeMethodSample', recording],
                      capture_output=True, text=True, check=True).stdout
idle = {'sun.nio.ch.EPoll.wait', 'jdk.internal.misc.Unsafe.park'}
threads, top, inclusive = collections.Counter(), collections.Counter(), collections.Counter()
for event in re.split(r'\njdk\.(?:ExecutionSample|NativeMethodSample) ', text)[1:]:
    thread = re.search(r'sampledThread = "([^"]+)"', event)
    frames = re.findall(r'^\s+([\w.$<>]+)\(', event, re.M)
    if not thread or not frames or frames[0] in idle or only not in thread.group(1):
        continue
    threads[re.sub(r'\d+', '#', thread.group(1))] += 1
    top[frames[0]] += 1
    for frame in set(frames):
        if frame.startswith('io.livechannel'):
            inclusive[frame] += 1
print('busy samples by thread group:', threads.most_common(8))
print('top frames:')
for frame, n in top.most_common(15):
    print(f'  {n:6d} {frame}')
print('inclusive io.livechannel frames:')
for frame, n in inclusive.most_common(20):
    print(f'  {n:6d} {frame}')
force = subprocess.run(['jfr', 'print', '--events', 'jdk.FileForce', recording], capture_output=True, text=True).stdout
millis = []
for m in re.finditer(r'duration = ([\d.]+) (s|ms|us)', force):
    millis.append(float(m.group(1)) * {'s': 1000, 'ms': 1, 'us': 0.001}[m.group(2)])
if millis:
    millis.sort()
    print(f'fsyncs recorded (over the threshold): {len(millis)}, p50 {millis[len(millis) // 2]:.1f} ms, '
          f'p90 {millis[int(len(millis) * 0.9)]:.1f} ms, max {millis[-1]:.1f} ms')

"""pipeline_report.py: the figures run_pipeline_bench.sh prints, from what a phase collected.

A phase directory holds, for the snapshots `before` (load starts), `loadend` (load stopped) and
`after` (every accepted event delivered, or the drain time-out): PREFIX.prom (streamhook /metrics,
or the baseline's /stats JSON), PREFIX.sink.json (kinesis_sink /stats), PREFIX.cpu ("epoch
measured-process-ticks sink-ticks"); and load.json (load_generator --json), load.time (its user and
system seconds), drained (1/0), hwm_kb (VmHWM of the measured process), loadavg.* (/proc/loadavg).

  pipeline_report.py phase DIR CLK_TCK TITLE     prints the phase's figures, writes DIR/summary.json
  pipeline_report.py half-rate DIR CLK_TCK       half of the phase's sustained rate (events/s)
  pipeline_report.py ratio FLAT_DIR BASE_DIR CLK_TCK
"""
import json
import math
import os
import re
import sys

BUCKET = re.compile(r'^streamhook_delivery_latency_seconds_bucket\{.*le="([^"]+)"\} (\d+)$')


def read(path):
    with open(path) as f:
        return f.read()


def metric(text, name):
    """Sum of a Prometheus metric over its label sets (0 when absent)."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + ' ') or line.startswith(name + '{'):
            total += float(line.rsplit(' ', 1)[1])
    return total


def buckets(text):
    """{upper bound in s: cumulative count}, summed over hooks."""
    out = {}
    for line in text.splitlines():
        m = BUCKET.match(line)
        if m:
            le = math.inf if m.group(1) == '+Inf' else float(m.group(1))
            out[le] = out.get(le, 0) + int(m.group(2))
    return out


def quantile(before, after, q):
    """(lower bound, upper bound, linear estimate) in ms of quantile q of the histogram's increase."""
    bounds = sorted(after)
    cum = [after[b] - before.get(b, 0) for b in bounds]
    total = cum[-1] if cum else 0
    if total == 0:
        return None
    rank = q * total
    lower, prev = 0.0, 0
    for b, c in zip(bounds, cum):
        if c >= rank:
            if math.isinf(b):
                return (lower * 1e3, math.inf, math.inf)
            estimate = lower + (b - lower) * (rank - prev) / max(1, c - prev)
            return (lower * 1e3, b * 1e3, estimate * 1e3)
        lower, prev = b, c
    return None


def load_phase(d, tck):
    p = {'dir': d}
    p['load'] = json.loads(read(os.path.join(d, 'load.json')))
    for snap in ('before', 'loadend', 'after'):
        p[snap] = {
            'prom': read(os.path.join(d, snap + '.prom')),
            'sink': json.loads(read(os.path.join(d, snap + '.sink.json'))),
            'cpu': [float(x) for x in read(os.path.join(d, snap + '.cpu')).split()],
        }
    p['baseline'] = p['before']['prom'].lstrip().startswith('{')
    p['drained'] = read(os.path.join(d, 'drained')).strip() == '1'
    p['hwm_kb'] = int(read(os.path.join(d, 'hwm_kb')).strip() or 0)
    p['loadavg'] = {k: read(os.path.join(d, 'loadavg.' + k)).strip() for k in ('before', 'loadend')}
    p['load_cmd'] = read(os.path.join(d, 'load.cmd')).strip()
    user, system = (float(x) for x in read(os.path.join(d, 'load.time')).split()[-2:])
    p['load_cpu_s'] = user + system
    p['tck'] = tck
    return p


def figures(p):
    load, b, e, a = p['load'], p['before'], p['loadend'], p['after']
    sink = lambda snap, key: snap['sink'][key] - b['sink'][key]
    f = {'elapsed_s': load['elapsedSeconds'], 'accepted': load['eventsAccepted'],
         'accepted_per_s': load['eventsPerSecondAccepted'], 'drained': p['drained']}
    if p['baseline']:
        f['delivered_load'] = sink(e, 'recordsAccepted')
        f['delivered'] = sink(a, 'recordsAccepted')
        f['records_per_call'] = 1.0
        f['latency'] = None
    else:
        delivered = lambda snap: metric(snap['prom'], 'streamhook_records_delivered_total') - metric(
            b['prom'], 'streamhook_records_delivered_total')
        f['delivered_load'] = delivered(e)
        f['delivered'] = delivered(a)
        calls = metric(a['prom'], 'streamhook_put_records_calls_total') - metric(b['prom'], 'streamhook_put_records_calls_total')
        sent = metric(a['prom'], 'streamhook_put_records_records_total') - metric(b['prom'], 'streamhook_put_records_records_total')
        f['records_per_call'] = sent / calls if calls else 0
        f['put_records_calls'] = calls
        hb, ha = buckets(b['prom']), buckets(a['prom'])
        f['latency'] = {'p50': quantile(hb, ha, 0.50), 'p99': quantile(hb, ha, 0.99)}
        f['fsyncs'] = metric(a['prom'], 'streamhook_spool_fsyncs_total') - metric(b['prom'], 'streamhook_spool_fsyncs_total')
        f['appends'] = metric(a['prom'], 'streamhook_spool_appends_total') - metric(b['prom'], 'streamhook_spool_appends_total')
        f['lag_at_load_end'] = metric(e['prom'], 'streamhook_hook_lag_records')
    f['drain_s'] = a['cpu'][0] - e['cpu'][0]
    f['delivered_load_per_s'] = f['delivered_load'] / f['elapsed_s']
    f['sustained_per_s'] = f['delivered'] / (f['elapsed_s'] + f['drain_s'])
    f['cpu_s'] = (a['cpu'][1] - b['cpu'][1]) / p['tck']
    f['cpu_us_per_event'] = f['cpu_s'] / f['delivered'] * 1e6 if f['delivered'] else math.nan
    f['events_per_cpu_s'] = f['delivered'] / f['cpu_s'] if f['cpu_s'] else math.nan
    f['cpu_cores_during_load'] = (e['cpu'][1] - b['cpu'][1]) / p['tck'] / f['elapsed_s']
    received = sink(a, 'recordsReceived')
    f['sink_records'] = received
    f['sink_calls'] = sink(a, 'putRecordsCalls') + sink(a, 'putRecordCalls')
    f['sink_max_per_call'] = a['sink']['maxRecordsPerCall']
    f['sink_throttled'] = sink(a, 'recordsThrottled')
    f['sink_kpl'] = sink(a, 'kplRecords') if 'kplRecords' in a['sink'] else 0
    f['sink_cpu_us_per_record'] = (a['cpu'][2] - b['cpu'][2]) / p['tck'] / received * 1e6 if received else math.nan
    f['wire_bytes_per_event'] = sink(a, 'requestBytes') / f['delivered'] if f['delivered'] else math.nan
    f['wire_response_bytes_per_event'] = sink(a, 'responseBytes') / f['delivered'] if f['delivered'] else math.nan
    f['ingest_bytes_per_event'] = load['bytesSent'] / load['eventsSent'] if load['eventsSent'] else math.nan
    f['load_cpu_us_per_event'] = p['load_cpu_s'] / load['eventsAccepted'] * 1e6 if load['eventsAccepted'] else math.nan
    f['hwm_mib'] = p['hwm_kb'] / 1024
    f['loadavg'] = p['loadavg']
    return f


def fmt_latency(q):
    if q is None:
        return 'n/a'
    lo, hi, est = q
    if math.isinf(hi):
        return f'> {lo:.0f} ms (beyond the last bucket)'
    return f'~{est:.1f} ms (bucket {lo:g}-{hi:g} ms)'


def print_phase(p, f, title):
    load = p['load']
    print(f'\n== {title}')
    print(f'   {p["load_cmd"]}')
    print(f'   load average before {f["loadavg"]["before"]}, at load end {f["loadavg"]["loadend"]}')
    print(f'   events/s accepted        {f["accepted_per_s"]:.0f}  ({f["accepted"]} in {f["elapsed_s"]:.1f} s; 2xx {load["status2xx"]}, '
          f'503 {load["status503"]}, other 5xx {load["status5xx"]}, transport errors {load["transportErrors"]}; '
          f'request p50 {load["latencyMs"]["p50"]:.1f} ms p99 {load["latencyMs"]["p99"]:.1f} ms)')
    drain = 'all delivered' if f['drained'] else 'NOT all delivered at the drain time-out'
    print(f'   events/s delivered       {f["delivered_load_per_s"]:.0f} during the load; sustained {f["sustained_per_s"]:.0f} '
          f'({f["delivered"]:.0f} delivered in {f["elapsed_s"]:.1f} s + {f["drain_s"]:.1f} s drain; {drain})')
    print(f'   CPU per event            {f["cpu_us_per_event"]:.2f} us ({f["cpu_s"]:.2f} s utime+stime for {f["delivered"]:.0f} '
          f'delivered events, load + drain; {f["cpu_cores_during_load"]:.2f} cores busy during the load)')
    if f['latency']:
        print(f'   ingest->ack latency      p50 {fmt_latency(f["latency"]["p50"])}, p99 {fmt_latency(f["latency"]["p99"])} '
              f'(streamhook_delivery_latency_seconds)')
    print(f'   peak RSS                 {f["hwm_mib"]:.0f} MiB (VmHWM)')
    events_per_call = f['delivered'] / f['sink_calls'] if f['sink_calls'] else math.nan
    print(f'   records per PutRecords   {f["records_per_call"]:.1f} (sink: {f["sink_records"]} Kinesis records in {f["sink_calls"]} calls, '
          f'max {f["sink_max_per_call"]}, KPL aggregates {f["sink_kpl"]}, throttled {f["sink_throttled"]}; '
          f'{events_per_call:.1f} delivered events per call)')
    print(f'   bytes on the wire/event  {f["wire_bytes_per_event"]:.0f} to Kinesis (HTTP heads + bodies, TLS excluded), '
          f'{f["wire_response_bytes_per_event"]:.0f} back; ingest {f["ingest_bytes_per_event"]:.0f} per event (body)')
    if not p['baseline']:
        saved = 1 - f['fsyncs'] / f['appends'] if f['appends'] else math.nan
        print(f'   spool                    {f["fsyncs"]:.0f} fsyncs for {f["appends"]:.0f} appends ({saved:.1%} saved); '
              f'hook lag at load end {f["lag_at_load_end"]:.0f} records')
    print(f'   others on the box        sink {f["sink_cpu_us_per_record"]:.2f} us CPU/record; '
          f'load generator {f["load_cpu_us_per_event"]:.2f} us CPU/event')


def main(argv):
    if argv[1] == 'phase':
        p = load_phase(argv[2], int(argv[3]))
        f = figures(p)
        print_phase(p, f, argv[4])
        with open(os.path.join(argv[2], 'summary.json'), 'w') as out:
            json.dump(f, out, default=str)
    elif argv[1] == 'half-rate':
        f = figures(load_phase(argv[2], int(argv[3])))
        rate = min(f['accepted_per_s'], f['sustained_per_s']) / 2
        print(max(1000, int(rate // 1000 * 1000)))
    elif argv[1] == 'ratio':
        s = figures(load_phase(argv[2], int(argv[4])))
        b = figures(load_phase(argv[3], int(argv[4])))
        print('\n== streamhook (flat out) / baseline (flat out), same load, same sink, same box')
        print(f'   streamhook / baseline: {s["events_per_cpu_s"] / b["events_per_cpu_s"]:.1f}x events per CPU-second '
              f'({s["events_per_cpu_s"]:.0f} vs {b["events_per_cpu_s"]:.0f})')
        print(f'   streamhook / baseline: {s["sustained_per_s"] / b["sustained_per_s"]:.1f}x events/s delivered, sustained '
              f'({s["sustained_per_s"]:.0f} vs {b["sustained_per_s"]:.0f})')
        print(f'   streamhook / baseline: {s["wire_bytes_per_event"] / b["wire_bytes_per_event"]:.2f}x bytes on the wire '
              f'per event ({s["wire_bytes_per_event"]:.0f} vs {b["wire_bytes_per_event"]:.0f})')
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv)

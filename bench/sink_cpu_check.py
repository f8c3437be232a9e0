"""sink_cpu_check.py: CPU the kinesis_sink spends per record and per request, alone.

Starts the sink (one I/O thread) with a fresh self-signed certificate, sends PutRecords over one
keep-alive TLS connection from this (slow) Python client, and reads the sink's utime + stime from
/proc before and after each round. The client's speed does not matter: only the sink's CPU is
counted. Everything is on 127.0.0.1 and stopped on exit.

  python3 bench/sink_cpu_check.py SINK_BINARY [--requests 400] [--records 500] [--data-bytes 600]
"""
import argparse
import http.client
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import time


def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('sink')
    parser.add_argument('--requests', type=int, default=400)
    parser.add_argument('--records', type=int, default=500)
    parser.add_argument('--data-bytes', type=int, default=600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = os.path.join(tmp, 'sink.pem'), os.path.join(tmp, 'sink.key')
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
                        '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
                        '-keyout', key, '-out', cert], check=True, capture_output=True)
        sink = subprocess.Popen([args.sink, '--cert', cert, '--key', key], stdout=subprocess.PIPE, text=True)
        try:
            port = int(re.search(r'https://127\.0\.0\.1:(\d+)', sink.stdout.readline()).group(1))
            conn = http.client.HTTPSConnection('127.0.0.1', port, context=ssl.create_default_context(cafile=cert))
            headers = {'X-Amz-Target': 'Kinesis_20131202.PutRecords', 'Content-Type': 'application/x-amz-json-1.1'}

            def round_trip(requests, records):
                body = json.dumps({'StreamName': 'events', 'Records': [
                    {'Data': 'A' * args.data_bytes, 'PartitionKey': f'user-{i}'} for i in range(records)]})
                before = cpu_seconds(sink.pid)
                for _ in range(requests):
                    conn.request('POST', '/', body, headers)
                    reply = conn.getresponse()
                    reply.read()
                    assert reply.status == 200, reply.status
                return cpu_seconds(sink.pid) - before, len(body)

            round_trip(1, 1)  # the TLS handshake stays out of the figures
            cpu, size = round_trip(args.requests, args.records)
            n = args.requests * args.records
            print(f'{args.requests} requests x {args.records} records ({size} bytes each): sink CPU {cpu:.2f} s = '
                  f'{cpu / n * 1e6:.2f} us/record, {n / cpu if cpu else float("inf"):,.0f} records/s per core')
            cpu, size = round_trip(args.requests * 5, 1)
            print(f'{args.requests * 5} requests x 1 record: sink CPU {cpu:.2f} s = '
                  f'{cpu / (args.requests * 5) * 1e6:.1f} us/request')
        finally:
            sink.terminate()
            sink.wait(timeout=10)


if __name__ == '__main__':
    sys.exit(main())

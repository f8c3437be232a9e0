#!/usr/bin/python3
"""Independent writer for the tail tests: puts records into a stream with botocore (not our code).

usage: write_records.py ENDPOINT STREAM COUNT KEYS FIRST
Writes COUNT records {"key": K, "n": i} (i from FIRST), partition key "user-<i % KEYS>", with
PutRecords in batches of 500 (retrying any failed record in order), and prints one JSON line per
record: {"key", "n", "shard", "seq"}.
"""
import json
import sys

import botocore.session

endpoint, stream, count, keys, first = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
session = botocore.session.get_session()
client = session.create_client(
    "kinesis", region_name="us-east-1", endpoint_url=endpoint,
    aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

records = [{"key": "user-%d" % (i % keys), "n": i} for i in range(first, first + count)]
for start in range(0, len(records), 500):
    batch = records[start:start + 500]
    pending = list(range(len(batch)))
    while pending:
        answer = client.put_records(StreamName=stream, Records=[
            {"Data": json.dumps({"key": batch[i]["key"], "n": batch[i]["n"]}).encode(),
             "PartitionKey": batch[i]["key"]} for i in pending])
        failed = []
        for i, result in zip(pending, answer["Records"]):
            if "ErrorCode" in result and result["ErrorCode"]:
                failed.append(i)
            else:
                batch[i]["shard"] = result["ShardId"]
                batch[i]["seq"] = result["SequenceNumber"]
        pending = failed
for r in records:
    print(json.dumps(r))

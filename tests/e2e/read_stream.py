#!/usr/bin/python3
"""Independent reader for the end-to-end tests: reads a whole stream with botocore (not our code).

usage: read_stream.py ENDPOINT STREAM
Reads every shard from TRIM_HORIZON to its current end and prints one JSON line per record:
{"shard", "seq", "partitionKey", "data"} with data decoded as UTF-8 text ("" when it is binary). Exits 1 with a message
on stderr when the stream cannot be read.
"""
import json
import sys
import time

import botocore.session

endpoint, stream = sys.argv[1], sys.argv[2]
session = botocore.session.get_session()
client = session.create_client(
    "kinesis", region_name="us-east-1", endpoint_url=endpoint,
    aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


def call(method, **kwargs):
    # The emulator throttles reads per shard like Kinesis does; wait and retry rather than fail.
    for attempt in range(50):
        try:
            return getattr(client, method)(**kwargs)
        except client.exceptions.ProvisionedThroughputExceededException:
            time.sleep(0.2 * (attempt + 1))
    raise RuntimeError("%s stayed throttled" % method)


shards = []
description = call("describe_stream", StreamName=stream)["StreamDescription"]
shards.extend(description["Shards"])
while description.get("HasMoreShards"):
    description = call("describe_stream", StreamName=stream,
                       ExclusiveStartShardId=shards[-1]["ShardId"])["StreamDescription"]
    shards.extend(description["Shards"])

out = sys.stdout
for shard in shards:
    shard_id = shard["ShardId"]
    iterator = call("get_shard_iterator", StreamName=stream, ShardId=shard_id,
                    ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    while iterator:
        answer = call("get_records", ShardIterator=iterator, Limit=10000)
        for record in answer["Records"]:
            try:
                data = record["Data"].decode("utf-8")
            except UnicodeDecodeError:  # e.g. a KPL aggregated record: binary, read by other tools
                data = ""
            out.write(json.dumps({"shard": shard_id, "seq": record["SequenceNumber"],
                                  "partitionKey": record["PartitionKey"], "data": data}) + "\n")
        # An empty answer at the tip means this shard has been read to its current end.
        if not answer["Records"] and answer.get("MillisBehindLatest", 0) == 0:
            break
        iterator = answer.get("NextShardIterator")
out.flush()

// Independent KPL deaggregation for the producer tests, with npm aws-kinesis-agg (the reference
// JavaScript implementation): reads JSON lines {"shardId", "partitionKey", "data" (base64)} of
// Kinesis records from the file in argv[2], writes one JSON line {"shardId", "partitionKey",
// "data" (utf-8), "aggregated"} per user record, checksums verified.
const fs = require('fs');
const agg = require('aws-kinesis-agg');

const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.length > 0);
const out = [];
for (const line of lines) {
  const record = JSON.parse(line);
  const aggregated = Buffer.from(record.data, 'base64').subarray(0, 4).toString('hex') === 'f3899ac2';
  agg.deaggregateSync({ partitionKey: record.partitionKey, data: record.data, sequenceNumber: '1' }, true,
    (err, users) => {
      if (err) {
        console.error(err);
        process.exit(1);
      }
      for (const u of users) {
        out.push(JSON.stringify({ shardId: record.shardId, partitionKey: u.partitionKey,
          data: Buffer.from(u.data, 'base64').toString('utf8'), aggregated }));
      }
    });
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));

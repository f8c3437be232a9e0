// Independent encoder for the tail test: packs user records with npm aws-kinesis-agg (the
// reference JavaScript implementation of the KPL format) and writes the aggregated record with
// @aws-sdk/client-kinesis.
// usage: node put_aggregated.js ENDPOINT STREAM COUNT
const agg = require('aws-kinesis-agg');
const { KinesisClient, PutRecordCommand } = require('@aws-sdk/client-kinesis');
const { NodeHttpHandler } = require('@smithy/node-http-handler');  // the emulators speak HTTP/1.1

const [endpoint, stream, count] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const client = new KinesisClient({
  endpoint, region: 'us-east-1', requestHandler: new NodeHttpHandler(),
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
});
const userRecords = [];
for (let i = 0; i < count; i++) {
  userRecords.push({ partitionKey: `agg-user-${i % 3}`, data: Buffer.from(JSON.stringify({ agg: i })) });
}
const puts = [];
agg.aggregate(userRecords, (encoded, callback) => {
  puts.push(client.send(new PutRecordCommand({
    StreamName: stream, PartitionKey: encoded.partitionKey, ExplicitHashKey: encoded.ExplicitHashKey,
    Data: encoded.data,
  })));
  callback();
}, () => {
  Promise.all(puts).then((r) => { console.log(JSON.stringify({ aggregatedRecords: r.length })); })
    .catch((e) => { console.error(e); process.exit(1); });
}, (err) => { console.error(err); process.exit(1); });

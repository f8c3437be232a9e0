// segment_classic.js: the baseline run_pipeline_bench.sh compares streamhook with. The "Segment
// classic" way to get events into Kinesis: an HTTP receiver in Node that takes the same
// /v1/batch requests and writes every event with its own PutRecord call through the AWS SDK for
// JavaScript v3, answering the request once all of its events are in Kinesis (so events accepted
// are events delivered, as with streamhook's durable acknowledgement plus delivery).
//
//   node bench/baseline/segment_classic.js --port P --endpoint https://127.0.0.1:S --write-key K
//        [--stream events] [--region us-east-1] [--max-sockets 64]
//
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the sink's certificate from
// NODE_EXTRA_CA_CERTS. Listens on 127.0.0.1 only. GET /stats answers the counters as JSON.
'use strict';

const http = require('http');
const https = require('https');
const crypto = require('crypto');
const { KinesisClient, PutRecordCommand } = require('@aws-sdk/client-kinesis');
const { NodeHttpHandler } = require('@smithy/node-http-handler');

function parseArgs(argv) {
  const args = { stream: 'events', region: 'us-east-1', 'max-sockets': '64' };
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  for (const required of ['port', 'endpoint', 'write-key']) {
    if (!args[required]) throw new Error(`--${required} is required`);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const expectedAuth = 'Basic ' + Buffer.from(`${args['write-key']}:`).toString('base64');
const stats = { requests: 0, eventsAccepted: 0, eventsFailed: 0, putRecordCalls: 0 };

// Keep-alive sockets to the sink, as a production receiver would have.
const kinesis = new KinesisClient({
  region: args.region,
  endpoint: args.endpoint,
  maxAttempts: 10,  // the SDK retries throttling and 5xx with backoff
  requestHandler: new NodeHttpHandler({
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: Number(args['max-sockets']) }),
  }),
});

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

// One PutRecord per event; the message as Segment's Kinesis destination writes it.
function deliver(event, receivedAt) {
  event.receivedAt = receivedAt;
  if (!event.messageId) event.messageId = crypto.randomUUID();
  stats.putRecordCalls++;
  return kinesis.send(new PutRecordCommand({
    StreamName: args.stream,
    PartitionKey: String(event.userId || event.anonymousId || event.messageId),
    Data: Buffer.from(JSON.stringify(event)),
  }));
}

function handleBatch(req, res) {
  if (req.headers.authorization !== expectedAuth) return reply(res, 401, { error: 'bad write key' });
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    stats.requests++;
    let batch;
    try {
      batch = JSON.parse(Buffer.concat(chunks).toString('utf8')).batch;
      if (!Array.isArray(batch)) throw new Error('no batch array');
    } catch (e) {
      return reply(res, 400, { error: String(e.message) });
    }
    const receivedAt = new Date().toISOString();
    Promise.all(batch.map((event) => deliver(event, receivedAt))).then(
      () => {
        stats.eventsAccepted += batch.length;
        reply(res, 200, { success: true });
      },
      (e) => {
        stats.eventsFailed += batch.length;
        reply(res, 500, { error: String(e.name || e) });
      });
  });
}

const server = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  if (req.method === 'POST' && req.url === '/v1/batch') return handleBatch(req, res);
  if (req.method === 'GET' && req.url === '/stats') return reply(res, 200, stats);
  reply(res, 404, { error: 'not found' });
});
server.listen(Number(args.port), '127.0.0.1', () => {
  console.log(`segment_classic listening on http://127.0.0.1:${server.address().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.log(JSON.stringify(stats));
    process.exit(0);
  });
}

// kinesis-standin: a Kinesis Data Streams stand-in for tests that, unlike kinesalite and
// kinesis-local, throttles, fails, drops connections and goes down when told to.
//
// usage: node kinesis-standin.js --port P [--shards N] [--strict] [--tls-cert F --tls-key F]
//                                [--plain-port Q]
// Speaks the Kinesis JSON 1.1 protocol on 127.0.0.1:P (HTTPS with --tls-*; --plain-port adds a
// plain HTTP listener, e.g. for the control API when P is HTTPS). Operations: PutRecords,
// PutRecord, ListShards, DescribeStreamSummary, CreateStream, DeleteStream. Streams are created on
// first use with N shards (default 4) unless --strict. Signatures are not checked.
//
// Control API (same port; never subject to faults):
//   POST /_control {throttleShare, internalFailureShare, http500Share, resetShare: 0..1,
//                   delayMs: ms, streamError: "ResourceNotFoundException"|"AccessDeniedException"|null,
//                   down: bool, throttleShards: ["shardId-000000000001", ...],
//                   recordDistribution: "AUTO"|"USER_PARTITION_KEY",
//                   shardRecordsPerSecond: N (each shard's budget, 0 = none)}
//        merges the given fields into the current faults and answers them all; GET /_control reads.
//   GET /_records?stream=S  {"records": [{shardId, sequenceNumber, partitionKey, data, arrivalMs,
//                           accessKeyId}]}
//        in acceptance order; data is base64 as received.
//   GET /_stats             counters (see zeroStats in kinesis-standin-model.js).
//   POST /_reset            clears the records of every stream and the counters (faults stay).
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const path = require('path');

const { ACCOUNT, ApiError, state, operations, applyControl, resetRecordsAndStats, recordsOf } =
  require(path.join(__dirname, 'kinesis-standin-model.js'));

const AMZ_JSON = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'Kinesis_20131202.';
const MAX_BODY_BYTES = 16 << 20;  // above PutRecords' 5 MiB, so oversized calls get a Kinesis error
const liveSockets = new Set();  // sockets that carried a request, for `down`

function parseArgs(argv) {
  const options = { port: 0, shards: 4, strict: false, tlsCert: '', tlsKey: '', plainPort: 0 };
  for (let i = 0; i < argv.length; ++i) {
    const value = () => { if (i + 1 >= argv.length) fail(`${argv[i]} needs a value`); return argv[++i]; };
    switch (argv[i]) {
      case '--port': options.port = Number(value()); break;
      case '--shards': options.shards = Number(value()); break;
      case '--strict': options.strict = true; break;
      case '--tls-cert': options.tlsCert = value(); break;
      case '--tls-key': options.tlsKey = value(); break;
      case '--plain-port': options.plainPort = Number(value()); break;
      default: fail(`unknown argument ${argv[i]}`);
    }
  }
  if (!Number.isInteger(options.port) || options.port <= 0 || options.port > 65535) fail('--port P is required');
  if (!Number.isInteger(options.shards) || options.shards < 1 || options.shards > 1000) fail('--shards is 1..1000');
  if (!options.tlsCert !== !options.tlsKey) fail('--tls-cert and --tls-key go together');
  return options;
}

function fail(message) {
  process.stderr.write(`kinesis-standin: ${message}\n`);
  process.exit(2);
}

const options = parseArgs(process.argv.slice(2));
state.options = { shards: options.shards, strict: options.strict };

// ---- HTTP --------------------------------------------------------------------------------------

function send(res, status, payload, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  const body = payload === undefined ? '' : JSON.stringify(payload);
  res.writeHead(status, { 'Content-Type': AMZ_JSON, 'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': crypto.randomUUID(), ...headers });
  res.end(body);
}

function sendError(res, status, type, message) {
  send(res, status, { __type: type, message }, { 'x-amzn-ErrorType': type });
}

// Destroys the socket without an answer; with an RST where the socket allows it, as a crashed
// front end would, so the client sees a reset rather than a clean close.
function drop(socket) {
  try { socket.resetAndDestroy(); } catch (e) { socket.destroy(); }
}

function parseJsonObject(body) {
  let data;
  try { data = JSON.parse(body.toString('utf8')); } catch (e) { return null; }
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? data : null;
}

function handleKinesis(req, res, body) {
  ++state.stats.requests;
  const target = String(req.headers['x-amz-target'] || '');
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  if (operation === 'PutRecords') ++state.stats.putRecordsCalls;
  if (operation === 'PutRecord') ++state.stats.putRecordCalls;
  const proceed = () => {
    if (req.socket.destroyed) return;  // the client gave up during the delay
    if (state.faults.down) { ++state.stats.downDrops; return drop(req.socket); }
    if (Math.random() < state.faults.http500Share) {
      ++state.stats.http500s;
      return sendError(res, 500, 'InternalFailure', 'Internal service failure (injected by the stand-in).');
    }
    let resetAfterStore = false;
    if (Math.random() < state.faults.resetShare) {
      // Alternate so exactly half of the resets lose only the answer ("response lost" duplicates).
      resetAfterStore = ++state.stats.resets % 2 === 0;
      if (!resetAfterStore) return drop(req.socket);
      ++state.stats.resetsAfterStore;
    }
    const answer = (status, type, message, payload) => {
      if (resetAfterStore) return drop(req.socket);
      return type ? sendError(res, status, type, message) : send(res, 200, payload);
    };
    if (req.method !== 'POST') {
      return answer(400, 'AccessDeniedException', 'Unable to determine service/operation name to be authorized');
    }
    const contentType = String(req.headers['content-type'] || '').split(';')[0].trim();
    if (contentType !== AMZ_JSON) {
      return answer(404, 'UnknownOperationException', `Content-Type must be ${AMZ_JSON}.`);
    }
    if (!Object.hasOwn(operations, operation)) {
      return answer(400, 'UnknownOperationException', `The stand-in does not implement '${target}'; ` +
        'it serves PutRecords, PutRecord, ListShards, DescribeStreamSummary, CreateStream, DeleteStream.');
    }
    if (!String(req.headers.authorization || '').startsWith('AWS4-HMAC-SHA256 Credential=')) {
      return answer(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    const data = parseJsonObject(body);
    if (!data) return answer(400, 'SerializationException', 'The request body is not a JSON object.');
    if (state.faults.streamError) {
      ++state.stats.streamErrors;
      const name = typeof data.StreamName === 'string' ? data.StreamName : 'the stream';
      return answer(400, state.faults.streamError, state.faults.streamError === 'ResourceNotFoundException'
        ? `Stream ${name} under account ${ACCOUNT} not found.`
        : `User: arn:aws:iam::${ACCOUNT}:user/standin is not authorized to perform: kinesis:${operation}.`);
    }
    // Which key signed the request, kept with every record it stores (tests of key rotation).
    // Operations run synchronously, so the value cannot leak into another request.
    const credential = /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization));
    state.requestAccessKeyId = credential ? credential[1] : '';
    let result;
    try {
      result = operations[operation](data);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      return answer(e.status, e.type, e.message);
    }
    return answer(200, null, null, result);
  };
  if (state.faults.delayMs > 0) setTimeout(guarded(res, proceed), state.faults.delayMs);
  else proceed();
}

function handleControl(req, res, body, url) {
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /_control') return send(res, 200, state.faults);
  if (route === 'GET /_stats') return send(res, 200, state.stats);
  if (route === 'POST /_reset') {
    resetRecordsAndStats();
    return send(res, 200, {});
  }
  if (route === 'GET /_records') {
    const name = url.searchParams.get('stream');
    if (!name) return sendError(res, 400, 'ValidationException', 'GET /_records needs ?stream=NAME');
    return send(res, 200, { records: recordsOf(name) });
  }
  if (route === 'POST /_control') {
    const update = parseJsonObject(body);
    if (!update) return sendError(res, 400, 'SerializationException', 'The control body must be a JSON object.');
    const error = applyControl(update);
    if (error) return sendError(res, 400, 'ValidationException', error);
    if (!state.faults.down) return send(res, 200, state.faults);
    // An outage: every open connection goes at once, this one right after its answer.
    for (const socket of liveSockets) if (socket !== req.socket) drop(socket);
    return send(res, 200, state.faults, { Connection: 'close' });
  }
  return sendError(res, 404, 'UnknownOperationException', `no control route ${route}`);
}

// Wraps a handler so that no input can take the process down: a bug answers 500 instead.
function guarded(res, fn) {
  return () => {
    try {
      fn();
    } catch (e) {
      process.stderr.write(`kinesis-standin: ${e && e.stack || e}\n`);
      try {
        sendError(res, 500, 'InternalFailure', 'The stand-in failed on this request.');
      } catch (ignored) { /* the connection is gone */ }
    }
  };
}

function onRequest(req, res) {
  liveSockets.add(req.socket);
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on('error', () => req.socket.destroy());
  req.on('end', guarded(res, () => {
    if (size > MAX_BODY_BYTES) {
      return sendError(res, 413, 'SerializationException', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
    }
    const body = Buffer.concat(chunks);
    const url = new URL(req.url || '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/_')) return handleControl(req, res, body, url);
    return handleKinesis(req, res, body);
  }));
}

function listen(server, port) {
  server.keepAliveTimeout = 30000;  // keep pooled client connections across test steps
  server.on('connection', (socket) => {
    ++state.stats.connections;
    socket.on('close', () => liveSockets.delete(socket));
    socket.on('error', () => {});
  });
  server.on('secureConnection', (socket) => socket.on('close', () => liveSockets.delete(socket)));
  server.on('clientError', (err, socket) => {
    if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.on('error', (err) => fail(`cannot listen on 127.0.0.1:${port}: ${err.message}`));
  server.listen(port, '127.0.0.1', () => process.stdout.write(`kinesis-standin listening on 127.0.0.1:${port}\n`));
}

process.on('uncaughtException', (e) => process.stderr.write(`kinesis-standin: uncaught ${e && e.stack || e}\n`));
process.on('SIGTERM', () => process.exit(0));
// A test that crashes cannot stop us: leave when the parent is gone rather than linger.
const parentPid = process.ppid;
setInterval(() => { if (process.ppid !== parentPid) process.exit(0); }, 1000).unref();

if (options.tlsCert) {
  listen(https.createServer({ cert: fs.readFileSync(options.tlsCert), key: fs.readFileSync(options.tlsKey) },
    onRequest), options.port);
} else {
  listen(http.createServer(onRequest), options.port);
}
if (options.plainPort) listen(http.createServer(onRequest), options.plainPort);

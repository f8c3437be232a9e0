// The state behind kinesis-standin.js: streams and their records, the injected faults, counters,
// and the Kinesis operations, kept apart from HTTP so each file holds one idea.
'use strict';

const crypto = require('crypto');

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const POW_128 = 1n << 128n;
const MAX_RECORD_BYTES = 1 << 20;
const MAX_REQUEST_RECORD_BYTES = 5 << 20;
const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
const STREAM_ARN = /^arn:aws[a-z-]*:kinesis:[a-z0-9-]*:\d{12}:stream\/([a-zA-Z0-9_.-]{1,128})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// ---- state -------------------------------------------------------------------------------------

const SHARE_FIELDS = ['throttleShare', 'internalFailureShare', 'http500Share', 'resetShare'];
const STREAM_ERRORS = ['ResourceNotFoundException', 'AccessDeniedException'];

function zeroStats() {
  // Invariant: recordsReceived = recordsAccepted + recordsThrottled + recordsInternalFailures.
  return {
    connections: 0, requests: 0, putRecordsCalls: 0, putRecordCalls: 0, recordsReceived: 0,
    recordsAccepted: 0, recordsThrottled: 0, recordsInternalFailures: 0, http500s: 0, resets: 0,
    resetsAfterStore: 0, downDrops: 0, streamErrors: 0,
  };
}

// Everything that changes at run time. kinesis-standin.js sets `options` from its arguments.
const state = {
  requestAccessKeyId: '',  // the key id that signed the request being handled
  options: { shards: 4, strict: false },
  faults: {
    throttleShare: 0, internalFailureShare: 0, http500Share: 0, resetShare: 0, delayMs: 0,
    streamError: null, down: false, throttleShards: [],
    // Records per second each shard takes (0: no limit), as Kinesis enforces its per-shard
    // budget: a token bucket holding one second's worth; what finds it empty is throttled. Set it
    // below 1,000 to play a shard that other writers share.
    shardRecordsPerSecond: 0,
    // 'AUTO': streams report themselves on-demand with the AUTO record distribution strategy and
    // put each record on a random shard, ignoring partition keys, as Kinesis then may.
    recordDistribution: 'USER_PARTITION_KEY',
  },
  stats: zeroStats(),
  streams: new Map(),
};

// Shard i of N covers [i*floor(2^128/N), (i+1)*floor(2^128/N) - 1]; the last one ends at 2^128-1,
// exactly as Kinesis and kinesalite split a new stream.
function makeStream(name, shardCount) {
  const step = POW_128 / BigInt(shardCount);
  const shards = [];
  for (let i = 0; i < shardCount; ++i) {
    const start = step * BigInt(i);
    const end = i < shardCount - 1 ? step * BigInt(i + 1) - 1n : POW_128 - 1n;
    shards.push({ id: 'shardId-' + String(i).padStart(12, '0'), index: i, start, end, lastSeq: 0n });
  }
  return { name, shards, step, records: [], createdMs: Date.now() };
}

// 56 digits like real sequence numbers; equal length keeps string order = numeric order.
function sequenceNumber(shardIndex, n) {
  return '49' + String(shardIndex).padStart(4, '0') + n.toString().padStart(50, '0');
}

class ApiError extends Error {
  constructor(status, type, message) { super(message); this.status = status; this.type = type; }
}
const validation = (m) => new ApiError(400, 'ValidationException', m);
const invalidArgument = (m) => new ApiError(400, 'InvalidArgumentException', m);
const serialization = (m) => new ApiError(400, 'SerializationException', m);
// AWS's wording for a field that breaks a constraint of the API model.
const constraint = (field, rule, value = '') =>
  validation(`Value ${value ? value + ' ' : ''}at '${field}' failed to satisfy constraint: Member must ${rule}`);
const notFound = (name) => new ApiError(400, 'ResourceNotFoundException',
  `Stream ${name} under account ${ACCOUNT} not found.`);

function streamNameOf(data) {
  if (data.StreamARN != null) {
    const m = typeof data.StreamARN === 'string' && STREAM_ARN.exec(data.StreamARN);
    if (!m) throw validation(`StreamARN ${JSON.stringify(data.StreamARN)} is not a Kinesis stream ARN.`);
    return m[1];
  }
  if (data.StreamName == null) throw validation('Either StreamName or StreamARN should be provided.');
  if (typeof data.StreamName !== 'string') throw serialization('StreamName must be a string.');
  if (!STREAM_NAME.test(data.StreamName)) {
    throw validation(`Value '${data.StreamName}' at 'streamName' failed to satisfy constraint: ` +
      'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and length 1..128');
  }
  return data.StreamName;
}

function getStream(name) {
  let stream = state.streams.get(name);
  if (!stream && !state.options.strict) {
    stream = makeStream(name, state.options.shards);
    state.streams.set(name, stream);
  }
  if (!stream) throw notFound(name);
  return stream;
}

// ---- records -----------------------------------------------------------------------------------

// Checks one record as Kinesis does and finds its shard: MD5(partition key) as a big-endian
// 128-bit number, or the ExplicitHashKey, falls in exactly one shard's range.
function placeRecord(stream, r, where) {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw serialization(`${where} must be an object.`);
  if (r.PartitionKey == null) throw constraint(`${where}.partitionKey`, 'not be null', 'null');
  if (typeof r.PartitionKey !== 'string') throw serialization(`${where}.PartitionKey must be a string.`);
  const keyLength = [...r.PartitionKey].length;
  if (keyLength < 1 || keyLength > 256) {
    throw constraint(`${where}.partitionKey`, 'have length between 1 and 256');
  }
  if (r.Data == null) throw constraint(`${where}.data`, 'not be null', 'null');
  if (typeof r.Data !== 'string' || !BASE64.test(r.Data)) throw serialization(`${where}.Data is not valid base64.`);
  const bytes = Buffer.byteLength(r.Data, 'base64');
  if (bytes > MAX_RECORD_BYTES) {
    throw constraint(`${where}.data`, `have length less than or equal to ${MAX_RECORD_BYTES}`);
  }
  let hash;
  if (r.ExplicitHashKey != null) {
    const text = r.ExplicitHashKey;
    if (typeof text !== 'string' || !/^(0|[1-9][0-9]{0,38})$/.test(text) || BigInt(text) >= POW_128) {
      throw invalidArgument('Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. ' +
        `Specified value was ${JSON.stringify(text)}`);
    }
    hash = BigInt(text);
  } else {
    hash = BigInt('0x' + crypto.createHash('md5').update(r.PartitionKey, 'utf8').digest('hex'));
  }
  let index = Number(hash / stream.step < BigInt(stream.shards.length) ? hash / stream.step
    : BigInt(stream.shards.length - 1));
  if (state.faults.recordDistribution === 'AUTO') index = Math.floor(Math.random() * stream.shards.length);
  return { shard: stream.shards[index], partitionKey: r.PartitionKey, data: r.Data,
    bytes: bytes + Buffer.byteLength(r.PartitionKey) };
}

// The injected per-record failure for a placed record, or null to accept it.
// Takes one record from the shard's bucket; false when the shard's per-second budget is spent.
function takeShardCapacity(shard) {
  const rate = state.faults.shardRecordsPerSecond;
  if (rate === 0) return true;
  const now = Date.now();
  if (shard.bucketRate !== rate) {  // first use, or the budget changed: start full
    shard.bucketRate = rate;
    shard.tokens = rate;
    shard.tokensMs = now;
  }
  shard.tokens = Math.min(rate, shard.tokens + (rate * (now - shard.tokensMs)) / 1000);
  shard.tokensMs = now;
  if (shard.tokens < 1) return false;
  shard.tokens -= 1;
  return true;
}

function recordFault(stream, placed) {
  ++state.stats.recordsReceived;
  if (state.faults.throttleShards.includes(placed.shard.id) || Math.random() < state.faults.throttleShare ||
      !takeShardCapacity(placed.shard)) {
    ++state.stats.recordsThrottled;
    return { ErrorCode: 'ProvisionedThroughputExceededException',
      ErrorMessage: `Rate exceeded for shard ${placed.shard.id} in stream ${stream.name} under account ${ACCOUNT}.` };
  }
  if (Math.random() < state.faults.internalFailureShare) {
    ++state.stats.recordsInternalFailures;
    return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' };
  }
  return null;
}

function store(stream, placed) {
  placed.shard.lastSeq += 1n;
  const seq = sequenceNumber(placed.shard.index, placed.shard.lastSeq);
  stream.records.push({ shardId: placed.shard.id, sequenceNumber: seq, partitionKey: placed.partitionKey,
    data: placed.data, arrivalMs: Date.now(), accessKeyId: state.requestAccessKeyId });
  ++state.stats.recordsAccepted;
  return { SequenceNumber: seq, ShardId: placed.shard.id };
}

// ---- operations --------------------------------------------------------------------------------

const operations = {
  PutRecords(data) {
    const stream = getStream(streamNameOf(data));
    if (data.Records == null) throw constraint('records', 'not be null', 'null');
    if (!Array.isArray(data.Records)) throw serialization('Records must be a list.');
    if (data.Records.length < 1 || data.Records.length > 500) {
      throw constraint('records', 'have length between 1 and 500');
    }
    // Every record is checked before any is stored: an invalid one fails the whole call.
    const placed = data.Records.map((r, i) => placeRecord(stream, r, `records.${i + 1}.member`));
    if (placed.reduce((sum, p) => sum + p.bytes, 0) > MAX_REQUEST_RECORD_BYTES) {
      throw invalidArgument('Records size exceeds 5 MB limit');
    }
    let failed = 0;
    const results = placed.map((p) => {
      const fault = recordFault(stream, p);
      if (fault) ++failed;
      return fault || store(stream, p);
    });
    return { FailedRecordCount: failed, Records: results, EncryptionType: 'NONE' };
  },

  PutRecord(data) {
    const stream = getStream(streamNameOf(data));
    const placed = placeRecord(stream, data, 'record');
    const fault = recordFault(stream, placed);
    if (fault) {
      throw new ApiError(fault.ErrorCode === 'InternalFailure' ? 500 : 400, fault.ErrorCode, fault.ErrorMessage);
    }
    return { ...store(stream, placed), EncryptionType: 'NONE' };
  },

  ListShards(data) {
    let name, offset = 0;
    if (data.NextToken != null) {
      if (data.StreamName != null || data.StreamARN != null) {
        throw invalidArgument('NextToken and StreamName cannot be provided together.');
      }
      let token = null;
      try { token = JSON.parse(Buffer.from(String(data.NextToken), 'base64').toString()); } catch (e) { /* below */ }
      const valid = token && typeof token.s === 'string' && STREAM_NAME.test(token.s) &&
        Number.isInteger(token.o) && token.o >= 0;
      if (!valid) {
        throw invalidArgument('Invalid NextToken.');
      }
      [name, offset] = [token.s, token.o];
    } else {
      name = streamNameOf(data);
    }
    const stream = getStream(name);
    if (typeof data.ExclusiveStartShardId === 'string') {
      offset = stream.shards.filter((s) => s.id <= data.ExclusiveStartShardId).length;
    }
    const max = data.MaxResults == null ? 1000 : data.MaxResults;
    if (!Number.isInteger(max) || max < 1 || max > 10000) {
      throw constraint('maxResults', 'have value between 1 and 10000');
    }
    const out = { Shards: stream.shards.slice(offset, offset + max).map((s) => ({
      ShardId: s.id,
      HashKeyRange: { StartingHashKey: s.start.toString(), EndingHashKey: s.end.toString() },
      SequenceNumberRange: { StartingSequenceNumber: sequenceNumber(s.index, 0n) },
    })) };
    if (offset + max < stream.shards.length) {
      out.NextToken = Buffer.from(JSON.stringify({ s: name, o: offset + max })).toString('base64');
    }
    return out;
  },

  DescribeStreamSummary(data) {
    const stream = getStream(streamNameOf(data));
    const auto = state.faults.recordDistribution === 'AUTO';
    const summary = {
      StreamName: stream.name, StreamARN: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${stream.name}`,
      StreamStatus: 'ACTIVE', StreamModeDetails: { StreamMode: auto ? 'ON_DEMAND' : 'PROVISIONED' },
      RetentionPeriodHours: 24, StreamCreationTimestamp: Math.floor(stream.createdMs / 1000),
      EnhancedMonitoring: [{ ShardLevelMetrics: [] }], EncryptionType: 'NONE',
      OpenShardCount: stream.shards.length, ConsumerCount: 0,
    };
    // Only on-demand streams carry the field.
    if (auto) summary.RecordDistributionStrategy = 'AUTO';
    return { StreamDescriptionSummary: summary };
  },

  CreateStream(data) {
    const name = streamNameOf(data);
    const count = data.ShardCount == null ? state.options.shards : data.ShardCount;
    if (!Number.isInteger(count) || count < 1) {
      throw constraint('shardCount', 'have value greater than or equal to 1');
    }
    if (count > 1000) throw new ApiError(400, 'LimitExceededException', 'The stand-in allows at most 1000 shards.');
    if (state.streams.has(name)) {
      throw new ApiError(400, 'ResourceInUseException', `Stream ${name} under account ${ACCOUNT} already exists.`);
    }
    state.streams.set(name, makeStream(name, count));
    return undefined;
  },

  DeleteStream(data) {
    const name = streamNameOf(data);
    if (!state.streams.delete(name)) throw notFound(name);
    return undefined;
  },
};

// Merges a control update into the faults; returns an error message, or null when applied.
function applyControl(update) {
  const next = { ...state.faults };
  for (const [key, value] of Object.entries(update)) {
    if (SHARE_FIELDS.includes(key)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) return `${key} must be a number from 0 to 1`;
    } else if (key === 'shardRecordsPerSecond') {
      if (!Number.isInteger(value) || value < 0 || value > 1000000) {
        return 'shardRecordsPerSecond must be a whole number from 0 (no limit) to 1000000';
      }
    } else if (key === 'delayMs') {
      if (typeof value !== 'number' || !(value >= 0 && value <= 600000)) return 'delayMs must be 0..600000';
    } else if (key === 'streamError') {
      if (value !== null && !STREAM_ERRORS.includes(value)) {
        return `streamError must be null or one of ${STREAM_ERRORS.join(', ')}`;
      }
    } else if (key === 'recordDistribution') {
      if (value !== 'AUTO' && value !== 'USER_PARTITION_KEY') {
        return 'recordDistribution must be "AUTO" or "USER_PARTITION_KEY"';
      }
    } else if (key === 'down') {
      if (typeof value !== 'boolean') return 'down must be true or false';
    } else if (key === 'throttleShards') {
      if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) {
        return 'throttleShards must be a list of shard ids';
      }
    } else {
      return `unknown control field '${key}'; known: ${Object.keys(state.faults).join(', ')}`;
    }
    next[key] = value;
  }
  state.faults = next;
  return null;
}

// Clears the records of every stream and the counters; streams, sequence numbers and faults stay.
function resetRecordsAndStats() {
  for (const stream of state.streams.values()) stream.records = [];
  state.stats = zeroStats();
}

// The accepted records of a stream in acceptance order ([] for an unknown stream).
function recordsOf(name) {
  const stream = state.streams.get(name);
  return stream ? stream.records : [];
}

module.exports = { ACCOUNT, STREAM_ERRORS, ApiError, state, operations, applyControl, resetRecordsAndStats, recordsOf };

#!/usr/bin/env node
// Sends scripts/demo's events to a running streamhook, the way real senders would:
//   - a handful of users' Segment calls (identify, page, screen, track, group, alias) through the
//     real @segment/analytics-node client, which batches them to POST /v1/batch;
//   - Netmera-style custom events (POST /v1/events) and message delivery logs
//     (POST /v1/message-logs), posted directly.
// It prints one line per event, fails (exit 1) if streamhook refuses anything, and writes a JSON
// summary to --summary FILE: how many events of each kind were sent and how many records each
// demo hook should deliver (so the caller can wait for exactly that many).
//
// Usage: STREAMHOOK_WRITE_KEY=wk_... node scripts/demo-events.js --url http://127.0.0.1:PORT \
//          --order-codes '["Order Completed","purchase"]' --summary FILE
// The write key comes from the environment, not argv, so it does not show up in `ps`.
'use strict';

const fs = require('fs');
const path = require('path');
const { Analytics } = require(path.join(__dirname, '..', 'node_modules', '@segment', 'analytics-node'));

function parseArgs(argv) {
  const args = { url: '', orderCodes: [], summary: '' };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--url') args.url = value.replace(/\/+$/, '');
    else if (flag === '--order-codes') args.orderCodes = JSON.parse(value);
    else if (flag === '--summary') args.summary = value;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!args.url) throw new Error('--url is required');
  if (!process.env.STREAMHOOK_WRITE_KEY) throw new Error('set STREAMHOOK_WRITE_KEY to the source write key');
  return args;
}

// Timestamps spread over the last few minutes, oldest first, so the records read like a session.
const startMs = Date.now() - 5 * 60 * 1000;
let tick = 0;
const nextTime = () => new Date(startMs + (tick += 7) * 1000);

const users = [
  { userId: 'u-1001', traits: { name: 'Ada Lovelace', email: 'ada@example.com', plan: 'pro' }, device: 'web' },
  { userId: 'u-1002', traits: { name: 'Grace Hopper', email: 'grace@example.com', plan: 'free' }, device: 'ios' },
  { userId: 'u-1003', traits: { name: 'Alan Turing', email: 'alan@example.com', plan: 'free' }, device: 'web' },
  { userId: 'u-1004', traits: { name: 'Katherine Johnson', email: 'kj@example.com', plan: 'team' }, device: 'android' },
];
const products = [
  { product_id: 'sku-42', name: 'Mechanical Keyboard', price: 129.0, category: 'Accessories' },
  { product_id: 'sku-77', name: 'USB-C Dock', price: 89.5, category: 'Accessories' },
  { product_id: 'sku-13', name: '27" Monitor', price: 319.99, category: 'Displays' },
];

// The Segment calls of the demo, as [method, params]; the client adds messageId and context.
function segmentCalls() {
  const calls = [];
  const anonymousId = 'anon-7f3c2a9e';
  users.forEach((user, i) => {
    const product = products[i % products.length];
    const context = user.device === 'web'
      ? { ip: '203.0.113.' + (10 + i), userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' }
      : { device: { type: user.device, model: user.device === 'ios' ? 'iPhone15,2' : 'Pixel 8' },
          app: { name: 'Shop', version: '4.2.0' } };
    calls.push(['identify', { userId: user.userId, traits: user.traits, context, timestamp: nextTime() }]);
    if (user.device === 'web') {
      calls.push(['page', { userId: user.userId, category: 'Shop', name: 'Home', context, timestamp: nextTime(),
        properties: { path: '/', url: 'https://shop.example.com/', referrer: 'https://www.google.com/' } }]);
    } else {
      calls.push(['screen', { userId: user.userId, name: 'Product Detail', context, timestamp: nextTime(),
        properties: { productId: product.product_id } }]);
    }
    calls.push(['track', { userId: user.userId, event: 'Product Viewed', context, timestamp: nextTime(),
      properties: { ...product, currency: 'USD' } }]);
    calls.push(['track', { userId: user.userId, event: 'Product Added', context, timestamp: nextTime(),
      properties: { ...product, quantity: 1, cart_id: `cart-${user.userId}` } }]);
    if (i !== 2) {  // Alan abandons his cart
      calls.push(['track', { userId: user.userId, event: 'Order Completed', context, timestamp: nextTime(),
        properties: { order_id: `ord-${5000 + i}`, total: product.price, revenue: product.price, currency: 'USD',
          products: [{ ...product, quantity: 1 }] } }]);
    }
  });
  calls.push(['group', { userId: 'u-1001', groupId: 'acme-inc', timestamp: nextTime(),
    traits: { name: 'Acme Inc.', industry: 'Manufacturing', employees: 420 } }]);
  calls.push(['group', { userId: 'u-1004', groupId: 'acme-inc', timestamp: nextTime(), traits: { name: 'Acme Inc.' } }]);
  // An anonymous visitor browses, then signs up: alias joins the two identities.
  calls.push(['page', { anonymousId, name: 'Pricing', timestamp: nextTime(), properties: { path: '/pricing' } }]);
  calls.push(['track', { anonymousId, event: 'Signed Up', timestamp: nextTime(), properties: { method: 'email' } }]);
  calls.push(['alias', { previousId: anonymousId, userId: 'u-1005', timestamp: nextTime() }]);
  calls.push(['identify', { userId: 'u-1005', timestamp: nextTime(),
    traits: { name: 'Edsger Dijkstra', email: 'edsger@example.com', plan: 'free' } }]);
  return calls;
}

// Netmera-style custom events: {code, userId | extId, ...attributes}.
function netmeraEvents() {
  const at = () => nextTime().toISOString();
  return [
    { code: 'login', userId: 'u-1002', timestamp: at(), platform: 'ios' },
    { code: 'addToCart', userId: 'u-1002', timestamp: at(), productId: 'sku-77', quantity: 2 },
    { code: 'purchase', userId: 'u-1002', timestamp: at(), orderId: 'ord-6001', revenue: 179.0, currency: 'USD' },
    { code: 'login', extId: 'crm-88213', timestamp: at(), platform: 'android' },
    { code: 'purchase', extId: 'crm-88213', timestamp: at(), orderId: 'ord-6002', revenue: 24.5, currency: 'EUR' },
    { code: 'appRated', userId: 'u-1004', timestamp: at(), stars: 5 },
  ];
}

// A push campaign's delivery logs: one message has several (sent, delivered, opened, clicked).
function messageLogs() {
  const logs = [];
  const campaign = 'spring-sale-2026';
  const outcomes = { 'u-1001': ['sent', 'delivered', 'opened', 'clicked'], 'u-1002': ['sent', 'delivered', 'opened'],
    'u-1003': ['sent', 'delivered'], 'u-1004': ['sent', 'failed'] };
  for (const [userId, statuses] of Object.entries(outcomes)) {
    const messageId = `msg-${campaign}-${userId}`;
    for (const status of statuses) {
      logs.push({ messageId, campaign, channel: 'push', status, userId, time: nextTime().toISOString(),
        ...(status === 'failed' ? { error: 'device token expired' } : {}) });
    }
  }
  return logs;
}

function describe(method, params) {
  const who = params.userId || params.anonymousId;
  const what = params.event || params.name || params.groupId ||
    (params.previousId ? `${params.previousId} -> ${params.userId}` : '') ||
    (params.traits ? `${params.traits.name} <${params.traits.email}>, plan ${params.traits.plan}` : '');
  return `  ${method.padEnd(9)} ${String(who).padEnd(14)} ${what}`;
}

// Sends the Segment calls through the official client and resolves once every one is acknowledged.
async function sendSegmentCalls(url, writeKey, calls) {
  const analytics = new Analytics({ writeKey, host: url, path: '/v1/batch', flushAt: 10, flushInterval: 200,
    maxRetries: 2, httpRequestTimeout: 10000 });
  const failures = [];
  analytics.on('http_response', (response) => {
    if (response.status !== 200) failures.push(`HTTP ${response.status} from /v1/batch: ${response.body}`);
  });
  const acknowledged = calls.map(([method, params]) => new Promise((resolve) => {
    console.log(describe(method, params));
    analytics[method](params, (err) => {
      if (err) failures.push(`${method}: ${err.reason || err.message || err}`);
      resolve();
    });
  }));
  await analytics.closeAndFlush({ timeout: 30000 });
  await Promise.race([Promise.all(acknowledged), new Promise((r) => setTimeout(r, 1000))]);
  if (failures.length > 0) throw new Error(`streamhook refused Segment calls:\n    ${[...new Set(failures)].join('\n    ')}`);
}

// POSTs a JSON array to one of the Netmera-style endpoints; throws unless streamhook says success.
async function postList(url, route, writeKey, items) {
  const response = await fetch(url + route, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json',
      Authorization: 'Basic ' + Buffer.from(writeKey + ':').toString('base64') },
    body: JSON.stringify(items),
  });
  const text = await response.text();
  let body = {};
  try { body = JSON.parse(text); } catch { /* reported below */ }
  if (response.status !== 200 || body.success !== true) {
    throw new Error(`POST ${route} returned HTTP ${response.status}: ${text}`);
  }
  console.log(`  POST ${route}: HTTP ${response.status} ${text}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const writeKey = process.env.STREAMHOOK_WRITE_KEY;
  const orderCodes = new Set(args.orderCodes);

  const calls = segmentCalls();
  console.log(`Segment calls through @segment/analytics-node (${calls.length}, batched to POST /v1/batch):`);
  await sendSegmentCalls(args.url, writeKey, calls);
  console.log(`  all ${calls.length} acknowledged by streamhook`);

  const events = netmeraEvents();
  console.log(`\nNetmera custom events (${events.length}):`);
  for (const e of events) console.log(`  event     ${String(e.userId || e.extId).padEnd(14)} ${e.code}`);
  await postList(args.url, '/v1/events', writeKey, events);

  const logs = messageLogs();
  console.log(`\nMessage delivery logs (${logs.length}):`);
  for (const l of logs) console.log(`  ${l.channel.padEnd(9)} ${l.userId.padEnd(14)} ${l.campaign} ${l.status}`);
  await postList(args.url, '/v1/message-logs', writeKey, logs);

  // What the demo's hooks should deliver: the "all" hook takes everything; the orders hook takes
  // TRACK and EVENT whose event name / code is one of the order codes.
  const orders = calls.filter(([m, p]) => m === 'track' && orderCodes.has(p.event)).length +
    events.filter((e) => orderCodes.has(e.code)).length;
  const summary = { segmentCalls: calls.length, netmeraEvents: events.length, messageLogs: logs.length,
    total: calls.length + events.length + logs.length, expected: { all: calls.length + events.length + logs.length, orders } };
  if (args.summary) fs.writeFileSync(args.summary, JSON.stringify(summary) + '\n');
  console.log(`\nSent ${summary.total} events.`);
}

main().catch((err) => {
  console.error(`demo-events: ${err.message}`);
  process.exit(1);
});

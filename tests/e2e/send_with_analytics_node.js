// Sends a realistic mix of Segment calls to a streamhook server with the real Segment client
// library (@segment/analytics-node), the way a customer's backend would.
//
// usage: node send_with_analytics_node.js SOURCE_DIR HOST WRITE_KEY USERS RUN_TAG
// Each user runs the same script of calls (identify, page, tracks, screen, group, alias), one step
// per round for all users at once; a round starts only once the previous one was acknowledged, so
// every user's calls reach the server in their order even though the library sends batches
// concurrently. Prints one JSON line per call:
//   {"messageId", "type", "event", "key", "order", "ok", "error"}
// where key is the expected partition key (userId || anonymousId) and order a global counter
// giving each user's send order. Exits 0 once closeAndFlush() returns.
'use strict';

const path = require('path');

const [sourceDir, host, writeKey, usersArg, runTag] = process.argv.slice(2);
const { Analytics } = require(path.join(sourceDir, 'node_modules/@segment/analytics-node'));

const users = Number(usersArg);
// flushAt below the users per round makes the library split each round into several batches.
const analytics = new Analytics({
  writeKey,
  host,
  path: '/v1/batch',
  flushAt: 12,
  flushInterval: 100,
  maxRetries: 2,
  httpRequestTimeout: 20000,
});

// Even users are identified (userId), odd ones anonymous (anonymousId only).
function identity(u) {
  return u % 2 === 0 ? { userId: `user-${runTag}-${u}` } : { anonymousId: `anon-${runTag}-${u}` };
}

// The per-user script: each step returns [method, params] or null to skip the step for that user.
const steps = [
  (u) => ['identify', { traits: { email: `u${u}@example.com`, name: `User ${u}`, plan: u % 3 ? 'free' : 'pro' } }],
  (u) => ['page', { category: 'Docs', name: 'Getting Started', properties: { path: '/docs', referrer: 'search' } }],
  (u) => ['track', { event: 'Product Viewed', properties: { sku: `sku-${u % 7}`, price: 19.99 } }],
  (u) => (u % 3 === 0 ? ['track', { event: 'Order Completed', properties: { orderId: `o-${u}`, total: 42.5 } }] : null),
  (u) => ['screen', { name: 'Checkout', properties: { step: 2 } }],
  (u) => ['group', { groupId: `company-${u % 4}`, traits: { name: `Company ${u % 4}`, employees: 10 + u } }],
  (u) => (u % 5 === 0 ? ['track', { event: 'purchase', properties: { amount: u, currency: 'EUR' } }] : null),
  (u) => ['track', { event: 'Product Viewed', properties: { sku: `sku-${(u + 1) % 7}` } }],
  (u) => (u % 2 === 0 ? ['alias', { previousId: `anon-${runTag}-${u}` }] : null),
  (u) => ['track', { event: 'Signed Out' }],
];

let order = 0;
const lines = [];

function send(u, stepIndex) {
  const step = steps[stepIndex](u);
  if (!step) return Promise.resolve();
  const [method, params] = step;
  const who = identity(u);
  const messageId = `${runTag}-u${u}-s${stepIndex}`;
  const line = {
    messageId,
    type: method,
    event: method === 'track' ? params.event : null,
    key: who.userId || who.anonymousId,
    order: order++,
  };
  return new Promise((resolve) => {
    analytics[method]({ ...who, ...params, messageId }, (err) => {
      line.ok = !err;
      line.error = err ? String(err && (err.message || err)) : null;
      lines.push(line);
      resolve();
    });
  });
}

async function main() {
  for (let s = 0; s < steps.length; ++s) {
    const round = [];
    for (let u = 0; u < users; ++u) round.push(send(u, s));
    await Promise.all(round);
  }
  await analytics.closeAndFlush({ timeout: 30000 });
  lines.sort((a, b) => a.order - b.order);
  for (const line of lines) process.stdout.write(JSON.stringify(line) + '\n');
}

main().catch((err) => {
  process.stderr.write(`send_with_analytics_node: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});

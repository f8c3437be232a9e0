// Launches Debian's Chromium (/usr/bin/chromium, from scripts/install-deps) through playwright-core,
// headless, with what this machine needs: no sandbox when root, and none of Chromium's background
// connections (the network here is closed; they would fail, many at a time, at every start).
// Nothing downloads a browser.
//   const { launchChromium } = require('./browser');
//   const browser = await launchChromium({ ignoreHTTPSErrors: false, caCertFile: 'ca.pem' });
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.STREAMHOOK_CHROMIUM || '/usr/bin/chromium';

// options.args: more command-line flags (e.g. to trust a test certificate authority, pass
// --ignore-certificate-errors-spki-list=<hash>). Returns { browser, close() }; close() also
// removes the temporary profile.
async function launchChromium(options = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'streamhook-chromium-'));
  const args = [
    '--headless=new', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-default-apps', '--disable-features=Translate,OptimizationHints,MediaRouter',
    ...(process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []),
    ...(options.args || []),
  ];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    ignoreHTTPSErrors: options.ignoreHTTPSErrors || false,
    viewport: options.viewport || { width: 1280, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

module.exports = { launchChromium, CHROMIUM };

// Fails the whole browser suite at once, with one clear line, when Chromium is
// missing: CI must go red rather than skip the browser tests.
const fs = require('node:fs');

module.exports = async function globalSetup() {
  const executable = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(executable)) {
    throw new Error(
      `Chromium not found at ${executable}: the browser suite needs Debian's Chromium ` +
        '(apt-get update && apt-get install -y chromium), or CHROMIUM_PATH set to a Chromium binary. ' +
        'Never a browser download (no "npx playwright install").',
    );
  }
};

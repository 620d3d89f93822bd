// The browser suite: its own Jest project (npm run test:browser), kept out of
// `npm test`. One file at a time (--runInBand): each file starts its own server
// and Chromium, and two Chromiums on a 2-core machine only slow each other down.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/browser/global-setup.js',
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(marked|@faker-js|marked-highlight|marked-katex-extension)/)'],
  testTimeout: 120000,
};
